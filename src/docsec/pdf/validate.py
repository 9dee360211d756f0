"""Validation (pyHanko): signatures, byte coverage, truncation, removed signatures.

The signatures and document timestamps of a PDF
(:func:`validate_signatures`), what they cover byte for byte
(:func:`check_coverage`), and whether a file was cut short (:func:`truncated`) or
had a signature removed (:func:`had_signature`).

A verifier imports pyHanko's validation only, never its signing stack
(:mod:`docsec._pyhanko`).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docsec import _pyhanko
from docsec.errors import InputError
from docsec.pdf._read import _pyhanko_reader
from docsec.pdf._trust import _validation_context

if TYPE_CHECKING:
    from docsec.trust import TrustStore

__all__ = [
    "CoverageReport",
    "SignatureReport",
    "check_coverage",
    "had_signature",
    "truncated",
    "validate_signatures",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What pyHanko found about one signature (or document timestamp) in a PDF.

    Attributes
    ----------
    field_name : str
        The signature field.
    kind : {"signature", "timestamp"}
        A signature, or a document timestamp (PAdES B-LTA).
    ok : bool
        pyHanko's ``bottom_line`` *and* docsec's stricter rules: the modification
        analysis ran and found no change beyond validation data and timestamps.
    intact, valid, trusted : bool
        The cryptographic checks (each can stay true on a tampered file: use ``ok``).
    modification_level : str or None
        pyHanko's ``ModificationLevel`` name, None if not analysed.
    coverage : str or None
        pyHanko's ``SignatureCoverageLevel`` name.
    docmdp_ok : bool or None
        pyHanko's verdict on the DocMDP permissions.
    signer_cert_der : bytes or None
        The signer certificate, DER.
    signer_subject : str
        Its subject, for messages.
    timestamp : datetime or None
        Time from a trusted signature timestamp, if one validated.
    certified : bool
        The signature is a certification (DocMDP) signature.
    embedded_certs_der : tuple of bytes
        The certificates the signature's CMS carries (the signer's first), DER:
        untrusted path material.
    error : str or None
        Why validation could not run (then ``ok`` is False).
    """

    field_name: str
    kind: str
    ok: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    modification_level: str | None = None
    coverage: str | None = None
    docmdp_ok: bool | None = None
    signer_cert_der: bytes | None = field(default=None, repr=False)
    signer_subject: str = ""
    timestamp: datetime | None = None
    certified: bool = False
    embedded_certs_der: tuple[bytes, ...] = field(default=(), repr=False)
    error: str | None = None


_ALLOWED_LEVELS = ("NONE", "LTA_UPDATES")


def validate_signatures(
    pdf_data: bytes, *, trust: TrustStore, at: datetime | None = None
) -> list[SignatureReport]:
    """Validate every signature and document timestamp in a PDF with pyHanko.

    Only ``trust`` is trusted (no system store, no fetching); its CRLs are used,
    revocation checking is soft-fail. Each signature gets pyHanko's
    modification analysis. A signature whose validation raises is reported with
    ``ok=False`` and the error.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.
    trust : TrustStore
        Trust anchors and CRLs.
    at : datetime, optional
        Validation time (default: now).

    Returns
    -------
    list of SignatureReport
        In file order; empty for an unsigned PDF.

    Raises
    ------
    InputError
        If pyHanko cannot read the file at all.
    """
    _pyhanko.validation_only()
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    _reader, embedded = _embedded_signatures(pdf_data)
    reports: list[SignatureReport] = []
    for emb in embedded:
        name = str(emb.field_name)
        is_ts = str(emb.sig_object.get("/Type", "")) == "/DocTimeStamp"
        kind = "timestamp" if is_ts else "signature"
        try:
            vc = _validation_context(trust, at=at)
            status: Any
            if is_ts:
                status = validate_pdf_timestamp(emb, validation_context=vc)
            else:
                status = validate_pdf_signature(
                    emb, signer_validation_context=vc, ts_validation_context=vc
                )
            reports.append(_report(name, kind, status, emb))
        except Exception as exc:
            # Any failure inside validation means "not validated": fail closed.
            logger.debug("validation of %s raised", name, exc_info=True)
            reports.append(
                SignatureReport(
                    field_name=name, kind=kind, ok=False, error=type(exc).__name__
                )
            )
    return reports


