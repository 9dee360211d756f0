"""Attacks on issued PDFs, each with the verdict it must get.

Every test builds its own file (the builders are in ``_attacks.py``) and names the
attack class it belongs to:

- changed signed bytes (digest);
- ISA, incremental saving attacks (Mladenov et al., "1 Trillion Dollar Refund",
  CCS 2019): anything appended after the signature, with or without an xref
  section and ``%%EOF``, including metadata-only updates;
- SWA, signature wrapping (same paper): the signed ranges moved, or the unsigned
  gap holding more than the signature;
- shadow attacks (Mainka et al., NDSS 2021): hide, replace, hide-and-replace,
  with objects placed in the input before signing and switched by an update;
- updates disguised as long-term validation data (DSS, document timestamps);
- a second signature after the certification, a signature removed, a foreign
  signer.

The verdict and the reason codes asserted are the ones each attack must get; an
attack that is not harmless to other readers also asserts what qpdf (pikepdf)
sees, so that a test cannot pass because the attack did nothing.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from tests.clock import NOW

from docsec import pdf
from docsec.result import CheckStatus, Verdict, VerificationResult
from docsec.verify import verify_pdf

from . import _attacks as attacks
from ._attacks import (
    append_page_content,
    append_to_contents,
    first_page,
    flip_signed_byte,
    forged_page_with_genuine_seal,
    untrusted_signer,
    update,
)
from .conftest import World, sample


def _verify(world: World, data: bytes) -> VerificationResult:
    return verify_pdf(data, policy=world.policy)


def _bad(world: World, data: bytes) -> tuple[str, ...]:
    r = _verify(world, data)
    assert r.verdict is Verdict.NOT_AUTHENTIC, [c.to_dict() for c in r.checks]
    return r.reasons


def _qpdf_content_streams(data: bytes) -> int:
    """Count the first page's content streams as qpdf reads the file."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        contents = doc.pages[0].obj.Contents
        return len(contents) if isinstance(contents, pikepdf.Array) else 1


# ------------------------------------------------------------- signed bytes changed


def test_byte_changed_inside_signed_range(world: World, issued: bytes) -> None:
    # Digest: one byte of a compressed stream, well inside the first signed range.
    reasons = _bad(world, flip_signed_byte(issued, 2000))
    assert "pdf-digest-mismatch" in reasons


def test_broken_byte_range(world: World, issued: bytes) -> None:
    # Digest: the /ByteRange itself is signed.
    m = re.search(rb"/ByteRange \[0 (\d+) ", issued)
    assert m is not None
    n = m.group(1)
    bigger = str(int(n) - 1).encode().rjust(len(n))
    data = issued[: m.start(1)] + bigger + issued[m.end(1) :]
    reasons = _bad(world, data)
    assert "pdf-byte-range" in reasons
    assert "pdf-digest-mismatch" in reasons


def test_broken_contents(world: World, issued: bytes) -> None:
    # The CMS object itself altered: pyHanko cannot read the signature.
    m = re.search(rb"/Contents <([0-9a-fA-F]{40})", issued)
    assert m is not None
    start = m.start(1) + 20
    flipped = b"0" if issued[start : start + 1] != b"0" else b"1"
    _bad(world, issued[:start] + flipped + issued[start + 1 :])


# ------------------------------------------------------------------------------ ISA


def test_isa_update_changes_page_content(world: World, issued: bytes) -> None:
    # ISA: a complete incremental update (xref, trailer, %%EOF) over the page.
    forged = append_page_content(issued, b"q 1 g 150 600 300 40 re f Q")
    assert _qpdf_content_streams(forged) == 4
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


def test_isa_update_without_eof_line(world: World, issued: bytes) -> None:
    # ISA, issue #12's case: the same update without its final %%EOF line. pyHanko
    # and pdfium find the signed revision's %%EOF near the end and stop there;
    # qpdf and poppler show the forged content.
    forged = attacks.update_without_eof(issued)
    assert len(forged) - len(issued) < 1024
    assert not forged.rstrip().endswith(b"%%EOF")
    assert _qpdf_content_streams(forged) == 4
    reasons = _bad(world, forged)
    assert "pdf-unsigned-bytes" in reasons


