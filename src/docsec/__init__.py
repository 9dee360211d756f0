"""docsec: checkable printed certificates.

Signed DataMatrix seals (ICAO Doc 9303-13 visible digital seals), an invisible
watermark and a copy-detection pattern on issued certificate PDFs, and the checks
that tell an issued certificate from a forged, tampered or copied one.

The main entry points, imported on first use so that ``import docsec`` stays light:

Issuing
    :func:`issue` -- certificate data -> protected, PAdES-signed PDF (bytes).

Verifying
    :class:`TrustStore` -- ``TrustStore.load(folder)``: the verifier's trust anchors.
    :class:`VerifyPolicy` -- ``VerifyPolicy.seal(store)`` (the seal decides) or
    ``VerifyPolicy.counter(store, cdp_keys=[...])`` (the original paper is required).
    :func:`verify_file`, :func:`verify_image`, :func:`verify_pdf` -- one input ->
    a :class:`VerificationResult` (``.verdict``, ``.reasons``, ``.checks``,
    ``.content``), whose :class:`Verdict` is AUTHENTIC only when every required
    :class:`CheckResult` passed.

Errors derive from :class:`DocsecError`. The CLI is ``docsec`` (or
``python -m docsec``); ``docsec --help`` lists its commands.

Examples
--------
>>> import docsec
>>> docsec.Verdict.AUTHENTIC == "authentic"
True
"""

from importlib import import_module
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
    "CheckResult",
    "ConfigurationError",
    "DocsecError",
    "InputError",
    "KeyMaterialError",
    "NotAuthentic",
    "PayloadError",
    "TrustStore",
    "Verdict",
    "VerificationResult",
    "VerifyPolicy",
    "__version__",
    "issue",
    "verify_file",
    "verify_image",
    "verify_pdf",
]

if TYPE_CHECKING:
    from docsec.issuing import issue
    from docsec.policy import VerifyPolicy
    from docsec.result import CheckResult, Verdict, VerificationResult
    from docsec.trust import TrustStore
    from docsec.verify import verify_file, verify_image, verify_pdf

# Where each lazily imported name lives: issuing and verification pull in
# cryptography, OpenCV and (when called) pikepdf and pyHanko, which ``import
# docsec`` must not pay for.
_LAZY = {
    "issue": "docsec.issuing",
    "verify_file": "docsec.verify",
    "verify_image": "docsec.verify",
    "verify_pdf": "docsec.verify",
    "VerifyPolicy": "docsec.policy",
    "TrustStore": "docsec.trust",
    "Verdict": "docsec.result",
    "VerificationResult": "docsec.result",
    "CheckResult": "docsec.result",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'docsec' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