def _report(name: str, kind: str, status: Any, emb: Any) -> SignatureReport:
    level = getattr(status, "modification_level", None)
    level_name = level.name if level is not None else None
    coverage = getattr(status, "coverage", None)
    docmdp_ok = getattr(status, "docmdp_ok", None)
    crypto_ok = bool(status.intact and status.valid and status.trusted)
    if kind == "timestamp":
        # Document timestamps have no DocMDP verdict of their own.
        ok = crypto_ok and level_name in _ALLOWED_LEVELS
    else:
        ok = (
            crypto_ok
            and bool(status.bottom_line)
            and docmdp_ok is True
            and level_name in _ALLOWED_LEVELS
        )
    cert = status.signing_cert
    ts_validity = getattr(status, "timestamp_validity", None)
    when = None
    if ts_validity is not None and ts_validity.valid and ts_validity.trusted:
        when = ts_validity.timestamp
    elif kind == "timestamp":
        when = getattr(status, "timestamp", None)
    return SignatureReport(
        field_name=name,
        kind=kind,
        ok=ok,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        modification_level=level_name,
        coverage=coverage.name if coverage is not None else None,
        docmdp_ok=docmdp_ok,
        signer_cert_der=cert.dump() if cert is not None else None,
        signer_subject=cert.subject.human_friendly if cert is not None else "",
        timestamp=when,
        certified=emb.docmdp_level is not None,
        embedded_certs_der=_embedded_certs(emb),
    )


def _embedded_certs(emb: Any) -> tuple[bytes, ...]:
    """Return the signer certificate and the other CMS certificates, DER."""
    out: list[bytes] = []
    try:
        out.append(emb.signer_cert.dump())
    except (ValueError, KeyError, AttributeError):
        logger.debug("no signer certificate in the CMS", exc_info=True)
    try:
        out.extend(c.dump() for c in emb.other_embedded_certs)
    except (ValueError, KeyError, AttributeError):
        logger.debug("unreadable CMS certificates", exc_info=True)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """What the signatures of a PDF cover, byte for byte (:func:`check_coverage`).

    Attributes
    ----------
    ok : bool
        The issuer's signature covers the file as :func:`check_coverage` requires.
    reasons : tuple of str
        Reason codes when not ``ok``: ``pdf-unsigned-bytes``, ``pdf-byte-range``,
        ``pdf-contents-altered``, ``pdf-modified``.
    detail : str
        One line for a person.
    updates : tuple of str
        What each revision after the issuer's signature is: ``"dss"`` (validation
        data) or ``"timestamp"`` (validation data and a document timestamp).
    """

    ok: bool
    reasons: tuple[str, ...] = ()
    detail: str = ""
    updates: tuple[str, ...] = ()


