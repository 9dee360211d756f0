"""Copy-detection pattern (CDP): tell the issuing print from a copy of it.

A signed seal survives a photocopy perfectly; the CDP does not. It is a keyed,
maximum-entropy binary pattern of 1-printer-dot modules (216 x 216 dots, 9.1 mm at
600 dpi), generated from the CDP secret and the document number, framed by six
fiducial squares and a calibration strip (solid, 1-dot checkerboard, 1- and 2-dot
line pairs, a 1/8 tint). Every print-and-scan loses information about it; a
photocopy goes through two such channels plus the copier's own resampling,
thresholding and halftone screen.

:func:`measure` finds the block in a grey scan, resamples it through the fiducial
homography and computes, without binarising, how much of the scan is predictable
from the keyed pattern's local context (``fidelity``; see
:mod:`docsec.copydetect._features`). This normalises for the unknown printer: a
blurry inkjet original and a sharp laser original both score high, because the
printer's own dot gain is learnt from the scan itself, while a copy's second
sampling and screen are not a function of the keyed pattern. Three outcomes:
ORIGINAL, COPY, INCONCLUSIVE, always with reasons and every measurement. Anything
below the quality gates (resolution, registration, JPEG, contrast) or between the
two thresholds is INCONCLUSIVE; without the CDP key the answer is INCONCLUSIVE
("no copy-detection key"), never a failure. Low fidelity alone is weak evidence
(a worn print loses detail too): it calls COPY only far below every original
measured; just under the copy threshold a COPY needs a copier's halftone screen
in the residual (``copy-screen``), else the answer is INCONCLUSIVE
(``copy-unconfirmed``).

This is a building block: it says something about the *paper*, never that a
document is authentic. It resists office photocopiers, not an informed
counterfeiter: a careful 1200-dpi scan-and-reprint reaches the originals' fidelity
and is stopped only by guards that such a counterfeiter can work around
(docs/copydetect.md, section 6).

Examples
--------
>>> from docsec.keys import SecretKey
>>> key = SecretKey.from_material("cdp", bytes(range(32)))
>>> pat = make_pattern(key, "GN2024000123")
>>> pat.image.shape, pat.dpi
((356, 324), 600)
>>> m = measure(pat.image, key=key, doc_id="GN2024000123", dpi=600)
>>> m.decision.value, m.reasons[0].split(":")[0]
('inconclusive', 'low-resolution')
>>> measure(pat.image, key=None, doc_id="GN2024000123", dpi=600).reasons
('no-key: no copy-detection key',)
"""

from __future__ import annotations

import enum
import logging
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from docsec._types import GrayImage, Image
from docsec.copydetect import _pantograph
from docsec.copydetect._layout import (
    DOT_DPI,
    Layout,
    keyed_bits,
    layout_for,
    render_block,
)
from docsec.copydetect._measure import extract
from docsec.copydetect._profile import MIN_SCANS as MIN_CALIBRATION_SCANS
from docsec.copydetect._profile import CopyProfile, calibrate
from docsec.copydetect._thresholds import (
    COLOUR,
    CONFIRM,
    GATES,
    STANDARD_PPI,
    THRESHOLDS,
)
from docsec.errors import ConfigurationError, InputError, KeyMaterialError
from docsec.imaging import check_image, to_gray
from docsec.keys import SecretKey

__all__ = [
    "DOT_DPI",
    "MIN_CALIBRATION_SCANS",
    "CopyProfile",
    "Decision",
    "Measurement",
    "Pantograph",
    "Pattern",
    "Reason",
    "calibrate",
    "default_thresholds",
    "load_profile",
    "make_pantograph",
    "make_pattern",
    "measure",
    "measure_in_region",
    "measure_pantograph",
]

logger = logging.getLogger(__name__)

