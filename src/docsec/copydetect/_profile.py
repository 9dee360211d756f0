"""Per-installation calibration: a profile of one counter printer and scanner.

An office that prints certificates at its counter on a known printer and checks
them on a known scanner sees a much narrower spread of original fidelities than
the default thresholds must allow for (every printer, renderer and channel
family). A profile records that spread, measured on a few genuine prints, and
raises ``copy_below`` towards it, so that more copies of *those* prints are
decided COPY instead of INCONCLUSIVE.

A profile can only tighten: its ``copy_below`` is never below the default one
(checked again, against the running docsec's defaults, whenever a profile is
loaded or applied) and it never lowers ``original_above``, so nothing the
default calls COPY becomes ORIGINAL and nothing the default calls INCONCLUSIVE
becomes ORIGINAL. It only applies to scans of the same module size and
resolution class as the calibration scans; otherwise the default decides.

The digest (SHA-256 over the canonical JSON of every other field) detects
accidental edits and truncation; it is not a signature: whoever may write the
profile file can change what the verifier decides, as with any configuration.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docsec.copydetect._thresholds import THRESHOLDS
from docsec.errors import ConfigurationError, InputError

if TYPE_CHECKING:
    from docsec.copydetect import Measurement

__all__ = ["FORMAT", "MIN_SCANS", "VERSION", "CopyProfile", "calibrate"]

FORMAT = "docsec-copy-profile"
VERSION = 1
#: Fewest genuine scans a profile is made from: with fewer, the spread of the
#: printer's originals is not known well enough to move a threshold.
MIN_SCANS = 5
#: The tightened copy_below stays this far below the lowest calibration original
#: and 4 standard deviations (at least 0.02 each) below their mean.
_MARGIN = 0.10
_SIGMAS = 4.0
_MIN_SD = 0.02
#: ... and this far below original_above, so an inconclusive band remains.
_BAND = 0.05
_FIELDS = frozenset(
    {
        "format",
        "version",
        "printer",
        "scanner",
        "module_dots",
        "resolution_class",
        "scan_ppi",
        "originals",
        "default",
        "thresholds",
        "digest",
    }
)


def _class_of(samples_per_module: float) -> str:
    return "2x" if samples_per_module < 3.0 else "4x"


@dataclass(frozen=True, slots=True)
class CopyProfile:
    """Tightened copy-check thresholds for one printer and scanner.

    Attributes
    ----------
    printer, scanner : str
        Free-text descriptions given at calibration (model, settings, location).
    module_dots : int
        Pattern module size the profile was measured for (1 or 2).
    resolution_class : {"2x", "4x"}
        Samples per module of the calibration scans (as in the thresholds table).
    scan_ppi : float
        Median measured resolution of the calibration scans.
    fidelities : tuple of float
        The calibration originals' fidelity scores.
    copy_below : float
        The tightened COPY threshold (>= the default).
    original_above : float
        The ORIGINAL threshold (the default's: a profile never lowers it).
    """

    printer: str
    scanner: str
    module_dots: int
    resolution_class: str
    scan_ppi: float
    fidelities: tuple[float, ...]
    copy_below: float
    original_above: float

    def __post_init__(self) -> None:
        _validate(self)

    def applies(self, module_dots: int, resolution_class: str) -> bool:
        """Return whether a scan of this module size and class is covered."""
        return (module_dots, resolution_class) == (
            self.module_dots,
            self.resolution_class,
        )

    def thresholds(self) -> tuple[float, float]:
        """Return ``(copy_below, original_above)``, never looser than the default."""
        d = THRESHOLDS[(self.module_dots, self.resolution_class)]
        return (
            max(self.copy_below, d["copy_below"]),
            max(self.original_above, d["original_above"]),
        )

    def _body(self) -> dict[str, object]:
        d = THRESHOLDS[(self.module_dots, self.resolution_class)]
        f = self.fidelities
        return {
            "format": FORMAT,
            "version": VERSION,
            "printer": self.printer,
            "scanner": self.scanner,
            "module_dots": self.module_dots,
            "resolution_class": self.resolution_class,
            "scan_ppi": round(self.scan_ppi, 1),
            "originals": {
                "n": len(f),
                "fidelity": [round(v, 6) for v in f],
                "mean": round(statistics.fmean(f), 6),
                "sd": round(statistics.stdev(f), 6),
                "min": round(min(f), 6),
                "max": round(max(f), 6),
            },
            "default": {
                "copy_below": d["copy_below"],
                "original_above": d["original_above"],
            },
            "thresholds": {
                "copy_below": round(self.copy_below, 6),
                "original_above": round(self.original_above, 6),
            },
        }

    def to_json(self) -> str:
        """Return the profile file's text (versioned JSON with its digest)."""
        body = self._body()
        body["digest"] = _digest(body)
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> CopyProfile:
        """Parse and check a profile file's text.

        Raises
        ------
        ConfigurationError
            If it is not a docsec copy profile of a known version, its digest
            does not match, a field is missing or unknown, or its thresholds
            would loosen the default.
        """
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ConfigurationError(f"copy profile is not JSON: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ConfigurationError("not a docsec copy profile")
        if doc.get("version") != VERSION:
            raise ConfigurationError(
                f"copy profile version {doc.get('version')!r} is not supported "
                f"(this docsec reads version {VERSION})"
            )
        unknown = set(doc) - _FIELDS
        missing = _FIELDS - set(doc)
        if unknown or missing:
            raise ConfigurationError(
                f"copy profile fields: unknown {sorted(unknown)}, missing "
                f"{sorted(missing)}"
            )
        body = {k: v for k, v in doc.items() if k != "digest"}
        if doc["digest"] != _digest(body):
            raise ConfigurationError(
                "copy profile digest does not match its contents (edited or damaged)"
            )
        try:
            orig = doc["originals"]
            thr = doc["thresholds"]
            fid = tuple(float(v) for v in orig["fidelity"])
            return cls(
                printer=str(doc["printer"]),
                scanner=str(doc["scanner"]),
                module_dots=int(doc["module_dots"]),
                resolution_class=str(doc["resolution_class"]),
                scan_ppi=float(doc["scan_ppi"]),
                fidelities=fid,
                copy_below=float(thr["copy_below"]),
                original_above=float(thr["original_above"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(f"copy profile is malformed: {exc}") from exc

    def to_dict(self) -> dict[str, object]:
        """Return a short JSON-ready summary (for verification reports)."""
        return {
            "printer": self.printer,
            "scanner": self.scanner,
            "copy_below": self.thresholds()[0],
            "original_above": self.thresholds()[1],
            "digest": _digest(self._body()),
        }


def _digest(body: Mapping[str, object]) -> str:
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canon.encode("utf-8")).hexdigest()


def _validate(p: CopyProfile) -> None:
    if p.module_dots not in (1, 2) or p.resolution_class not in ("2x", "4x"):
        raise ConfigurationError(
            "copy profile: module_dots must be 1 or 2 and resolution_class 2x or 4x"
        )
    for name in ("printer", "scanner"):
        text = getattr(p, name)
        if not isinstance(text, str) or not 0 < len(text.strip()) <= 200:
            raise ConfigurationError(f"copy profile: {name} must be 1-200 characters")
    values = (*p.fidelities, p.copy_below, p.original_above, p.scan_ppi / 1e4)
    if not all(math.isfinite(v) for v in values):
        raise ConfigurationError("copy profile: values must be finite")
    if len(p.fidelities) < MIN_SCANS:
        raise ConfigurationError(
            f"copy profile: needs at least {MIN_SCANS} calibration originals"
        )
    d = THRESHOLDS[(p.module_dots, p.resolution_class)]
    if p.copy_below < d["copy_below"] or p.original_above < d["original_above"]:
        raise ConfigurationError(
            "copy profile: thresholds below the default (a profile may only tighten)"
        )
    if p.copy_below > p.original_above - _BAND + 1e-9:
        raise ConfigurationError(
            "copy profile: copy_below must stay below original_above"
        )
    if (
        p.copy_below > d["copy_below"] + 1e-9
        and p.copy_below > min(p.fidelities) - _MARGIN + 1e-9
    ):
        raise ConfigurationError(
            "copy profile: copy_below must stay below its own originals"
        )


def calibrate(
    measurements: Sequence[Measurement], *, printer: str, scanner: str
) -> CopyProfile:
    """Make a profile from measurements of genuine prints of one printer.

    Parameters
    ----------
    measurements : sequence of Measurement
        :func:`docsec.copydetect.measure` results of scans of genuine prints
        from the profiled printer, on the profiled scanner (at least
        :data:`MIN_SCANS`; all at one resolution and module size).
    printer, scanner : str
        Descriptions recorded in the profile.

    Returns
    -------
    CopyProfile

    Raises
    ------
    InputError
        If there are too few scans, or any scan is not decided ORIGINAL under the
        default thresholds (a copy, a bad scan, a scaled print), or the scans
        mix resolutions or module sizes.
    """
    from docsec.copydetect import Decision

    ms = list(measurements)
    if len(ms) < MIN_SCANS:
        raise InputError(
            f"calibration needs at least {MIN_SCANS} scans of genuine prints, "
            f"got {len(ms)}"
        )
    bad = [
        f"scan {i + 1}: {m.decision.value} ({m.reasons[0] if m.reasons else '-'})"
        for i, m in enumerate(ms)
        if m.decision is not Decision.ORIGINAL or m.score is None
    ]
    if bad:
        raise InputError(
            "calibration scans must each look like an original under the default "
            "thresholds; these do not: " + "; ".join(bad)
        )
    classes = set()
    for m in ms:
        spm = m.measurements.get("samples_per_module")
        spd = m.measurements.get("samples_per_dot")
        if spm is None or spd is None or not (spd > 0):
            raise InputError("calibration scans must carry their resolution")
        classes.add((round(spm / spd), _class_of(spm)))
    if len(classes) != 1:
        raise InputError(
            "calibration scans mix module sizes or resolutions: "
            f"{sorted(classes)}; scan them all alike"
        )
    ((module_dots, res_class),) = classes
    # Stored as written to the file (6 decimals), so a loaded profile equals it.
    fid = tuple(round(float(m.score), 6) for m in ms if m.score is not None)
    d = THRESHOLDS[(module_dots, res_class)]
    sd = max(statistics.stdev(fid), _MIN_SD)
    target = min(min(fid) - _MARGIN, statistics.fmean(fid) - _SIGMAS * sd)
    copy_below = min(max(target, d["copy_below"]), d["original_above"] - _BAND)
    # Rounded down: never above what the rule allows.
    copy_below = max(math.floor(copy_below * 1e6) / 1e6, d["copy_below"])
    ppi = round(
        statistics.median(m.measurements.get("effective_ppi", 0.0) for m in ms), 1
    )
    return CopyProfile(
        printer=printer,
        scanner=scanner,
        module_dots=module_dots,
        resolution_class=res_class,
        scan_ppi=float(ppi),
        fidelities=fid,
        copy_below=float(copy_below),
        original_above=float(d["original_above"]),
    )
