"""Audit files for a batch: ``--report FILE.csv`` and ``--summary FILE.json``.

The CSV has one row per input, written as each answer arrives (a batch stopped
half-way leaves the rows it has). It is UTF-8 with a byte-order mark, so that
Excel opens Korean names correctly, and cells that a spreadsheet would run as a
formula are defused (OWASP "CSV injection"): file names come from strangers. The
summary is one JSON object written when the batch ends.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import IO

from docsec import __version__
from docsec.policy import VerifyPolicy
from docsec.result import Verdict, VerificationResult
from docsec_cli._errors import CLIUsageError
from docsec_cli._i18n import tr

__all__ = [
    "CSV_COLUMNS",
    "SUMMARY_VERSION",
    "CsvReport",
    "Summary",
    "open_output",
    "write_summary",
]

#: The report's columns, in order.
CSV_COLUMNS = (
    "file",
    "sha256",
    "verdict",
    "reasons",
    "document_number",
    "holder",
    "issuer",
    "signed_date",
    "verified_at",
)
#: Version of the summary's form (docs/verification-summary.schema.json).
SUMMARY_VERSION = 1
#: A spreadsheet treats a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def open_output(path: Path, option: str, *, encoding: str) -> IO[str]:
    """Open an audit file for writing before any input is verified.

    Raises
    ------
    CLIUsageError
        If the file cannot be created (missing folder, no permission, a folder).
    """
    try:
        return path.open("w", encoding=encoding, newline="")
    except OSError as exc:
        raise CLIUsageError(
            tr(
                "cannot write the {option} file {path}: {error} (check that its "
                "folder exists and is writable)"
            ).format(option=option, path=path, error=exc.strerror or exc)
        ) from exc


def _cell(text: str) -> str:
    """Return ``text`` safe for a spreadsheet cell (a leading ' stops formulas)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


class CsvReport:
    """One CSV row per input; see :data:`CSV_COLUMNS`."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._writer = csv.writer(stream)
        self._writer.writerow(CSV_COLUMNS)

    def add(self, result: VerificationResult) -> None:
        """Write the row of one input and flush it to the file."""
        fields: dict[str, str] = {}
        issuer = signed = ""
        if result.content is not None:
            fields = result.content.field_map()
            issuer = result.content.issuer
            if result.content.signature_date is not None:
                signed = result.content.signature_date.isoformat()
        self._writer.writerow(
            [
                _cell(result.input or "-"),
                result.input_sha256 or "",
                result.verdict.value,
                ";".join(result.reasons),
                _cell(fields.get("DOCUMENT_NUMBER", "")),
                _cell(fields.get("HOLDER_NAME", "")),
                _cell(issuer),
                signed,
                "" if result.verified_at is None else result.verified_at.isoformat(),
            ]
        )
        self._stream.flush()

    def close(self) -> None:
        """Close the file."""
        self._stream.close()


class Summary:
    """Counts per verdict and per reason, and the inputs that were not authentic."""

    def __init__(self, policy: VerifyPolicy, started: datetime) -> None:
        self._policy = policy
        self._started = started
        self.verdicts: Counter[str] = Counter({v.value: 0 for v in Verdict})
        self.reasons: Counter[str] = Counter()
        self._failures: list[dict[str, object]] = []

    def add(self, result: VerificationResult) -> None:
        """Count one input's answer."""
        verdict = result.verdict
        self.verdicts[verdict.value] += 1
        self.reasons.update(result.reasons)
        if verdict is not Verdict.AUTHENTIC:
            failure: dict[str, object] = {
                "input": result.input,
                "input_sha256": result.input_sha256,
                "verdict": verdict.value,
                "reasons": list(result.reasons),
            }
            if result.error is not None:
                failure["error"] = result.error
            self._failures.append(failure)

    def to_dict(
        self,
        *,
        finished: datetime,
        at: str | None,
        options: dict[str, object],
        exit_code: int,
    ) -> dict[str, object]:
        """Return the summary (docs/verification-summary.schema.json)."""
        policy = self._policy
        return {
            "summary_version": SUMMARY_VERSION,
            "docsec_version": __version__,
            "trust_store_id": policy.trust.fingerprint,
            "policy": {
                "name": policy.name,
                "required": sorted(policy.required),
                "accept_scanned_pdf": policy.accept_scanned_pdf,
                "cdp_keys": [k.key_id for k in policy.cdp_keys],
                "watermark_keys": [k.key_id for k in policy.watermark_keys],
                "max_bytes": policy.max_bytes,
                **options,
            },
            "at": at,
            "started_at": self._started.isoformat(),
            "finished_at": finished.isoformat(),
            "inputs": sum(self.verdicts.values()),
            "verdicts": dict(self.verdicts),
            "reasons": dict(sorted(self.reasons.items())),
            "failures": self._failures,
            "exit_code": exit_code,
        }


def write_summary(stream: IO[str], summary: dict[str, object]) -> None:
    """Write the summary as indented UTF-8 JSON and close the file."""
    with stream:
        json.dump(summary, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
