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

#: (module_dots, resolution class) -> fitted values. Resolution class "2x": 1.8-3
#: samples per module along each axis (1200 ppi for 1-dot, 600 ppi for 2-dot
#: modules); "4x": 3 or more (2400 ppi, resp. 1200 ppi).
#: copy_below / original_above apply to ``fidelity``; original_min_correlation and
#: original_max_tint are extra conditions for ORIGINAL.
THRESHOLDS: dict[tuple[int, str], dict[str, float]] = {
    (1, "2x"): {
        "copy_below": 0.60,
        "original_above": 0.70,
        "original_min_correlation": 0.39,
        "original_max_tint": 0.57,
    },
    (1, "4x"): {
        "copy_below": 0.60,
        "original_above": 0.70,
        "original_min_correlation": 0.39,
        "original_max_tint": 0.57,
    },
    (2, "2x"): {
        "copy_below": 0.82,
        "original_above": 0.86,
        "original_min_correlation": 0.6,
        "original_max_tint": 0.57,
    },
    (2, "4x"): {
        "copy_below": 0.82,
        "original_above": 0.86,
        "original_min_correlation": 0.6,
        "original_max_tint": 0.57,
    },
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
    # JPEG 8x8 block-edge strength (1 for lossless). Above it, no COPY call: a
    # low score could come from the file. Originals kept fidelity >= 0.84 down to
    # JPEG quality 10 at 1200 ppi; copies measured 1.1-1.3 at quality 50-95 and
    # 1.5-1.7 at quality 10-20 (the measure depends on content, so it is loose).
    "max_blockiness": 1.4,
    # Paper-to-ink span in grey levels.
    "min_span": 40.0,
}
