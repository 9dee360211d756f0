"""Array type aliases used at every public image boundary (see STYLE.md section 6)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["BGRImage", "FloatArray", "GrayImage", "Image"]

#: ``(H, W, 3)`` uint8, channel order B, G, R, range 0..255.
BGRImage: TypeAlias = npt.NDArray[np.uint8]
#: ``(H, W)`` uint8, range 0..255.
GrayImage: TypeAlias = npt.NDArray[np.uint8]
#: Either of the two above; :func:`docsec.imaging.check_image` tells them apart.
Image: TypeAlias = npt.NDArray[np.uint8]
#: Intermediate float work (float32 or float64), never returned as an image.
FloatArray: TypeAlias = npt.NDArray[np.floating]