_MM_PER_INCH = 25.4


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason of the copy check: a stable code and its explanation.

    ``str(reason)`` is the ``"code: explanation"`` form of
    :attr:`Measurement.reasons` (and of the JSON).
    """

    code: str
    text: str

    @classmethod
    def parse(cls, reason: str) -> Reason:
        """Read a ``"code: explanation"`` string (a bare code has no text)."""
        code, colon, text = reason.partition(":")
        return cls(code.strip(), text.strip() if colon else code.strip())

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Decision(enum.Enum):
    """What the copy check concludes about the paper."""

    ORIGINAL = "original"
    COPY = "copy"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, slots=True)
class Pattern:
    """A rendered copy-detection block.

    Attributes
    ----------
    image : (H, W) uint8 ndarray, gray, values 0 (ink) and 255 (paper)
        The block at 600 dpi, one pixel per printer dot, with its white quiet
        zone. :func:`docsec.pdf.protect` draws it as vector rectangles on a page
        box of whole printer dots, so that every renderer fills exact pixels at
        600 and 1200 dpi (a 1-bit image is resampled differently by each).
    dpi : int
        Always 600.
    module_dots : int
        Printer dots per pattern module (1, or 2 for 600-ppi verification).
    key_id : str
        Id of the CDP key that made it (goes into the seal's ``CDP_KEY_ID``).
    pattern_box : (int, int, int, int)
        ``(x, y, width, height)`` of the keyed pattern in ``image``, in dots.
    """

    image: GrayImage = field(repr=False)
    dpi: int
    module_dots: int
    key_id: str
    pattern_box: tuple[int, int, int, int]

    @property
    def size_mm(self) -> tuple[float, float]:
        """Width and height of the whole block in millimetres."""
        h, w = self.image.shape
        return (w * _MM_PER_INCH / self.dpi, h * _MM_PER_INCH / self.dpi)

    def region_size(self, module_size_um: int) -> tuple[int, int]:
        """Width and height of the block in tenths of a seal module (seal REGION units).

        Parameters
        ----------
        module_size_um : int
            Printed size of one seal module in micrometres.
        """
        if module_size_um <= 0:
            raise InputError("module_size_um must be positive")
        w_mm, h_mm = self.size_mm
        return (
            math.ceil(w_mm * 1e4 / module_size_um),
            math.ceil(h_mm * 1e4 / module_size_um),
        )


@dataclass(frozen=True, slots=True)
class Measurement:
    """The copy check's result: a decision about the paper, with its evidence.

    Attributes
    ----------
    decision : Decision
    reasons : tuple of str
        ``"code: explanation"`` strings; the code (before the colon) is stable.
    score : float or None
        The decision statistic (``fidelity``), ``None`` if not measured.
    thresholds : (float, float) or None
        ``(copy_below, original_above)`` applied to ``score``.
    measurements : mapping of str to float
        Every measured value (quality gates and statistics).
    key_id : str or None
        Id of the CDP key used.
    """

    decision: Decision
    reasons: tuple[str, ...]
    score: float | None
    thresholds: tuple[float, float] | None
    measurements: Mapping[str, float]
    key_id: str | None = None

    @property
    def findings(self) -> tuple[Reason, ...]:
        """:attr:`reasons` as structured :class:`Reason` values, in order."""
        return tuple(Reason.parse(r) for r in self.reasons)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict (the CLI's ``--json`` document)."""
        return {
            "decision": self.decision.value,
            "reasons": list(self.reasons),
            "score": self.score,
            "thresholds": (
                None
                if self.thresholds is None
                else {
                    "copy_below": self.thresholds[0],
                    "original_above": self.thresholds[1],
                }
            ),
            "key_id": self.key_id,
            "measurements": {k: _finite(v) for k, v in self.measurements.items()},
        }


def _finite(v: float) -> float | None:
    return round(float(v), 6) if math.isfinite(v) else None


def default_thresholds(module_dots: int, resolution_class: str) -> tuple[float, float]:
    """Return the default ``(copy_below, original_above)`` for a module size and class.

    ``resolution_class`` is ``"2x"`` (1.8-3 samples per module) or ``"4x"``.
    """
    try:
        t = THRESHOLDS[(module_dots, resolution_class)]
    except KeyError as exc:
        raise ConfigurationError(
            f"no thresholds for {module_dots}-dot modules, class {resolution_class!r}"
        ) from exc
    return (t["copy_below"], t["original_above"])


def _check_profile(profile: object) -> CopyProfile | None:
    if profile is not None and not isinstance(profile, CopyProfile):
        raise ConfigurationError(
            f"profile must be a CopyProfile, got {type(profile).__name__}"
        )
    return profile


def load_profile(path: str | os.PathLike[str]) -> CopyProfile:
    """Read a copy profile file written by :meth:`CopyProfile.to_json`.

    Raises
    ------
    InputError
        If the file cannot be read.
    ConfigurationError
        If it is not a valid profile (see :meth:`CopyProfile.from_json`).
    """
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(1_000_000)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read copy profile {os.fspath(path)!r}: {exc}"
        ) from exc
    return CopyProfile.from_json(text)


def _check_key(key: object) -> SecretKey:
    if not isinstance(key, SecretKey):
        raise KeyMaterialError(
            f"key must be a docsec.keys.SecretKey, got {type(key).__name__}"
        )
    if key.purpose != "cdp":
        raise KeyMaterialError(f"key is a {key.purpose!r} key, not a 'cdp' key")
    return key


def _layout_and_bits(
    key: SecretKey, doc_id: str, module_dots: int
) -> tuple[Layout, npt.NDArray[np.bool_]]:
    layout = layout_for(module_dots)
    bits = keyed_bits(key.material, doc_id, layout.modules, module_dots)
    return layout, bits


