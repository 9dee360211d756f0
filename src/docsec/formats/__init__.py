r"""Signed-barcode formats behind one protocol, and the registry that detects them.

Three formats are registered, tried in this order:

============  ===================  ==========  ======================================
name          title                symbology   signer reference -> trust store
============  ===================  ==========  ======================================
icao-vds      ICAO VDS (and BSI)   DataMatrix  signer id + certificate reference
fr-2d-doc     French 2D-Doc        DataMatrix  authority id + certificate id (CNs)
eu-dcc        EU DCC               QR          kid = SHA-256(DSC DER)[:8]
============  ===================  ==========  ======================================

Examples
--------
>>> detect(b"\xdc\x03...").name, detect(b"DC04FR000001...").name
('icao-vds', 'fr-2d-doc')
>>> detect(b"HC1:6BF...").name, detect(b"%PDF-1.7") is None
('eu-dcc', True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docsec.errors import PayloadError
from docsec.formats._base import Field, ParsedSeal, SealFormat, SignerRef
from docsec.formats._dcc import DCC
from docsec.formats._twoddoc import TWODDOC
from docsec.formats._vds import MAGIC_BYTE, VDS

if TYPE_CHECKING:
    from docsec.formats._trustlists import load_trust_source

__all__ = [
    "DCC",
    "FORMATS",
    "TWODDOC",
    "VDS",
    "VDS_MAGIC_BYTE",
    "Field",
    "ParsedSeal",
    "SealFormat",
    "SignerRef",
    "by_name",
    "detect",
    "load_trust_source",
    "parse_unverified",
]

#: The registered formats, in detection order.
FORMATS: tuple[SealFormat, ...] = (VDS, TWODDOC, DCC)
#: The first byte of an ICAO VDS (0xDC), as bytes.
VDS_MAGIC_BYTE = MAGIC_BYTE


def detect(data: bytes) -> SealFormat | None:
    """Return the format whose signature ``data`` starts with, or None."""
    for fmt in FORMATS:
        if fmt.detect(data):
            return fmt
    return None


def by_name(name: str) -> SealFormat:
    """Return the registered format called ``name``.

    Raises
    ------
    KeyError
        No format has that name.
    """
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def parse_unverified(data: bytes) -> ParsedSeal:
    """Detect the format of ``data`` and parse it, unverified.

    Raises
    ------
    PayloadError
        No registered format recognises ``data``, or its parser rejects it.
    """
    fmt = detect(data)
    if fmt is None:
        raise PayloadError("not a seal of a known format (ICAO VDS, 2D-Doc, EU DCC)")
    return fmt.parse_unverified(data)


def __getattr__(name: str) -> Any:
    # The trust sources (folder, ANTS trust list, certificate file) load the trust
    # store and an XML parser: only when asked for.
    if name == "load_trust_source":
        from docsec.formats import _trustlists

        return _trustlists.load_trust_source
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