def test_isa_large_update_without_eof_line(world: World, issued: bytes) -> None:
    # ISA: without %%EOF and too long for pyHanko to find any %%EOF: unreadable
    # for the signature check, which fails closed.
    forged = attacks.update_without_eof(
        issued, b"q 1 g 176 604 360 30 re f Q\n" + b"% padding\n" * 150
    )
    assert len(forged) - len(issued) > 1024
    assert _qpdf_content_streams(forged) == 4
    _bad(world, forged)


def test_isa_objects_without_xref(world: World, issued: bytes) -> None:
    # ISA: redefined objects appended with no xref section, for readers that
    # rebuild the xref by scanning the file.
    reasons = _bad(world, attacks.objects_without_xref(issued))
    assert "pdf-unsigned-bytes" in reasons


def test_isa_info_title_only(world: World, issued: bytes) -> None:
    # ISA, metadata only: the document information /Title rewritten (pyHanko
    # calls this an LTA-level change; P = 1 allows none).
    forged = attacks.info_title_update(issued)
    with pikepdf.open(io.BytesIO(forged)) as doc:
        assert str(doc.docinfo.Title) == "FORGED"
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


def test_isa_xmp_metadata_only(world: World, issued: bytes) -> None:
    # ISA, metadata only: the XMP packet rewritten with a dc:title.
    forged = attacks.xmp_update(issued)
    with pikepdf.open(io.BytesIO(forged)) as doc:
        assert b"FORGED" in doc.Root.Metadata.read_bytes()
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


@pytest.mark.parametrize(
    "tail",
    [b"\n", b"\r\n", b" ", b"\x00", b"% a comment\n"],
    ids=["lf", "crlf", "space", "nul", "comment"],
)
def test_isa_bytes_after_eof(world: World, issued: bytes, tail: bytes) -> None:
    # ISA: bytes appended after the final %%EOF, even white space. The issued
    # file's signature covers its own end-of-line; nothing may follow it.
    assert issued.endswith(b"%%EOF\n")
    reasons = _bad(world, issued + tail)
    assert "pdf-unsigned-bytes" in reasons


def test_isa_second_eof_marker(world: World, issued: bytes) -> None:
    # ISA: a second %%EOF line appended. pyHanko then finds no startxref before
    # the last %%EOF and cannot read the signatures: the check fails closed.
    _bad(world, issued + b"%%EOF\n")


def test_isa_annotation_only(world: World, issued: bytes) -> None:
    # ISA: an update that only adds an annotation (FreeText "FORGED").
    def change(w: IncrementalPdfFileWriter) -> None:
        page = first_page(w)
        annot = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (100, 600, 400, 640)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("FORGED"),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
            }
        )
        page["/Annots"] = generic.ArrayObject([w.add_object(annot)])
        w.update_container(page)

    reasons = _bad(world, update(issued, change))
    assert "pdf-modified" in reasons


def test_isa_seal_of_other_document_drawn_over(
    world: World, issued: bytes, issued_other: bytes
) -> None:
    # ISA: the seal of another issued PDF drawn over this one's by an update.
    from docsec import barcode

    other_seal = pdf.declared_seal(issued_other)
    assert other_seal is not None
    matrix = barcode.encode(other_seal)
    module = pdf.DEFAULT_MODULE_MM * 72 / 25.4
    x0 = pdf.DEFAULT_SEAL_ORIGIN_MM[0] * 72 / 25.4
    y0 = 841.8898 - (pdf.DEFAULT_SEAL_ORIGIN_MM[1] * 72 / 25.4 + matrix.size * module)
    rects = barcode.vector_rectangles(matrix, module_size=module, origin=(x0, y0))
    ops = b"q 1 g %f %f %f %f re f 0 g " % (
        x0 - 2,
        y0 - 2,
        matrix.size * module + 4,
        matrix.size * module + 4,
    )
    ops += b"".join(b"%f %f %f %f re " % r for r in rects) + b"f Q"

    reasons = _bad(world, append_page_content(issued, ops))
    assert "pdf-modified" in reasons