def make_pattern(key: SecretKey, doc_id: str, *, module_dots: int = 1) -> Pattern:
    """Render the copy-detection block for one document.

    Parameters
    ----------
    key : SecretKey
        The issuer's CDP secret (purpose ``"cdp"``).
    doc_id : str
        The document number (1-64 characters), as in the seal.
    module_dots : {1, 2}
        Printer dots per module. 1 (default) needs a 1200-ppi scan to verify;
        2 can be verified at 600 ppi but a careful 1200-dpi reprint recovers it.

    Returns
    -------
    Pattern

    Raises
    ------
    KeyMaterialError
        If ``key`` is not a CDP key.
    InputError
        If ``doc_id`` is empty or too long.
    ConfigurationError
        If ``module_dots`` is not 1 or 2.
    """
    k = _check_key(key)
    layout, bits = _layout_and_bits(k, doc_id, module_dots)
    image = render_block(layout, bits)
    image.setflags(write=False)
    px, py = layout.pattern_origin
    n = layout.pattern_dots
    return Pattern(
        image=image,
        dpi=DOT_DPI,
        module_dots=layout.module_dots,
        key_id=k.key_id,
        pattern_box=(px, py, n, n),
    )


def _inconclusive(
    reason: str, values: Mapping[str, float], key_id: str | None
) -> Measurement:
    return Measurement(
        Decision.INCONCLUSIVE, (reason,), None, None, dict(values), key_id
    )


