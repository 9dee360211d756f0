"""Decision thresholds and quality gates, as data, with how they were fitted.

Fitted by ``python benchmarks/bench_copydetect.py --fit`` on seeds 1000-1059
(disjoint from the report seeds, 0-999 and 5000+): for every resolution class the
fidelity score of originals from all four printer classes (laser/inkjet x
good/worn) and of office photocopies (text and photo mode, from all four) was
measured. ``copy_below`` is placed a quarter of the way from the lowest original
down to the highest photocopy, ``original_above`` a quarter of the way from the
highest photocopy up to the lowest original, so half of the gap is an
inconclusive band that absorbs other channel models than ``docsec.simulate``.
Careful scan-and-reprint copies (``strong=True``) were *not* used for fitting: they
are reported only. See ``docs/copydetect.md`` for the table the fit produced.
"""

from __future__ import annotations

__all__ = ["GATES", "THRESHOLDS"]

#: (module_dots, resolution class) -> (copy_below, original_above) on ``fidelity``.
#: Resolution class "2x": 1.8-3 samples per module; "4x": 3 or more.
THRESHOLDS: dict[tuple[int, str], tuple[float, float]] = {
    (1, "2x"): (0.59, 0.76),
    (1, "4x"): (0.59, 0.76),
    (2, "2x"): (0.59, 0.76),
    (2, "4x"): (0.59, 0.76),
}

#: Quality gates; below (or above, for the "max_" ones) the check is inconclusive.
GATES: dict[str, float] = {
    # Samples per pattern module along each axis, measured from the fiducials.
    # 2 per printer dot separate copies (docs/copydetect.md; literature on CDPs).
    "min_samples_per_module": 1.8,
    # Declared dpi vs measured: a wrong --dpi or a resampled file.
    "max_scale_error": 0.04,
    # RMS misfit of the six fiducials to one homography, printer dots: a curled
    # sheet, a phone's lens distortion or a wrongly located block.
    "max_registration_residual_dots": 0.6,
    # JPEG 8x8 block-edge strength; strong compression wipes the fine pattern.
    "max_blockiness": 1.3,
    # Paper-to-ink span in grey levels.
    "min_span": 40.0,
}
