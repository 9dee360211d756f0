"""The page's checks around a verified docsec seal: watermark, printed text, copy.

A :class:`PageFrame` holds what every page check reads, computed once: the page
(grey, as verified), the seal symbol, the verified seal and its docsec
certificate fields, and the symbol-to-page homography (seal modules to image
pixels) through which each check finds the regions the seal declares. The
checks, in the order of :data:`PAGE_STEPS`, are named functions of the frame and
the policy; the building blocks they call only measure (a watermark detection, a
copy measurement, OCR readings), and the results are built here.

Each check works at the resolution it needs (issue #19). The watermark and the
printed text are made for ~300 dpi: on a page captured far above that (a 600-dpi
or 1200-ppi scan) they read :attr:`PageFrame.view`, the page reduced by a power
of two to no less than :data:`VIEW_DPI` at the seal (a 1200-ppi page: 4 times,
16 times fewer pixels); the copy-detection pattern, whose fine detail is the
evidence, is measured on the full page. Locations are always in page pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docsec import barcode as _barcode
from docsec import checks as _names
from docsec import seal as _seal
from docsec._seal_checks import SealFrame
from docsec._types import Image
from docsec.errors import InputError, PayloadError
from docsec.result import CheckResult, CheckStatus, Location, Paper, SignedContent

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from docsec._pipeline import Finding, Step
    from docsec.policy import VerifyPolicy

__all__ = [
    "ALONGSIDE",
    "PAGE_STEPS",
    "VIEW_DPI",
    "PageFrame",
    "alongside",
    "check_copydetect",
    "check_printed_text",
    "check_watermark",
    "page_frame",
]

_PASS = CheckStatus.PASS
_FAIL = CheckStatus.FAIL
_UNDECIDED = CheckStatus.INCONCLUSIVE

#: Least resolution (dpi at the seal) of the reduced view the watermark and
#: printed-text checks read: the page is reduced by the largest power of two
#: that keeps it (a 1200-ppi scan 4 times, a 600-dpi scan twice, a 300-dpi scan
#: or a phone photo not at all). Both checks are made for ~300 dpi (the
#: watermark works at 150 dpi, the printed text at 12 px/mm); the margin below
#: 300 keeps a scan whose scale is a little under its nominal dpi at full size.
VIEW_DPI = 280.0
#: Largest reduction of the view.
_MAX_VIEW_FACTOR = 8


@dataclass(frozen=True, slots=True)
class PageFrame:
    """One page and the verified seal found on it.

    Attributes
    ----------
    image : (H, W) uint8 ndarray
        The page, grey, as verified.
    dpi : float or None
        The resolution docsec rendered the page at (a PDF's), else None.
    physical : bool
        The page went through a printer (a scan or photo): the copy and printed
        text checks apply.
    symbol : DecodedSymbol
        The seal's symbol.
    seal : SealFrame
        The verified seal.
    content : SignedContent
        What it says.
    fields : CertificateFields or None
        The docsec certificate fields (the layers the seal declares); None for a
        seal that is not a docsec certificate.
    to_image : (3, 3) float64 ndarray or None
        Homography from seal modules to image pixels; None for degenerate corners.
    colour : callable or None
        Loads the page in colour for the copy check (None: grey only).
    view : (h, w) uint8 ndarray or None
        The page reduced :attr:`view_factor` times (block means), for the checks
        made for ~300 dpi; None when the page is not reduced (:attr:`page_view`).
    view_factor : int
        Page pixels per view pixel along each axis (1: the view is the page).
    """

    image: Image
    dpi: float | None
    physical: bool
    symbol: _barcode.DecodedSymbol
    seal: SealFrame
    content: SignedContent
    fields: _seal.CertificateFields | None
    to_image: npt.NDArray[np.float64] | None
    colour: Callable[[], Image | None] | None = None
    view: Image | None = None
    view_factor: int = 1

    def homography(self) -> npt.NDArray[np.float64]:
        """Return :attr:`to_image`; raise InputError when the corners are degenerate."""
        if self.to_image is None:
            raise InputError("seal corners are degenerate")
        return self.to_image

    @property
    def page_view(self) -> Image:
        """The page as the ~300-dpi checks read it (:attr:`view`, else the page)."""
        return self.image if self.view is None else self.view

    def view_homography(self) -> npt.NDArray[np.float64]:
        """Return the homography from seal modules to :attr:`page_view` pixels."""
        import numpy as np

        k = float(self.view_factor)
        # Pixel centres: view x + 0.5 = (page x + 0.5) / k.
        shift = (1.0 / k - 1.0) / 2.0
        to_view = np.array(
            [[1.0 / k, 0.0, shift], [0.0, 1.0 / k, shift], [0.0, 0.0, 1.0]]
        )
        out: npt.NDArray[np.float64] = to_view @ self.homography()
        return out

    def view_corners(self) -> tuple[tuple[float, float], ...]:
        """Return the seal symbol's corners in :attr:`page_view` pixels."""
        k = float(self.view_factor)
        return tuple(
            ((x + 0.5) / k - 0.5, (y + 0.5) / k - 0.5) for x, y in self.symbol.corners
        )

    def to_page(
        self, points: tuple[tuple[float, float], ...]
    ) -> tuple[tuple[float, float], ...]:
        """Map points in :attr:`page_view` pixels to page pixels."""
        k = float(self.view_factor)
        return tuple(((x + 0.5) * k - 0.5, (y + 0.5) * k - 0.5) for x, y in points)

    def region_points(
        self, region: tuple[float, float, float, float]
    ) -> tuple[tuple[float, float], ...]:
        """Map a region in seal modules (x, y, width, height) to image points."""
        import cv2
        import numpy as np

        x, y, w, hh = region
        rect = np.array(
            [[[x, y]], [[x + w, y]], [[x + w, y + hh]], [[x, y + hh]]], np.float64
        )
        pts = cv2.perspectiveTransform(rect, self.homography()).reshape(-1, 2)
        return tuple((float(px), float(py)) for px, py in pts)

    @property
    def px_per_module(self) -> float:
        """The symbol's mean side in pixels per module."""
        import numpy as np

        c = np.asarray(self.symbol.corners, np.float64)
        sides = np.hypot(*(np.roll(c, -1, axis=0) - c).T)
        return float(np.mean(sides)) / max(1, self.symbol.size)


def page_frame(
    image: Image,
    symbol: _barcode.DecodedSymbol,
    seal: SealFrame,
    content: SignedContent,
    *,
    dpi: float | None,
    physical: bool,
    colour: Callable[[], Image | None] | None = None,
) -> PageFrame:
    """Build the frame of a page whose seal verified (the homography, once)."""
    import cv2
    import numpy as np

    fields = None
    vds = seal.vds
    if vds is not None:
        try:
            fields = _seal.decode_certificate(vds)
        except PayloadError:
            fields = None  # not a docsec certificate seal: it declares no layers
    n = float(symbol.size)
    src = np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float32)
    dst = np.asarray(symbol.corners, np.float32)
    to_image: npt.NDArray[np.float64] | None
    try:
        to_image = np.asarray(cv2.getPerspectiveTransform(src, dst), np.float64)
    except cv2.error:
        to_image = None
    if to_image is not None and not np.isfinite(to_image).all():
        to_image = None
    view, factor = _view(image, symbol, fields, dpi)
    return PageFrame(
        image=image,
        dpi=dpi,
        physical=physical,
        symbol=symbol,
        seal=seal,
        content=content,
        fields=fields,
        to_image=to_image,
        colour=colour,
        view=view,
        view_factor=factor,
    )