def _decide(
    values: dict[str, float],
    *,
    module_dots: int,
    declared_dpi: float | None,
    key_id: str,
    profile: CopyProfile | None = None,
) -> Measurement:
    spd = values["samples_per_dot"]
    per_module = spd * module_dots
    values["samples_per_module"] = per_module
    gates: list[str] = []
    need_ppi = GATES["min_samples_per_module"] / module_dots * DOT_DPI
    ppi = declared_dpi if declared_dpi is not None else values["effective_ppi"]
    if per_module < GATES["min_samples_per_module"]:
        gates.append(
            f"low-resolution: scan at {ppi:.0f} ppi; copy check needs "
            f">= {_round_ppi(need_ppi)} ppi"
        )
    if declared_dpi is not None:
        err = values["effective_ppi"] / declared_dpi - 1.0
        values["scale_error"] = err
        if abs(err) > GATES["max_scale_error"]:
            gates.append(
                f"scale-mismatch: pattern measures {values['effective_ppi']:.0f} ppi "
                f"but the image declares {declared_dpi:.0f} dpi"
            )
    else:
        # No declared resolution: scanners scan at standard resolutions.
        ref = min(STANDARD_PPI, key=lambda v: abs(values["effective_ppi"] / v - 1.0))
        err = values["effective_ppi"] / ref - 1.0
    values["print_scale_error"] = err
    if GATES["max_print_scale_error"] < abs(err) <= GATES["max_scale_error"]:
        gates.append(
            f"scaled-print: the pattern is printed at {100.0 * (1.0 + err):.1f} % of "
            "its size (e.g. 'fit to page'), so its dots cannot match the printer's; "
            "print at 100 % to check the paper"
        )
    elif declared_dpi is None and abs(err) > GATES["max_print_scale_error"]:
        gates.append(
            f"scaled-print: the pattern measures {values['effective_ppi']:.0f} ppi, "
            "not a standard scanner resolution: a scaled print or an unknown scan "
            "resolution"
        )
    if values["registration_residual_dots"] > GATES["max_registration_residual_dots"]:
        gates.append(
            "registration: fiducials do not fit one plane (curl, lens, or not found)"
        )
    if values["paper_level"] - values["ink_level"] < GATES["min_span"]:
        gates.append("low-contrast: too little contrast between paper and ink")
    coverage = values.get("pattern_coverage")
    if coverage is not None and coverage >= GATES["max_pattern_coverage"]:
        gates.append(
            f"pattern-flooded: {coverage:.3f} of the pattern is inked (it prints about half): "
            "the ink closed its gaps, so the print keeps nothing a copy would lose"
        )
    if gates:
        return Measurement(
            Decision.INCONCLUSIVE,
            tuple(gates),
            values.get("fidelity"),
            None,
            values,
            key_id,
        )
    res_class = "2x" if per_module < 3.0 else "4x"
    fitted = THRESHOLDS[(module_dots, res_class)]
    copy_below, original_above = fitted["copy_below"], fitted["original_above"]
    default_copy_below = copy_below
    notes: tuple[str, ...] = ()
    profile_applies = profile is not None and profile.applies(module_dots, res_class)
    if profile is not None and profile_applies:
        # Never looser than the default (CopyProfile.thresholds takes the max).
        copy_below, original_above = profile.thresholds()
        values["profile_copy_below"] = copy_below
    elif profile is not None:
        notes = (
            f"profile-mismatch: the copy profile ({profile.printer}) was made for "
            f"{profile.module_dots}-dot modules at {profile.scan_ppi:.0f} ppi; "
            "default thresholds used",
        )
    score = values["fidelity"]
    thresholds = (copy_below, original_above)
    if score <= copy_below and values.get("phase_lock", 0.0) > GATES["max_phase_lock"]:
        # Rendered into a raster coarser than the printer's dots before printing
        # (a 300-dpi render): not what a faithful print gives, and not a copy.
        reason = (
            f"coarse-render: fidelity {score:.3f} is low, but the pattern is locked "
            f"to a 2 x 2 dot grid (phase lock {values['phase_lock']:.2f}): it was "
            "printed from a raster coarser than its dots (e.g. a 300-dpi render), "
            "which a copy check cannot judge; print at the printer's resolution"
        )
        return Measurement(
            Decision.INCONCLUSIVE, (reason,), score, thresholds, values, key_id
        )
    if score <= copy_below and values["blockiness"] > GATES["max_blockiness"]:
        # JPEG only removes pattern detail, so it can make an original look like a
        # copy but never a copy like an original: it blocks COPY calls only.
        reason = (
            f"jpeg: fidelity {score:.3f} is low, but strong JPEG compression "
            f"(blockiness {values['blockiness']:.2f}) may be the cause, not the paper"
        )
        return Measurement(
            Decision.INCONCLUSIVE, (reason,), score, thresholds, values, key_id
        )
    if score <= copy_below:
        held = _colour_held(values, score, module_dots)
        if held is not None:
            decision = (
                Decision.COPY
                if held.startswith("colour-copy")
                else Decision.INCONCLUSIVE
            )
            return Measurement(decision, (held,), score, thresholds, values, key_id)
    confirm = (
        _confirm_copy(values, score)
        if score <= default_copy_below and module_dots == 1
        else None
    )
    if confirm is not None and confirm.startswith("copy-screen"):
        return Measurement(
            Decision.COPY, (confirm, *notes), score, thresholds, values, key_id
        )
    if confirm is not None and not profile_applies:
        # Low, but not low enough alone, and no copier's screen: a worn print too.
        return Measurement(
            Decision.INCONCLUSIVE, (confirm, *notes), score, thresholds, values, key_id
        )
    if score <= default_copy_below and confirm is None:
        reason = (
            f"low-fidelity: pattern fidelity {score:.3f} <= {default_copy_below:.3f} "
            "(detail lost as in a copy)"
        )
        return Measurement(
            Decision.COPY, (reason, *notes), score, thresholds, values, key_id
        )
    # An applicable copy profile calibrated this printer's originals: below its
    # threshold the fidelity alone decides (its originals never reach there).
    if score <= copy_below and profile is not None:
        reason = (
            f"profile-copy: pattern fidelity {score:.3f} <= {copy_below:.3f}, the "
            f"copy profile's threshold for {profile.printer} (its originals measured "
            f"{min(profile.fidelities):.3f} or more; default {default_copy_below:.3f})"
        )
        return Measurement(Decision.COPY, (reason,), score, thresholds, values, key_id)
    if score < original_above:
        # Fitted for 1-dot modules only (the colour statistic's grid size).
        colour = _colour_copy(values, score) if module_dots == 1 else None
        if colour is not None:
            return Measurement(
                Decision.COPY, (colour,), score, thresholds, values, key_id
            )
        reason = (
            f"ambiguous: pattern fidelity {score:.3f} between {copy_below:.3f} "
            f"and {original_above:.3f}"
        )
        return Measurement(
            Decision.INCONCLUSIVE, (reason, *notes), score, thresholds, values, key_id
        )
    # High fidelity alone also fits a careful binarised reprint (its thresholding is
    # a deterministic function of the local pattern too). An original also keeps
    # the pattern's linear correlation and prints the sparse 1/8 tint as isolated
    # dots; a binarised reprint loses the first and fills in the second.
    doubts: list[str] = []
    if values["correlation"] < fitted["original_min_correlation"]:
        doubts.append(
            f"low-correlation: correlation {values['correlation']:.3f} below "
            f"{fitted['original_min_correlation']:.3f} despite high fidelity "
            "(as after a careful reprint)"
        )
    if values.get("tint_coverage", 0.0) > fitted["original_max_tint"]:
        doubts.append(
            f"tint-filled: the 1/8 tint covers {values['tint_coverage']:.2f} "
            f"(an original prints at most {fitted['original_max_tint']:.2f})"
        )
    if doubts:
        return Measurement(
            Decision.INCONCLUSIVE,
            (*doubts, *notes),
            score,
            thresholds,
            values,
            key_id,
        )
    reason = (
        f"high-fidelity: pattern fidelity {score:.3f} >= {original_above:.3f} "
        "(printed from the keyed pattern directly)"
    )
    return Measurement(
        Decision.ORIGINAL, (reason, *notes), score, thresholds, values, key_id
    )


