"""The names of docsec's checks: one constant per check, in one place.

A :class:`~docsec.result.CheckResult` carries one of these names; a
:class:`~docsec.policy.VerifyPolicy` requires some of them (its ``required`` must
be a subset of :data:`KNOWN`). The strings are the public JSON names of the
checks (docs/verification-result.schema.json): they never change.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BARCODE",
    "CERTIFICATE_VALIDITY",
    "COPYDETECT",
    "DOCUMENT_VALIDITY",
    "KNOWN",
    "PDF_COVERAGE",
    "PDF_SIGNATURE",
    "PRINTED_TEXT",
    "REGISTRY",
    "REVOCATION",
    "SEAL_PDF_BINDING",
    "SEAL_PDF_SIGNER_MATCH",
    "SIGNATURE",
    "SIGNER_CERTIFICATE",
    "WATERMARK",
]

#: A seal symbol was found and its bytes parsed as a seal of a known format.
BARCODE: Final = "barcode"
#: The seal signature verifies with the named signer's key.
SIGNATURE: Final = "signature"
#: The signer certificate chains to a trust anchor, key usage.
SIGNER_CERTIFICATE: Final = "signer_certificate"
#: The signer certificate was valid at the signing date and at verification time.
CERTIFICATE_VALIDITY: Final = "certificate_validity"
#: A CRL from the issuer says the certificate is not revoked.
REVOCATION: Final = "revocation"
#: The document's own validity window contains the verification time.
DOCUMENT_VALIDITY: Final = "document_validity"
#: The issuer's PDF signature covers the file byte for byte.
PDF_COVERAGE: Final = "pdf_coverage"
#: A PAdES signature validates, trusted, no disallowed change.
PDF_SIGNATURE: Final = "pdf_signature"
#: The seal's signer and the PDF's signer are one key.
SEAL_PDF_SIGNER_MATCH: Final = "seal_pdf_signer_match"
#: The seal on the page is the one signed into the PDF.
SEAL_PDF_BINDING: Final = "seal_pdf_binding"
#: The paper is the issuing print, not a photocopy (scans only).
COPYDETECT: Final = "copydetect"
#: The page's watermark carries the seal's document id.
WATERMARK: Final = "watermark"
#: The issuer's registry says the document is still active.
REGISTRY: Final = "registry"
#: The printed fields read (OCR) as the seal signs them.
PRINTED_TEXT: Final = "printed_text"

#: Every check name that docsec can produce.
KNOWN: Final = frozenset(
    {
        BARCODE,
        SIGNATURE,
        SIGNER_CERTIFICATE,
        CERTIFICATE_VALIDITY,
        REVOCATION,
        DOCUMENT_VALIDITY,
        PDF_COVERAGE,
        PDF_SIGNATURE,
        SEAL_PDF_SIGNER_MATCH,
        SEAL_PDF_BINDING,
        COPYDETECT,
        WATERMARK,
        REGISTRY,
        PRINTED_TEXT,
    }
)