def _view(
    image: Image,
    symbol: _barcode.DecodedSymbol,
    fields: _seal.CertificateFields | None,
    dpi: float | None,
) -> tuple[Image | None, int]:
    """Return the reduced view of a page captured far above ~300 dpi, and its factor.

    The resolution is the render's (a PDF page) or the one the seal's declared
    module size gives where it is printed; without either the page is not reduced.
    """
    from docsec import imaging

    if dpi is None and fields is not None:
        dpi = _module_dpi(symbol, fields)
    if dpi is None:
        return None, 1
    factor = 1
    while factor < _MAX_VIEW_FACTOR and dpi / (factor * 2) >= VIEW_DPI:
        factor *= 2
    if factor == 1 or min(image.shape[:2]) // factor < 16:
        return None, 1
    return imaging.reduce(image, factor), factor


def _module_dpi(
    symbol: _barcode.DecodedSymbol, fields: _seal.CertificateFields
) -> float | None:
    """Estimate the resolution at the seal from its size in pixels and in modules."""
    import numpy as np

    if fields.module_size_um is None or symbol.size <= 0:
        return None
    c = np.asarray(symbol.corners, np.float64)
    px_per_module = float(np.mean(np.hypot(*(np.roll(c, -1, axis=0) - c).T))) / max(
        1, symbol.size
    )
    dpi = px_per_module / (fields.module_size_um / 1000.0 / 25.4)
    return dpi if np.isfinite(dpi) and 50.0 <= dpi <= 2400.0 else None