def _confirm_copy(values: Mapping[str, float], score: float) -> str | None:
    """Return the reason for a low fidelity above the sure-copy level, else None.

    Between ``CONFIRM["copy_sure_below"]`` and ``copy_below`` a low fidelity is
    weak evidence: a worn or widened first-generation print loses fidelity too.
    There a COPY needs a positive marker that a copy has and a first-generation
    print of the binary pattern has not: a copier's halftone screen, periodic
    energy in the residual (``residual_screen``). Without it the answer is
    INCONCLUSIVE (``copy-unconfirmed``). ``None``: the fidelity is low enough
    for COPY on its own (``low-fidelity``). An unmeasured marker counts as
    absent.
    """
    if score <= CONFIRM["copy_sure_below"]:
        return None
    screen = values.get("residual_screen", math.nan)
    if math.isfinite(screen) and screen >= CONFIRM["screen_above"]:
        return (
            f"copy-screen: pattern fidelity {score:.3f} is low, and "
            f"{100.0 * screen:.0f} % of what the pattern does not explain is in a "
            "few frequencies (a copier's halftone screen: the print was copied)"
        )
    shown = f"{100.0 * screen:.0f} %" if math.isfinite(screen) else "unmeasured"
    return (
        f"copy-unconfirmed: pattern fidelity {score:.3f} is low (a copy loses "
        "detail, but so does a worn or blurry print), and no copier's halftone "
        f"screen shows in it (screen share {shown}, a copy's starts at "
        f"{100.0 * CONFIRM['screen_above']:.0f} %): original or copy cannot be told"
    )


def _colour_held(
    values: Mapping[str, float], score: float, module_dots: int
) -> str | None:
    """Return a reason that holds back a grey COPY call on a tinted colour scan.

    The grey fidelity was validated on black-only prints. A colour scan whose
    channels show colour under the black (``colour_excess`` at least
    ``COLOUR["min_excess"]``: a "rich black" print, K with C, M, Y planes
    misregistered under it, or a colour copy) is outside that: the planes'
    misregistration blurs the pattern like a copy does, and rich-black originals
    were measured at fidelities as low as colour copies' in the widened families
    (docs/copydetect.md, section 11), so the grey fidelity cannot separate them: such a scan is called COPY only by the colour
    rule (:func:`_colour_copy`: periodic, screened colour), otherwise
    INCONCLUSIVE (``colour-misregistered``). Unmeasurable colour counts as
    colour. ``None``: a grey or neutral scan keeps the grey decision.
    """
    excess = values.get("colour_excess")
    if excess is None:
        return None
    if math.isfinite(excess) and excess < COLOUR["min_excess"]:
        return None
    colour = _colour_copy(values, score) if module_dots == 1 else None
    if colour is not None:
        return colour
    shown = f"{100.0 * excess:.0f} %" if math.isfinite(excess) else "unmeasurable"
    return (
        f"colour-misregistered: pattern fidelity {score:.3f} is low, but the colour "
        f"scan shows colour under the black ({shown} of the pattern's variance: "
        "colour planes printed misregistered under it, as by a 'rich black' "
        "printer, or a colour copy) and no copier's screen: on such prints the "
        "copy check cannot tell an original from a copy"
    )


def _colour_copy(values: Mapping[str, float], score: float) -> str | None:
    """Return a COPY reason when a colour scan shows composite black, else None.

    Only for an ambiguous fidelity (the caller checks the band), and only without
    JPEG blocking or a coarse-render lock, which could add colour or lose detail
    for reasons other than copying. A black-only original leaves the colour
    channels explained by one neutral image; a rich-black inkjet print (K with
    some C, M, Y under it) leaves colour, but not a halftone screen's periodic
    colour (_thresholds.COLOUR).
    """
    excess = values.get("colour_excess")
    if excess is None or not math.isfinite(excess):
        return None
    if values.get("blockiness", 1.0) > GATES["max_blockiness"]:
        return None
    if values.get("phase_lock", 0.0) > GATES["max_phase_lock"]:
        return None
    periodic = values.get("colour_periodic", 0.0)
    if excess < COLOUR["min_excess"] or periodic < COLOUR["copy_periodic_above"]:
        return None
    return (
        f"colour-copy: pattern fidelity {score:.3f} is not high, and "
        f"{100.0 * excess:.0f} % of the pattern's variance is colour that a "
        f"black-only print cannot give, {100.0 * periodic:.0f} % of it in a few "
        "frequencies (composite black on halftone screens: a colour copy)"
    )


