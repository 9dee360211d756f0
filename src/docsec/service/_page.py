"""The verification page: plain HTML, Korean and English, no script.

Everything a client sent is escaped (:func:`html.escape`); the only images are the
annotated scan as a ``data:`` URL and nothing else, which the CSP allows.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["CSS", "LANGS", "PageState", "render_page"]

LANGS = ("ko", "en")

_T: dict[str, tuple[str, str]] = {
    "title": ("문서 진위 확인", "Document verification"),
    "intro": (
        "발급 문서의 스캔본, 휴대폰 사진 또는 PDF를 올리면 서명된 봉인(2차원 바코드)을 "
        "검증합니다.",
        "Upload a scan, a phone photo or the PDF of an issued certificate: the signed "
        "seal (the 2D barcode) is checked.",
    ),
    "upload": ("파일 검증", "Verify a file"),
    "file": ("스캔 또는 PDF", "Scan or PDF"),
    "photo": ("휴대폰으로 촬영", "Take a photo"),
    "verify": ("검증하기", "Verify"),
    "lookup": ("발급번호로 조회", "Look up by document number"),
    "number": ("발급번호", "Document number"),
    "code": ("검증코드", "Verification code"),
    "lookup_btn": ("조회하기", "Look up"),
    "verdict": ("판정", "Verdict"),
    "authentic": ("진본", "AUTHENTIC"),
    "not_authentic": ("진본 아님", "NOT AUTHENTIC"),
    "inconclusive": ("판정 불가", "INCONCLUSIVE"),
    "reasons": ("사유", "Reasons"),
    "fields": (
        "서명된 내용 (종이와 비교하세요)",
        "Signed content (compare with the paper)",
    ),
    "registry": ("발급 대장 상태", "Registry status"),
    "active": ("유효", "active"),
    "revoked": ("취소됨", "revoked"),
    "superseded": ("대체됨", "superseded"),
    "not_found": (
        "해당 발급번호와 검증코드의 문서가 없습니다.",
        "No document with this number and verification code.",
    ),
    "annotated": ("검출 위치", "What was found"),
    "error": ("오류", "Error"),
    "issued": ("발급", "issued"),
    "privacy": (
        "올린 파일은 검증에만 쓰이고 저장되지 않습니다.",
        "Uploaded files are used for this check only and are not stored.",
    ),
}

_REASONS: dict[str, tuple[str, str]] = {
    "document-revoked": (
        "발급 기관이 이 문서를 취소했습니다.",
        "The issuer revoked this document.",
    ),
    "document-superseded": (
        "이 문서는 새 문서로 대체되었습니다.",
        "This document was replaced by a newer one.",
    ),
    "forged-seal": (
        "봉인의 서명이 맞지 않습니다 (위조 또는 변조).",
        "The seal's signature does not match (forged or altered).",
    ),
    "malformed-seal": ("봉인을 읽을 수 없습니다.", "The seal cannot be read."),
    "document-expired": ("문서의 유효기간이 지났습니다.", "The document has expired."),
    "unknown-signer": (
        "이 검증기가 모르는 발급 기관입니다.",
        "The issuing office is not known to this verifier.",
    ),
    "photocopy": ("복사본으로 판정되었습니다.", "The paper looks like a photocopy."),
    "no-seal": (
        "봉인(2차원 바코드)을 찾지 못했습니다.",
        "No seal (2D barcode) was found.",
    ),
    "pdf-modified": (
        "서명 후 PDF가 변경되었습니다.",
        "The PDF was changed after it was signed.",
    ),
    "seal-swapped": (
        "페이지의 봉인이 PDF에 서명된 봉인과 다릅니다.",
        "The seal on the page is not the one signed into the PDF.",
    ),
    "revoked": (
        "발급 기관의 서명 인증서가 폐지되었습니다.",
        "The issuing office's signing certificate was revoked.",
    ),
    "input-error": ("파일을 읽을 수 없습니다.", "The file cannot be read."),
    "registry-unavailable": (
        "발급 대장에 지금 연결할 수 없습니다.",
        "The document registry cannot be reached right now.",
    ),
    "document-not-registered": (
        "발급 대장에 없는 문서입니다.",
        "The registry does not know this document.",
    ),
    "scanned-pdf": (
        "발급 기관의 전자서명이 없는 PDF입니다.",
        "The PDF does not carry the issuer's digital signature.",
    ),
}

CSS = """
body{font-family:"Noto Sans KR","Malgun Gothic",sans-serif;max-width:52rem;margin:0 auto;
padding:1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.6rem}
form{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:.8rem 0}
label{display:block;margin:.4rem 0}input[type=text]{font-size:1.1rem;padding:.3rem;width:16rem}
button{font-size:1.05rem;padding:.4rem 1.2rem;margin-top:.5rem}
.verdict{font-size:1.5rem;font-weight:bold;padding:.8rem;border-radius:6px;color:#fff}
.authentic,.active{background:#1a7f37}.not_authentic,.revoked,.superseded{background:#c62828}
.inconclusive{background:#8a6d00}
.status{display:inline-block;padding:.1rem .5rem;border-radius:4px;color:#fff}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
img.annotated{max-width:100%;border:1px solid #ccc}.small{color:#555;font-size:.9rem}
nav a{margin-right:1rem}
"""


@dataclass(frozen=True, slots=True)
class PageState:
    """What the page shows besides its forms."""

    verdict: str | None = None
    reasons: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    registry: Mapping[str, object] | None = None
    registry_detail: str | None = None
    lookup_missing: bool = False
    annotated_png_b64: str | None = None
    error: str | None = None


def _t(key: str, lang: str) -> str:
    ko, en = _T[key]
    return ko if lang == "ko" else en


def _both(key: str, lang: str) -> str:
    ko, en = _T[key]
    first, second = (ko, en) if lang == "ko" else (en, ko)
    return f"{html.escape(first)} <span class=small>{html.escape(second)}</span>"


def _reason(code: str, lang: str) -> str:
    from docsec.reasons import REASONS

    words = _REASONS.get(code)
    if words is not None:
        text = words[0] if lang == "ko" else words[1]
    elif code in REASONS:
        text = REASONS[code].meaning  # the catalogue's English (docs/reasons.md)
    else:
        return f"<code>{html.escape(code)}</code>"
    return f"{html.escape(text)} <code class=small>{html.escape(code)}</code>"


def _status_block(state: PageState, lang: str) -> str:
    reg = state.registry
    if reg is None:
        if state.lookup_missing:
            return f"<p>{html.escape(_t('not_found', lang))}</p>"
        if state.registry_detail:
            return f"<p>{html.escape(state.registry_detail)}</p>"
        return ""
    status = str(reg.get("status", ""))
    label = _t(status, lang) if status in _T else status
    rows = [
        (_t("number", lang), str(reg.get("number", ""))),
        (_t("issued", lang), str(reg.get("issued_at", ""))),
    ]
    if reg.get("reason"):
        rows.append((_t("reasons", lang), str(reg["reason"])))
    if reg.get("superseded_by"):
        rows.append(("→", str(reg["superseded_by"])))
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return (
        f'<p id="registry-status"><span class="status {html.escape(status)}">'
        f"{html.escape(label)}</span></p><table>{cells}</table>"
    )


def render_page(*, lang: str, csrf: str, state: PageState | None = None) -> str:
    """Return the whole page as HTML."""
    state = state or PageState()
    esc = html.escape
    token = esc(csrf)
    parts = [
        "<!doctype html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(_t('title', lang))}</title>",
        '<link rel="stylesheet" href="/static/docsec.css"></head><body>',
        '<nav><a href="/?lang=ko" lang="ko">한국어</a>'
        '<a href="/?lang=en" lang="en">English</a></nav>',
        f"<h1>{_both('title', lang)}</h1>",
        f"<p>{esc(_t('intro', lang))}</p>",
    ]
    if state.error is not None:
        parts.append(
            f'<p id="error" class="verdict inconclusive">{esc(_t("error", lang))}: '
            f"{esc(state.error)}</p>"
        )
    if state.verdict is not None:
        parts.append(f"<h2>{_both('verdict', lang)}</h2>")
        parts.append(
            f'<p id="verdict" class="verdict {esc(state.verdict)}">'
            f"{esc(_t(state.verdict, lang))} · "
            f"{esc(_t(state.verdict, 'en' if lang == 'ko' else 'ko'))}</p>"
        )
        if state.reasons:
            items = "".join(f"<li>{_reason(r, lang)}</li>" for r in state.reasons)
            parts.append(
                f"<h2>{_both('reasons', lang)}</h2><ul id=reasons>{items}</ul>"
            )
        if state.fields:
            rows = "".join(
                f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in state.fields
            )
            parts.append(
                f"<h2>{_both('fields', lang)}</h2><table id=fields>{rows}</table>"
            )
    block = _status_block(state, lang)
    if block:
        parts.append(f"<h2>{_both('registry', lang)}</h2>{block}")
    if state.annotated_png_b64 is not None:
        parts.append(
            f"<h2>{_both('annotated', lang)}</h2>"
            f'<img class="annotated" alt="annotated scan" '
            f'src="data:image/png;base64,{state.annotated_png_b64}">'
        )
    parts += [
        f"<h2>{_both('upload', lang)}</h2>",
        f'<form id="verify-form" method="post" action="/verify?lang={lang}" '
        'enctype="multipart/form-data">',
        f'<input type="hidden" name="csrf" value="{token}">',
        f'<label>{esc(_t("file", lang))} <input type="file" name="file" '
        'accept="image/*,application/pdf"></label>',
        f'<label>{esc(_t("photo", lang))} <input type="file" name="photo" '
        'accept="image/*" capture="environment"></label>',
        f'<button type="submit">{esc(_t("verify", lang))}</button></form>',
        f"<h2>{_both('lookup', lang)}</h2>",
        f'<form id="lookup-form" method="post" action="/lookup?lang={lang}">',
        f'<input type="hidden" name="csrf" value="{token}">',
        f'<label>{esc(_t("number", lang))} <input type="text" name="number" '
        'maxlength="30" autocomplete="off" required></label>',
        f'<label>{esc(_t("code", lang))} <input type="text" name="code" '
        'maxlength="14" autocomplete="off" required></label>',
        f'<button type="submit">{esc(_t("lookup_btn", lang))}</button></form>',
        f'<p class="small">{esc(_t("privacy", lang))}</p>',
        "</body></html>",
    ]
    return "\n".join(parts)
