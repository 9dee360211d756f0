"""Geometry of the copy-detection block and the keyed bits of its pattern.

All coordinates here are in *printer dots* at 600 dpi (``DOT_DPI``), ``(x, y)`` =
(column, row) measured from the block's top-left corner, a dot's centre at
``(i + 0.5, j + 0.5)``. The block is::

    F . . . . . . . . . F        F  solid fiducial square (FID dots)
    . +---------------+ .        +  keyed pattern (PATTERN_DOTS square)
    F |    pattern    | F        -  calibration strip under the pattern:
    . +---------------+ .           solid, 1-dot checkerboard, 1-dot and 2-dot
    .  [ strip ]        .           line pairs (vertical, horizontal), 1/8 tint
    F . . . . . . . . . F

surrounded by a white quiet zone of ``QUIET`` dots (part of the image).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from docsec.errors import ConfigurationError, InputError

__all__ = ["DOT_DPI", "Layout", "keyed_bits", "layout_for"]

#: Printer grid of the pattern: one image pixel per printer dot.
DOT_DPI = 600

_PATTERN_DOTS = 216  # 9.14 mm at 600 dpi
_FID = 30  # fiducial square side
_GAP = 12  # white gap between fiducials, pattern and strip
_STRIP_H = 20  # calibration strip height
QUIET = 12  # white margin around the block

#: Calibration-strip segments: (name, width in dots).
STRIP_SEGMENTS: tuple[tuple[str, int], ...] = (
    ("solid", 20),
    ("checker1", 40),
    ("vlines1", 36),
    ("hlines1", 36),
    ("vlines2", 40),
    ("tint8", 44),
)

_DRBG_LABEL = b"docsec-cdp-pattern v1"


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything sits in the copy-detection block, in printer dots.

    Attributes
    ----------
    module_dots : int
        Printer dots per pattern module (1 or 2).
    width, height : int
        Size of the whole image (block plus quiet zone).
    pattern_origin : (int, int)
        ``(x, y)`` of the pattern's top-left dot.
    pattern_dots : int
        Side of the pattern in dots.
    fiducials : tuple of (float, float)
        Centres ``(x, y)`` of the six fiducial squares: top-left, top-right,
        middle-left, middle-right, bottom-left, bottom-right.
    fid : int
        Fiducial side in dots.
    strip_origin : (int, int)
        ``(x, y)`` of the calibration strip's top-left dot.
    strip : tuple of (str, int, int)
        ``(name, x0, width)`` per strip segment, x relative to ``strip_origin``.
    strip_height : int
        Height of the strip in dots.
    """

    module_dots: int
    width: int
    height: int
    pattern_origin: tuple[int, int]
    pattern_dots: int
    fiducials: tuple[tuple[float, float], ...]
    fid: int
    strip_origin: tuple[int, int]
    strip: tuple[tuple[str, int, int], ...]
    strip_height: int

    @property
    def modules(self) -> int:
        """Number of pattern modules along one side."""
        return self.pattern_dots // self.module_dots


def layout_for(module_dots: int) -> Layout:
    """Return the block layout for 1- or 2-dot modules."""
    if isinstance(module_dots, bool) or module_dots not in (1, 2):
        raise ConfigurationError(f"module_dots must be 1 or 2, got {module_dots!r}")
    q = QUIET
    px0 = q + _FID + _GAP
    py0 = q + _FID + _GAP
    sy0 = py0 + _PATTERN_DOTS + _GAP
    bottom_fid_y0 = sy0 + _STRIP_H + _GAP
    right_fid_x0 = px0 + _PATTERN_DOTS + _GAP
    width = right_fid_x0 + _FID + q
    height = bottom_fid_y0 + _FID + q
    h = _FID / 2
    left = q + h
    right = right_fid_x0 + h
    top = q + h
    bottom = bottom_fid_y0 + h
    mid = (top + bottom) / 2
    fids = (
        (left, top),
        (right, top),
        (left, mid),
        (right, mid),
        (left, bottom),
        (right, bottom),
    )
    segs: list[tuple[str, int, int]] = []
    x = 0
    for name, w in STRIP_SEGMENTS:
        segs.append((name, x, w))
        x += w
    if x > _PATTERN_DOTS:  # pragma: no cover - a constant-table error
        raise ConfigurationError("calibration strip is wider than the pattern")
    return Layout(
        module_dots=module_dots,
        width=width,
        height=height,
        pattern_origin=(px0, py0),
        pattern_dots=_PATTERN_DOTS,
        fiducials=fids,
        fid=_FID,
        strip_origin=(px0, sy0),
        strip=tuple(segs),
        strip_height=_STRIP_H,
    )