def _round_ppi(ppi: float) -> int:
    for std in (300, 600, 1200, 2400, 4800):
        if ppi <= std:
            return std
    return round(ppi)


def _prepare(
    image: object, dpi: float | None
) -> tuple[GrayImage, float | None, Image | None]:
    checked: Image = check_image(image, min_size=16)
    if dpi is not None and not (
        math.isfinite(float(dpi)) and 50.0 <= float(dpi) <= 4800.0
    ):
        raise InputError(f"dpi must be between 50 and 4800, got {dpi!r}")
    # A colour scan keeps its channels for the colour evidence; a grey image
    # stored as three equal channels has none.
    colour = (
        checked
        if checked.ndim == 3
        and not (
            np.array_equal(checked[:, :, 0], checked[:, :, 1])
            and np.array_equal(checked[:, :, 1], checked[:, :, 2])
        )
        else None
    )
    return to_gray(checked), (None if dpi is None else float(dpi)), colour


def measure(
    image: Image,
    *,
    key: SecretKey | None,
    doc_id: str,
    dpi: float | None = None,
    module_dots: int = 1,
    profile: CopyProfile | None = None,
) -> Measurement:
    """Find the copy-detection block in a scan and decide original, copy or neither.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        A scan or photo that shows the block (any position, small rotation or
        upside down).
    key : SecretKey or None
        The CDP secret. ``None`` gives INCONCLUSIVE ("no copy-detection key").
    doc_id : str
        The document number the pattern was made for (from the verified seal).
    dpi : float, optional
        Declared resolution of ``image`` (file metadata or the user). When given,
        it sets the expected fiducial size and is checked against the measured
        scale; otherwise the resolution is measured from the fiducials alone.
    module_dots : {1, 2}
        As in :func:`make_pattern`.
    profile : CopyProfile, optional
        A per-installation calibration (:func:`calibrate`) for scans of prints
        from its printer: raises ``copy_below`` towards its originals, never
        below the default. Scans of another module size or resolution class are
        decided with the default thresholds (reason ``profile-mismatch``).

    Returns
    -------
    Measurement

    Raises
    ------
    InputError
        If ``image`` breaks the array contract or ``dpi``/``doc_id`` are invalid.
    KeyMaterialError
        If ``key`` is not a CDP key.
    """
    gray, declared, colour = _prepare(image, dpi)
    if key is None:
        layout_for(module_dots)  # still reject bad options
        return _inconclusive("no-key: no copy-detection key", {}, None)
    k = _check_key(key)
    layout, bits = _layout_and_bits(k, doc_id, module_dots)
    return _run(
        gray,
        layout,
        bits,
        declared,
        k.key_id,
        offset=(0.0, 0.0),
        colour=colour,
        profile=_check_profile(profile),
    )


#: Expected samples per module below this fraction of the gate: low resolution,
#: without searching for the pattern (the measured value could not pass the gate).
_EARLY_LOW_RES = 0.6


def _run(
    gray: GrayImage,
    layout: Layout,
    bits: npt.NDArray[np.bool_],
    declared: float | None,
    key_id: str,
    *,
    offset: tuple[float, float],
    expected_spd: float | None = None,
    quick_reject: bool = False,
    colour: Image | None = None,
    profile: CopyProfile | None = None,
) -> Measurement:
    t0 = time.perf_counter()
    spd = declared / DOT_DPI if declared is not None else expected_spd
    # measure() always measures (its numbers are the point: the benchmark's AUC and
    # `docsec copydetect measure`); verification (measure_in_region) need not.
    too_coarse = (
        quick_reject
        and spd is not None
        and spd * layout.module_dots < _EARLY_LOW_RES * GATES["min_samples_per_module"]
    )
    if spd is not None and (layout.fid * spd < 4.0 or too_coarse):
        # Fiducials below 4 pixels cannot be found; say why instead of "not found".
        # Far below the resolution gate (a 300- or 600-ppi scan of 1-dot modules)
        # the answer is known before the search: it would only cost time.
        ppi = spd * DOT_DPI
        need = GATES["min_samples_per_module"] / layout.module_dots * DOT_DPI
        return _inconclusive(
            f"low-resolution: scan at {ppi:.0f} ppi; copy check needs "
            f">= {_round_ppi(need)} ppi",
            {"effective_ppi": ppi},
            key_id,
        )
    found = extract(gray, layout, bits, samples_per_dot=spd, colour=colour)
    if found is None:
        return _inconclusive(
            "not-found: copy-detection pattern not found in the image", {}, key_id
        )
    values = dict(found.values)
    values["time_ms"] = (time.perf_counter() - t0) * 1e3
    values["rotation_deg"] = found.located.rotation_deg
    hom = found.located.homography
    centre = cv2.perspectiveTransform(
        np.array([[[layout.width / 2, layout.height / 2]]], dtype=np.float64), hom
    )[0, 0]
    values["centre_x"] = float(centre[0] + offset[0])
    values["centre_y"] = float(centre[1] + offset[1])
    logger.debug(
        "copydetect: fidelity %.3f correlation %.3f at %.0f ppi",
        values["fidelity"],
        values["correlation"],
        values["effective_ppi"],
    )
    return _decide(
        values,
        module_dots=layout.module_dots,
        declared_dpi=declared,
        key_id=key_id,
        profile=profile,
    )


