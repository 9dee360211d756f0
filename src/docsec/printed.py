"""Printed-text cross-check: the paper must say what the signed seal says.

A docsec seal (profile v2) declares where each printed field is (``TEXT_REGIONS``:
a JSON pointer into the certificate data and a rectangle in seal modules). For each
one the verifier maps the rectangle through the seal's corners into the scan, reads
it with Tesseract (Korean + Latin), normalises both texts and compares them:

``match``
    the normalised texts are equal;
``mismatch``
    confident evidence of an edit: the field is blank where the seal says text
    was printed, or the engine read other text with high confidence and the
    difference is larger than genuine print-scan noise produces (measured by
    ``benchmarks/bench_printed_text.py``, docs/printed-text.md), and the capture
    reads the page's other text of that script (:func:`corroborate`);
``unreadable``
    anything else. The verifier prefers this whenever it is unsure: a genuine
    paper must never be accused.

This module measures and classifies; :mod:`docsec.verify` turns the readings into
the ``printed_text`` check (any mismatch fails it, unreadable fields make it
inconclusive).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docsec import _ocr, imaging
from docsec import checks as _names
from docsec._types import GrayImage, Image
from docsec.result import CheckResult, CheckStatus
from docsec.seal import CertificateFields, TextRegion
from docsec.seal._content import resolve_pointer

FloatImage = npt.NDArray[np.float32]

__all__ = [
    "KEY_FIELDS",
    "MATCH",
    "MISMATCH",
    "UNREADABLE",
    "FieldReading",
    "certificate_data",
    "check",
    "compare",
    "display_fields",
    "module_to_image",
    "normalise",
    "read_fields",
]

logger = logging.getLogger(__name__)

MATCH = "match"
MISMATCH = "mismatch"
UNREADABLE = "unreadable"

#: Rectified resolution of a field, pixels per millimetre (~305 dpi): 11 pt text is
#: then ~40 px tall, where Tesseract's LSTM models read best.
PX_PER_MM = 12.0
#: Word confidence (0-100) every word of a differing field must reach for a
#: mismatch. Genuine 300-dpi print-scans read the template's fields at 86-97
#: (bench_printed_text.py); an edit pasted as clean type reads at >= 90.
MISMATCH_MIN_CONF = 80.0
#: Fields whose reading must be confirmed for the verdict to be AUTHENTIC: a
#: forger who edits one of them and smudges it makes it ``unreadable``, so an
#: unreadable key field makes the check *required* (verdict INCONCLUSIVE,
#: ``printed-text-key-unreadable``); other unreadable fields are listed for the
#: clerk to compare by hand and leave the verdict alone (docs/printed-text.md).
KEY_FIELDS = ("/holder_name", "/document_number", "/birth_date")
#: Regions less tall than this (mm) hold one line of text.
SINGLE_LINE_MM = 10.0
#: Least contrast (grey levels) taken for a page's printed text: on a page where
#: nothing was printed the fields' own noise must not become the reference.
MIN_TEXT_CONTRAST = 80.0
#: A field with less ink than this (mm^2, rulings and specks excluded) is blank.
#: One printed digit at 10 pt holds ~1.5 mm^2; a genuine field holds >= 5.
BLANK_INK_MM2 = 1.0
#: A field without text ink but with this much faint marking (mm^2, darker than
#: the paper by a sixth of the text's contrast) is smudged or faded, not blank.
#: Measured (blobs >= 1 mm tall): a name blurred by 0.35-0.8 mm leaves 7-16
#: mm^2, 13 fields whitened out (laser, inkjet, phone) 0.
FAINT_INK_MM2 = 4.0
#: Characters OCR confuses between scripts and cases; both sides are mapped to one
#: class before comparing, so confusing them is noise, never evidence.
_CONFUSABLE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "i": "1",
        "|": "1",
        "!": "1",
        "L": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "g": "9",
        "q": "9",
        "T": "7",
        "A": "4",
    }
)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212~_"), "-")
_DROP = dict.fromkeys(map(ord, "()[]{}.,\u00b7:;'\"`\u00b4"), None)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_FORMS = (
    re.compile(r"(\d{4})\s*[-./]+\s*(\d{1,2})\s*[-./]+\s*(\d{1,2})"),
    re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"),
)


@dataclass(frozen=True, slots=True)
class FieldReading:
    """What was read in one declared region and how it compares.

    Attributes
    ----------
    field : str
        The JSON pointer the seal names.
    expected : str
        The signed value.
    read : str
        The OCR text (words joined by spaces); ``""`` when nothing was printed.
    outcome : str
        ``"match"``, ``"mismatch"`` or ``"unreadable"``.
    confidence : float
        Lowest word confidence (0-100) in the field, 0 when nothing was read.
    distance : int
        Edit distance between the normalised texts.
    points : tuple of (float, float)
        The region's corners in the image, ``(x, y)``.
    in_view : bool
        False when the region lies (partly) outside the image: nothing was read.
    """

    field: str
    expected: str
    read: str
    outcome: str
    confidence: float
    distance: int
    points: tuple[tuple[float, float], ...] = ()
    in_view: bool = True

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "field": self.field,
            "expected": self.expected,
            "read": self.read,
            "outcome": self.outcome,
            "confidence": round(self.confidence, 1),
            "distance": self.distance,
        }


def certificate_data(fields: CertificateFields) -> dict[str, object]:
    """Return the signed certificate data the seal carries, as a JSON-like dict."""
    out: dict[str, object] = {
        "kind": fields.kind,
        "document_number": fields.document_number,
        "holder_name": fields.holder_name,
        "issuing_office": fields.issuing_office,
        "issue_date": fields.issue_date.isoformat(),
        "valid_from": fields.valid_from.isoformat(),
    }
    if fields.document_title is not None:
        out["document_title"] = fields.document_title
    if fields.birth_date is not None:
        out["birth_date"] = fields.birth_date.isoformat()
    if fields.valid_until is not None:
        out["valid_until"] = fields.valid_until.isoformat()
    if fields.content is not None:
        out["content"] = fields.content
    return out


def normalise(text: str) -> str:
    """Return the comparison form of a text: NFKC, no spaces or brackets, one case.

    Examples
    --------
    >>> normalise("홍길동 (HONG  Gildong)")
    '홍길동h0n6611d0n9'
    >>> normalise("GN2611270042") == normalise("6N26ll27OO42")
    True
    """
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_DROP)
    text = "".join(text.split())
    return text.translate(_CONFUSABLE).casefold().translate(_CONFUSABLE)


def _dates(text: str) -> list[dt.date | None]:
    """Return every date written in ``text`` (None for an impossible one)."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    # OCR splits digit runs ("1 1-30"): a space between two digits is noise.
    text = re.sub(r"(?<=\d)\s+(?=\d)", "", text)
    found: list[tuple[int, dt.date | None]] = []
    for pattern in _DATE_FORMS:
        for m in pattern.finditer(text):
            y, mo, d = (int(g) for g in m.groups())
            try:
                found.append((m.start(), dt.date(y, mo, d)))
            except ValueError:
                found.append((m.start(), None))
    return [d for _, d in sorted(found, key=lambda t: t[0])]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def compare(
    expected: str, words: Sequence[_ocr.OcrWord], *, blank: bool
) -> tuple[str, int]:
    """Classify one field from the words read there.

    Parameters
    ----------
    expected : str
        The signed value (an ISO date ``YYYY-MM-DD`` is compared as a date, in any
        of the forms ``2024-05-01``, ``2024.5.1``, ``2024년 5월 1일``).
    words : sequence of OcrWord
        What Tesseract read in the field.
    blank : bool
        The region holds no ink at all (measured on the pixels).

    Returns
    -------
    outcome : str
    distance : int

    Examples
    --------
    >>> w = [_ocr.OcrWord("홍길동", 96.0, (0, 0, 1, 1))]
    >>> compare("홍길동", w, blank=False)
    ('match', 0)
    >>> compare("홍길순", w, blank=False)
    ('mismatch', 1)
    >>> compare("홍길동", [], blank=True)
    ('mismatch', 3)
    """
    want = normalise(expected)
    if blank:
        # The seal says text was printed here; the paper holds none.
        return (MISMATCH, len(want)) if want else (MATCH, 0)
    read = " ".join(w.text for w in words)
    got = normalise(read)
    if not got:
        return UNREADABLE, len(want)
    conf = min(w.conf for w in words)
    if got == want:
        return MATCH, 0
    if _ISO_DATE.match(expected):
        want_date = dt.date.fromisoformat(expected)
        dates = _dates(read)
        if dates and all(d == want_date for d in dates):
            return MATCH, 0
        dist = _distance(got, want)
        wrong = [d for d in dates if d is not None and d != want_date]
        strong = any(evidence(d.isoformat(), expected) >= MIN_EVIDENCE for d in wrong)
        if strong and conf >= MISMATCH_MIN_CONF:
            return MISMATCH, max(dist, 1)
        return UNREADABLE, dist
    dist = _distance(got, want)
    if dist == 0:
        return MATCH, 0
    if conf >= MISMATCH_MIN_CONF and evidence(got, want) >= needed(want):
        return MISMATCH, dist
    return UNREADABLE, dist