def test_isa_second_signature_after_certification(
    world: World, issued: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ISA, regression: a second signature after the "no changes" certification.
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import pdf_signer

    # pyHanko refuses to sign after a "no changes" certification; a forger's tool
    # does not, so the check is switched off for this test.
    monkeypatch.setattr(
        pdf_signer.PdfSigner,
        "_enforce_certification_constraints",
        lambda self, reader: None,
    )

    meta = signers.PdfSignatureMetadata(
        field_name="Mallory", subfilter=fields.SigSeedSubFilter.PADES
    )
    w = IncrementalPdfFileWriter(io.BytesIO(issued), strict=False)
    out = signers.PdfSigner(meta, signer=untrusted_signer().signer()).sign_pdf(
        w, output=io.BytesIO()
    )
    r = _verify(world, out.getvalue())
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert "pdf-modified" in r.reasons
    # The second signer is also unknown (inconclusive on its own).
    assert any(
        "pdf-signer-untrusted" in c.reasons
        for c in r.checks
        if c.name == "pdf_signature"
    )


def test_isa_signature_removed_by_update(world: World, issued: bytes) -> None:
    # ISA: an update that drops the signature field (and draws over the page), so
    # that the file reads as unsigned: tampering, not a scan.
    forged = attacks.strip_signature(issued)
    assert _qpdf_content_streams(forged) == 4
    r = _verify(world, forged)
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    assert r.reasons == ("pdf-signature-removed",)


# --------------------------------------------------------------- the /Contents gap


def test_contents_zero_padding_changed(world: World, issued: bytes) -> None:
    # Unsigned bytes: a change in the zero padding after the CMS object.
    reasons = _bad(world, attacks.change_in_gap(issued, 10, b"1"))
    assert "pdf-contents-altered" in reasons


def test_contents_rewritten_in_lower_case(world: World, issued: bytes) -> None:
    # Unsigned bytes: the same signature in lower-case hex. Every reader decodes
    # the same CMS; the file is still not the issued one byte for byte.
    reasons = _bad(world, attacks.lowercase_contents(issued))
    assert reasons == ("pdf-contents-altered",)


# ------------------------------------------------------------------------------ SWA


def test_swa_signed_range_moved(world: World, issued: bytes) -> None:
    # SWA: the second signed range moved to the end of the file (inside an unused
    # stream); the unsigned gap holds the original /Contents, a new /ByteRange
    # and the forged page. The digest over the two ranges still matches.
    forged = attacks.signature_wrapping(issued)
    assert _qpdf_content_streams(forged) == 4
    reasons = _bad(world, forged)
    assert "pdf-byte-range" in reasons
    assert "pdf-digest-mismatch" not in reasons  # the wrapping kept the digest


def test_swa_second_contents_in_gap(world: World, issued: bytes) -> None:
    # SWA: the gap holds two /Contents keys (readers disagree on which wins),
    # the byte range and the signed bytes untouched.
    forged = attacks.second_contents_in_gap(issued)
    assert attacks.signature_gap(forged) == attacks.signature_gap(issued)
    reasons = _bad(world, forged)
    assert "pdf-byte-range" in reasons


# --------------------------------------------------------------------------- shadow


def _shadow_input(variant: str) -> bytes:
    """Return the forger's input PDF with its shadow object placed in advance."""
    base = pikepdf.new()
    base.add_blank_page(page_size=(595.2756, 841.8898))
    pg = base.pages[0]
    forged_ops = b"q 0 g 100 700 200 30 re f Q"
    if variant == "hide":
        # Forged content in an optional content group that is OFF.
        ocg = base.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="shadow")
        )
        base.Root.OCProperties = pikepdf.Dictionary(
            OCGs=[ocg], D=pikepdf.Dictionary(OFF=[ocg])
        )
        pg.Resources = pikepdf.Dictionary(Properties=pikepdf.Dictionary(S=ocg))
        pg.Contents = pikepdf.Stream(base, b"/OC /S BDC " + forged_ops + b" EMC")
    elif variant == "replace":
        # An unused content stream, to be made the page's content.
        pg.Contents = pikepdf.Stream(base, b"")
        base.Root.Shadow = base.make_indirect(pikepdf.Stream(base, forged_ops))
    else:
        # hide-and-replace: a whole second page tree, to be made the document's.
        pg.Contents = pikepdf.Stream(base, b"")
        shadow_page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595.2756, 841.8898],
            Contents=base.make_indirect(pikepdf.Stream(base, forged_ops)),
        )
        kids = base.make_indirect(shadow_page)
        pages = base.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Pages, Kids=[kids], Count=1)
        )
        kids.Parent = pages
        base.Root.ShadowPages = pages
    buf = io.BytesIO()
    base.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("variant", ["hide", "replace", "hide-and-replace"])