class _CoverageError(Exception):
    """One coverage rule is broken: a reason code and a message."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


_Key = tuple[int, int]
#: Keys a document timestamp's field may have: an invisible widget, nothing that
#: draws (/AP, /MK), acts (/A, /AA) or locks other fields (/Lock).
_TS_FIELD_KEYS = frozenset(
    {"/FT", "/T", "/TU", "/Type", "/Subtype", "/F", "/Rect", "/P", "/V"}
)
#: Keys of a document timestamp's dictionary, as pyHanko writes it: no /Reference
#: (no DocMDP or FieldMDP transform).
_TS_SIG_KEYS = frozenset({"/Type", "/Filter", "/SubFilter", "/ByteRange", "/Contents"})
_DSS_KEYS = frozenset({"/Type", "/Certs", "/CRLs", "/OCSPs", "/VRI"})
_VRI_KEYS = frozenset({"/Type", "/Cert", "/CRL", "/OCSP", "/TU", "/TS"})
_DATA_STREAM_KEYS = frozenset({"/Length", "/Filter"})
_TRAILER_KEYS = frozenset({b"Root", b"Info", b"Size", b"ID", b"Prev"})
#: pyHanko rewrites the XMP packet's modification date with each update it writes.
_XMP_MODIFY_DATE = re.compile(rb'xmp:ModifyDate="[0-9T:.+\-Z]{0,40}"')


def _embedded_signatures(pdf_data: bytes) -> tuple[Any, list[Any]]:
    """Return pyHanko's reader of ``pdf_data`` and the file's embedded signatures.

    Raises
    ------
    InputError
        If pyHanko cannot read the file's signatures at all.
    """
    try:
        reader = _pyhanko_reader(pdf_data)
        return reader, list(reader.embedded_signatures)
    except Exception as exc:
        # pyHanko's reader raises PdfReadError and assorted low-level errors.
        raise InputError(
            f"cannot read the PDF's signatures: {type(exc).__name__}"
        ) from exc


def check_coverage(pdf_data: bytes) -> CoverageReport:
    """Check that the issuer's signature covers the whole file, byte for byte.

    All of these must hold:

    - the file is a chain of revisions, each ending in ``startxref``, the offset
      of its own xref section, and ``%%EOF``; the last one ends the file,
      followed by at most one end-of-line marker (CR, LF or CR LF);
    - there is exactly one signature of type ``/Sig`` (the issuer's), and any
      document timestamp comes after it;
    - every signature and document timestamp has ``/ByteRange [0 a b c]``: its
      gap ``a..b`` is exactly the ``/Contents`` value of its own signature
      dictionary (read by docsec's strict parser: no repeated key), and ``b + c``
      is the end of the revision it signs (with or without the end-of-line
      marker after ``%%EOF``);
    - that ``/Contents`` string is upper-case hex (as pyHanko writes it) of a
      DER-encoded CMS object followed only by zero bytes, and is the string
      pyHanko validated;
    - every revision after the one the issuer signed is validation data as the
      B-LT / B-LTA flow of :func:`sign_pdf` writes it: a new or changed DSS
      (the catalog gains or changes ``/DSS`` and nothing else; the XMP packet
      changes only its ``xmp:ModifyDate``; new certificate, CRL and OCSP
      streams and VRI dictionaries), or one document timestamp (an invisible
      widget appended to the form's ``/Fields`` and its page's ``/Annots``)
      with or without a DSS. Such a revision holds exactly the objects of its
      xref table, back to back and parsed strictly, then the table and a trailer
      that keeps ``/Root``, ``/Info`` and the first ``/ID``. Anything else (a
      new ``/Info`` title, other XMP metadata, a second signature, an
      annotation, a page change) is a modification.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.

    Returns
    -------
    CoverageReport

    Raises
    ------
    InputError
        If pyHanko cannot read the file's signatures at all.
    """
    reader, embedded = _embedded_signatures(pdf_data)
    coverage = _Coverage(pdf_data, reader, embedded)
    try:
        coverage.run()
    except _CoverageError as exc:
        coverage.findings.append(exc)
    findings, updates = coverage.findings, tuple(coverage.updates)
    if not findings:
        extra = (
            f", then {len(updates)} validation-data update(s) ({', '.join(updates)})"
            if updates
            else ""
        )
        return CoverageReport(
            ok=True,
            detail=f"the issuer's signature covers the file byte for byte{extra}",
            updates=updates,
        )
    for f in findings:
        logger.debug("coverage: %s: %s", f.reason, f.message)
    return CoverageReport(
        ok=False,
        reasons=tuple(dict.fromkeys(f.reason for f in findings)),
        detail=findings[0].message,
        updates=updates,
    )


class _Coverage:
    """The rules of :func:`check_coverage` over one file and pyHanko's reading of it."""

    def __init__(self, data: bytes, reader: Any, embedded: list[Any]) -> None:
        self.data = data
        self.reader = reader
        self.xrefs = reader.xrefs
        self.embedded = embedded
        self.findings: list[_CoverageError] = []
        self.updates: list[str] = []
        #: Per revision: offsets of its startxref keyword, after %%EOF, after
        #: the end-of-line marker that may follow.
        self.ends: list[tuple[int, int, int]] = []

    def startxref(self, revision: int) -> int:
        return int(self.xrefs.get_startxref_for_revision(revision))

    def run(self) -> None:
        from docsec import _pdfbytes

        data = self.data
        count = int(self.xrefs.total_revisions)
        for r in range(count):
            try:
                self.ends.append(_pdfbytes.revision_end(data, self.startxref(r)))
            except _pdfbytes.PdfSyntaxError as exc:
                raise _CoverageError("pdf-unsigned-bytes", str(exc)) from exc
            if r and self.ends[r - 1][2] > self.startxref(r):
                raise _CoverageError(
                    "pdf-modified", f"revision {r} overlaps the one before"
                )
        tail = len(data) - self.ends[-1][2]
        if tail:
            # pyHanko and pdfium look for %%EOF near the end only; poppler and qpdf
            # also read an update written without one.
            self.findings.append(
                _CoverageError(
                    "pdf-unsigned-bytes",
                    f"{tail} byte(s) after the last %%EOF that no signature covers",
                )
            )
        issuer = [e for e in self.embedded if str(e.sig_object_type) == "/Sig"]
        if len(issuer) != 1:
            raise _CoverageError(
                "pdf-modified",
                f"{len(issuer)} signatures: an issued PDF has exactly one, the "
                "issuer's",
            )
        signed = int(issuer[0].signed_revision)
        for emb in self.embedded:
            try:
                self.signature(emb)
            except _CoverageError as exc:
                self.findings.append(exc)
            if emb is not issuer[0] and int(emb.signed_revision) <= signed:
                self.findings.append(
                    _CoverageError(
                        "pdf-modified",
                        f"document timestamp {emb.field_name} before the issuer's "
                        "signature",
                    )
                )
        for r in range(signed + 1, count):
            try:
                self.updates.append(_Update(self, r, signed).check())
            except _CoverageError as exc:
                raise _CoverageError(
                    exc.reason, f"update {r - signed}: {exc.message}"
                ) from exc

    def signature(self, emb: Any) -> None:
        """Check one signature's byte range, its gap and its /Contents."""
        from pyhanko.pdf_utils import generic

        from docsec import _pdfbytes

        data, name = self.data, str(emb.field_name)
        values = list(emb.byte_range)
        if len(values) != 4 or any(type(v) is not generic.NumberObject for v in values):
            raise _CoverageError(
                "pdf-byte-range", f"{name}: /ByteRange is not 4 integers"
            )
        start, a, b, c = (int(v) for v in values)
        if start != 0 or not 0 < a < b or c < 0 or b + c > len(data):
            raise _CoverageError(
                "pdf-byte-range",
                f"{name}: /ByteRange [{start} {a} {b} {c}] is not [0 a b c] within "
                "the file",
            )
        ref = emb.sig_field.raw_get("/V")
        if not isinstance(ref, generic.IndirectObject):
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature is not an object"
            )
        revision = int(emb.signed_revision)
        offset = self.xrefs.get_historical_ref(ref.reference, revision)
        if type(offset) is not int:
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature is inside an object stream"
            )
        try:
            raw = _pdfbytes.parse_object(data, offset)
        except _pdfbytes.PdfSyntaxError as exc:
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature dictionary: {exc}"
            ) from exc
        value = raw.value.value
        if (raw.idnum, raw.generation) != (ref.idnum, ref.generation) or not (
            isinstance(value, dict)
        ):
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature object is not where it says"
            )
        contents = value.get(b"Contents")
        declared = value.get(b"ByteRange")
        if (
            contents is None
            or (contents.start, contents.end) != (a, b)
            or declared is None
            or not isinstance(declared.value, list)
            or [n.value for n in declared.value] != [0, a, b, c]
        ):
            # Signature wrapping: the signed ranges were moved, or the gap holds
            # more than this dictionary's own /Contents.
            raise _CoverageError(
                "pdf-byte-range",
                f"{name}: the unsigned gap is not exactly the signature's /Contents",
            )
        try:
            _pdfbytes.signature_contents(data, a, b)
        except _pdfbytes.PdfSyntaxError as exc:
            raise _CoverageError("pdf-contents-altered", f"{name}: {exc}") from exc
        if contents.value != bytes(emb.pkcs7_content):
            raise _CoverageError(
                "pdf-contents-altered",
                f"{name}: pyHanko read another /Contents than the one in the gap",
            )
        _keyword, eof, end = self.ends[revision]
        if b + c not in (eof, end):
            raise _CoverageError(
                "pdf-byte-range",
                f"{name}: the signed bytes end at {b + c}, not at the end of the "
                f"revision they sign ({end})",
            )


