"""The channel code: convolutional code, Viterbi decoder, keyed check tag."""

from __future__ import annotations

import numpy as np
import pytest

from docsec.watermark import _ecc

KEY = bytes(range(32))


def _soft(coded: np.ndarray) -> np.ndarray:
    return 1.0 - 2.0 * coded.astype(np.float64)


@pytest.mark.parametrize("seed", range(5))
def test_round_trip_without_noise(seed: int) -> None:
    payload = np.random.default_rng(seed).bytes(8)
    info = _ecc.info_bits(KEY, payload)
    coded = _ecc.conv_encode(info)
    assert coded.shape == (_ecc.CODED_BITS,)
    bits = _ecc.viterbi_decode(_soft(coded))
    assert np.array_equal(bits, info)
    assert _ecc.payload_from_info(KEY, bits) == payload


def test_corrects_scattered_hard_errors() -> None:
    rng = np.random.default_rng(1)
    payload = rng.bytes(8)
    coded = _ecc.conv_encode(_ecc.info_bits(KEY, payload))
    soft = _soft(coded)
    # Free distance of the K=7 rate-1/3 code is 15: 7 errors per constraint span
    # are correctable; spread 20 errors over the frame.
    flips = rng.choice(coded.size, 20, replace=False)
    flips = np.sort(flips)
    soft[flips] *= -1
    assert _ecc.payload_from_info(KEY, _ecc.viterbi_decode(soft)) == payload


def test_soft_decoding_at_low_snr() -> None:
    rng = np.random.default_rng(2)
    ok = 0
    for _ in range(50):
        payload = rng.bytes(8)
        coded = _ecc.conv_encode(_ecc.info_bits(KEY, payload))
        soft = _soft(coded) + rng.normal(0, 0.8, coded.size)
        ok += _ecc.payload_from_info(KEY, _ecc.viterbi_decode(soft)) == payload
    assert ok >= 47


def test_tag_rejects_other_key_and_flipped_bits() -> None:
    payload = bytes(8)
    info = _ecc.info_bits(KEY, payload)
    assert _ecc.payload_from_info(bytes(32), info) is None
    flipped = info.copy()
    flipped[3] ^= 1
    assert _ecc.payload_from_info(KEY, flipped) is None


def test_random_decodes_fail_the_tag() -> None:
    rng = np.random.default_rng(3)
    passed = sum(
        _ecc.payload_from_info(KEY, _ecc.viterbi_decode(rng.normal(size=306)))
        is not None
        for _ in range(300)
    )
    assert passed == 0


def test_zero_codeword_is_not_a_valid_payload() -> None:
    # The whitening mask keeps the all-zero (and all-one) decode from passing.
    assert _ecc.payload_from_info(KEY, np.zeros(96, np.uint8)) is None
    assert _ecc.payload_from_info(KEY, np.ones(96, np.uint8)) is None
