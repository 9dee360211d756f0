"""The built-in certificate template: a bilingual (Korean / English) A4 page.

:class:`Canvas` collects drawing operations in millimetres from the top-left corner
of the page and turns them into a PDF content stream plus the font subsets it uses;
:func:`certificate_page` lays out a civil certificate from its data. Assembling the
PDF objects is :mod:`docsec.pdf`'s business (the only importer of pikepdf).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from docsec._template_font import FontFile, FontSubset, find_font, load_font
from docsec.errors import InputError

__all__ = [
    "A4_PT",
    "MM",
    "Canvas",
    "PageFont",
    "certificate_fields",
    "certificate_page",
    "content_rows",
    "reserved_area_mm",
]

#: Points per millimetre.
MM = 72.0 / 25.4
#: A4 in points (width, height).
A4_PT = (595.2756, 841.8898)

# Titles for kinds whose data carries no document_title (docs/seal-format.md, 4).
_KIND_TITLES = {
    "resident_registration_abstract": (
        "주민등록표 초본",
        "Resident Registration Abstract",
    ),
    "resident_registration_copy": ("주민등록표 등본", "Resident Registration Copy"),
    "family_relation_certificate": ("가족관계증명서", "Family Relation Certificate"),
    "basic_certificate": ("기본증명서", "Basic Certificate"),
    "marriage_relation_certificate": (
        "혼인관계증명서",
        "Marriage Relation Certificate",
    ),
    "birth_certificate": ("출생증명서", "Birth Certificate"),
    "adoption_relation_certificate": (
        "입양관계증명서",
        "Adoption Relation Certificate",
    ),
    "national_tax_payment_certificate": (
        "국세 납세증명서",
        "National Tax Payment Certificate",
    ),
    "local_tax_payment_certificate": (
        "지방세 납세증명서",
        "Local Tax Payment Certificate",
    ),
    "business_registration_certificate": (
        "사업자등록증명",
        "Business Registration Certificate",
    ),
    "land_ledger_extract": ("토지대장", "Land Ledger Extract"),
    "building_ledger_extract": ("건축물대장", "Building Ledger Extract"),
}
_FIELD_LABELS = {
    "document_number": ("발급번호", "Document no."),
    "holder_name": ("성명", "Name"),
    "birth_date": ("생년월일", "Date of birth"),
    "issue_date": ("발급일", "Date of issue"),
    "valid_until": ("유효기간", "Valid until"),
    "issuing_office": ("발급기관", "Issuing office"),
}
_CONTENT_LABELS = {
    "registered_domicile": ("등록기준지", "Registered domicile"),
    "family": ("가족", "Family"),
    "address_history": ("주소 변동", "Address history"),
    "purpose": ("용도", "Purpose"),
    "arrears": ("체납액", "Arrears"),
    "business_number_masked": ("사업자등록번호", "Business no."),
    "relation": ("관계", "Relation"),
    "name": ("성명", "Name"),
    "birth_date": ("생년월일", "Date of birth"),
    "from": ("전입일", "From"),
    "address": ("주소", "Address"),
}
_RELATIONS = {
    "father": "부 father",
    "mother": "모 mother",
    "spouse": "배우자 spouse",
    "child": "자녀 child",
}

# The area the protection stamp may use, in mm from the top-left (x, y, w, h): the
# template keeps it free of text.
_RESERVED = (20.0, 218.0, 170.0, 62.0)


def reserved_area_mm() -> tuple[float, float, float, float]:
    """Return the template's area kept free for the seal, CDP and stamp text."""
    return _RESERVED


@dataclass(slots=True)
class PageFont:
    """One font used on a canvas: the parsed file and, after finishing, its subset."""

    file: FontFile
    subset: FontSubset | None = None


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