class _Update:
    """One revision after the issuer's signature, checked as validation data."""

    def __init__(self, cov: _Coverage, revision: int, signed: int) -> None:
        from pyhanko.pdf_utils import generic

        self.cov = cov
        self.r = revision
        self.signed = signed
        self.xrefs = cov.xrefs
        self.generic = generic
        self.old = cov.reader.get_historical_resolver(revision - 1)
        self.new = cov.reader.get_historical_resolver(revision)
        self.changed: set[_Key] = {
            (int(x.idnum), int(x.generation))
            for x in self.xrefs.explicit_refs_in_revision(revision)
        }
        self.accounted: set[_Key] = set()
        self.trailer_dict: dict[bytes, Any] = {}

    def get(self, resolver: Any, key: _Key) -> Any:
        return resolver.get_object(self.generic.Reference(key[0], key[1]))

    def ref(self, value: Any, what: str) -> _Key:
        if not isinstance(value, self.generic.IndirectObject):
            raise _CoverageError("pdf-modified", f"{what} is not an indirect object")
        return int(value.idnum), int(value.generation)

    def fresh(self, key: _Key, what: str) -> None:
        """Require ``key`` to be new since the issuer signed (not a rewrite).

        New means a number the signed revision never used, generation 0: pdfium
        resolves references by object number alone, so an object that reuses a
        signed number under another generation (``6 1 obj`` over ``6 0``) would
        replace the signed object on the rendered page while pyHanko still
        calls it new.
        """
        introduced = self.xrefs.get_introducing_revision(self.generic.Reference(*key))
        if (
            introduced is None
            or int(introduced) <= self.signed
            or key[1] != 0
            or key[0] < self.signed_size()
        ):
            raise _CoverageError(
                "pdf-modified", f"{what} rewrites an object the issuer signed"
            )

    def signed_size(self) -> int:
        """Return the /Size of the revision the issuer signed (first unused number)."""
        try:
            size = self.cov.reader.get_historical_resolver(self.signed).trailer_view[
                "/Size"
            ]
            return int(size)
        except (KeyError, TypeError, ValueError) as exc:
            raise _CoverageError(
                "pdf-modified", "the signed revision's trailer has no usable /Size"
            ) from exc

    def account(self, key: _Key) -> bool:
        """Mark ``key`` as explained if this update changed it; return whether it did."""
        if key in self.changed:
            self.accounted.add(key)
            return True
        return False

    def check(self) -> str:
        xrefs, r = self.xrefs, self.r
        meta = xrefs.get_xref_container_info(r)
        if (
            meta.stream_ref is not None
            or xrefs.get_xref_data(r).hybrid is not None
            or xrefs.object_streams_used_in(r)
            or xrefs.refs_freed_in_revision(r)
        ):
            raise _CoverageError(
                "pdf-modified", "not a plain xref table of new and changed objects"
            )
        if any(generation != 0 for _, generation in self.changed):
            # Validation data is written with generation 0; another generation of
            # a signed object's number is what a reader resolving by number alone
            # (pdfium) would show instead of the signed object.
            raise _CoverageError(
                "pdf-modified", "an update defines an object with a new generation"
            )
        self.layout()
        root_ref = self.old.root_ref
        root: _Key = (int(root_ref.idnum), int(root_ref.generation))
        self.trailer(root)
        old_root, new_root = self.get(self.old, root), self.get(self.new, root)
        if self.account(root):
            _same_except(old_root, new_root, {"/DSS"}, "the catalog")
            if "/DSS" in old_root and "/DSS" not in new_root:
                raise _CoverageError("pdf-modified", "the catalog dropped the DSS")
        if "/Metadata" in new_root:
            xmp = self.ref(new_root.raw_get("/Metadata"), "/Metadata")
            if self.account(xmp):
                _same_xmp(self.get(self.old, xmp), self.get(self.new, xmp))
        dss_changed = "/DSS" in new_root and self.dss(new_root.raw_get("/DSS"))
        stamps = [
            e
            for e in self.cov.embedded
            if str(e.sig_object_type) == "/DocTimeStamp" and int(e.signed_revision) == r
        ]
        if len(stamps) > 1:
            raise _CoverageError(
                "pdf-modified", "more than one timestamp in one update"
            )
        if stamps:
            self.timestamp(stamps[0], new_root)
        elif not dss_changed:
            raise _CoverageError(
                "pdf-modified", "an update that adds no validation data"
            )
        extra = sorted(self.changed - self.accounted)
        if extra:
            shown = ", ".join(f"{i} {g} R" for i, g in extra[:5])
            raise _CoverageError(
                "pdf-modified", f"objects changed that are not validation data: {shown}"
            )
        return "timestamp" if stamps else "dss"

    def layout(self) -> None:
        """Every byte of the revision: its objects back to back, the table, trailer."""
        from docsec import _pdfbytes

        data, xrefs, r = self.cov.data, self.xrefs, self.r
        startxref = self.cov.startxref(r)
        keyword = self.cov.ends[r][0]
        try:
            table, table_end = _pdfbytes.parse_xref_table(data, startxref)
            placed = {}
            for key in self.changed:
                offset = xrefs.get_historical_ref(self.generic.Reference(*key), r)
                if type(offset) is not int:
                    raise _CoverageError(
                        "pdf-modified", f"object {key[0]} has no offset"
                    )
                placed[key] = offset
            if placed != table:
                # docsec's reading of the table and pyHanko's disagree.
                raise _CoverageError("pdf-modified", "the xref table reads differently")
            pos = self.cov.ends[r - 1][2]
            for key, offset in sorted(placed.items(), key=lambda kv: kv[1]):
                if _skip_space(data, pos) != offset:
                    raise _CoverageError(
                        "pdf-modified",
                        f"bytes at {pos} that are not one of the update's objects",
                    )
                obj = _pdfbytes.parse_object(data, offset)
                if (obj.idnum, obj.generation) != key:
                    raise _CoverageError(
                        "pdf-modified", f"object {key[0]} is not where the xref says"
                    )
                pos = obj.end
            if _skip_space(data, pos) != startxref:
                raise _CoverageError(
                    "pdf-modified", "bytes between the update's objects and its xref"
                )
            self.trailer_dict, end = _pdfbytes.parse_trailer(data, table_end, keyword)
            if _skip_space(data, end) != keyword:
                raise _CoverageError(
                    "pdf-modified", "bytes between the trailer and startxref"
                )
        except _pdfbytes.PdfSyntaxError as exc:
            raise _CoverageError(
                "pdf-modified", f"an update docsec cannot read strictly: {exc}"
            ) from exc

    def trailer(self, root: _Key) -> None:
        """Require the trailer to keep /Root, /Info and the first /ID, and chain back."""
        from docsec import _pdfbytes

        trailer = self.trailer_dict
        if set(trailer) - _TRAILER_KEYS:
            raise _CoverageError(
                "pdf-modified", "the trailer has keys beyond /Root /Info /ID"
            )
        prev = trailer.get(b"Prev")
        if prev is None or prev.value != self.cov.startxref(self.r - 1):
            raise _CoverageError(
                "pdf-modified", "the trailer's /Prev is not the revision before"
            )
        new_root = trailer.get(b"Root")
        if new_root is None or new_root.value != _pdfbytes.Ref(*root):
            raise _CoverageError("pdf-modified", "the trailer names another /Root")
        old_trailer = self.old.trailer_view
        old_info = old_trailer.raw_get("/Info") if "/Info" in old_trailer else None
        want = (
            _pdfbytes.Ref(*self.ref(old_info, "/Info"))
            if old_info is not None
            else None
        )
        info = trailer.get(b"Info")
        if (info.value if info is not None else None) != want:
            raise _CoverageError("pdf-modified", "the trailer names another /Info")
        ids = trailer.get(b"ID")
        first = (
            ids.value[0].value
            if ids is not None and isinstance(ids.value, list) and ids.value
            else None
        )
        old_ids = old_trailer.raw_get("/ID") if "/ID" in old_trailer else None
        if old_ids is None or first != bytes(old_ids[0].original_bytes):
            raise _CoverageError("pdf-modified", "the trailer changes the document /ID")

    def dss(self, value: Any) -> bool:
        """Check a new or changed DSS and the objects it adds; True if it changed."""
        generic = self.generic
        dss = self.ref(value, "/DSS")
        if not self.account(dss):
            return False
        self.fresh(dss, "the DSS")
        d = self.get(self.new, dss)
        if not isinstance(d, generic.DictionaryObject) or set(d) - _DSS_KEYS:
            raise _CoverageError(
                "pdf-modified", "the DSS has entries beyond validation data"
            )
        for key in ("/Certs", "/CRLs", "/OCSPs"):
            if key in d:
                for item in _direct_array(d.raw_get(key), key):
                    self.data_stream(self.ref(item, f"a DSS {key} entry"))
        if "/VRI" in d:
            vri = d.raw_get("/VRI")
            if not isinstance(vri, generic.DictionaryObject):
                raise _CoverageError(
                    "pdf-modified", "the DSS /VRI is not a direct dictionary"
                )
            for entry in vri.values():
                self.vri(self.ref(entry, "a VRI entry"))
        return True

    def vri(self, key: _Key) -> None:
        if not self.account(key):
            return
        self.fresh(key, "a VRI dictionary")
        d = self.get(self.new, key)
        if not isinstance(d, self.generic.DictionaryObject) or set(d) - _VRI_KEYS:
            raise _CoverageError("pdf-modified", "a VRI dictionary has other entries")
        for name in ("/Cert", "/CRL", "/OCSP"):
            if name in d:
                for item in _direct_array(d.raw_get(name), name):
                    self.data_stream(self.ref(item, f"a VRI {name} entry"))
        if "/TS" in d:
            self.data_stream(self.ref(d.raw_get("/TS"), "a VRI /TS entry"))

    def data_stream(self, key: _Key) -> None:
        """Check a DSS certificate, CRL, OCSP response or token: one DER object."""
        from docsec import _pdfbytes

        if not self.account(key):
            return
        self.fresh(key, "DSS data")
        s = self.get(self.new, key)
        if (
            not isinstance(s, self.generic.StreamObject)
            or set(s) - _DATA_STREAM_KEYS
            or s.get("/Filter", "/FlateDecode") != "/FlateDecode"
        ):
            raise _CoverageError("pdf-modified", "DSS data is not a plain stream")
        blob = bytes(s.data)
        try:
            ok = _pdfbytes.der_length(blob) == len(blob)
        except _pdfbytes.PdfSyntaxError:
            ok = False
        if not ok:
            raise _CoverageError("pdf-modified", "DSS data is not one DER object")

    def timestamp(self, stamp: Any, new_root: Any) -> None:
        """One document timestamp: an invisible widget added to the form and a page."""
        generic = self.generic
        form = self.ref(new_root.raw_get("/AcroForm"), "/AcroForm")
        if not self.account(form):
            raise _CoverageError("pdf-modified", "a timestamp without a new form field")
        old_form, new_form = self.get(self.old, form), self.get(self.new, form)
        _same_except(old_form, new_form, {"/Fields"}, "the form")
        field = self.ref(_appended_one(old_form, new_form, "/Fields"), "the field")
        self.fresh(field, "the timestamp field")
        self.account(field)
        widget = self.get(self.new, field)
        if not isinstance(widget, generic.DictionaryObject) or (
            set(widget) - _TS_FIELD_KEYS
        ):
            raise _CoverageError(
                "pdf-modified", "the timestamp field has other entries"
            )
        rect = widget.get("/Rect")
        if (
            widget.get("/FT") != "/Sig"
            or widget.get("/Subtype") != "/Widget"
            or not isinstance(rect, generic.ArrayObject)
            or len(rect) != 4
            or any(float(v) for v in rect)
        ):
            raise _CoverageError("pdf-modified", "the timestamp field is not invisible")
        sig = self.ref(widget.raw_get("/V"), "the timestamp's /V")
        if sig != self.ref(stamp.sig_field.raw_get("/V"), "the timestamp"):
            raise _CoverageError(
                "pdf-modified", "the timestamp is not the new field's value"
            )
        self.fresh(sig, "the timestamp")
        self.account(sig)
        d = self.get(self.new, sig)
        if (
            set(d) - _TS_SIG_KEYS
            or d.get("/Type") != "/DocTimeStamp"
            or d.get("/SubFilter") != "/ETSI.RFC3161"
        ):
            raise _CoverageError(
                "pdf-modified", "the timestamp dictionary has other entries"
            )
        page = self.ref(widget.raw_get("/P"), "the timestamp's /P")
        if not self.account(page):
            raise _CoverageError("pdf-modified", "the timestamp widget is on no page")
        old_page, new_page = self.get(self.old, page), self.get(self.new, page)
        _same_except(old_page, new_page, {"/Annots"}, "the page")
        added = self.ref(_appended_one(old_page, new_page, "/Annots"), "the widget")
        if added != field:
            raise _CoverageError("pdf-modified", "the page gained another annotation")