def _region_tuple(region: object) -> tuple[int, int, int, int] | None:
    """Accept a seal ``Region`` (x, y, width, height attributes) or a 4-tuple."""
    if all(hasattr(region, a) for a in ("x", "y", "width", "height")):
        vals = [getattr(region, a) for a in ("x", "y", "width", "height")]
    elif isinstance(region, tuple | list) and len(region) == 4:
        vals = list(region)
    else:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return None
    x, y, w, h = (int(v) for v in vals)
    return (x, y, w, h) if w > 0 and h > 0 else None


def _valid_size(symbol_size: object) -> bool:
    return (
        isinstance(symbol_size, int)
        and not isinstance(symbol_size, bool)
        and symbol_size >= 8
    )


def _check_mask(mask: object) -> npt.NDArray[np.bool_]:
    if not isinstance(mask, np.ndarray) or mask.ndim != 2 or mask.dtype != np.bool_:
        raise InputError("mask must be a 2-D bool array")
    if min(mask.shape) < 16:
        raise InputError("mask must be at least 16 x 16 dots")
    out: npt.NDArray[np.bool_] = mask.copy()
    return out


def _pick_key(
    keys: SecretKey | Sequence[SecretKey] | None, key_id: str | None
) -> SecretKey | None:
    if keys is None:
        return None
    pool = [keys] if isinstance(keys, SecretKey) else list(keys)
    for k in pool:
        _check_key(k)
    if key_id is None:
        return pool[0] if len(pool) == 1 else None
    for k in pool:
        if k.key_id == key_id:
            return k
    return None


def measure_in_region(
    image: Image,
    *,
    corners: Sequence[tuple[float, float]],
    symbol_size: int,
    region: tuple[int, int, int, int] | object,
    key: SecretKey | Sequence[SecretKey] | None,
    doc_id: str,
    key_id: str | None = None,
    dpi: float | None = None,
    module_dots: int = 1,
    profile: CopyProfile | None = None,
    to_image: npt.NDArray[np.float64] | None = None,
) -> Measurement:
    """Measure the block where a verified seal says it is.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The scan.
    corners : sequence of four (x, y)
        The seal symbol's corners in image pixels, in symbol orientation:
        top-left, top-right, bottom-right, bottom-left (``DecodedSymbol.corners``).
    symbol_size : int
        Modules per side of the (square) symbol (``DecodedSymbol.size``).
    region : docsec.seal Region or (int, int, int, int)
        ``CertificateFields.cdp_region`` from the verified seal, or its x, y,
        width, height in tenths of a module from the symbol's top-left corner.
    key : SecretKey or sequence of SecretKey or None
        The CDP key, or every CDP key the verifier holds (rotation); the one whose
        id equals ``key_id`` is used.
    doc_id : str
        Document number from the verified seal.
    key_id : str, optional
        ``layout.cdp.key_id`` from the seal.
    dpi : float, optional
        Declared resolution of ``image``.
    module_dots : {1, 2}
        As in :func:`make_pattern`.
    profile : CopyProfile, optional
        As in :func:`measure`.
    to_image : (3, 3) float64 ndarray, optional
        The homography from symbol modules to image pixels, when the caller has
        built it from ``corners`` already (the verifier builds it once per page).

    Returns
    -------
    Measurement
        INCONCLUSIVE with ``no-key`` when no held key matches ``key_id``.
    """
    gray, declared, colour = _prepare(image, dpi)
    layout = layout_for(module_dots)
    k = _pick_key(key, key_id)
    if k is None:
        reason = "no-key: no copy-detection key"
        if key is not None and key_id is not None:
            reason += (
                f" with id {key_id} (the seal names a key this verifier does not hold)"
            )
        return _inconclusive(reason, {}, key_id)
    pts = np.asarray(corners, dtype=np.float64)
    if pts.shape != (4, 2) or not np.isfinite(pts).all():
        raise InputError("corners must be four finite (x, y) points")
    reg = _region_tuple(region)
    if reg is None or not _valid_size(symbol_size):
        raise InputError(
            "symbol_size must be the symbol's modules per side (>= 8) and region "
            "a positive (x, y, width, height) in tenths of a module"
        )
    if to_image is None:
        s = float(symbol_size)
        sym = np.array([[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]])
        # OpenCV returns None for degenerate points although its stubs say ndarray.
        found: object = cv2.findHomography(sym, pts, 0)[0]
        if not isinstance(found, np.ndarray):
            raise InputError("seal corners are degenerate")
        to_image = np.asarray(found, dtype=np.float64)
    to_img = to_image
    rx, ry, rw, rh = (v / 10.0 for v in reg)
    rect = np.array([[rx, ry], [rx + rw, ry], [rx + rw, ry + rh], [rx, ry + rh]])
    img_rect = cv2.perspectiveTransform(rect.reshape(-1, 1, 2), to_img).reshape(-1, 2)
    # Expected pixels per dot from the region's size against the block's.
    side_px = float(np.hypot(*(img_rect[1] - img_rect[0])))
    expected_spd = side_px / layout.width
    margin = 0.25 * max(side_px, float(np.hypot(*(img_rect[3] - img_rect[0]))))
    h, w = gray.shape
    x0 = max(0, int(img_rect[:, 0].min() - margin))
    x1 = min(w, int(img_rect[:, 0].max() + margin) + 1)
    y0 = max(0, int(img_rect[:, 1].min() - margin))
    y1 = min(h, int(img_rect[:, 1].max() + margin) + 1)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return _inconclusive(
            "not-found: the declared region lies outside the image", {}, k.key_id
        )
    bits = keyed_bits(k.material, doc_id, layout.modules, module_dots)
    crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
    colour_crop = None if colour is None else np.ascontiguousarray(colour[y0:y1, x0:x1])
    return _run(
        crop,
        layout,
        bits,
        declared,
        k.key_id,
        offset=(float(x0), float(y0)),
        expected_spd=expected_spd if declared is None else None,
        quick_reject=True,
        colour=colour_crop,
        profile=_check_profile(profile),
    )


