"""PDF building blocks: marks, stamping, signing, validation, budget, rendering.

One module per job:

- :mod:`docsec.pdf.marks` -- the raster layers stamped on a page, the context a
  mark provider is given, and the providers (copy-detection block, watermarked
  tint, void pantograph);
- :mod:`docsec.pdf.stamp` -- the built-in certificate page, and the seal and the
  marks stamped into a page (:func:`protect`);
- :mod:`docsec.pdf.sign` -- the PAdES certification signature (:func:`sign_pdf`);
- :mod:`docsec.pdf.validate` -- signatures, byte coverage, truncation, removed
  signatures;
- :mod:`docsec.pdf.budget` -- whether a PDF can be rendered within the limits;
- :mod:`docsec.pdf.render` -- a page to a gray image, a scanned page's own image;
- :mod:`docsec.pdf.build` -- the whole issued PDF in order: page, marks, the seal's
  layout, stamping, signature (:func:`build_pdf`, the one call issuing makes).

This package is the only importer of pikepdf, pyHanko and pypdfium2; each is
imported inside the functions that need it, so ``import docsec`` stays fast
(``pyhanko.sign`` alone takes one to two seconds to import).

Like :mod:`docsec.barcode`, these are building blocks that return bytes, images and
measurements (:class:`SignatureReport`); the verdict is made by
:func:`docsec.verify.verify_pdf`.

Order matters when issuing: everything is stamped into the page with pikepdf first,
and the PDF is signed last, because any later rewrite of the file would break the
signature (pyHanko appends the signature as an incremental update).
"""

from docsec.pdf._read import is_pdf, page_count, page_size_mm
from docsec.pdf.budget import MAX_OBJECTS, MAX_PAGES, check_budget
from docsec.pdf.build import build_pdf
from docsec.pdf.marks import (
    MarkContext,
    MarkSource,
    RasterMark,
    copy_detection_mark,
    pantograph_mark,
    resolve_mark,
    watermark_mark,
)
from docsec.pdf.render import render_page, scanned_page_image
from docsec.pdf.sign import SIGNATURE_LEVELS, PdfSigningKey, sign_pdf
from docsec.pdf.stamp import (
    DEFAULT_MODULE_MM,
    DEFAULT_SEAL_ORIGIN_MM,
    declared_seal,
    protect,
    template_pdf,
)
from docsec.pdf.validate import (
    CoverageReport,
    SignatureReport,
    check_coverage,
    had_signature,
    truncated,
    validate_signatures,
)

__all__ = [
    "DEFAULT_MODULE_MM",
    "DEFAULT_SEAL_ORIGIN_MM",
    "MAX_OBJECTS",
    "MAX_PAGES",
    "SIGNATURE_LEVELS",
    "CoverageReport",
    "MarkContext",
    "MarkSource",
    "PdfSigningKey",
    "RasterMark",
    "SignatureReport",
    "build_pdf",
    "check_budget",
    "check_coverage",
    "copy_detection_mark",
    "declared_seal",
    "had_signature",
    "is_pdf",
    "page_count",
    "page_size_mm",
    "pantograph_mark",
    "protect",
    "render_page",
    "resolve_mark",
    "scanned_page_image",
    "sign_pdf",
    "template_pdf",
    "truncated",
    "validate_signatures",
    "watermark_mark",
]