def _skip_space(data: bytes, pos: int) -> int:
    from docsec._pdfbytes import WHITESPACE

    while pos < len(data) and data[pos] in WHITESPACE:
        pos += 1
    return pos


def _canonical(value: Any) -> bytes:
    """Serialise a pyHanko value (references as ``N G R``) to compare two of them."""
    out = io.BytesIO()
    value.write_to_stream(out, None)
    return out.getvalue()


def _same_except(old: Any, new: Any, allowed: set[str], what: str) -> None:
    """Require two dictionaries to be equal except for the ``allowed`` keys."""
    from pyhanko.pdf_utils import generic

    if not isinstance(old, generic.DictionaryObject) or not isinstance(
        new, generic.DictionaryObject
    ):
        raise _CoverageError("pdf-modified", f"{what} is not a dictionary")
    for key in sorted((set(old) | set(new)) - allowed):
        if key not in old or key not in new:
            raise _CoverageError("pdf-modified", f"{what}: {key} added or removed")
        if _canonical(old.raw_get(key)) != _canonical(new.raw_get(key)):
            raise _CoverageError("pdf-modified", f"{what}: {key} changed")


def _same_xmp(old: Any, new: Any) -> None:
    """Allow the XMP packet to change only its xmp:ModifyDate (pyHanko writes it)."""
    from pyhanko.pdf_utils import generic

    if not isinstance(old, generic.StreamObject) or not isinstance(
        new, generic.StreamObject
    ):
        raise _CoverageError("pdf-modified", "the XMP metadata is not a stream")
    _same_except(old, new, {"/Length"}, "the XMP metadata stream")
    before = _XMP_MODIFY_DATE.sub(b"", bytes(old.data))
    after = _XMP_MODIFY_DATE.sub(b"", bytes(new.data))
    if before != after:
        raise _CoverageError("pdf-modified", "the XMP metadata changed")


