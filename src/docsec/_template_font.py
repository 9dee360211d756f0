"""TrueType fonts for the built-in certificate template: lookup, metrics, subsetting.

The template embeds a subset of a Korean + Latin TrueType font (Nanum Gothic, SIL Open
Font License 1.1, Debian package ``fonts-nanum``) so that a page renders the same on
every machine. Subsetting is done here, on the raw tables, because it has to be fast:
a general subsetter (fontTools) needs about 300 ms for a 4.7 MB CJK font, while copying
the glyphs a page uses takes about a millisecond. The subset renumbers glyphs
(``.notdef`` first, then the used glyphs in order), so the PDF text is written as the
new glyph ids with ``/Identity-H`` and ``/CIDToGIDMap /Identity``.

This module reads font files and builds bytes; it knows nothing about PDF objects.
"""

from __future__ import annotations

import functools
import logging
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

from docsec.errors import ConfigurationError, InputError

__all__ = ["FontFile", "FontSubset", "find_font", "load_font"]

logger = logging.getLogger(__name__)

#: Where the fonts are looked for, first match wins, unless ``DOCSEC_FONT_DIR`` is set.
FONT_DIRS = (
    "/usr/share/fonts/truetype/nanum",
    "/usr/share/fonts/nanum",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)
_FONT_FILES = {"regular": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf"}
# Tables a TrueType font program inside a PDF needs (ISO 32000-1, 9.9): no cmap, since
# the PDF maps character codes to glyph ids itself.
_KEEP_TABLES = ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cvt ", "fpgm", "prep")

# Composite glyph flags (OpenType glyf table).
_ARG_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080


def find_font(style: str = "regular") -> Path:
    """Return the path of the template font file for ``style`` (regular or bold).

    Raises
    ------
    ConfigurationError
        If the font is not installed. On Debian/Ubuntu, ``apt-get install
        fonts-nanum`` (``make system-deps`` does it); elsewhere set
        ``DOCSEC_FONT_DIR`` to a folder holding NanumGothic.ttf and
        NanumGothicBold.ttf. When ``DOCSEC_FONT_DIR`` is set it is the only folder
        looked in, and a missing folder or font is this error.
    """
    name = _FONT_FILES.get(style)
    if name is None:
        raise ConfigurationError(f"unknown font style {style!r}")
    env = os.environ.get("DOCSEC_FONT_DIR")
    if env:
        # An explicit setting is the only place looked: falling back to a system
        # font would hide a typo and embed a font the operator did not choose.
        p = Path(env) / name
        if not p.is_file():
            what = "is not a folder" if not Path(env).is_dir() else f"has no {name}"
            raise ConfigurationError(f"DOCSEC_FONT_DIR={env} {what}")
        return p
    for d in FONT_DIRS:
        p = Path(d) / name
        if p.is_file():
            return p
    raise ConfigurationError(
        f"the template font {name} is not installed: install the Debian package "
        "fonts-nanum (make system-deps) or set DOCSEC_FONT_DIR"
    )


@dataclass(frozen=True, slots=True)
class FontSubset:
    """A subset font program and what a PDF needs to describe it.

    Attributes
    ----------
    program : bytes
        The TrueType font program (for ``/FontFile2``).
    widths : tuple of int
        Advance width of each new glyph id, in 1/1000 em (PDF ``/W``).
    to_unicode : dict of int to str
        New glyph id to the text it shows (for the ``/ToUnicode`` CMap).
    """

    program: bytes
    widths: tuple[int, ...]
    to_unicode: dict[int, str]


@dataclass(slots=True)
class FontFile:
    """A parsed TrueType font: tables, character map and metrics.

    Build with :func:`load_font` (cached per path).
    """

    name: str
    tables: dict[str, bytes]
    cmap: dict[int, int]
    advances: list[int]
    units_per_em: int
    loca: list[int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    _glyf: bytes = field(repr=False, default=b"")

    def glyph_id(self, ch: str) -> int:
        """Return the glyph id for a character (0, ``.notdef``, if it has none)."""
        return self.cmap.get(ord(ch), 0)

    def text_width(self, text: str, size: float) -> float:
        """Return the advance width of ``text`` at ``size`` points, in points."""
        upm = self.units_per_em
        total = sum(self.advances[self.glyph_id(ch)] for ch in text)
        return total * size / upm

    def scaled(self, value: int) -> int:
        """Return a font-unit value in 1/1000 em."""
        return round(value * 1000 / self.units_per_em)

    def _components(self, gid: int) -> list[int]:
        data = self._glyph_data(gid)
        if len(data) < 10 or struct.unpack_from(">h", data, 0)[0] >= 0:
            return []
        out = []
        pos = 10
        while True:
            flags, comp = struct.unpack_from(">HH", data, pos)
            out.append(comp)
            pos += 4 + (4 if flags & _ARG_WORDS else 2)
            if flags & _HAVE_SCALE:
                pos += 2
            elif flags & _HAVE_XY_SCALE:
                pos += 4
            elif flags & _HAVE_2X2:
                pos += 8
            if not flags & _MORE:
                return out

    def _glyph_data(self, gid: int) -> bytes:
        return self._glyf[self.loca[gid] : self.loca[gid + 1]]

    def subset(self, text: str) -> tuple[FontSubset, dict[str, int]]:
        """Return a subset holding the glyphs of ``text`` and the char -> new id map.

        Composite glyphs bring their components along (renumbered too).
        """
        chars = sorted(set(text))
        old_ids: list[int] = [0]
        seen = {0}
        queue = [self.glyph_id(ch) for ch in chars]
        while queue:
            gid = queue.pop(0)
            if gid in seen:
                continue
            seen.add(gid)
            old_ids.append(gid)
            queue.extend(self._components(gid))
        new_of = {old: new for new, old in enumerate(old_ids)}
        glyf = bytearray()
        loca = [0]
        for old in old_ids:
            data = bytearray(self._glyph_data(old))
            if len(data) >= 10 and struct.unpack_from(">h", data, 0)[0] < 0:
                self._remap_components(data, new_of)
            glyf += data
            glyf += b"\0" * (-len(glyf) % 4)
            loca.append(len(glyf))
        n = len(old_ids)
        hmtx = bytearray()
        for old in old_ids:
            lsb = self._lsb(old)
            hmtx += struct.pack(">Hh", self.advances[old], lsb)
        head = bytearray(self.tables["head"])
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 1)  # indexToLocFormat: long offsets
        hhea = bytearray(self.tables["hhea"])
        struct.pack_into(">H", hhea, 34, n)
        maxp = bytearray(self.tables["maxp"])
        struct.pack_into(">H", maxp, 4, n)
        tables = {
            "head": bytes(head),
            "hhea": bytes(hhea),
            "maxp": bytes(maxp),
            "hmtx": bytes(hmtx),
            "loca": struct.pack(f">{len(loca)}I", *loca),
            "glyf": bytes(glyf),
        }
        for tag in ("cvt ", "fpgm", "prep"):
            if tag in self.tables:
                tables[tag] = self.tables[tag]
        program = _build_sfnt(tables)
        widths = tuple(self.scaled(self.advances[old]) for old in old_ids)
        char_map = {ch: new_of[self.glyph_id(ch)] for ch in chars}
        to_unicode: dict[int, str] = {}
        for ch in chars:
            to_unicode.setdefault(char_map[ch], ch)
        to_unicode.pop(0, None)
        return FontSubset(program, widths, to_unicode), char_map

    def _lsb(self, gid: int) -> int:
        data = self._glyph_data(gid)
        if len(data) >= 4:
            lsb: int = struct.unpack_from(">h", data, 2)[0]
            return lsb
        return 0

    @staticmethod
    def _remap_components(data: bytearray, new_of: dict[int, int]) -> None:
        pos = 10
        while True:
            flags, comp = struct.unpack_from(">HH", data, pos)
            struct.pack_into(">H", data, pos + 2, new_of[comp])
            pos += 4 + (4 if flags & _ARG_WORDS else 2)
            if flags & _HAVE_SCALE:
                pos += 2
            elif flags & _HAVE_XY_SCALE:
                pos += 4
            elif flags & _HAVE_2X2:
                pos += 8
            if not flags & _MORE:
                return


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = struct.unpack(f">{len(padded) // 4}I", padded)
    total: int = sum(words)
    return total & 0xFFFFFFFF


def _build_sfnt(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    n = len(tags)
    entry_selector = n.bit_length() - 1
    search_range = (1 << entry_selector) * 16
    header = struct.pack(
        ">IHHHH", 0x00010000, n, search_range, entry_selector, n * 16 - search_range
    )
    offset = 12 + 16 * n
    directory = bytearray()
    body = bytearray()
    for tag in tags:
        data = tables[tag]
        directory += struct.pack(
            ">4sIII",
            tag.encode("latin-1"),
            _checksum(data),
            offset + len(body),
            len(data),
        )
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    head_offset = offset + sum(
        len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index("head")]
    )
    struct.pack_into(">I", font, head_offset + 8, adjustment)
    return bytes(font)


def _parse_cmap(data: bytes) -> dict[int, int]:
    (_, count) = struct.unpack_from(">HH", data, 0)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, 4 + 8 * i)
        subtables[(platform, encoding)] = offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        offset = subtables.get(key)
        if offset is None:
            continue
        fmt = struct.unpack_from(">H", data, offset)[0]
        if fmt == 12:
            return _cmap12(data, offset)
        if fmt == 4:
            return _cmap4(data, offset)
    raise InputError("the font has no Unicode character map (format 4 or 12)")