def test_shadow_attacks(world: World, variant: str) -> None:
    # Shadow: content placed in the issuing system's input before signing,
    # revealed by an update after it.
    from docsec import issue

    issued = issue(
        sample(),
        key=world.key,
        cert=world.cert,
        pdf=_shadow_input(variant),
        signature_date=NOW.date(),
    )
    # Before the reveal, what was signed is what pdfium renders: authentic.
    assert _verify(world, issued).verdict is Verdict.AUTHENTIC

    def reveal(w: IncrementalPdfFileWriter) -> None:
        if variant == "hide":
            props = w.root["/OCProperties"]
            props["/D"] = generic.DictionaryObject(
                {generic.NameObject("/OFF"): generic.ArrayObject()}
            )
            w.update_container(props)
        elif variant == "replace":
            append_to_contents(w, w.root.raw_get("/Shadow"))
        else:
            w.root["/Pages"] = w.root.raw_get("/ShadowPages")
            w.update_root()

    reasons = _bad(world, update(issued, reveal))
    assert "pdf-modified" in reasons


def test_shadow_hide_and_replace_disguised_as_dss(world: World) -> None:
    # Shadow hide-and-replace inside an update shaped like validation data: the
    # catalog gains a DSS and, in the same rewrite, points /Pages at the shadow
    # page tree.
    from docsec import issue

    issued = issue(
        sample(),
        key=world.key,
        cert=world.cert,
        pdf=_shadow_input("hide-and-replace"),
        signature_date=NOW.date(),
    )
    shadow = attacks.reader(issued).root.raw_get("/ShadowPages")
    forged = attacks.dss_update(
        issued, world.cert.public_bytes(Encoding.DER), catalog={"/Pages": shadow}
    )
    with pikepdf.open(io.BytesIO(forged)) as doc:
        assert doc.Root.Pages.objgen == (shadow.idnum, shadow.generation)
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


# -------------------------------------------- long-term validation data (B-LT, B-LTA)


def test_lta_dss_update_alone_is_accepted(world: World, issued: bytes) -> None:
    # Not an attack, the control for the tests below: an update that adds only a
    # DSS (a certificate), shaped like pyHanko's, changes nothing that is shown.
    data = attacks.dss_update(issued, world.cert.public_bytes(Encoding.DER))
    r = _verify(world, data)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    coverage = r.check("pdf_coverage")
    assert coverage is not None
    assert "1 validation-data update(s) (dss)" in coverage.detail


@pytest.mark.parametrize("fixture", ["issued_lt", "issued_lta"])
def test_lta_issuer_flow_is_accepted(
    world: World, fixture: str, request: pytest.FixtureRequest
) -> None:
    # Not an attack: the issuer's own B-LT (DSS) and B-LTA (DSS and document
    # timestamp, then DSS) updates.
    data: bytes = request.getfixturevalue(fixture)
    r = _verify(world, data)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    report = pdf.check_coverage(data)
    expected = ("dss",) if fixture == "issued_lt" else ("timestamp", "dss")
    assert report.updates == expected


def test_lta_dss_disguising_a_page_change(world: World, issued: bytes) -> None:
    # Disguised LTA update: a genuine-looking DSS, and the page rewritten in the
    # same update.
    n = attacks.next_number(issued) + 2
    page = attacks.page_ref(issued)
    forged = attacks.dss_update(
        issued,
        world.cert.public_bytes(Encoding.DER),
        extra={
            page.idnum: attacks.page_with_content(issued, n),
            n: attacks.stream(attacks.WHITE_OUT_HOLDER),
        },
    )
    assert _qpdf_content_streams(forged) == 4
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


def test_lta_dss_claiming_a_signed_object(world: World, issued: bytes) -> None:
    # Disguised LTA update: the DSS lists the page's own content stream as a
    # "certificate", so rewriting that stream looks like validation data.
    r = attacks.reader(issued)
    content = r.root["/Pages"]["/Kids"][0].raw_get("/Contents").raw_get(0)
    forged = attacks.dss_update(issued, b"0\x00", cert_number=content.idnum)
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


