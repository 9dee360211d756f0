"""The reason codes a verification can give, with what each means and what to do.

Reason codes are stable English identifiers (``forged-seal``, ``unknown-signer``):
they appear in :attr:`docsec.result.VerificationResult.reasons`, in each
:class:`docsec.result.CheckResult` and in the JSON form, and programs may rely on
them. This catalogue is their single description: ``docs/reasons.md`` (English)
and ``docs/ko/reasons.md`` (Korean) are generated from it, the CLI shows its
plain-language text (translated by the CLI's message catalogue), and a test checks
that every code the code base can emit is listed here.

``effect`` says what a code does to the verdict when its check is required (see
the README's verdict table): ``not_authentic`` codes are evidence against the
document; ``inconclusive`` codes mean the verifier could not decide; ``note``
codes explain a check that was not done or did not count.

Examples
--------
>>> REASONS["unknown-signer"].effect
'inconclusive'
>>> describe("no-such-code").meaning
'Unknown reason code.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["REASONS", "Reason", "describe"]

Effect = Literal["not_authentic", "inconclusive", "note"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason code: its effect on the verdict, its meaning, what to do."""

    code: str
    effect: Effect
    meaning: str
    action: str


_NA: Effect = "not_authentic"
_IN: Effect = "inconclusive"
_NOTE: Effect = "note"

_UPDATE_TRUST = (
    "If the issuing office is genuine, install its current trust bundle "
    "(docsec trust export) in the trust folder and verify again."
)
_RESCAN = "Scan the whole certificate again (300 dpi or more) and verify again."
_SEND_ORIGINAL = "Ask the sender for the original file as issued."
_TREAT_FORGED = "Treat the document as forged or altered; do not accept it."