def _pairs(*groups: str) -> frozenset[frozenset[str]]:
    return frozenset(
        frozenset((a, b)) for g in groups for i, a in enumerate(g) for b in g[i + 1 :]
    )


# Near-confusions of a blurred capture, as conjoining jamo (what NFD makes of a
# Hangul syllable) and digits: aspirated / tense / plain consonants, vowels that
# differ by one short stroke, digits that differ by one closed loop. Seen in the
# benchmark: 희 read as 회 at confidence 93 on a genuine phone photo.
_NEAR = _pairs(
    "\u1100\u110f\u1101",  # ㄱ ㅋ ㄲ (leading)
    "\u1103\u1110\u1104",  # ㄷ ㅌ ㄸ
    "\u1107\u1111\u1108",  # ㅂ ㅍ ㅃ
    "\u1109\u110a",  # ㅅ ㅆ
    "\u110c\u110e\u110d",  # ㅈ ㅊ ㅉ
    "\u110b\u1112",  # ㅇ ㅎ
    "\u1161\u1163",  # ㅏ ㅑ
    "\u1162\u1164\u1166\u1168",  # ㅐ ㅒ ㅔ ㅖ
    "\u1165\u1167",  # ㅓ ㅕ
    "\u1169\u116d",  # ㅗ ㅛ
    "\u116e\u1172\u1173",  # ㅜ ㅠ ㅡ
    "\u116c\u1171\u1174",  # ㅚ ㅟ ㅢ
    "\u11a8\u11bf",  # ㄱ ㅋ (trailing)
    "\u11ae\u11c0",  # ㄷ ㅌ
    "\u11bc\u11c2",  # ㅇ ㅎ
    "\u11bd\u11be",  # ㅈ ㅊ
    "368",
    "08",
    "89",
    "56",
    "17",
)
#: Evidence (weighted jamo/character edits) a confident reading must show. A
#: single near-confusion weighs 0.5 and is never enough on its own.
MIN_EVIDENCE = 1.0
#: Two views reading exactly the same other text, neither confidently, prove an
#: edit only with this much evidence and every word at this confidence or more.
AGREED_MIN_EVIDENCE = 2.0
AGREED_MIN_CONF = 50.0
#: Evidence a reading needs per unit of the signed text (see :func:`needed`).
EVIDENCE_PER_UNIT = 0.15
#: Weight of a signed character that the reading lacks (see :func:`evidence`).
_LOST = 0.25