def test_lta_dss_redefining_a_signed_object_under_a_new_generation(
    world: World, issued: bytes
) -> None:
    # Disguised LTA update (found by red-teaming): the page's content stream is
    # redefined as "6 1 obj", a DER-shaped "certificate" of a DSS. pyHanko calls
    # (6, 1) a new object; pdfium resolves references by number and renders it.
    r = attacks.reader(issued)
    content = r.root["/Pages"]["/Kids"][0].raw_get("/Contents").raw_get(0)
    page = b"\nq 1 0 0 rg 40 300 520 300 re f Q\n" + b" " * 200
    der = b"\x30\x82" + len(page).to_bytes(2, "big") + page
    forged = attacks.dss_update(
        issued, der, cert_number=content.idnum, cert_generation=1
    )
    r2 = _verify(world, forged)
    assert r2.verdict is Verdict.NOT_AUTHENTIC, r2.reasons
    assert "pdf-modified" in r2.reasons


def test_lta_dss_with_metadata_change(world: World, issued: bytes) -> None:
    # Disguised LTA update: a DSS, and the /Info title rewritten with it.
    r = attacks.reader(issued)
    info_ref = r.trailer.raw_get("/Info")
    info = generic.DictionaryObject(info_ref.get_object())
    info[generic.NameObject("/Title")] = generic.TextStringObject("FORGED")
    forged = attacks.dss_update(
        issued,
        world.cert.public_bytes(Encoding.DER),
        extra={info_ref.idnum: attacks.serialise(info)},
    )
    reasons = _bad(world, forged)
    assert "pdf-modified" in reasons


def test_lta_update_after_timestamp(world: World, issued_lta: bytes) -> None:
    # ISA after B-LTA: the last document timestamp does not make later changes
    # acceptable.
    reasons = _bad(world, append_page_content(issued_lta))
    assert "pdf-modified" in reasons
    reasons = _bad(world, issued_lta + b"\n")
    assert "pdf-unsigned-bytes" in reasons


def test_lta_timestamp_padding_changed(world: World, issued_lta: bytes) -> None:
    # Unsigned bytes in the document timestamp's own /Contents padding.
    a, b, _c = attacks.signature_gap(issued_lta, index=1)
    at = b - 11
    data = issued_lta[:at] + b"7" + issued_lta[at + 1 :]
    reasons = _bad(world, data)
    assert "pdf-contents-altered" in reasons
    assert a < at


# ------------------------------------------------------------------ foreign signers


def test_forged_page_signed_by_untrusted_key_with_pasted_seal(
    world: World, issued: bytes
) -> None:
    # A genuine seal pasted onto a forged page, which the forger signs.
    forged = {**sample(), "holder_name": "MALLORY"}
    signed = forged_page_with_genuine_seal(
        issued, forged, untrusted_signer(), document_number="GN2611270042"
    )
    r = _verify(world, signed)
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    # The forger's key alone is only unknown (inconclusive); the evidence is that
    # the PDF was not signed by the genuine seal's signer.
    signature = r.check("pdf_signature")
    assert signature is not None
    assert signature.status is CheckStatus.INCONCLUSIVE
    assert "pdf-signer-untrusted" in signature.reasons
    assert "signer-mismatch" in r.reasons
    coverage = r.check("pdf_coverage")
    assert coverage is not None
    assert coverage.status is CheckStatus.PASS  # the forger's own file is intact