def _direct_array(value: Any, what: str) -> Any:
    from pyhanko.pdf_utils import generic

    if not isinstance(value, generic.ArrayObject):
        raise _CoverageError("pdf-modified", f"{what} is not a direct array")
    return value


def _appended_one(old: Any, new: Any, key: str) -> Any:
    """Require ``new[key]`` to be ``old[key]`` plus one entry; return that entry."""
    from pyhanko.pdf_utils import generic

    before = old.raw_get(key) if key in old else generic.ArrayObject()
    after = _direct_array(new.raw_get(key) if key in new else None, key)
    _direct_array(before, key)
    if len(after) != len(before) + 1 or any(
        _canonical(x) != _canonical(y) for x, y in zip(before, after, strict=False)
    ):
        raise _CoverageError("pdf-modified", f"{key}: not exactly one entry appended")
    return after.raw_get(len(after) - 1)


_BYTE_RANGE = re.compile(
    rb"/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]"
)


def truncated(pdf_data: bytes) -> bool:
    """Return True if the file is a PDF cut short: before its signed end, or in its last revision.

    A download or a copy cut short ends before the bytes its signature covers:
    the file is incomplete, which says nothing about the document (ask for it
    again), unlike a file changed after signing. Only a real signature counts: a
    byte range ``[0 a b c]`` whose gap ``a..b`` is a hex string in the file (the
    signature's /Contents), whose end ``b + c`` lies past the file's end, and
    with no ``%%EOF`` after the gap (a cut file lost its final marker; bytes
    appended to a complete file keep it, and are judged as changes), or only
    the end-of-line marker after that ``%%EOF`` missing. A file in which some
    signature's byte range lies whole is never cut short: what follows that
    signed end was added, and is judged as a change (any byte range text can be
    written into an appended update).

    Examples
    --------
    >>> head = b"%PDF-1.7 /ByteRange [0 44 50 900] /Contents <abcd> obj"
    >>> truncated(head), truncated(head + b" %%EOF")
    (True, False)
    >>> truncated(b"%PDF-1.7 /ByteRange [0 1 2 99999999] startxref 9 %%EOF")
    False
    >>> truncated(b"%PDF-1.7 1 0 obj << /Type /Sig /ByteRange [0 5")
    True
    >>> whole = b"%PDF-1.7 <abcd> /ByteRange [0 9 15 20] %%EOF "
    >>> truncated(whole + b"<ab> /ByteRange [0 45 49 90]")
    False
    """
    ranges = [
        (start, gap_end, gap_end + rest - len(pdf_data))
        for first, start, gap_end, rest in (
            (int(g) for g in m.groups()) for m in _BYTE_RANGE.finditer(pdf_data)
        )
        if first == 0
        and 0 < start < gap_end <= len(pdf_data)
        and _is_hex_string(pdf_data[start:gap_end])
    ]
    if any(missing <= 0 for _, _, missing in ranges):
        # A signature lies whole in the file: whatever follows its signed end was
        # added to a complete file and is judged as a change. Otherwise a forger
        # appends an update that redraws the page plus the text of a byte range
        # reaching past the end (over the genuine /Contents, or a hex string of
        # its own) and the changed file passed as cut short (red team).
        return False
    for _, gap_end, missing in ranges:
        tail = pdf_data[gap_end:]
        # Cut inside the signed revision (its %%EOF is gone), or only its final
        # end-of-line marker is missing after the %%EOF.
        if b"%%EOF" not in tail or (missing <= 2 and tail.rstrip().endswith(b"%%EOF")):
            return True
    return _cut_before_signed_end(pdf_data)


