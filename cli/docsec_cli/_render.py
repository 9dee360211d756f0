"""Turn results into text for people and JSON for machines (no logic here)."""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING

import click

from docsec import checks as _names
from docsec.labels import paper_fields
from docsec.reasons import describe
from docsec.result import CheckStatus, Verdict, VerificationResult
from docsec_cli._i18n import current, tr

if TYPE_CHECKING:
    from docsec.inspection import InspectionReport

VERDICT_TEXT = {
    Verdict.AUTHENTIC: "AUTHENTIC",
    Verdict.NOT_AUTHENTIC: "NOT AUTHENTIC",
    Verdict.INCONCLUSIVE: "INCONCLUSIVE",
}
_VERDICT_COLOUR = {
    Verdict.AUTHENTIC: "green",
    Verdict.NOT_AUTHENTIC: "red",
    Verdict.INCONCLUSIVE: "yellow",
}
_STATUS_MARK = {
    CheckStatus.PASS: "pass",
    CheckStatus.FAIL: "FAIL",
    CheckStatus.INCONCLUSIVE: "?",
    CheckStatus.ABSENT: "-",
}
VERDICT_SAYS = {
    Verdict.AUTHENTIC: "Every check the policy requires passed.",
    Verdict.NOT_AUTHENTIC: "There is evidence against this document.",
    Verdict.INCONCLUSIVE: "This verifier could not decide; see what to do below.",
}

PAPER_STATE = {
    "original": "original print",
    "copy": "copy (not the original print)",
    "inconclusive": "cannot tell from this scan",
}


def plain(value: object) -> str:
    r"""Return ``value`` as one line of text, control characters written as escapes.

    Seals carry text chosen by whoever made them, shown before (inspect, the
    barcode check) or after verification; an ESC sequence in it would reach the
    terminal and could move the cursor over the verdict (red team). Control and
    format characters (C0, C1, bidirectional overrides) become ``\x1b`` and
    the like.
    """
    text = str(value)
    if text.isprintable():
        return text
    return "".join(
        ch
        if unicodedata.category(ch) not in ("Cc", "Cf")
        else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for ch in text
    )


def json_line(obj: object) -> str:
    """Serialise one result object as a single JSON line."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def _verdict_word(v: Verdict) -> str:
    word = tr(VERDICT_TEXT[v])
    if current() != "en":  # the clerk's language, with the word logs and banks use
        word = f"{word} ({VERDICT_TEXT[v]})"
    return click.style(word, fg=_VERDICT_COLOUR[v], bold=True)


def verdict_line(result: VerificationResult, *, with_error: bool = True) -> str:
    """One line: input, verdict, the reason codes and, if any, the input's error."""
    reasons = f"  ({', '.join(result.reasons)})" if result.reasons else ""
    error = f": {result.error}" if with_error and result.error else ""
    return f"{result.input or '-'}: {_verdict_word(result.verdict)}{reasons}{error}"


def _reason_lines(result: VerificationResult) -> list[str]:
    lines: list[str] = []
    for code in result.reasons:
        entry = describe(code)
        lines.append(f"  - {tr(entry.meaning)} [{code}]")
        lines.append(f"    {tr('What to do')}: {tr(entry.action)}")
    return lines


def signed_fields(
    result: VerificationResult, *, verbose: bool = False
) -> list[tuple[str, str]]:
    """Return the verified signed fields to show, labelled as on the paper.

    Empty when the seal's signature did not verify: nothing unverified is shown.
    """
    c = result.content
    if c is None:
        return []
    return paper_fields(c.fields, lang=current(), technical=verbose)


def _field_block(result: VerificationResult, *, verbose: bool) -> list[str]:
    fields = signed_fields(result, verbose=verbose)
    if not fields:
        return []
    lines = [f"  {tr('Signed data (compare it with the paper)')}:"]
    width = max(cells(plain(label)) for label, _ in fields)
    lines.extend(
        f"    {pad(plain(label), width)}  {plain(value)}" for label, value in fields
    )
    return lines


def cells(text: str) -> int:
    # Hangul and other wide characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def brief(result: VerificationResult) -> str:
    """Render one input of a batch: the verdict line and the signed data."""
    lines = [verdict_line(result)]
    lines.extend(_field_block(result, verbose=False))
    return "\n".join(lines)