def _cmap12(data: bytes, offset: int) -> dict[int, int]:
    n = struct.unpack_from(">I", data, offset + 12)[0]
    out: dict[int, int] = {}
    for i in range(n):
        start, end, gid = struct.unpack_from(">III", data, offset + 16 + 12 * i)
        for cp in range(start, end + 1):
            out[cp] = gid + cp - start
    return out


def _cmap4(data: bytes, offset: int) -> dict[int, int]:
    segx2 = struct.unpack_from(">H", data, offset + 6)[0]
    seg = segx2 // 2
    ends_at = offset + 14
    starts_at = ends_at + segx2 + 2
    deltas_at = starts_at + segx2
    ranges_at = deltas_at + segx2
    out: dict[int, int] = {}
    for i in range(seg):
        end = struct.unpack_from(">H", data, ends_at + 2 * i)[0]
        start = struct.unpack_from(">H", data, starts_at + 2 * i)[0]
        delta = struct.unpack_from(">h", data, deltas_at + 2 * i)[0]
        range_offset = struct.unpack_from(">H", data, ranges_at + 2 * i)[0]
        for cp in range(start, end + 1):
            if cp == 0xFFFF:
                continue
            if range_offset == 0:
                gid = (cp + delta) & 0xFFFF
            else:
                at = ranges_at + 2 * i + range_offset + 2 * (cp - start)
                gid = struct.unpack_from(">H", data, at)[0]
                if gid:
                    gid = (gid + delta) & 0xFFFF
            if gid:
                out[cp] = gid
    return out


