"""Turn results into text for people and JSON for machines (no logic here)."""

from __future__ import annotations

import json

import click

from docsec.inspection import InspectionReport
from docsec.result import CheckStatus, Verdict, VerificationResult

_VERDICT_TEXT = {
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


def json_line(obj: object) -> str:
    """Serialise one result object as a single JSON line."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def verdict_line(result: VerificationResult) -> str:
    """One line: input, verdict and the main reasons."""
    v = result.verdict
    text = click.style(_VERDICT_TEXT[v], fg=_VERDICT_COLOUR[v], bold=True)
    reasons = f"  ({', '.join(result.reasons)})" if result.reasons else ""
    return f"{result.input or '-'}: {text}{reasons}"


def human(result: VerificationResult) -> str:
    """Render the clerk's screen: verdict, issuer, signed fields, then every check."""
    lines = [verdict_line(result)]
    if result.error is not None:
        lines.append(f"  error: {result.error}")
    c = result.content
    if c is not None:
        lines.append(f"  issuer:    {c.issuer}")
        lines.append(
            f"             signer {c.signer_identifier}, certificate "
            f"{c.certificate_reference}, country {c.issuing_country.strip()}, "
            f"signed {c.signature_date.isoformat() if c.signature_date else '?'}"
        )
        lines.append(f"  document:  {c.profile}")
        lines.append("  signed fields (compare them with the paper):")
        width = max((len(name) for name, _ in c.fields), default=0)
        for name, value in c.fields:
            lines.append(f"    {name.ljust(width)}  {value}")
    elif result.verdict is not Verdict.AUTHENTIC:
        lines.append("  no verified content to show")
    if result.paper is not None:
        p = result.paper
        ev = "" if p.score is None else f" (pattern fidelity {p.score:.3f})"
        lines.append(f"  paper:     {p.state}{ev}")
    lines.append(f"  checks (policy {result.policy!r}):")
    for chk in result.checks:
        mark = _STATUS_MARK[chk.status]
        req = "*" if chk.name in result.required else " "
        score = ""
        if chk.score is not None:
            score = f" score={chk.score:.4g}"
            if chk.threshold is not None:
                score += f" threshold={chk.threshold:.4g}"
        lines.append(f"    {mark:>4} {req}{chk.name}: {chk.detail}{score}")
    missing = sorted(result.required - {chk.name for chk in result.checks})
    for name in missing:
        lines.append(f"    {'-':>4} *{name}: not run")
    lines.append("  (* = required by the policy)")
    return "\n".join(lines)


def unverified(report: InspectionReport) -> str:
    """Render ``docsec inspect`` output, labelled UNVERIFIED throughout."""
    lines = [f"{report.input}: UNVERIFIED content (nothing here is checked)"]
    if not report.seals:
        lines.append("  no seal found")
    for i, seal in enumerate(report.seals, start=1):
        lines.append(f"  seal {i} (UNVERIFIED):")
        for key, value in seal.items():
            if key == "hex":
                continue
            if key == "fields" and isinstance(value, list):
                lines.append("    fields:")
                lines.extend(f"      {pair[0]}: {pair[1]}" for pair in value)
            else:
                lines.append(f"    {key}: {value}")
        lines.append(f"    hex: {seal.get('hex', '')}")
    return "\n".join(lines)
