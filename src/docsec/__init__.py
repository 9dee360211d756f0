"""docsec: checkable printed certificates.

Signed DataMatrix seals (ICAO Doc 9303-13 visible digital seals), and the checks that
tell an issued certificate from a forged or tampered one.
"""

from docsec._version import __version__
from docsec.errors import (
    ConfigurationError,
    DocsecError,
    InputError,
    KeyMaterialError,
    NotAuthentic,
    PayloadError,
)

__all__ = [
    "ConfigurationError",
    "DocsecError",
    "InputError",
    "KeyMaterialError",
    "NotAuthentic",
    "PayloadError",
    "__version__",
]