@functools.cache
def load_font(path: Path) -> FontFile:
    """Parse a TrueType font file (cached: each process parses a font once).

    Raises
    ------
    InputError
        If the file is not a TrueType (glyf-outline) font.
    """
    try:
        raw = path.read_bytes()
        version, count = struct.unpack_from(">IH", raw, 0)
        if version not in (0x00010000, 0x74727565):
            raise InputError(f"{path.name} is not a TrueType font")
        tables: dict[str, bytes] = {}
        for i in range(count):
            tag, _, off, length = struct.unpack_from(">4sIII", raw, 12 + 16 * i)
            tables[tag.decode("latin-1")] = raw[off : off + length]
        head, hhea, maxp = tables["head"], tables["hhea"], tables["maxp"]
        units_per_em = struct.unpack_from(">H", head, 18)[0]
        bbox = struct.unpack_from(">hhhh", head, 36)
        long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        num_glyphs = struct.unpack_from(">H", maxp, 4)[0]
        ascent, descent = struct.unpack_from(">hh", hhea, 4)
        num_hmetrics = struct.unpack_from(">H", hhea, 34)[0]
        hmtx = tables["hmtx"]
        advances = [
            struct.unpack_from(">H", hmtx, 4 * i)[0] for i in range(num_hmetrics)
        ]
        advances += [advances[-1]] * (num_glyphs - num_hmetrics)
        if long_loca:
            loca = list(struct.unpack_from(f">{num_glyphs + 1}I", tables["loca"]))
        else:
            loca = [
                2 * v for v in struct.unpack_from(f">{num_glyphs + 1}H", tables["loca"])
            ]
        cmap = _parse_cmap(tables["cmap"])
    except (OSError, struct.error, KeyError) as exc:
        raise InputError(f"cannot read the font {path}: {exc}") from exc
    logger.debug("loaded font %s: %d glyphs", path.name, num_glyphs)
    return FontFile(
        name=path.stem,
        tables={k: v for k, v in tables.items() if k in _KEEP_TABLES},
        cmap=cmap,
        advances=advances,
        units_per_em=units_per_em,
        loca=loca,
        bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
        ascent=ascent,
        descent=descent,
        _glyf=tables["glyf"],
    )