def needed(want: str, least: float = 1.0) -> float:
    """Return the evidence a reading of the normalised signed text ``want`` needs.

    ``least`` (:data:`MIN_EVIDENCE`), or :data:`EVIDENCE_PER_UNIT` per unit of
    the text if that is more: a Hangul jamo is one unit, any other character
    half of one. OCR errors on a blurred capture grow with the text's length
    (a genuine phone photo read the 30-jamo domicile ``서울특별시`` as
    ``서 욱 트 병 시`` at confidence 86: evidence 2.25, and the second view
    agreed), an edit's evidence does not: a changed syllable weighs 2-3.

    Examples
    --------
    >>> needed(normalise("GN2611270042"))  # 12 characters: 0.9, so the floor
    1.0
    >>> round(needed(normalise("서울특별시 강남구 학동로 426")), 1)
    4.6
    """
    jamo = sum(1 for c in unicodedata.normalize("NFKD", want) if _HANGUL.match(c))
    other = len(unicodedata.normalize("NFKD", want)) - jamo
    return max(least, EVIDENCE_PER_UNIT * (jamo + 0.5 * other))


def evidence(got: str, want: str) -> float:
    """Return how different two normalised texts are, as a forger's edit would be.

    Levenshtein distance over Hangul jamo (Unicode NFKD: syllables and lone
    compatibility jamo alike) and characters, where a
    substitution between near-confusions (:data:`_NEAR`) costs 0.5, others 1, an
    extra character read costs 1, and a signed character *missing* from the
    reading costs only 0.25: blur loses strokes (a genuine phone photo read
    ``홍판서`` as ``호 파 ㅅ`` at confidence 87, dropping three jamo), a forger's
    edit substitutes them.

    Examples
    --------
    >>> evidence("김영희", "김영회")  # one vowel stroke: OCR noise
    0.5
    >>> evidence("홍길동", "홍길순")  # a whole syllable: three jamo
    3.0
    >>> evidence("호파ㅅ", "홍판서")  # only lost jamo: what blur does
    0.75
    """
    a = unicodedata.normalize("NFKD", got)
    b = unicodedata.normalize("NFKD", want)
    # a: the reading, b: the signed text. prev[j] = cost of a[:i] against b[:j].
    prev = [_LOST * j for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        cur = [float(i)]
        for j, cb in enumerate(b, 1):
            if ca == cb:
                sub = 0.0
            elif frozenset((ca, cb)) in _NEAR:
                sub = 0.5
            else:
                sub = 1.0
            cur.append(min(prev[j] + 1, cur[j - 1] + _LOST, prev[j - 1] + sub))
        prev = cur
    return prev[-1]


# ----------------------------------------------------------------------------- pixels


def module_to_image(
    corners: Sequence[tuple[float, float]], size: int
) -> npt.NDArray[np.float64]:
    """Return the homography from seal modules to image pixels (3x3)."""
    n = float(size)
    src = np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float32)
    dst = np.asarray(corners, np.float32)
    return np.asarray(cv2.getPerspectiveTransform(src, dst), np.float64)


def region_points(
    corners: Sequence[tuple[float, float]],
    size: int,
    region: TextRegion,
    *,
    to_image: npt.NDArray[np.float64] | None = None,
    dy: float = 0.0,
) -> tuple[tuple[float, float], ...]:
    """Return a region's corners in the image, ``(x, y)``.

    ``to_image`` is :func:`module_to_image` of ``corners`` and ``size`` when the
    caller has it already; ``dy`` moves the region down by that many modules (see
    :func:`register`).
    """
    h = module_to_image(corners, size) if to_image is None else to_image
    x, y, w, hh = region.in_modules()
    y += dy
    rect = np.array(
        [[[x, y]], [[x + w, y]], [[x + w, y + hh]], [[x, y + hh]]], np.float64
    )
    pts = cv2.perspectiveTransform(rect, h).reshape(-1, 2)
    return tuple((float(px), float(py)) for px, py in pts)