@dataclass(slots=True)
class Canvas:
    """Drawing operations on one page, in mm from the top-left corner.

    Text is kept as (font, string) until :meth:`finish`, which subsets each font to
    the characters used and writes the content stream.
    """

    width_pt: float = A4_PT[0]
    height_pt: float = A4_PT[1]
    _ops: list[bytes | tuple[str, str]] = field(default_factory=list)
    _fonts: dict[str, PageFont] = field(default_factory=dict)
    _text: dict[str, list[str]] = field(default_factory=dict)
    #: Printed fields: (JSON pointer into the certificate data, (x, y, w, h) mm).
    fields: list[tuple[str, tuple[float, float, float, float]]] = field(
        default_factory=list
    )

    def _font(self, style: str) -> tuple[str, FontFile]:
        name = "F" + style[0].upper()
        if name not in self._fonts:
            self._fonts[name] = PageFont(load_font(find_font(style)))
            self._text[name] = []
        return name, self._fonts[name].file

    def _xy(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm * MM, self.height_pt - y_mm * MM

    def text_width(self, text: str, size: float, *, style: str = "regular") -> float:
        """Return the width of ``text`` at ``size`` points, in mm."""
        _, font = self._font(style)
        return font.text_width(text, size) / MM

    def text(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        *,
        size: float = 10.0,
        style: str = "regular",
        gray: float = 0.0,
        align: str = "left",
    ) -> None:
        """Draw ``text`` with its baseline at ``y_mm``, starting (or centred) at ``x_mm``."""
        name, font = self._font(style)
        missing = {ch for ch in text if font.glyph_id(ch) == 0 and not ch.isspace()}
        if missing:
            raise InputError(
                f"the template font has no glyph for {''.join(sorted(missing))!r}"
            )
        if align == "center":
            x_mm -= font.text_width(text, size) / MM / 2
        elif align == "right":
            x_mm -= font.text_width(text, size) / MM
        x, y = self._xy(x_mm, y_mm)
        self._text[name].append(text)
        self._ops.append(
            f"BT {_num(gray)} g /{name} {_num(size)} Tf {_num(x)} {_num(y)} Td ".encode()
        )
        self._ops.append((name, text))
        self._ops.append(b" Tj ET\n")

    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        *,
        width_pt: float = 0.5,
        gray: float = 0.0,
    ) -> None:
        """Draw a straight line between two points (mm)."""
        a, b = self._xy(x0, y0)
        c, d = self._xy(x1, y1)
        self._ops.append(
            f"{_num(gray)} G {_num(width_pt)} w {_num(a)} {_num(b)} m "
            f"{_num(c)} {_num(d)} l S\n".encode()
        )

    def rect(
        self,
        x_mm: float,
        y_mm: float,
        w_mm: float,
        h_mm: float,
        *,
        fill: float | None = None,
        stroke: float | None = 0.0,
        width_pt: float = 0.5,
    ) -> None:
        """Draw a rectangle given by its top-left corner and size (mm)."""
        x, y = self._xy(x_mm, y_mm + h_mm)
        parts = []
        if fill is not None:
            parts.append(f"{_num(fill)} g")
        if stroke is not None:
            parts.append(f"{_num(stroke)} G {_num(width_pt)} w")
        op = "B" if fill is not None and stroke is not None else "f" if fill else "S"
        if fill is not None and stroke is None:
            op = "f"
        parts.append(f"{_num(x)} {_num(y)} {_num(w_mm * MM)} {_num(h_mm * MM)} re {op}")
        self._ops.append((" ".join(parts) + "\n").encode())

    def raw(self, ops: bytes) -> None:
        """Append raw content-stream operators (PDF user space, points)."""
        self._ops.append(ops)

    def finish(self) -> tuple[bytes, dict[str, PageFont]]:
        """Subset the fonts and return the content stream and the fonts by name."""
        maps: dict[str, dict[str, int]] = {}
        for name, pf in self._fonts.items():
            subset, char_map = pf.file.subset("".join(self._text[name]))
            pf.subset = subset
            maps[name] = char_map
        out = bytearray()
        for op in self._ops:
            if isinstance(op, bytes):
                out += op
            else:
                name, text = op
                char_map = maps[name]
                out += b"<" + "".join(f"{char_map[ch]:04X}" for ch in text).encode()
                out += b">"
        return bytes(out), dict(self._fonts)


def _date_text(value: object) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        y, m, d = value.split("-")
        return f"{y}년 {int(m)}월 {int(d)}일 ({value})"
    return str(value)