# ----------------------------------------------------------------------- watermark

#: Margin (mm) above the seal's top edge left out of the watermark search: the seal,
#: its number and pattern, and whatever background a forger cut out with them.
_SEAL_MARGIN_MM = 12.0
#: The content area must hold at least this many millimetres (two watermark tiles).
_MIN_AREA_MM = 45.0
#: Rows per strip when masking the content area.
_MASK_ROWS = 512


def check_watermark(frame: PageFrame, policy: VerifyPolicy) -> Finding | None:
    """Compare the page's watermark with the document id of the verified seal.

    A seal that declares a watermark makes the check required when the verifier
    holds the key (a page without the mark is then INCONCLUSIVE, one with another
    document's mark NOT AUTHENTIC); without the key it is reported as not checked.
    """
    from docsec import watermark as _wm
    from docsec._pipeline import Finding

    name = _names.WATERMARK
    fields = frame.fields
    if fields is None or fields.watermark_key_id is None:
        if name in policy.required:
            return Finding(
                CheckResult(
                    name,
                    CheckStatus.ABSENT,
                    "the seal declares no watermark",
                    ("no-watermark-declared",),
                )
            )
        return None
    key = next(
        (k for k in policy.watermark_keys if k.key_id == fields.watermark_key_id),
        None,
    )
    if key is None:
        held = ", ".join(k.key_id for k in policy.watermark_keys) or "none"
        return Finding(
            CheckResult(
                name,
                _UNDECIDED,
                f"not checked: the seal's watermark key {fields.watermark_key_id} is "
                f"not held by this verifier (held: {held})",
                ("no-watermark-key",),
            )
        )
    locations: tuple[Location, ...] = ()
    if fields.watermark_region is not None:
        points = frame.region_points(fields.watermark_region.in_modules())
        locations = (Location(name, points, frame.dpi),)
    expected = _wm.document_payload(
        key, frame.content.signer_identifier, fields.document_number
    )
    # On the reduced view (module docstring): a 1200-ppi page reads as 300 dpi.
    k = frame.view_factor
    dpi = frame.dpi / k if frame.dpi is not None else None
    hint = dpi if dpi is not None else _seal_dpi(frame, fields)
    area = _content_area(frame, fields)
    if area is None:
        return Finding(
            CheckResult(
                name,
                _UNDECIDED,
                "the page above the seal is not in the image: the watermark must be "
                "read there (scan the whole page)",
                ("watermark-out-of-view",),
            ),
            locations,
            required=True,
        )
    found = _wm.extract(area, key=key, dpi=hint)
    if not found.present and hint is not None and dpi is None:
        # The seal gives the scale where it is printed; under strong perspective
        # the page elsewhere differs, so search without a scale too.
        again = _wm.extract(area, key=key, dpi=None)
        if again.present or again.score > found.score:
            found = again
    score, threshold = found.score, found.threshold
    same = _wm.matches(found, expected)
    if same is None:
        # Declared and checkable but not found: never a pass, and not proof of a
        # forgery either (a poor capture loses it).
        check = CheckResult(
            name,
            _UNDECIDED,
            "the seal declares a watermark but none was found on the page",
            ("watermark-absent",),
            score,
            threshold,
        )
    elif same:
        check = CheckResult(
            name,
            _PASS,
            "the page watermark carries the seal's document id",
            (),
            score,
            threshold,
        )
    else:
        check = CheckResult(
            name,
            _FAIL,
            "the page watermark carries another document id than the seal",
            ("watermark-mismatch",),
            score,
            threshold,
        )
    return Finding(check, locations, required=True)