def _check_doc_id(doc_id: object) -> bytes:
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > 64:
        raise InputError("doc_id must be a non-empty string of at most 64 characters")
    return doc_id.encode("utf-8")


def keyed_bits(
    material: bytes, doc_id: str, n: int, module_dots: int
) -> npt.NDArray[np.bool_]:
    """Return ``n * n`` keyed pattern bits (True = ink) as an ``(n, n)`` array.

    The bits are the output of HMAC-SHA256 in counter mode (the PRF construction of
    NIST SP 800-108) keyed by the CDP secret, over a label, the document id and the
    module size: without the secret they cannot be predicted from public data.
    """
    doc = _check_doc_id(doc_id)
    info = (
        _DRBG_LABEL
        + b"\x00"
        + len(doc).to_bytes(2, "big")
        + doc
        + bytes([module_dots])
        + n.to_bytes(2, "big")
    )
    need = (n * n + 7) // 8
    out = bytearray()
    counter = 0
    while len(out) < need:
        out += hmac.new(
            material, counter.to_bytes(4, "big") + info, hashlib.sha256
        ).digest()
        counter += 1
    bits = np.unpackbits(np.frombuffer(bytes(out[:need]), dtype=np.uint8))[: n * n]
    return bits.reshape(n, n).astype(bool)


def strip_template(layout: Layout) -> npt.NDArray[np.bool_]:
    """Return the calibration strip as ``(strip_height, pattern_dots)`` ink flags."""
    h = layout.strip_height
    out = np.zeros((h, layout.pattern_dots), dtype=bool)
    rr, cc = np.mgrid[0:h, 0 : layout.pattern_dots]
    for name, x0, w in layout.strip:
        sl = (slice(None), slice(x0 + 2, x0 + w - 2))  # 2-dot white rims between
        sub_r, sub_c = rr[sl], cc[sl]
        if name == "solid":
            seg = np.ones_like(sub_r, dtype=bool)
        elif name == "checker1":
            seg = (sub_r + sub_c) % 2 == 0
        elif name == "vlines1":
            seg = sub_c % 2 == 0
        elif name == "hlines1":
            seg = sub_r % 2 == 0
        elif name == "vlines2":
            seg = (sub_c // 2) % 2 == 0
        else:  # tint8: one dot in eight, spread on a 45-degree lattice
            seg = (sub_c + 3 * sub_r) % 8 == 0
        out[sl] = seg
    return out


def render_block(layout: Layout, bits: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """Render the block: 0 = ink, 255 = paper, one pixel per printer dot."""
    ink = np.zeros((layout.height, layout.width), dtype=bool)
    f = layout.fid
    for cx, cy in layout.fiducials:
        x0, y0 = int(cx - f / 2), int(cy - f / 2)
        ink[y0 : y0 + f, x0 : x0 + f] = True
    px, py = layout.pattern_origin
    m = layout.module_dots
    big = np.repeat(np.repeat(bits, m, axis=0), m, axis=1)
    n = layout.pattern_dots
    ink[py : py + n, px : px + n] = big
    sx, sy = layout.strip_origin
    ink[sy : sy + layout.strip_height, sx : sx + n] = strip_template(layout)
    return np.where(ink, np.uint8(0), np.uint8(255)).astype(np.uint8)