def _is_hex_string(gap: bytes) -> bool:
    """Return whether ``gap`` is a PDF hex string (a signature's /Contents)."""
    return (
        len(gap) >= 2
        and gap[:1] == b"<"
        and gap[-1:] == b">"
        and all(ch in b"0123456789abcdefABCDEF" for ch in gap[1:-1])
    )


#: PDF white-space (ISO 32000-1, 7.2.2), which may follow the final ``%%EOF``.
_PDF_SPACE = b"\x00\t\n\x0c\r "


def _cut_before_signed_end(pdf_data: bytes) -> bool:
    """Return True if the file stops inside its last revision, before any signed end.

    A file that does not end with ``%%EOF`` and whose bytes after the last
    ``%%EOF`` hold no ``startxref`` was cut inside a revision (an interrupted
    download, or a cut inside the very signature dictionary, where no complete
    byte range survives). It is incomplete unless some signature's whole byte
    range lies inside the file: then what follows the signed end is an
    appended change, judged as one (an update without ``%%EOF`` is a forgery,
    issue #12), never forgiven as a cut.
    """
    tail = (
        pdf_data[pdf_data.rfind(b"%%EOF") + 5 :] if b"%%EOF" in pdf_data else pdf_data
    )
    if not tail.strip(_PDF_SPACE) or b"startxref" in tail:
        return False
    for m in _BYTE_RANGE.finditer(pdf_data):
        first, start, gap_end, rest = (int(g) for g in m.groups())
        if first == 0 and 0 < start < gap_end and gap_end + rest <= len(pdf_data):
            return False
    return True


def had_signature(pdf_data: bytes) -> bool:
    """Return True if any revision of the PDF has a signed signature field.

    An unsigned PDF whose earlier revision was signed had its signature removed
    by a later update: that is tampering, not a scan.

    Raises
    ------
    InputError
        If pyHanko cannot read the file.
    """
    _pyhanko.validation_only()
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        reader = _pyhanko_reader(pdf_data)
        for r in range(int(reader.xrefs.total_revisions)):
            history = reader.get_historical_resolver(r)
            if any(True for _ in enumerate_sig_fields(history, filled_status=True)):
                return True
    except Exception as exc:
        # pyHanko's reader raises PdfReadError and assorted low-level errors.
        raise InputError(f"cannot read the PDF: {type(exc).__name__}") from exc
    return False