def _seal_dpi(frame: PageFrame, fields: _seal.CertificateFields) -> float | None:
    """Estimate the resolution of :attr:`PageFrame.page_view` at the seal."""
    dpi = _module_dpi(frame.symbol, fields)
    return dpi / frame.view_factor if dpi is not None else None


def _content_area(frame: PageFrame, fields: _seal.CertificateFields) -> Image | None:
    """Return the part of the page above the seal (the certificate's content), or None.

    The watermark is read there only: a genuine seal cut out with some of its own
    background and pasted onto another page carries its document's mark along, so
    a mark found next to the seal proves nothing about the page. Pixels outside
    the area (in page coordinates, mapped through the seal's corners) are set to
    the area's median grey. The area is cut from :attr:`PageFrame.page_view`.
    """
    import cv2
    import numpy as np

    region = fields.watermark_region
    if region is None or fields.module_size_um is None:
        return None
    image = frame.page_view
    module_mm = fields.module_size_um / 1000.0
    x, y, w, _h = region.in_modules()
    bottom = -_SEAL_MARGIN_MM / module_mm
    if (bottom - y) * module_mm < _MIN_AREA_MM:
        return None
    rect = np.array(
        [[[x, y]], [[x + w, y]], [[x + w, bottom]], [[x, bottom]]], np.float64
    )
    pts = cv2.perspectiveTransform(rect, frame.view_homography()).reshape(-1, 2)
    rows, cols = image.shape[:2]
    x0, y0 = (max(0, int(np.floor(v))) for v in pts.min(axis=0))
    x1 = min(cols, int(np.ceil(pts[:, 0].max())))
    y1 = min(rows, int(np.ceil(pts[:, 1].max())))
    side = _MIN_AREA_MM / module_mm * frame.px_per_module / frame.view_factor
    if x1 - x0 < side or y1 - y0 < side:
        return None
    crop = np.ascontiguousarray(image[y0:y1, x0:x1])
    # The mask is drawn strip by strip (a full-size mask and its boolean copies
    # took 400 MB more on a 1200-dpi page; strips differ from it only by single
    # pixels along the boundary); the median comes from a histogram of the inside
    # pixels (OpenCV's masked histogram, exact per strip), which gives np.median's
    # value.
    poly = np.rint(pts - (x0, y0)).astype(np.int32)
    channels = 1 if crop.ndim == 2 else crop.shape[2]
    hist = np.zeros((channels, 256), np.int64)
    for r0, r1, inside in _mask_strips(poly, crop.shape[:2]):
        for ch in range(channels):
            counts = cv2.calcHist([crop[r0:r1]], [ch], inside, [256], [0, 256])
            hist[ch] += np.rint(counts.ravel()).astype(np.int64)
    if int(hist[0].sum()) < side * side:
        return None
    fill = np.rint([_histogram_median(h) for h in hist]).astype(np.uint8)
    for r0, r1, inside in _mask_strips(poly, crop.shape[:2]):
        outside = inside == 0
        np.copyto(
            crop[r0:r1],
            fill if channels > 1 else fill[0],
            where=outside[..., None] if channels > 1 else outside,
        )
    out: Image = crop
    return out