def test_genuine_pdf_of_an_office_this_verifier_does_not_know(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Not an attack: an intact, unchanged PDF issued by an office whose certificate
    # is not in this verifier's trust folder (a new office, a stale folder). Nothing
    # is evidence against it, so it is INCONCLUSIVE, never NOT AUTHENTIC.
    from docsec import demo, issue, keys, trust

    other = demo.write_demo_world(tmp_path_factory.mktemp("other-office"), now=NOW)
    pdf_bytes = issue(
        sample(),
        key=keys.load_private_key(other.issuer_key, passphrase=None),
        cert=trust.load_certificate(other.issuer_cert),
        signature_date=NOW.date(),
    )
    r = _verify(world, pdf_bytes)
    assert r.verdict is Verdict.INCONCLUSIVE, r.reasons
    assert "pdf-signer-untrusted" in r.reasons
    # The office certificate comes with the PDF's signature, so the seal's signer
    # is found, but it does not chain to this verifier's anchors.
    assert "untrusted-issuer" in r.reasons
    assert not any(c.status is CheckStatus.FAIL for c in r.checks), r.checks


@pytest.mark.parametrize("cut", [1, 100, 1000])
def test_genuine_pdf_cut_short_is_incomplete_not_forged(
    world: World, issued: bytes, cut: int
) -> None:
    # Not an attack: a genuine download that stopped early. The signature's byte
    # range reaches past the end of the file: INCONCLUSIVE (ask for the file
    # again), never NOT AUTHENTIC, and never AUTHENTIC.
    r = _verify(world, issued[:-cut])
    assert r.verdict is Verdict.INCONCLUSIVE, r.reasons
    assert r.reasons == ("pdf-truncated",)


@pytest.mark.parametrize(
    "where", ["before-signature", "inside-byte-range", "first-third"]
)
def test_genuine_pdf_cut_before_its_signature_is_incomplete(
    world: World, issued: bytes, where: str
) -> None:
    # Not an attack: a download cut before the signature's byte range is complete
    # (or before the signature dictionary at all) keeps no trace of a signature a
    # parser could check. Before, a cut inside the byte range raised in pyHanko
    # (check-error, NOT AUTHENTIC) and a cut before it read as a scan.
    at = issued.rindex(b"/ByteRange")
    cut = {
        "before-signature": at - 400,
        "inside-byte-range": at + len(b"/ByteRange [0 1"),
        "first-third": len(issued) // 3,
    }[where]
    r = _verify(world, issued[:cut])
    assert r.verdict is Verdict.INCONCLUSIVE, r.reasons
    assert r.reasons == ("pdf-truncated",)


def test_objects_appended_without_xref_are_a_change_not_a_cut(
    world: World, issued: bytes
) -> None:
    # A forger's variant of the update without %%EOF: new objects appended after
    # the signed end with neither xref nor startxref. The signature's whole byte
    # range is in the file, so this is a change, never "incomplete".
    forged = (
        issued
        + b"\n99 0 obj\n<< /Length 12 >>\nstream\n1 0 0 rg 0 0 9 9 re f\nendstream\n"
    )
    r = _verify(world, forged)
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    assert "pdf-truncated" not in r.reasons


def test_signed_pdf_re_saved_with_an_owner_password_is_changed_not_an_error(
    world: World, issued: bytes, tmp_path: Path
) -> None:
    # An owner-password ("permissions only") re-save opens with the empty user
    # password in every viewer. docsec reads it the same way and judges it on
    # evidence: the re-save rewrote the signed bytes (pdf-digest-mismatch), not
    # "a check raised" (check-error).

    src = tmp_path / "issued.pdf"
    src.write_bytes(issued)
    out = tmp_path / "owner.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="", R=6))
    r = _verify(world, out.read_bytes())
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    assert "pdf-digest-mismatch" in r.reasons
    assert "check-error" not in r.reasons


def test_byte_range_text_appended_does_not_hide_the_change(
    world: World, issued: bytes
) -> None:
    # Found by red-teaming: bytes that merely spell a byte range reaching past the
    # end must not make a changed file look cut short (pdf-truncated).
    forged = issued + b"%/ByteRange [0 1 2 99999999]\n1 0 0 rg\n"
    r = _verify(world, forged)
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    assert "pdf-truncated" not in r.reasons


def test_forger_certificate_copying_the_office_name_and_serial(
    world: World, issued: bytes
) -> None:
    # Found by red-teaming: the forger signs a forged page carrying the genuine
    # seal with a self-made certificate that copies the office's subject and
    # serial number. The seal's signer must be the key that verified the seal,
    # never a certificate the PDF brings along: NOT AUTHENTIC signer-mismatch.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    rogue = (
        x509.CertificateBuilder()
        .subject_name(world.cert.subject)
        .issuer_name(world.cert.issuer)
        .public_key(key.public_key())
        .serial_number(world.cert.serial_number)
        .not_valid_before(world.cert.not_valid_before_utc)
        .not_valid_after(world.cert.not_valid_after_utc)
        .sign(key, hashes.SHA256())
    )
    forged = {**sample(), "holder_name": "KIM Cheolsu"}
    signed = forged_page_with_genuine_seal(
        issued, forged, pdf.PdfSigningKey(key, rogue), document_number="GN2611270042"
    )
    r = _verify(world, signed)
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    assert "signer-mismatch" in r.reasons
    match = r.check("seal_pdf_signer_match")
    assert match is not None
    assert match.status is CheckStatus.FAIL