def rectify(
    gray: GrayImage,
    corners: Sequence[tuple[float, float]],
    size: int,
    region: TextRegion,
    module_mm: float,
    *,
    to_image: npt.NDArray[np.float64] | None = None,
    pad_mm: float = 0.0,
) -> GrayImage:
    """Warp a region to an upright image at :data:`PX_PER_MM`.

    ``pad_mm`` adds that much paper above and below the region (the strip
    :func:`register` searches).

    Parameters
    ----------
    gray : (H, W) uint8 ndarray, gray, 0..255
    corners : four (x, y)
        The seal symbol's corners, top-left first, clockwise (as
        :class:`docsec.barcode.DecodedSymbol` gives them).
    size : int
        Modules per side of the symbol.
    region : TextRegion
    module_mm : float
        Printed module size.
    to_image : (3, 3) float64 ndarray, optional
        :func:`module_to_image` of ``corners`` and ``size``, when already built.
    """
    h = module_to_image(corners, size) if to_image is None else to_image
    x, y, w, hh = region.in_modules()
    pad = pad_mm / module_mm
    y, hh = y - pad, hh + 2 * pad
    scale = PX_PER_MM * module_mm  # output pixels per module
    out_w, out_h = max(1, round(w * scale)), max(1, round(hh * scale))
    # Output pixel (u, v) -> module (x + u / scale, y + v / scale) -> image.
    to_module = np.array([[1 / scale, 0, x], [0, 1 / scale, y], [0, 0, 1]], np.float64)
    m = h @ to_module
    warped = cv2.warpPerspective(
        gray,
        m,
        (out_w, out_h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    out: GrayImage = np.asarray(warped, np.uint8)
    return out


def flatten(crop: GrayImage) -> FloatImage:
    """Return a field with its illumination flattened: paper ~255, ink darker.

    Divides by a smooth background estimate taken from a closing that erases
    text strokes (phone photos, lamp fall-off, the security tint).
    """
    f = crop.astype(np.float32)
    k = max(3, round(PX_PER_MM * 1.5)) | 1
    bg = cv2.morphologyEx(crop, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    bg = cv2.GaussianBlur(bg, (0, 0), k / 2).astype(np.float32)
    out: FloatImage = np.clip(f / np.maximum(bg, 1.0) * 255.0, 0, 255)
    return out


def _contrast(flat: FloatImage) -> float:
    """Median minus the 0.2 % quantile: how dark the darkest ink is."""
    return float(np.median(flat) - np.quantile(flat, 0.002))


def _ink(flat: FloatImage, level: float) -> npt.NDArray[np.uint8]:
    """Return the text ink darker than ``level``: rulings and specks removed."""
    ink = (flat < level).astype(np.uint8)
    # Table rulings that the region caught at its edges (the seal maps the region
    # to within a few pixels, not exactly): straight runs longer than 5 mm.
    run = round(5 * PX_PER_MM)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    lines = cv2.dilate(np.maximum(horizontal, vertical), np.ones((3, 3), np.uint8))
    ink = np.where(lines > 0, 0, ink).astype(np.uint8)
    # Drop specks (toner scatter, halftone dots of the tint): 0.05 mm^2 or less.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] > (0.22 * PX_PER_MM) ** 2
    out: npt.NDArray[np.uint8] = keep[labels].astype(np.uint8)
    return out


def faint_ink(flat: FloatImage, reference: float) -> float:
    """Return the area (mm^2) of faint marks: darker than the paper by 1/6 of text.

    A field with no text ink but this much faint marking is not blank: it was
    smudged, faded or blurred, which is no evidence of an edit (a field whitened
    out holds neither).
    """
    ink = _ink(flat, float(np.median(flat)) - reference / 6)
    # Only blobs as tall as blurred glyphs (>= 1 mm): the faint, broken edge of a
    # cell ruling or of a painted-over rectangle is a thin run, not a smudge.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_HEIGHT] >= PX_PER_MM
    return float(np.count_nonzero(keep[labels])) / PX_PER_MM**2


#: How far (mm) above and below its declared place a field's text is looked for.
#: The place is extrapolated from the seal's corners over up to 20 cm of paper,
#: and a printer's paper feed or a scanner's carriage stretches the page along its
#: length: on 2 genuine 300-dpi laser scans in 80 the table's names sat ~1 mm
#: lower than mapped, their regions cut off the final consonants (홍 read 호),
#: and both read all 13 fields once moved down 1 mm.
REGISTER_MM = 2.0
#: Height (mm) of the band along a region's top and bottom edge whose ink counts
#: as text cut by the edge.
_EDGE_MM = 0.4


def register(strip: FloatImage, height: int, reference: float) -> int:
    """Return where a field's window of ``height`` rows best sits in its strip.

    ``strip`` is the flattened field with :data:`REGISTER_MM` of paper above and
    below (:func:`rectify` with ``pad_mm``). The template puts each region's top
    and bottom edge in the paper between lines of text, so the window is placed
    where its edges cut the least ink (rulings and specks excluded, as
    :func:`clean` excludes them); among those, where it holds the most ink; among
    those, nearest the declared place (the middle of the strip). Returns the
    window's first row.
    """
    centre = (strip.shape[0] - height) // 2
    ink = _ink(strip, float(np.median(strip)) - reference / 2)
    profile = ink.sum(axis=1, dtype=np.float64)
    total = float(profile.sum())
    if total == 0.0 or strip.shape[0] <= height:
        return int(max(0, centre))
    run = np.concatenate([[0.0], np.cumsum(profile)])
    e = max(1, round(_EDGE_MM * PX_PER_MM))
    first = np.arange(0, strip.shape[0] - height + 1)
    edge = (run[first + e] - run[first]) + (
        run[first + height] - run[first + height - e]
    )
    inside = run[first + height] - run[first]
    near = edge <= edge.min() + 0.02 * total
    best = inside[near].max()
    near &= inside >= 0.98 * best
    candidates = first[near]
    return int(candidates[np.argmin(np.abs(candidates - centre))])


def clean(
    flat: FloatImage, reference: float
) -> tuple[GrayImage | None, float, GrayImage | None]:
    """Binarise a flattened field, drop rulings and specks, and trim it to its ink.

    Parameters
    ----------
    flat : (h, w) float32 ndarray
        From :func:`flatten`.
    reference : float
        The contrast of this page's printed text (grey levels): ink is what is
        darker than the paper by half of it. The tint and the halftone dots of a
        painted-over background stay lighter.

    Returns
    -------
    image : (h, w) uint8 ndarray or None
        Black text on white, trimmed with a margin; None when the field is blank
        (less than :data:`BLANK_INK_MM2` of ink).
    ink : float
        Ink area outside rulings and specks, square millimetres.
    grey : (h', w') uint8 ndarray or None
        The same area, flattened but not binarised, enlarged 1.5 times: the
        second view a suspected mismatch is read again in.
    """
    median = float(np.median(flat))
    ink = _ink(flat, median - reference / 2)
    area = float(np.count_nonzero(ink)) / PX_PER_MM**2
    if area < BLANK_INK_MM2:
        return None, area, None
    rows, cols = np.nonzero(ink)
    pad = round(PX_PER_MM)
    r0, r1 = max(0, rows.min() - pad), min(ink.shape[0], rows.max() + pad + 1)
    c0, c1 = max(0, cols.min() - pad), min(ink.shape[1], cols.max() + pad + 1)
    out: GrayImage = np.where(ink[r0:r1, c0:c1] > 0, 0, 255).astype(np.uint8)
    grey = np.clip(flat[r0:r1, c0:c1] + (255.0 - median), 0, 255).astype(np.uint8)
    grey = np.asarray(
        cv2.resize(grey, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC),
        np.uint8,
    )
    return out, area, grey


_LATIN = re.compile(r"[A-Za-z]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def _in_reading_order(words: list[_ocr.OcrWord]) -> list[_ocr.OcrWord]:
    """Order words by line (top to bottom), then left to right.

    Tesseract sometimes returns the syllables of one short Korean name as two
    "lines" in the wrong order; words whose vertical centres lie within half a
    word height of each other are one line.
    """
    if len(words) < 2:
        return words
    height = float(np.median([w.box[3] for w in words]))
    lines: list[list[_ocr.OcrWord]] = []
    for w in sorted(words, key=lambda w: w.box[1] + w.box[3] / 2):
        centre = w.box[1] + w.box[3] / 2
        last = lines[-1] if lines else None
        if last is not None and abs(
            centre - np.mean([v.box[1] + v.box[3] / 2 for v in last])
        ) <= max(1.0, height / 2):
            last.append(w)
        else:
            lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.box[0])]


def _read(
    images: list[GrayImage],
    values: list[str],
    timeout: float,
    single: Sequence[bool] = (),
) -> list[tuple[str, int, str, float]]:
    """OCR each image and compare it with its signed value.

    Returns ``(outcome, distance, text read, lowest word confidence)`` per image.
    ``single`` marks the images to read as one text line (default: none).

    Each script is read by its own model, at most two engine runs per call:
    ``kor`` reads every field whose signed text has Hangul or no Latin letters,
    ``eng`` every field with Latin letters. A mixed field (``홍길동 (HONG
    Gildong)``) is read by both and its words merged: Hangul words from the Korean
    pass, the other words from the English pass where no Hangul word stands.
    Tesseract's own ``kor+eng`` picks a model per word and, on such lines, read
    Korean names as Latin garbage (``S42``) in a third of the simulated scans.
    """
    kor = [k for k, v in enumerate(values) if _HANGUL.search(v) or not _LATIN.search(v)]
    eng = [k for k, v in enumerate(values) if _LATIN.search(v)]
    passes: dict[str, dict[int, list[_ocr.OcrWord]]] = {"kor": {}, "eng": {}}
    lines = [k < len(single) and bool(single[k]) for k in range(len(images))]
    groups: list[tuple[str, list[int]]] = []
    requests: list[_ocr.OcrRequest] = []
    for languages, members in (("kor", kor), ("eng", eng)):
        for one_line in (False, True):
            group = [k for k in members if lines[k] is one_line]
            if group:
                groups.append((languages, group))
                requests.append(
                    _ocr.OcrRequest([images[k] for k in group], languages, one_line)
                )
    results = _ocr.read_many(requests, timeout=timeout)
    for (languages, group), pages in zip(groups, results, strict=True):
        passes[languages].update(zip(group, pages, strict=True))
    out: list[tuple[str, int, str, float]] = []
    for k, value in enumerate(values):
        korean = passes.get("kor", {}).get(k)
        latin = passes.get("eng", {}).get(k)
        if korean is not None and latin is not None:
            words = _merge(korean, latin)
        else:
            words = korean if korean is not None else latin or []
        ordered = _in_reading_order(words)
        outcome, dist = compare(value, ordered, blank=False)
        text = " ".join(w.text for w in ordered)
        out.append((outcome, dist, text, min((w.conf for w in words), default=0.0)))
    return out


def _differs(read: str, expected: str) -> bool:
    """Return whether a reading differs from the signed text by real evidence."""
    got, want = normalise(read), normalise(expected)
    return bool(got) and got != want and evidence(got, want) >= needed(want)


def _confirmed(
    expected: str, read: str, conf: float, second: tuple[str, int, str, float]
) -> bool:
    """Decide whether two views prove an edit the first view read unconfidently.

    Any of:

    * the second view is a confident mismatch of its own (:func:`compare`) and
      the first reading is closer to it than to the signed text (the rule for a
      confident first view, the other way round);
    * a signed date: the first view read the date in both printed forms
      (``1979년 8월 21일 (1979-08-21)``) as one and the same other date, by
      strong evidence, and the second view read only that date too: an OCR
      error does not rewrite both forms alike, an edit does;
    * both views read exactly the same normalised text, different from the
      signed one by at least :data:`AGREED_MIN_EVIDENCE`, every word of one of
      them at confidence :data:`AGREED_MIN_CONF` or more (Tesseract scores a
      word it splits 0: ``GN2607 150317`` at 0 in a clean view).
    """
    outcome2, _dist2, read2, conf2 = second
    first, again, want = normalise(read), normalise(read2), normalise(expected)
    same = again == first
    if outcome2 == MISMATCH and _distance(first, again) < _distance(first, want):
        # The rule for a confident first view, the other way round.
        return True
    if _ISO_DATE.match(expected):
        one, two = _dates(read), _dates(read2)
        other = set(one) | set(two)
        if len(one) < 2 or not two or len(other) != 1:
            return False
        (date,) = other
        return (
            date is not None
            and date != dt.date.fromisoformat(expected)
            and evidence(date.isoformat(), expected) >= MIN_EVIDENCE
        )
    return (
        same
        and max(conf, conf2) >= AGREED_MIN_CONF
        and evidence(first, want) >= needed(want, AGREED_MIN_EVIDENCE)
    )


def _merge(korean: list[_ocr.OcrWord], latin: list[_ocr.OcrWord]) -> list[_ocr.OcrWord]:
    """Merge the two passes over a mixed-script field, word by word.

    Candidates are the Korean pass's Hangul words and the English pass's other
    words; where candidates overlap (more than 30 % of the narrower one), the more
    confident one stands. Each model's reading of the other script is garbage at
    low confidence (``다`` for ``Cheolsu``, ``SU`` for ``홍길순``).
    """
    candidates = [w for w in korean if _HANGUL.search(w.text)]
    candidates += [w for w in latin if not _HANGUL.search(w.text)]
    kept: list[_ocr.OcrWord] = []
    for w in sorted(candidates, key=lambda w: -w.conf):
        x0, x1 = w.box[0], w.box[0] + w.box[2]
        if not any(
            min(x1, v.box[0] + v.box[2]) - max(x0, v.box[0])
            > 0.3 * max(1, min(w.box[2], v.box[2]))
            for v in kept
        ):
            kept.append(w)
    return kept


def read_fields(
    image: Image,
    *,
    corners: Sequence[tuple[float, float]],
    size: int,
    regions: Sequence[TextRegion],
    data: Mapping[str, object],
    module_mm: float,
    timeout: float = _ocr.DEFAULT_TIMEOUT,
    to_image: npt.NDArray[np.float64] | None = None,
) -> list[FieldReading]:
    """Read every declared region of a page and compare it with the signed data.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The scan or photo.
    corners : four (x, y)
        The verified seal symbol's corners in ``image``.
    size : int
        The symbol's modules per side.
    regions : sequence of TextRegion
        From the verified seal.
    data : mapping
        The signed certificate data (:func:`certificate_data`).
    module_mm : float
        The printed module size the seal declares.
    timeout : float
        Seconds the OCR engine may take for the page.
    to_image : (3, 3) float64 ndarray, optional
        :func:`module_to_image` of ``corners`` and ``size``, when already built.

    Returns
    -------
    list of FieldReading
        One per region, in seal order. Regions that name no text value, or fall
        outside the image, are ``unreadable``.
    """
    gray = imaging.to_gray(image)
    rows, cols = gray.shape[:2]
    if to_image is None:
        to_image = module_to_image(corners, size)
    crops: list[GrayImage] = []
    slots: list[tuple[int, TextRegion, str, tuple[tuple[float, float], ...]]] = []
    out: dict[int, FieldReading] = {}
    blank: set[int] = set()
    greys: list[GrayImage] = []
    pending: list[
        tuple[int, TextRegion, str, tuple[tuple[float, float], ...], FloatImage]
    ] = []
    for i, region in enumerate(regions):
        pts = region_points(corners, size, region, to_image=to_image)
        try:
            value = resolve_pointer(data, region.field)
        except KeyError:
            value = None
        arr = np.asarray(pts)
        inside = bool(
            arr[:, 0].min() >= 0
            and arr[:, 1].min() >= 0
            and arr[:, 0].max() <= cols
            and arr[:, 1].max() <= rows
        )
        if not isinstance(value, str) or not inside:
            out[i] = FieldReading(
                region.field, str(value or ""), "", UNREADABLE, 0.0, 0, pts, inside
            )
            continue
        strip = flatten(
            rectify(
                gray,
                corners,
                size,
                region,
                module_mm,
                to_image=to_image,
                pad_mm=REGISTER_MM,
            )
        )
        pending.append((i, region, value, pts, strip))
    # How dark this page's text is: the median field contrast (most fields are
    # what was printed), with a floor for pages where nothing was printed.
    scale = PX_PER_MM * module_mm  # strip pixels per module
    pad = round(REGISTER_MM * PX_PER_MM)
    heights = {i: round(region.in_modules()[3] * scale) for i, region, *_ in pending}
    contrasts = [_contrast(s[pad : pad + heights[i]]) for i, *_, s in pending]
    reference = max(MIN_TEXT_CONTRAST, float(np.median(contrasts)) if contrasts else 0)
    for i, region, value, pts, strip in pending:
        top = register(strip, heights[i], reference)
        flat = strip[top : top + heights[i]]
        if top != pad:
            logger.debug("field %d: %d px off its mapped place", i, top - pad)
            pts = region_points(
                corners, size, region, to_image=to_image, dy=(top - pad) / scale
            )
        crop, ink, grey = clean(flat, reference)
        logger.debug("field %d: %.1f mm^2 of ink", i, ink)
        if crop is None:
            if faint_ink(flat, reference) >= FAINT_INK_MM2:
                # Marks without text contrast: smudged or faded, not blank.
                out[i] = FieldReading(region.field, value, "", UNREADABLE, 0.0, 0, pts)
                continue
            blank.add(i)
            outcome, dist = compare(value, [], blank=True)
            out[i] = FieldReading(region.field, value, "", outcome, 100.0, dist, pts)
            continue
        slots.append((i, region, value, pts))
        crops.append(crop)
        greys.append(grey if grey is not None else crop)
    # One-line fields (under 10 mm tall) are read again as a single line: in
    # the grey view, block segmentation sometimes finds no text at all.
    one_line = [
        region.in_modules()[3] * module_mm < SINGLE_LINE_MM for _, region, _, _ in slots
    ]
    first = _read(crops, [value for _, _, value, _ in slots], timeout)
    # A suspected edit is read again in a second view (grey, enlarged): an OCR
    # error seldom repeats itself there, an edit does. Only a difference both
    # readings agree on is evidence; anything else stays unreadable. Suspects are
    # confident mismatches, and differing readings the engine gave a low
    # confidence (Tesseract sometimes scores a clean word 0 when it splits it:
    # 'GN2607 150317' at 0 on a 300-dpi scan of an edited document number).
    suspects = [
        k
        for k, (outcome, _dist, read, _conf) in enumerate(first)
        if outcome == MISMATCH
        or (outcome == UNREADABLE and _differs(read, slots[k][2]))
    ]
    second = dict(
        zip(
            suspects,
            _read(
                [greys[k] for k in suspects],
                [slots[k][2] for k in suspects],
                timeout,
                [one_line[k] for k in suspects],
            ),
            strict=True,
        )
    )
    for k, (outcome, dist, read, conf) in enumerate(first):
        i, region, value, pts = slots[k]
        if k in second and outcome == MISMATCH:
            # The second view needs no high confidence of its own: it must read
            # something other than the signed text, and closer to the first
            # reading than the first reading is to the signed text.
            outcome2, _dist2, read2, _conf2 = second[k]
            again = normalise(read2)
            agree = (
                again != normalise(value) and _distance(normalise(read), again) < dist
            )
            if outcome2 == MATCH or not agree:
                logger.debug("field %d: the second reading does not confirm", i)
                outcome = UNREADABLE
        elif k in second and _confirmed(value, read, conf, second[k]):
            logger.debug("field %d: the second reading confirms the first", i)
            outcome, conf = MISMATCH, max(conf, second[k][3])
        out[i] = FieldReading(region.field, value, read, outcome, conf, dist, pts)
    return corroborate(
        [out[i] for i in range(len(regions))], ocr={slot[0] for slot in slots}
    )


def corroborate(
    readings: Sequence[FieldReading], *, ocr: Collection[int]
) -> list[FieldReading]:
    """Keep an OCR mismatch only where the capture reads its script elsewhere.

    An OCR difference is evidence of an edit only if the same capture reads the
    page's other text of that script faithfully. A worn or blurred print loses
    strokes everywhere: a genuine 300-dpi laser page read ``홍판서`` as ``호 파
    /-`` and ``춘섬`` as ``추 선`` at confidence 89, both confirmed by the second
    view, while most of its other Hangul fields were unreadable too. A forger's
    edit is one clean field among fields that read.

    So a mismatch read by OCR (the indices in ``ocr``; a blank field is measured
    on the pixels and always stands) becomes ``unreadable`` when, among the other
    in-view fields of its script (signed text with Hangul, or without), more
    are unreadable than read (match or mismatch). A page whose every field
    differs (a genuine seal pasted on another certificate) keeps its
    mismatches; a forger who smudges the other fields to shield an edit gains
    nothing he would not gain by smudging the edited field itself (an unreadable
    key field keeps the verdict from AUTHENTIC, see :data:`KEY_FIELDS`).

    Examples
    --------
    >>> def r(field, value, outcome):
    ...     return FieldReading(field, value, "x", outcome, 90.0, 1, ())
    >>> page = [r("/a", "홍판서", MISMATCH), r("/b", "춘섬", UNREADABLE),
    ...         r("/c", "김영희", UNREADABLE), r("/d", "홍길동", MATCH)]
    >>> [x.outcome for x in corroborate(page, ocr={0, 1, 2, 3})]
    ['unreadable', 'unreadable', 'unreadable', 'match']
    >>> page[1] = r("/b", "춘섬", MATCH)
    >>> [x.outcome for x in corroborate(page, ocr={0, 1, 2, 3})]
    ['mismatch', 'match', 'unreadable', 'match']
    """
    script = [bool(_HANGUL.search(r.expected)) for r in readings]
    out = list(readings)
    for k, reading in enumerate(readings):
        if reading.outcome != MISMATCH or k not in ocr:
            continue
        peers = [
            other.outcome
            for j, other in enumerate(readings)
            if j != k and other.in_view and other.expected and script[j] == script[k]
        ]
        unread = peers.count(UNREADABLE)
        if unread and unread > len(peers) - unread:
            logger.debug(
                "field %s: %d of %d other fields of its script are unreadable; "
                "the mismatch is not evidence",
                reading.field,
                unread,
                len(peers),
            )
            out[k] = dataclasses.replace(reading, outcome=UNREADABLE)
    return out


# ------------------------------------------------------------------ the verify check


def display_fields(
    rows: Sequence[tuple[str, str, str]],
) -> tuple[tuple[str, str], ...]:
    """Return a seal's display rows with the signed content labelled as printed.

    ``rows`` are ``(name, value, coding)`` as :func:`docsec.seal.decode_fields`
    gives them. The packed ``CONTENT`` row becomes one row per printed item
    (:func:`docsec._template.content_rows`); the ``TEXT_REGIONS`` row is kept (it
    lists the fields whose print is checked).
    """
    import json

    from docsec._template import content_rows

    out: list[tuple[str, str]] = []
    for name, value, coding in rows:
        if name == "CONTENT" and coding == "PACKED_JSON":
            try:
                content = json.loads(value)
            except ValueError:
                content = None
            if isinstance(content, dict):
                out.extend(content_rows(content))
                continue
        out.append((name, value))
    return tuple(out)


def check(
    image: Image,
    *,
    corners: Sequence[tuple[float, float]],
    size: int,
    fields: CertificateFields,
    timeout: float = _ocr.DEFAULT_TIMEOUT,
    to_image: npt.NDArray[np.float64] | None = None,
) -> tuple[CheckResult, list[FieldReading]]:
    """Compare the printed fields a verified seal declares with its signed values.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The scan or photo the seal was read from.
    corners, size
        The seal symbol's corners in ``image`` and modules per side.
    fields : CertificateFields
        The verified seal's fields (with ``text_regions``).
    timeout : float
        Seconds the OCR engine may take for the page.
    to_image : (3, 3) float64 ndarray, optional
        :func:`module_to_image` of ``corners`` and ``size``, when already built.

    Returns
    -------
    check : CheckResult
        ``printed_text``: FAIL (``printed-text-mismatch``) naming each field that
        confidently differs and both texts; INCONCLUSIVE when a field could not
        be read (``printed-text-unreadable``, with
        ``printed-text-key-unreadable`` first when one of :data:`KEY_FIELDS` is
        among them: :mod:`docsec.verify` then requires the check) or OCR is not
        installed
        (``ocr-unavailable``) or failed on this page (``ocr-failed``: a crash or
        its deadline; :mod:`docsec.verify` then requires the check); PASS when
        every field matches. ``score`` is the
        share of fields that matched.
    readings : list of FieldReading
    """
    total = len(fields.text_regions)
    why = _ocr.available()
    if why is not None:
        return (
            CheckResult(
                _names.PRINTED_TEXT,
                CheckStatus.INCONCLUSIVE,
                f"cannot read the {total} printed fields the seal declares: {why}",
                ("ocr-unavailable",),
            ),
            [],
        )
    module_mm = (fields.module_size_um or 500) / 1000.0
    try:
        readings = read_fields(
            image,
            corners=corners,
            size=size,
            regions=fields.text_regions,
            data=certificate_data(fields),
            module_mm=module_mm,
            timeout=timeout,
            to_image=to_image,
        )
    except (TimeoutError, OSError) as exc:
        # The engine crashed or ran out of time (a busy machine, or pixels made to
        # stall it): no evidence against the paper, and no confirmation of it.
        # verify requires the check then, so the verdict is INCONCLUSIVE.
        logger.debug("OCR failed", exc_info=True)
        return (
            CheckResult(
                _names.PRINTED_TEXT,
                CheckStatus.INCONCLUSIVE,
                f"the {total} printed fields the seal declares were not read: "
                f"{type(exc).__name__}: {str(exc)[:200]}",
                ("ocr-failed",),
            ),
            [],
        )
    matched = sum(r.outcome == MATCH for r in readings)
    bad = [r for r in readings if r.outcome == MISMATCH]
    unread = [r for r in readings if r.outcome == UNREADABLE]
    score = matched / total if total else None
    if bad:
        detail = "; ".join(
            f"{r.field}: paper {r.read or '(blank)'!r}, signed {r.expected!r}"
            for r in bad
        )
        return (
            CheckResult(
                _names.PRINTED_TEXT,
                CheckStatus.FAIL,
                f"printed text differs from the signed content: {detail}",
                ("printed-text-mismatch",),
                score,
            ),
            readings,
        )
    if unread and not any(r.in_view for r in readings):
        return (
            CheckResult(
                _names.PRINTED_TEXT,
                CheckStatus.INCONCLUSIVE,
                f"the {total} printed fields the seal declares are not in the image "
                "(scan the whole page to check them)",
                ("printed-text-out-of-view",),
            ),
            readings,
        )
    if unread:
        key = [r for r in unread if r.field in KEY_FIELDS]
        rest = [r for r in unread if r.field not in KEY_FIELDS]
        names = ", ".join(r.field for r in key + rest)
        codes = ("printed-text-key-unreadable",) if key else ()
        return (
            CheckResult(
                _names.PRINTED_TEXT,
                CheckStatus.INCONCLUSIVE,
                f"{matched} of {total} printed fields match the signed content; "
                f"not readable with confidence: {names} (compare them by hand)",
                (*codes, "printed-text-unreadable"),
                score,
            ),
            readings,
        )
    return (
        CheckResult(
            _names.PRINTED_TEXT,
            CheckStatus.PASS,
            f"all {total} printed fields match the signed content",
            (),
            score,
        ),
        readings,
    )
