"""docsec: checkable printed certificates.

Signed DataMatrix seals (ICAO Doc 9303-13 visible digital seals), and the checks that
tell an issued certificate from a forged or tampered one.
"""

from typing import TYPE_CHECKING, Any

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
    "issue",
]

if TYPE_CHECKING:
    from docsec.issuing import issue


def __getattr__(name: str) -> Any:
    # Imported on first use: issuing pulls in cryptography (and, when called,
    # pikepdf and pyHanko), which ``import docsec`` must not pay for.
    if name == "issue":
        from docsec.issuing import issue

        return issue
    raise AttributeError(f"module 'docsec' has no attribute {name!r}")