def human(result: VerificationResult, *, verbose: bool = False) -> str:
    """Render the clerk's screen: verdict, why, what to do, and the signed data.

    With ``verbose`` also the issuer details, technical fields and every check.
    """
    lines = [verdict_line(result), f"  {tr(VERDICT_SAYS[result.verdict])}"]
    if result.error is not None and not result.reasons:
        lines.append(f"  {tr('error')}: {plain(result.error)}")
    lines.extend(_reason_lines(result))
    # What a failed check found (which field was edited, which byte range is
    # wrong, which certificate was revoked): the evidence a clerk reports, in
    # the library's words.
    lines.extend(
        f"  {tr('Evidence')}: {plain(chk.detail)}"
        for chk in result.checks
        if chk.status is CheckStatus.FAIL and chk.detail
    )
    notes = dict.fromkeys(
        code
        for chk in result.checks
        for code in chk.reasons
        if code not in result.reasons and describe(code).effect == "note"
    )
    if notes:
        lines.append(f"  {tr('Not checked')}:")
        lines.extend(f"  - {tr(describe(code).meaning)} [{code}]" for code in notes)
    c = result.content
    if c is not None:
        lines.append(f"  {tr('Issued by')}: {plain(c.issuer)}")
        if verbose:
            lines.append(
                f"    signer {plain(c.signer_identifier)}, certificate "
                f"{plain(c.certificate_reference)}, country "
                f"{plain(c.issuing_country.strip())}, "
                f"signed {c.signature_date.isoformat() if c.signature_date else '?'}, "
                f"profile {plain(c.profile)}"
            )
        lines.extend(_field_block(result, verbose=verbose))
    elif any(
        c.name == _names.BARCODE and c.status is CheckStatus.PASS for c in result.checks
    ):
        # A seal was read but not verified: point to what it claims.
        lines.append(
            f"  {tr('No verified data to show. To see what the seal claims (unverified), run')}: "
            f"docsec inspect {result.input or 'FILE'}"
        )
    if result.paper is not None:
        p = result.paper
        ev = "" if p.score is None else f" ({tr('pattern fidelity')} {p.score:.3f})"
        lines.append(f"  {tr('Paper')}: {tr(PAPER_STATE[p.state])}{ev}")
    if not verbose:
        lines.append(f"  ({tr('docsec -v verify shows every check')})")
        return "\n".join(lines)
    lines.append(f"  {tr('Checks')} ({tr('policy')} {result.policy!r}):")
    for chk in result.checks:
        mark = _STATUS_MARK[chk.status]
        req = "*" if chk.name in result.required else " "
        score = ""
        if chk.score is not None:
            score = f" score={chk.score:.4g}"
            if chk.threshold is not None:
                score += f" threshold={chk.threshold:.4g}"
        lines.append(f"    {mark:>4} {req}{chk.name}: {plain(chk.detail)}{score}")
    missing = sorted(result.required - {chk.name for chk in result.checks})
    for name in missing:
        lines.append(f"    {'-':>4} *{name}: {tr('not run')}")
    lines.append(
        "  ("
        + tr(
            "pass = passed, FAIL = failed, ? = could not decide, - = not done; "
            "* = required by the policy"
        )
        + ")"
    )
    return "\n".join(lines)


def unverified(report: InspectionReport) -> str:
    """Render ``docsec inspect`` output, labelled UNVERIFIED throughout."""
    lines = [
        tr("{input}: UNVERIFIED content (nothing here is checked)").format(
            input=report.input
        )
    ]
    if not report.seals:
        lines.append("  " + tr("no seal found"))
    for i, seal in enumerate(report.seals, start=1):
        lines.append("  " + tr("seal {number} (UNVERIFIED):").format(number=i))
        for key, value in seal.items():
            if key == "hex":
                continue
            if key == "fields" and isinstance(value, list):
                lines.append("    fields:")
                lines.extend(
                    f"      {plain(pair[0])}: {plain(pair[1])}" for pair in value
                )
            else:
                lines.append(f"    {key}: {plain(value)}")
        lines.append(f"    hex: {seal.get('hex', '')}")
    return "\n".join(lines)