# ------------------------------------------------------------------ void pantograph


@dataclass(frozen=True, slots=True)
class Pantograph:
    """A void-pantograph background.

    Attributes
    ----------
    image : (H, W) uint8 ndarray, values 0 (ink) and 255 (paper)
        One pixel per printer dot at 600 dpi; print it without scaling.
    mask : (H, W) bool ndarray
        Where the hidden word is.
    dpi : int
        Always 600.
    """

    image: GrayImage = field(repr=False)
    mask: npt.NDArray[np.bool_] = field(repr=False)
    dpi: int = DOT_DPI


def make_pantograph(
    word: str = "COPY",
    *,
    size_mm: tuple[float, float] = (60.0, 20.0),
    mask: npt.NDArray[np.bool_] | None = None,
) -> Pantograph:
    """Render a void pantograph whose hidden word shows on photocopies.

    Parameters
    ----------
    word : str
        ASCII word to hide (Hershey font). For other scripts (e.g. "사본") render
        the word yourself and pass ``mask``.
    size_mm : (float, float)
        Width and height; ignored when ``mask`` is given.
    mask : (H, W) bool ndarray, optional
        The word as a mask at 600 dpi (True = word).

    Returns
    -------
    Pantograph
    """
    if mask is None:
        w = round(size_mm[0] / _MM_PER_INCH * DOT_DPI)
        h = round(size_mm[1] / _MM_PER_INCH * DOT_DPI)
        if not (16 <= w <= 20000 and 16 <= h <= 20000):
            raise InputError("pantograph size must be between 0.7 and 840 mm")
        m = _pantograph.word_mask(word, h, w)
    else:
        m = _check_mask(mask)
    img = _pantograph.render(m)
    img.setflags(write=False)
    m.setflags(write=False)
    return Pantograph(image=img, mask=m)


def measure_pantograph(
    image: Image,
    pantograph: Pantograph,
    *,
    pantograph_to_image: npt.NDArray[np.float64],
) -> dict[str, float]:
    """Measure how strongly the hidden word shows (a human aid, not a verdict).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The scan.
    pantograph : Pantograph
    pantograph_to_image : (3, 3) float64 ndarray
        Homography from pantograph dots ``(x, y)`` to image pixels (from the seal
        geometry, or from the simulator in benchmarks).

    Returns
    -------
    dict
        ``word_darkness``, ``background_darkness`` and ``word_contrast`` (word minus
        background darkness; about +0.01 on an original, +0.03 on a text-mode
        copy in docsec.simulate).
    """
    gray = to_gray(check_image(image, min_size=16))
    hom = np.asarray(pantograph_to_image, dtype=np.float64)
    if hom.shape != (3, 3) or not np.isfinite(hom).all():
        raise InputError("pantograph_to_image must be a finite 3x3 matrix")
    h, w = pantograph.mask.shape
    warped = cv2.warpPerspective(
        gray,
        hom,
        (w, h),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return _pantograph.contrast(np.asarray(warped, dtype=np.uint8), pantograph.mask)
