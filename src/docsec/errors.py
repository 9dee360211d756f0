"""Exceptions raised by docsec.

Exceptions describe the *call* (bad input, bad configuration, malformed bytes). The
verdict about a *document* lives in :class:`docsec.VerificationResult`; a forgery is
not an exception unless the caller asks for one with
:meth:`~docsec.VerificationResult.require_authentic`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docsec.result import VerificationResult

__all__ = [
    "ConfigurationError",
    "DocsecError",
    "InputError",
    "KeyMaterialError",
    "NotAuthentic",
    "PayloadError",
]


class DocsecError(Exception):
    """Base class of every exception docsec raises on purpose."""


class ConfigurationError(DocsecError, ValueError):
    """A policy, option or configuration value is invalid or unknown."""


class InputError(DocsecError, ValueError):
    """An input file or array cannot be used (unreadable, empty, wrong dtype/shape/size)."""


class PayloadError(DocsecError, ValueError):
    """Seal or barcode bytes are malformed, or use an unknown version or algorithm."""


class KeyMaterialError(DocsecError, ValueError):
    """A key, certificate, trust anchor or revocation list is bad or unsupported."""


class NotAuthentic(DocsecError):  # noqa: N818  (the name states the outcome, like sigstore)
    """Raised only by ``VerificationResult.require_authentic()``.

    Attributes
    ----------
    result : VerificationResult
        The full result, with every check and its reason codes.
    """

    def __init__(self, result: VerificationResult) -> None:
        super().__init__(f"document is not authentic: {result.verdict.value}")
        self.result = result
