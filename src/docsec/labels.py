"""The paper's labels for a seal's signed fields, in the paper's order and languages.

One table for every place a person reads signed data (the CLI's clerk view, the
service page): the headline fields of docsec's certificate profile are shown
under the labels printed on the certificate (which is bilingual, so the Korean
label is the paper's own, not a translation), technical fields (layout, digests,
key ids) only on request, and any other field under its own name (foreign seals,
the labelled content fields of profile v2).

Examples
--------
>>> fields = (("HOLDER_NAME", "홍길동"), ("CONTENT_DIGEST", "ab12"), ("X", "1"))
>>> paper_fields(fields, lang="ko")
[('성명', '홍길동'), ('X', '1')]
>>> paper_fields(fields, lang="en", technical=True)
[('Name', '홍길동'), ('CONTENT_DIGEST', 'ab12'), ('X', '1')]
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PAPER_FIELDS", "TECHNICAL_FIELDS", "label", "paper_fields"]

#: Headline fields in the paper's order: (seal field name, English, Korean), as
#: printed by the certificate template (src/docsec/_template.py).
PAPER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("DOCUMENT_TITLE", "Document", "문서"),
    ("DOCUMENT_NUMBER", "Document no.", "발급번호"),
    ("HOLDER_NAME", "Name", "성명"),
    ("BIRTH_DATE", "Date of birth", "생년월일"),
    ("ISSUING_OFFICE", "Issuing office", "발급기관"),
    ("ISSUE_DATE", "Date of issue", "발급일"),
    ("VALIDITY", "Valid (from/until)", "유효기간(시작/끝)"),
    ("VERIFICATION_CODE", "Verification code", "확인번호"),
)

#: Fields for machines (layout, digests, key ids): shown to a person only on request.
TECHNICAL_FIELDS = frozenset(
    {
        "PROFILE_ID",
        "CONTENT_DIGEST",
        "MODULE_SIZE_UM",
        "CDP_REGION",
        "CDP_KEY_ID",
        "WATERMARK_REGION",
        "WATERMARK_KEY_ID",
        "TEXT_REGIONS",
        "VERIFICATION_CODE_DIGEST",
    }
)

_BY_NAME = {name: (en, ko) for name, en, ko in PAPER_FIELDS}


def label(name: str, *, lang: str = "en") -> str:
    """Return the paper's label of field ``name`` in ``lang`` ("en" or "ko"), else ``name``."""
    pair = _BY_NAME.get(name)
    if pair is None:
        return name
    return pair[1] if lang == "ko" else pair[0]


def paper_fields(
    fields: Iterable[tuple[str, str]], *, lang: str = "en", technical: bool = False
) -> list[tuple[str, str]]:
    """Return ``(label, value)`` pairs to show a person, headline fields first.

    Parameters
    ----------
    fields : iterable of (name, value)
        A verified seal's fields (``SignedContent.fields``), in the seal's order.
    lang : {"en", "ko"}
        Language of the headline labels.
    technical : bool
        Also show the technical fields (under their own names).

    Returns
    -------
    list of (str, str)
        Headline fields in the paper's order under the paper's labels, then every
        other field once, in the seal's order, under its own name.
    """
    pairs = list(fields)
    given: dict[str, str] = {}
    for name, value in pairs:
        given.setdefault(name, value)
    out = [
        (label(name, lang=lang), given[name])
        for name, _, _ in PAPER_FIELDS
        if name in given
    ]
    shown = set(_BY_NAME)
    for name, value in pairs:
        if name in shown or (name in TECHNICAL_FIELDS and not technical):
            continue
        shown.add(name)
        out.append((name, value))
    return out