def _escape(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _label(key: str, table: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    return table.get(key, ("", key.replace("_", " ").capitalize()))


def _wrap(canvas: Canvas, text: str, size: float, width_mm: float) -> list[str]:
    words = text.split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if current and canvas.text_width(trial, size) > width_mm:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines or [""]


def _title(data: Mapping[str, object]) -> tuple[str, str]:
    kind = str(data.get("kind", ""))
    ko, en = _KIND_TITLES.get(kind, ("증명서", "Certificate"))
    title = data.get("document_title")
    if isinstance(title, str) and title:
        if "(" in title and title.endswith(")"):
            head, tail = (
                title[: title.index("(")].strip(),
                title[title.index("(") + 1 : -1],
            )
            return head or ko, tail or en
        return title, en
    return ko, en


def certificate_page(data: Mapping[str, object]) -> Canvas:
    """Lay out a civil certificate on an A4 page.

    Parameters
    ----------
    data : Mapping
        Certificate data (docs/seal-format.md, "Certificate data").

    Returns
    -------
    Canvas
        The page, with :func:`reserved_area_mm` left free for the protection stamp.

    Raises
    ------
    InputError
        If a value has characters the template font cannot show.
    ConfigurationError
        If the template font is not installed.
    """
    c = Canvas()
    left, right = 20.0, 190.0
    # Header band.
    c.rect(left, 14.0, right - left, 1.2, fill=0.15, stroke=None)
    c.text(left, 22.0, "대한민국 정부 · Republic of Korea", size=8.5, gray=0.3)
    office = str(data.get("issuing_office", ""))
    c.text(right, 22.0, office, size=8.5, gray=0.3, align="right")
    ko, en = _title(data)
    c.text(105.0, 40.0, ko, size=22, style="bold", align="center")
    c.text(105.0, 49.0, en, size=12, gray=0.25, align="center")
    c.line(left, 55.0, right, 55.0, width_pt=1.2, gray=0.15)

    # Main fields: a two-column table, Korean label over English label.
    y = 62.0
    rows: list[tuple[str, str, str, str]] = []
    for key in (
        "document_number",
        "holder_name",
        "birth_date",
        "issue_date",
        "valid_until",
    ):
        value = data.get(key)
        if value is None:
            continue
        lk, le = _FIELD_LABELS[key]
        text = _date_text(value) if key.endswith(("_date", "_until")) else str(value)
        rows.append((key, lk, le, text))
    label_w = 42.0
    row_h = 11.0
    for key, lk, le, text in rows:
        c.rect(left, y, label_w, row_h, fill=0.93, stroke=0.6, width_pt=0.4)
        c.rect(
            left + label_w, y, right - left - label_w, row_h, stroke=0.6, width_pt=0.4
        )
        c.text(left + 3, y + 4.6, lk, size=9.5, style="bold")
        c.text(left + 3, y + 8.9, le, size=7.0, gray=0.35)
        c.text(left + label_w + 4, y + 7.2, text, size=11)
        # The value cell less 1 mm on each side (its ruling stays out).
        c.fields.append(
            (
                f"/{key}",
                (
                    left + label_w + 1.0,
                    y + 1.0,
                    right - left - label_w - 2.0,
                    row_h - 2.0,
                ),
            )
        )
        y += row_h

    # Certificate content.
    content = data.get("content")
    if isinstance(content, Mapping):
        y += 8.0
        c.text(left, y, "기재사항 · Particulars", size=11, style="bold")
        c.line(left, y + 2.0, right, y + 2.0, width_pt=0.5, gray=0.4)
        y += 8.0
        for key, value in content.items():
            if key == "specimen":
                continue
            lk, le = _label(str(key), _CONTENT_LABELS)
            head = f"{lk} · {le}" if lk else le
            if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
                c.text(left, y, head, size=9.5, style="bold")
                y += 5.5
                cols = list(dict.fromkeys(k for v in value for k in v))
                col_w = (right - left) / max(1, len(cols))
                for i, col in enumerate(cols):
                    ck, ce = _label(str(col), _CONTENT_LABELS)
                    c.text(
                        left + 2 + i * col_w, y, f"{ck} {ce}".strip(), size=8, gray=0.35
                    )
                c.line(left, y + 1.5, right, y + 1.5, width_pt=0.3, gray=0.6)
                y += 6.0
                for row, item in enumerate(value):
                    for i, col in enumerate(cols):
                        cell = item.get(col, "")
                        text = _RELATIONS.get(str(cell), str(cell))
                        c.text(left + 2 + i * col_w, y, text, size=10)
                        if isinstance(cell, str) and col != "relation":
                            c.fields.append(
                                (
                                    f"/content/{_escape(str(key))}/{row}/{_escape(str(col))}",
                                    (left + 1 + i * col_w, y - 4.6, col_w - 2.0, 6.0),
                                )
                            )
                    y += 6.0
                y += 2.0
            else:
                c.text(left, y, head, size=9.5, style="bold")
                top = y - 4.6
                for line in _wrap(c, str(value), 10.0, right - left - 55.0):
                    c.text(left + 55.0, y, line, size=10)
                    y += 5.5
                if isinstance(value, str):
                    c.fields.append(
                        (
                            f"/content/{_escape(str(key))}",
                            (
                                left + 54.0,
                                top,
                                right - left - 54.0,
                                y - 5.5 + 1.6 - top,
                            ),
                        )
                    )
                y += 1.5
            if y > _RESERVED[1] - 20.0:
                raise InputError("the certificate content does not fit on one page")

    # Attestation, above the reserved stamp area.
    y = max(y + 6.0, 182.0)
    c.text(
        105.0,
        y,
        "위 사항이 사실과 다름없음을 증명합니다.",
        size=11,
        align="center",
    )
    c.text(
        105.0,
        y + 6.0,
        "This is to certify that the above particulars are true.",
        size=9,
        gray=0.3,
        align="center",
    )
    c.text(
        105.0, y + 16.0, _date_text(data.get("issue_date", "")), size=10, align="center"
    )
    c.text(105.0, y + 25.0, office, size=13, style="bold", align="center")

    # Footer.
    specimen = content.get("specimen") if isinstance(content, Mapping) else None
    c.line(left, 284.0, right, 284.0, width_pt=0.4, gray=0.5)
    c.text(
        left,
        289.0,
        "이 증명서는 전자서명과 2차원 바코드로 위·변조 여부를 확인할 수 있습니다. "
        "Verify: docsec verify",
        size=6.5,
        gray=0.35,
    )
    if isinstance(specimen, str):
        c.text(right, 293.0, specimen, size=6.5, gray=0.35, align="right")
    return c


def certificate_fields(
    data: Mapping[str, object],
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Return where :func:`certificate_page` prints each field of ``data``.

    Returns
    -------
    list of (str, (float, float, float, float))
        A JSON pointer into ``data`` and the rectangle ``(x, y, w, h)`` in mm from
        the page's top-left corner that holds the printed value: the document
        number, holder name, dates, the content's text values and the names and
        dates in its tables (the relation column is printed translated, so it is
        left out).
    """
    return list(certificate_page(data).fields)


def content_rows(content: Mapping[str, object]) -> list[tuple[str, str]]:
    """Return the certificate content as (label, value) rows, labelled as printed.

    Scalars get their printed label (``"등록기준지 · Registered domicile"``); a table
    gives one row per cell, ``"가족 · Family 1 · 성명 Name"``; anything else is shown
    as compact JSON.

    Examples
    --------
    >>> content_rows({"purpose": "bank", "family": [{"name": "춘섬"}]})
    [('용도 · Purpose', 'bank'), ('가족 · Family 1 · 성명 Name', '춘섬')]
    """
    import json

    rows: list[tuple[str, str]] = []
    for key, value in content.items():
        lk, le = _label(str(key), _CONTENT_LABELS)
        head = f"{lk} · {le}" if lk else le
        if isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            for n, item in enumerate(value, 1):
                if not isinstance(item, Mapping):  # pragma: no cover - checked above
                    continue
                for col, cell in item.items():
                    ck, ce = _label(str(col), _CONTENT_LABELS)
                    text = cell if isinstance(cell, str) else json.dumps(cell)
                    rows.append((f"{head} {n} · {f'{ck} {ce}'.strip()}", text))
        elif isinstance(value, str):
            rows.append((head, value))
        else:
            rows.append((head, json.dumps(value, ensure_ascii=False)))
    return rows