def _fake_cut_range(data: bytes, gap: tuple[int, int], *, past_end: int) -> bytes:
    """Insert before the last ``startxref`` a comment spelling a byte range over
    ``gap`` (a hex string) whose end lies ``past_end`` bytes beyond the file."""
    cut = data.rindex(b"startxref")
    body, eof = data[:cut], data[cut:]
    for width in range(1, 12):
        line = b"%%/ByteRange [0 %d %d %s]\n" % (gap[0], gap[1], b"9" * width)
        rest = len(body) + len(line) + len(eof) + past_end - gap[1]
        if len(str(rest)) == width:
            return body + b"%%/ByteRange [0 %d %d %d]\n" % (*gap, rest) + eof
    raise AssertionError("no width fits")


@pytest.mark.parametrize("past_end", [1, 2])
def test_complete_update_posing_as_a_cut_is_a_change(
    world: World, issued: bytes, past_end: int
) -> None:
    # Found by red-teaming: a complete update (xref, trailer, %%EOF) that redraws
    # the page, plus a comment spelling a byte range over the genuine signature's
    # /Contents that ends one or two bytes past the file ("only the final
    # end-of-line is missing"). poppler, MuPDF, Ghostscript and pdfium all draw the
    # forged page; docsec said INCONCLUSIVE pdf-truncated ("ask for the file
    # again") instead of NOT AUTHENTIC.
    start, gap_end, _ = attacks.signature_gap(issued)
    forged = _fake_cut_range(
        append_page_content(issued, b"q 1 0 0 rg 150 600 300 40 re f Q"),
        (start, gap_end),
        past_end=past_end,
    )
    assert forged.endswith(b"%%EOF\n")
    assert b"/ByteRange" in forged[-200:]
    assert _qpdf_content_streams(forged) == 4
    assert not pdf.truncated(forged)
    assert "pdf-modified" in _bad(world, forged)


def test_update_without_eof_behind_a_fake_signature_gap_is_a_change(
    world: World, issued: bytes
) -> None:
    # Found by red-teaming: the forger's own hex string and a byte range over it
    # reaching past the end, then an update without %%EOF (qpdf, poppler, MuPDF and
    # Ghostscript draw it): "no %%EOF after the gap" looked like a cut inside a
    # signed revision, so docsec said INCONCLUSIVE pdf-truncated.
    line = b"%%/ByteRange [0 %010d %010d 99999999]\n"
    start = len(issued) + len(line % (0, 0))
    fake = issued + line % (start, start + 4) + b"<00>\n"
    assert fake[start : start + 4] == b"<00>"
    forged = attacks.update_without_eof(fake)
    assert _qpdf_content_streams(forged) == 4
    assert not pdf.truncated(forged)
    assert "pdf-truncated" not in _bad(world, forged)


def test_whole_forgery_under_a_look_alike_of_the_office_certificate(
    world: World,
) -> None:
    # Red team (held): the forger issues a whole document (seal and PDF signature)
    # with his own key under a certificate copying the office's subject, issuer
    # and serial, so the seal names the office's certificate and the look-alike
    # (from the PDF's own signature) verifies it. It names the office's CA, whose
    # signature it does not carry: NOT AUTHENTIC, never "unknown signer".
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec import issue

    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(world.cert.subject)
        .issuer_name(world.cert.issuer)
        .public_key(key.public_key())
        .serial_number(world.cert.serial_number)
        .not_valid_before(world.cert.not_valid_before_utc)
        .not_valid_after(world.cert.not_valid_after_utc)
    )
    for ext in world.cert.extensions:
        if ext.oid != x509.ExtensionOID.AUTHORITY_KEY_IDENTIFIER and (
            ext.oid != x509.ExtensionOID.SUBJECT_KEY_IDENTIFIER
        ):
            builder = builder.add_extension(ext.value, critical=ext.critical)
    rogue = builder.sign(key, hashes.SHA256())
    forged = issue(
        {**sample(), "holder_name": "KIM Cheolsu"},
        key=key,
        cert=rogue,
        signature_date=NOW.date(),
    )
    assert "bad-certificate-signature" in _bad(world, forged)