_TABLE: tuple[tuple[str, Effect, str, str], ...] = (
    # ---- input and reading
    (
        "input-error",
        _IN,
        "The input could not be read (damaged, unsupported, too large, or not a "
        "regular file).",
        "Check the file; send a scan as PNG, JPEG, TIFF or PDF within the size limits.",
    ),
    (
        "unsupported-input",
        _IN,
        "A file in a folder that docsec does not verify (not a scan, photo, PDF or "
        "seal file by its name); it was not checked.",
        "If it is a certificate, save it as PNG, JPEG, TIFF or PDF and verify it "
        "again; otherwise remove it from the folder.",
    ),
    (
        "no-such-file",
        _IN,
        "There is no file with the name given.",
        "Check the file name and its folder, and verify again.",
    ),
    (
        "worker-failed",
        _IN,
        "The process verifying this input stopped (for example out of memory); the "
        "other inputs were not affected.",
        "Verify this input again on its own; if it fails again, report it.",
    ),
    (
        "timeout",
        _IN,
        "Verifying this input took longer than the time limit (--timeout).",
        "Verify it again on its own, or with a longer --timeout.",
    ),
    (
        "check-error",
        _NA,
        "A check could not be completed on this input (it is damaged or built to "
        "break the checker); it is never accepted.",
        "Ask for the document again; report the file if it comes from the issuer.",
    ),
    (
        "no-required-checks",
        _IN,
        "No check the policy requires could run on this input.",
        "Check the policy and the input.",
    ),
    # ---- the seal
    (
        "no-seal",
        _IN,
        "No seal (the square DataMatrix code) was found.",
        "Scan the whole page at 300 dpi or more. With a phone: hold it closer and "
        "parallel to the paper, in even light, and take the photo again.",
    ),
    (
        "multiple-seals",
        _IN,
        "More than one different seal was found on the page.",
        "Scan one certificate at a time; a page with two seals needs a person to "
        "look at it.",
    ),
    (
        "malformed-seal",
        _NA,
        "The seal's code holds data that is not a valid seal.",
        _TREAT_FORGED + " 'docsec inspect' shows what it holds.",
    ),
    (
        "unsigned-seal",
        _NA,
        "The seal carries no signature.",
        _TREAT_FORGED,
    ),
    (
        "forged-seal",
        _NA,
        "The seal's signature does not match its content with the trusted "
        "certificate of the office it names: the printed data were changed or "
        "invented.",
        _TREAT_FORGED + " 'docsec inspect' shows what the seal claims (unverified).",
    ),
    (
        "unsupported-key",
        _IN,
        "The signer's key type cannot be checked by this verifier.",
        "Report the document and its issuer.",
    ),
    # ---- signer certificate and trust
    (
        "unknown-signer",
        _IN,
        "The certificate of the office that signed the seal is not in this "
        "verifier's trust folder; the seal cannot be checked.",
        _UPDATE_TRUST
        + " For a French 2D-Doc, give the ANTS trust list and the signer's "
        "certificate (--trust); for an EU DCC, the issuing country's document "
        "signer certificates.",
    ),
    (
        "untrusted-issuer",
        _IN,
        "The signer's certificate does not chain to a trust anchor of this verifier.",
        _UPDATE_TRUST,
    ),
    (
        "unsupported-algorithm",
        _IN,
        "A signature in the certificate path uses an algorithm this verifier cannot "
        "check.",
        "Report the document and its issuer.",
    ),
    (
        "invalid-path",
        _NA,
        "The signer's certificate path breaks a certification rule.",
        _TREAT_FORGED,
    ),
    (
        "bad-certificate-signature",
        _NA,
        "A certificate in the signer's path is not signed by its issuer.",
        _TREAT_FORGED,
    ),
    (
        "issuer-not-a-ca",
        _NA,
        "A certificate in the path was issued by a certificate that may not issue "
        "certificates.",
        _TREAT_FORGED,
    ),
    (
        "path-length-exceeded",
        _NA,
        "The certificate path is longer than a CA in it allows.",
        _TREAT_FORGED,
    ),
    (
        "unknown-critical-extension",
        _NA,
        "A certificate or revocation list has a critical extension this verifier "
        "does not understand, so it must be rejected.",
        "Report the document and its issuer.",
    ),
    (
        "weak-algorithm",
        _NA,
        "A certificate in the path is signed with an algorithm no longer accepted "
        "(e.g. SHA-1).",
        "Report the document and its issuer.",
    ),
    (
        "key-usage",
        _NA,
        "The signer's certificate is not allowed to sign documents.",
        _TREAT_FORGED,
    ),
    (
        "dcc-type-not-allowed",
        _NA,
        "The EU DCC signer's certificate is restricted (extended key usage) to "
        "other certificate types than this one (vaccination, test or recovery).",
        _TREAT_FORGED,
    ),
    (
        "signing-date-missing",
        _IN,
        "The seal states no signing date, so the signer certificate's validity "
        "when it was signed cannot be checked.",
        "Ask the issuer for a newly issued document.",
    ),
    (
        "malformed-certificate",
        _NA,
        "The signer's certificate cannot be parsed.",
        "Report the document and its issuer.",
    ),
    (
        "certificate-expired",
        _NA,
        "The signer's certificate has expired (the signature itself may be valid).",
        "Ask for a newly issued certificate.",
    ),
    (
        "certificate-not-yet-valid",
        _NA,
        "The signer's certificate is not valid yet at the verification time.",
        "Check the verification date (--at) and the computer's clock.",
    ),
    (
        "signed-outside-certificate-validity",
        _NA,
        "The seal is dated outside the validity of the signer's certificate.",
        _TREAT_FORGED,
    ),
    (
        "revoked",
        _NA,
        "The signer's certificate has been revoked by its authority.",
        "Do not accept the document; ask for a newly issued certificate.",
    ),
    # ---- the issuer's registry (docsec verify --registry)
    (
        "document-revoked",
        _NA,
        "The issuing office's registry says this document was revoked.",
        "Do not accept the document; ask the holder for a valid certificate.",
    ),
    (
        "document-superseded",
        _NA,
        "The issuing office's registry says this document was replaced by a newer one.",
        "Ask for the newer certificate; the registry names its number.",
    ),
    (
        "registry-unavailable",
        _IN,
        "The document registry could not be asked.",
        "Check the registry address and the network, then verify again.",
    ),
    (
        "document-not-registered",
        _IN,
        "The registry knows no document with this number and verification code.",
        "Ask the issuing office; check that the registry address is the issuer's.",
    ),
    (
        "crl-missing",
        _IN,
        "No revocation list of the signer's authority is in the trust folder.",
        "Install the authority's current trust bundle (docsec trust export).",
    ),
    (
        "crl-unusable",
        _IN,
        "The revocation lists present are out of date, not yet valid, limited in "
        "scope or cannot be checked.",
        "Install the authority's current trust bundle (docsec trust export).",
    ),
    # ---- the document itself
    (
        "document-expired",
        _NA,
        "The document's validity period has ended.",
        "Ask for a newly issued certificate.",
    ),
    (
        "document-not-yet-valid",
        _NA,
        "The document's validity period has not started yet.",
        "Check the verification date (--at) and the computer's clock.",
    ),
    (
        "signed-in-future",
        _NA,
        "The seal is dated after the verification time.",
        "Check the verification date (--at) and the computer's clock.",
    ),
    # ---- the page: watermark and paper
    (
        "watermark-mismatch",
        _NA,
        "The page's invisible watermark belongs to another document: a genuine seal "
        "on a page that is not its own.",
        _TREAT_FORGED,
    ),
    (
        "watermark-absent",
        _IN,
        "The seal declares a watermark but none was found on the page.",
        _RESCAN,
    ),
    (
        "watermark-out-of-view",
        _IN,
        "The part of the page that carries the watermark is not in the image.",
        _RESCAN,
    ),
    (
        "no-watermark-key",
        _NOTE,
        "The watermark was not checked: this verifier does not hold its key.",
        "Nothing, or install the issuer's watermark key to check it.",
    ),
    (
        "no-watermark-declared",
        _NOTE,
        "The seal declares no watermark.",
        "Nothing.",
    ),
    (
        "photocopy",
        _NA,
        "The paper is a copy, not the issuing print (decides the verdict only under "
        "a policy that requires the original paper).",
        "Ask for the original paper; a copy of a genuine certificate is not a forgery.",
    ),
    (
        "no-copy-pattern",
        _IN,
        "The seal declares no copy-detection pattern, so the paper cannot be judged.",
        "Judge the paper by eye, or ask for a certificate printed with the pattern.",
    ),
    (
        "copy-check-unavailable",
        _IN,
        "The copy check could not run on this input.",
        "Scan the seal area at 1200 dpi or more.",
    ),
    (
        "no-key",
        _IN,
        "The copy check was not done: this verifier does not hold the "
        "copy-detection key the seal names.",
        "Install the issuer's copy-detection key.",
    ),
    (
        "not-found",
        _IN,
        "The copy-detection pattern was not found in the image.",
        "Scan the seal area, including the pattern beside it, at 1200 dpi or more.",
    ),
    (
        "low-resolution",
        _IN,
        "The scan is too coarse to tell the original paper from a copy.",
        "Scan the seal area at 1200 dpi or more.",
    ),
    (
        "low-contrast",
        _IN,
        "Too little contrast between paper and ink to judge the paper.",
        "Scan again with the scanner's default (not 'photo' or 'lighten') settings.",
    ),
    (
        "scale-mismatch",
        _IN,
        "The pattern measures at another scale than the seal declares (a scaled "
        "print or a resampled scan).",
        "Print at 100 % (not 'fit to page') and scan at 1200 dpi or more.",
    ),
    (
        "scaled-print",
        _IN,
        "The certificate was printed at another scale than 100 % (for example 'fit "
        "to page'), so the pattern's dots cannot be judged.",
        "Print at 100 % (not 'fit to page') and scan the seal area at 1200 dpi or "
        "more.",
    ),
    (
        "coarse-render",
        _IN,
        "The pattern was printed from a coarse (300 dpi) rendering, so its single "
        "dots never reached the paper.",
        "Print at 600 dpi or more (the printer driver's normal or best quality).",
    ),
    (
        "paper-copy",
        _NOTE,
        "The paper is a copy of the certificate, not the issuing print; the seal "
        "decides under this policy.",
        "Nothing, unless the original paper is required (counter policy).",
    ),
    (
        "tint-filled",
        _IN,
        "The pattern's light areas are filled in (over-inked or smudged).",
        "Judge the paper by eye, or scan a clean copy.",
    ),
    (
        "low-fidelity",
        _NA,
        "The pattern's fine dots are degraded as by a copier: evidence of a copy.",
        "Ask for the original paper.",
    ),
    (
        "pattern-flooded",
        _IN,
        "The copy-detection pattern printed as a solid block (the ink or toner spread "
        "closed its gaps): nothing on this paper tells an original from a copy.",
        "Check the paper another way (ask for the original, or a print on another "
        "printer or with less ink: the printer's plain-paper or draft setting).",
    ),
    (
        "colour-misregistered",
        _IN,
        "The colour scan shows colour printed under the pattern's black, with its "
        "colour planes out of register (a 'rich black' printer, or a colour copy "
        "without a copier's screen): the copy check cannot tell these apart.",
        "Check the paper another way (ask for the original, or one printed in black "
        "only: the printer's greyscale setting). Scanning again in grey does not help.",
    ),
    (
        "copy-screen",
        _NA,
        "The pattern's fine dots are degraded and a copier's halftone screen shows "
        "in them: evidence of a copy.",
        "Ask for the original paper.",
    ),
    (
        "copy-unconfirmed",
        _IN,
        "The pattern's fine dots are degraded, but without a copier's trace: a worn "
        "or blurry printer gives this too, so the copy check cannot tell an original "
        "from a copy.",
        "Check the paper another way (ask for the original, or a print from a "
        "printer in good order at its normal or best quality).",
    ),
    (
        "colour-copy",
        _NA,
        "The colour scan shows the pattern's black printed as a mix of colour "
        "inks, as a colour copier prints it: evidence of a colour copy.",
        "Ask for the original paper.",
    ),
    (
        "profile-copy",
        _NA,
        "The pattern's fine dots are degraded below what this office's own printer "
        "gives (its copy profile): evidence of a copy of a print from that printer.",
        "Ask for the original paper. If the paper was printed elsewhere, verify "
        "without the copy profile.",
    ),
    (
        "profile-mismatch",
        _NOTE,
        "The copy profile was made for another scan resolution or pattern size, so "
        "the default thresholds decided.",
        "Scan at the resolution the profile was made for, or make a profile for "
        "this one.",
    ),
    (
        "low-correlation",
        _IN,
        "The pattern matches the expected one too weakly to judge.",
        "Scan the seal area again at 1200 dpi or more.",
    ),
    (
        "high-fidelity",
        _NOTE,
        "The pattern's fine dots are intact: evidence of the issuing print.",
        "Nothing.",
    ),
    # ---- printed text
    (
        "printed-text-mismatch",
        _NA,
        "A printed field reads, with confidence, differently from what the seal "
        "signs: the paper was edited.",
        _TREAT_FORGED + " Compare the field named with the signed data shown.",
    ),
    (
        "printed-text-unreadable",
        _IN,
        "Some printed fields could not be read with confidence, so they were not "
        "compared.",
        "Compare those fields with the signed data shown, or scan again at 300 dpi "
        "or more.",
    ),
    (
        "printed-text-key-unreadable",
        _IN,
        "A key printed field (holder name, document number or birth date) could "
        "not be read with confidence, so the paper was not confirmed: an edited "
        "field made illegible would look the same.",
        "Compare the field named with the signed data shown, by hand, or scan the "
        "certificate again at 300 dpi or more and verify again.",
    ),
    (
        "printed-text-out-of-view",
        _IN,
        "The printed fields the seal declares are not in the image.",
        _RESCAN,
    ),
    (
        "ocr-unavailable",
        _IN,
        "The printed text was not read: the OCR engine (Tesseract with Korean) is "
        "not installed or failed.",
        "Install tesseract-ocr and tesseract-ocr-kor, or compare the fields by eye.",
    ),
    (
        "ocr-failed",
        _IN,
        "The printed text could not be read: the OCR engine failed or ran out of "
        "time on this page, so the paper was not confirmed.",
        "Verify again (on a less busy machine, or from a cleaner scan), or compare "
        "the fields by eye with the signed data shown.",
    ),
    # ---- PDFs
    (
        "scanned-pdf",
        _IN,
        "The PDF does not carry the issuer's signature (a scanned or rebuilt "
        "page): anyone can edit such a picture.",
        "Scan the paper itself, or ask for the original PDF as issued; or verify it "
        "as a scan with --accept-scanned-pdf and compare the signed data shown.",
    ),
    (
        "pdf-truncated",
        _IN,
        "The PDF file is incomplete: it stops short of its end or of the bytes its "
        "signature covers (a download or copy cut short).",
        "Ask for the file again, or download it again.",
    ),
    (
        "pdf-digest-mismatch",
        _NA,
        "Bytes the issuer signed in the PDF were changed.",
        _TREAT_FORGED,
    ),
    (
        "pdf-signature-invalid",
        _NA,
        "The PDF signature does not verify.",
        _TREAT_FORGED,
    ),
    (
        "pdf-signer-untrusted",
        _IN,
        "The PDF is intact, but its signer does not chain to this verifier's trust "
        "anchors.",
        _UPDATE_TRUST,
    ),
    (
        "pdf-modified",
        _NA,
        "The PDF was changed after the issuer signed it.",
        _TREAT_FORGED + " " + _SEND_ORIGINAL,
    ),
    (
        "pdf-unsigned-bytes",
        _NA,
        "The PDF has bytes after the signed part that no signature covers.",
        _TREAT_FORGED + " " + _SEND_ORIGINAL,
    ),
    (
        "pdf-byte-range",
        _NA,
        "The PDF signature does not cover the file as a signature must.",
        _TREAT_FORGED,
    ),
    (
        "pdf-contents-altered",
        _NA,
        "The PDF signature's container was altered.",
        _TREAT_FORGED,
    ),
    (
        "pdf-signature-removed",
        _NA,
        "A later change to the PDF removed the issuer's signature.",
        _TREAT_FORGED + " " + _SEND_ORIGINAL,
    ),
    (
        "pdf-validation-error",
        _NA,
        "The PDF signature could not be validated (a damaged or crafted file).",
        _SEND_ORIGINAL,
    ),
    (
        "signer-mismatch",
        _NA,
        "The PDF was not signed by the office that signed the seal on its page.",
        _TREAT_FORGED,
    ),
    (
        "seal-swapped",
        _NA,
        "The seal on the page is not the one signed into the PDF.",
        _TREAT_FORGED,
    ),
)

#: Every reason code, in the catalogue's order (input, seal, trust, document,
#: page and paper, PDF).
REASONS: dict[str, Reason] = {row[0]: Reason(*row) for row in _TABLE}

_UNKNOWN = Reason("unknown", _IN, "Unknown reason code.", "Report it; update docsec.")


def describe(code: str) -> Reason:
    """Return the catalogue entry of ``code`` (an 'unknown' entry if it has none)."""
    return REASONS.get(code, _UNKNOWN)
