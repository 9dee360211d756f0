"""Known-answer DataMatrix: the exact module matrix of the KAT seal, read by both readers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from docsec import barcode
from docsec.barcode import _dmtx

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def test_module_matrix_known_answer() -> None:
    seal = bytes.fromhex(
        json.loads((VECTORS / "seal_kat_1.json").read_text())["expected_seal_hex"]
    )
    rows = (VECTORS / "datamatrix_kat_1.txt").read_text().split()
    expected = np.array([[c == "1" for c in row] for row in rows])
    m = barcode.encode(seal)
    assert m.size == expected.shape[0] == expected.shape[1]
    assert np.array_equal(m.modules, expected)
    img = barcode.render_raster(m, module_px=4)
    (found,) = barcode.read(img)
    assert found.data == seal
    assert found.reader == "zxing-cpp"
    dm = _dmtx.decode_dmtx(img, timeout_ms=3000, max_count=1)
    assert [d.output for d in dm] == [seal]
    # The unmodified pylibdmtx wrapper stops at the first 0x00 of binary data;
    # docsec's exact-length path above does not.
    _dmtx.load_wrapper()  # imports pylibdmtx with its deprecation warning silenced
    from pylibdmtx import pylibdmtx

    plain = pylibdmtx.decode(img, timeout=3000)
    assert plain
    assert 0 in seal
    assert len(plain[0].data) < len(seal)