def _mask_strips(
    poly: npt.NDArray[np.int32], shape: tuple[int, int]
) -> Iterator[tuple[int, int, npt.NDArray[np.uint8]]]:
    """Yield ``(r0, r1, inside)`` for strips of rows of a filled polygon's mask.

    ``inside`` is 255 inside the polygon, 0 outside (an OpenCV mask).
    """
    import cv2
    import numpy as np

    rows, cols = shape
    # At most 2**23 pixels a strip: OpenCV counts a histogram in float32, exact
    # up to 2**24.
    step = max(1, min(_MASK_ROWS, (1 << 23) // max(1, cols)))
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        mask = np.zeros((r1 - r0, cols), np.uint8)
        cv2.fillPoly(mask, [poly - np.array([0, r0], np.int32)], 255)
        yield r0, r1, mask


def _histogram_median(hist: npt.NDArray[np.int64]) -> float:
    """Return the median of the values counted in a 256-bin histogram (as np.median)."""
    import numpy as np

    n = int(hist.sum())
    cum = np.cumsum(hist)
    lower = int(np.searchsorted(cum, (n - 1) // 2 + 1))
    upper = int(np.searchsorted(cum, n // 2 + 1))
    return (lower + upper) / 2.0


# -------------------------------------------------------------------- printed text


def check_printed_text(frame: PageFrame, policy: VerifyPolicy) -> Finding | None:
    """OCR the printed fields the verified seal declares; compare (docsec.printed).

    Paper only: a rendered PDF page is the signed file's own drawing.
    """
    from docsec import printed
    from docsec._pipeline import Finding

    fields = frame.fields
    if not frame.physical or fields is None or not fields.text_regions:
        return None
    # The fields are read on the reduced view (module docstring); their points
    # come back in view pixels and are mapped to the page's.
    check, readings = printed.check(
        frame.page_view,
        corners=frame.view_corners(),
        size=frame.symbol.size,
        fields=fields,
        to_image=frame.view_homography(),
    )
    locations: list[Location] = []
    for r in readings:
        if not r.in_view:
            continue
        label = f"{r.field}: signed {r.expected!r}"
        if r.outcome == printed.MISMATCH:
            label += f", read {r.read or '(blank)'!r}"
        elif r.outcome != printed.MATCH:
            label += f", read {r.read or '(nothing legible)'!r}"
        points = frame.to_page(r.points)
        locations.append(Location(f"text-{r.outcome}", points, frame.dpi, label))
    # A key field edited and then smudged reads unreadable, and a page can be
    # made to stall the OCR engine: the paper is not confirmed, so the verdict
    # cannot be AUTHENTIC (docs/printed-text.md).
    required = bool({"printed-text-key-unreadable", "ocr-failed"} & set(check.reasons))
    return Finding(check, tuple(locations), required=required)


# --------------------------------------------------------------------------- copy


#: Copy-check findings that colour cannot change (nothing measured): the colour
#: page is not loaded for them.
_BEFORE_COLOUR = frozenset({"low-resolution", "not-found"})


def check_copydetect(frame: PageFrame, policy: VerifyPolicy) -> Finding | None:
    """Measure the copy-detection pattern where the verified seal declares it.

    Paper only. A photocopy fails the check only under a policy that requires
    the original paper; otherwise the paper's state is reported (``paper``).
    """
    from docsec import copydetect
    from docsec._pipeline import Finding

    name = _names.COPYDETECT
    if not frame.physical:
        return None
    fields = frame.fields
    if fields is None or fields.cdp_region is None:
        if name in policy.required:
            return Finding(
                CheckResult(
                    name,
                    CheckStatus.ABSENT,
                    "the seal declares no copy-detection pattern",
                    ("no-copy-pattern",),
                )
            )
        return None
    symbol = frame.symbol

    def measure(image: Image) -> copydetect.Measurement:
        return copydetect.measure_in_region(
            image,
            corners=symbol.corners,
            symbol_size=symbol.size,
            region=fields.cdp_region,
            key=list(policy.cdp_keys) or None,
            doc_id=fields.document_number,
            key_id=fields.cdp_key_id,
            dpi=frame.dpi,
            profile=policy.copy_profile,
            to_image=frame.homography(),
        )

    try:
        m = measure(frame.image)
        gated = {r.code for r in m.findings} & _BEFORE_COLOUR
        if frame.colour is not None and not gated:
            # Past the resolution gate and found: a colour scan adds the colour
            # evidence (copydetect section 11), on the same pixel grid.
            colour = frame.colour()
            if colour is not None:
                m = measure(colour)
    except InputError as exc:
        # E.g. the symbol's geometry is unknown: nothing to measure, no verdict.
        return Finding(
            CheckResult(
                name,
                _UNDECIDED,
                f"copy check not possible: {exc}",
                ("copy-check-unavailable",),
            )
        )
    codes = tuple(dict.fromkeys(r.code for r in m.findings))
    text = "; ".join(r.text for r in m.findings)
    low, high = m.thresholds if m.thresholds is not None else (None, None)
    paper = Paper(m.decision.value, m.score, low, high, m.reasons)
    if m.decision is copydetect.Decision.ORIGINAL:
        status, detail, threshold = (
            _PASS,
            "printed original (copy-detection pattern)",
            high,
        )
    elif m.decision is copydetect.Decision.COPY and name in policy.required:
        status, detail, threshold = (
            _FAIL,
            "photocopy: the copy-detection pattern lost its fine detail",
            low,
        )
        codes = ("photocopy", *codes)
    elif m.decision is copydetect.Decision.COPY:
        # A copy of a genuine certificate is not a forgery: the seal decides, and
        # the paper's state is reported (result.paper) for whoever needs it.
        status, detail, threshold = (
            _UNDECIDED,
            "paper is a photocopy (the copy-detection pattern lost its fine "
            "detail); this policy does not require the original paper",
            low,
        )
        codes = ("paper-copy", *codes)
    else:
        status, detail, threshold = (
            _UNDECIDED,
            f"cannot tell original from copy: {text}",
            high,
        )
    check = CheckResult(name, status, detail, codes, m.score, threshold)
    x0, y0, w, h = fields.cdp_region.in_modules()
    where = Location("cdp", frame.region_points((x0, y0, w, h)), frame.dpi)
    return Finding(check, (where,), paper=paper)


#: The page's checks after the seal's, in order.
PAGE_STEPS: tuple[Step[PageFrame], ...] = (
    (_names.WATERMARK, check_watermark),
    (_names.PRINTED_TEXT, check_printed_text),
    (_names.COPYDETECT, check_copydetect),
)
#: Page checks run alongside the others (:func:`docsec._pipeline.run`): the
#: printed-text check mostly waits for its OCR engine processes, which then work
#: while this process checks the watermark and the copy-detection pattern.
ALONGSIDE = frozenset({_names.PRINTED_TEXT})


def alongside() -> frozenset[str]:
    """Return :data:`ALONGSIDE` where this process may use two cores or more.

    A ``verify --jobs`` worker is given one core (its siblings use the others):
    its checks run one after the other, since overlapping them there only made
    the batch slower (100 mixed inputs, ``--jobs 2``: 45.0 s in order, 47.1 s
    alongside).
    """
    from docsec import _ocr

    return ALONGSIDE if _ocr.cores() > 1 else frozenset()
