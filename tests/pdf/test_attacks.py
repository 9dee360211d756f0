"""Attacks on issued PDFs: each builds its own file and must be NOT AUTHENTIC."""

from __future__ import annotations

import io
import re

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from docsec import pdf
from docsec.result import Verdict
from docsec.verify import verify_pdf

from ._attacks import (
    append_page_content,
    append_to_contents,
    first_page,
    flip_signed_byte,
    forged_page_with_genuine_seal,
    untrusted_signer,
    update,
)
from .conftest import World


def _bad(world: World, data: bytes) -> tuple[str, ...]:
    r = verify_pdf(data, policy=world.policy)
    assert r.verdict is Verdict.NOT_AUTHENTIC, [c.to_dict() for c in r.checks]
    return r.reasons


def test_byte_changed_inside_signed_range(world: World, issued: bytes) -> None:
    # One byte of a compressed stream, well inside the first signed range.
    reasons = _bad(world, flip_signed_byte(issued, 2000))
    assert "pdf-digest-mismatch" in reasons


def test_incremental_update_changes_page_content(world: World, issued: bytes) -> None:
    reasons = _bad(world, append_page_content(issued, b"q 1 g 150 600 300 40 re f Q"))
    assert "pdf-modified" in reasons


def test_incremental_update_only_adds_annotation(world: World, issued: bytes) -> None:
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


def test_broken_byte_range(world: World, issued: bytes) -> None:
    m = re.search(rb"/ByteRange \[0 (\d+) ", issued)
    assert m is not None
    n = m.group(1)
    bigger = str(int(n) - 1).encode().rjust(len(n))
    data = issued[: m.start(1)] + bigger + issued[m.end(1) :]
    _bad(world, data)


def test_broken_contents(world: World, issued: bytes) -> None:
    m = re.search(rb"/Contents <([0-9a-fA-F]{40})", issued)
    assert m is not None
    start = m.start(1) + 20
    flipped = b"0" if issued[start : start + 1] != b"0" else b"1"
    _bad(world, issued[:start] + flipped + issued[start + 1 :])


def test_second_signature_by_untrusted_key(
    world: World, issued: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
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
    reasons = _bad(world, out.getvalue())
    assert "pdf-signer-untrusted" in reasons


def test_forged_page_signed_by_untrusted_key_with_pasted_seal(
    world: World, issued: bytes
) -> None:
    """A genuine seal pasted onto a forged page, which the forger signs."""
    from .conftest import sample

    forged = {**sample(), "holder_name": "MALLORY"}
    signed = forged_page_with_genuine_seal(
        issued, forged, untrusted_signer(), document_number="GN2611270042"
    )
    reasons = _bad(world, signed)
    assert "pdf-signer-untrusted" in reasons
    assert "signer-mismatch" in reasons


def test_unsigned_pdf_with_genuine_seal(world: World, issued: bytes) -> None:
    from .conftest import sample

    genuine_seal = pdf.declared_seal(issued)
    assert genuine_seal is not None
    page = pdf.protect(
        pdf.template_pdf(sample()), seal_bytes=genuine_seal, document_number="X1"
    )
    assert "unsigned-pdf" in _bad(world, page)


def test_seal_from_other_pdf_pasted_byupdate(
    world: World, issued: bytes, issued_other: bytes
) -> None:
    """The seal of another issued PDF drawn over this one's by an update."""
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


@pytest.mark.parametrize("variant", ["hide", "replace"])
def test_shadow_attacks(world: World, variant: str) -> None:
    """Content hidden before signing, revealed by a later update (Mainka et al.)."""
    import pikepdf

    from docsec import issue

    from .conftest import sample

    # The forger prepares the issuing system's PDF: a forged text in an optional
    # content group that is OFF ("hide"), or an unused alternative content stream
    # ("replace").
    base = pikepdf.new()
    base.add_blank_page(page_size=(595.2756, 841.8898))
    pg = base.pages[0]
    forged_ops = b"q 0 g 100 700 200 30 re f Q"
    if variant == "hide":
        ocg = base.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="shadow")
        )
        base.Root.OCProperties = pikepdf.Dictionary(
            OCGs=[ocg], D=pikepdf.Dictionary(OFF=[ocg])
        )
        pg.Resources = pikepdf.Dictionary(Properties=pikepdf.Dictionary(S=ocg))
        pg.Contents = pikepdf.Stream(base, b"/OC /S BDC " + forged_ops + b" EMC")
    else:
        pg.Contents = pikepdf.Stream(base, b"")
        base.Root.Shadow = base.make_indirect(pikepdf.Stream(base, forged_ops))
    buf = io.BytesIO()
    base.save(buf)
    issued = issue(sample(), key=world.key, cert=world.cert, pdf=buf.getvalue())
    assert verify_pdf(issued, policy=world.policy).verdict is Verdict.AUTHENTIC

    def reveal(w: IncrementalPdfFileWriter) -> None:
        if variant == "hide":
            props = w.root["/OCProperties"]
            props["/D"] = generic.DictionaryObject(
                {generic.NameObject("/OFF"): generic.ArrayObject()}
            )
            w.update_container(props)
        else:
            append_to_contents(w, w.root.raw_get("/Shadow"))

    reasons = _bad(world, update(issued, reveal))
    assert "pdf-modified" in reasons
