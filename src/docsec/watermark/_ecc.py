"""Channel code of the watermark: a keyed check tag and a convolutional code.

The 64-bit payload gets a 32-bit keyed check tag (truncated HMAC-SHA256 under the
watermark key), the 96 information bits are whitened with a key-derived mask, and
the result is encoded with the rate-1/3, constraint-length-7 convolutional code of
LTE (generators 133, 171, 165 octal), terminated with 6 zero tail bits: 306 coded
bits. The decoder is a soft-decision Viterbi decoder, vectorised over the 64 states.

A random decode passes the tag with probability 2**-32 (the tag is a PRF output), which
is the basis of the false-positive bound in ``docs/watermark.md``.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import numpy.typing as npt

__all__ = [
    "CODED_BITS",
    "INFO_BITS",
    "PAYLOAD_BITS",
    "TAG_BITS",
    "conv_encode",
    "info_bits",
    "payload_from_info",
    "viterbi_decode",
]

PAYLOAD_BITS = 64
TAG_BITS = 32
INFO_BITS = PAYLOAD_BITS + TAG_BITS
_K = 7  # constraint length
_MEMORY = _K - 1
_GENERATORS = (0o133, 0o171, 0o165)
_RATE_INV = len(_GENERATORS)
#: Number of coded bits per tile: (96 information + 6 tail) * 3.
CODED_BITS = (INFO_BITS + _MEMORY) * _RATE_INV
_N_STATES = 1 << _MEMORY

BitArray = npt.NDArray[np.uint8]


def _parity(x: int) -> int:
    return bin(x).count("1") & 1


def _build_trellis() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Return predecessor states and the +-1 output symbols of each branch.

    The state is the last 6 input bits, newest in the most significant position.
    For a next state ``s`` the input bit is ``s >> 5`` and the two predecessors are
    ``((s << 1) & 63) | b`` for ``b`` in 0, 1. The register seen by the generators is
    ``(input << 6) | previous_state``.
    """
    prev = np.zeros((_N_STATES, 2), dtype=np.int64)
    sym = np.zeros((_N_STATES, 2, _RATE_INV), dtype=np.float64)
    for s in range(_N_STATES):
        bit = s >> (_MEMORY - 1)
        for b in range(2):
            p = ((s << 1) & (_N_STATES - 1)) | b
            prev[s, b] = p
            reg = (bit << _MEMORY) | p
            for g, gen in enumerate(_GENERATORS):
                sym[s, b, g] = 1.0 - 2.0 * _parity(reg & gen)
    return prev, sym


_PREV, _SYM = _build_trellis()


def _mask(key: bytes) -> BitArray:
    digest = hmac.new(key, b"docsec/watermark/v1/whiten", hashlib.sha256).digest()
    return np.unpackbits(np.frombuffer(digest[: INFO_BITS // 8], dtype=np.uint8))


def _tag(key: bytes, payload: bytes) -> bytes:
    mac = hmac.new(key, b"docsec/watermark/v1/tag\x00" + payload, hashlib.sha256)
    return mac.digest()[: TAG_BITS // 8]


def info_bits(key: bytes, payload: bytes) -> BitArray:
    """Return the 96 whitened information bits (payload, tag) for ``payload``."""
    raw = np.unpackbits(np.frombuffer(payload + _tag(key, payload), dtype=np.uint8))
    out: BitArray = raw ^ _mask(key)
    return out


def payload_from_info(key: bytes, bits: BitArray) -> bytes | None:
    """Undo the whitening and return the payload if its tag verifies, else ``None``."""
    raw = np.packbits(bits.astype(np.uint8) ^ _mask(key)).tobytes()
    payload, tag = raw[: PAYLOAD_BITS // 8], raw[PAYLOAD_BITS // 8 :]
    if hmac.compare_digest(_tag(key, payload), tag):
        return payload
    return None


def conv_encode(bits: BitArray) -> BitArray:
    """Encode information bits (terminated with 6 zeros) into 3 coded bits each.

    Examples
    --------
    >>> import numpy as np
    >>> conv_encode(np.zeros(96, np.uint8)).shape
    (306,)
    """
    state = 0
    out = np.empty((bits.size + _MEMORY) * _RATE_INV, dtype=np.uint8)
    padded = np.concatenate([bits.astype(np.uint8), np.zeros(_MEMORY, np.uint8)])
    for i, b in enumerate(padded.tolist()):
        reg = (b << _MEMORY) | state
        for g, gen in enumerate(_GENERATORS):
            out[i * _RATE_INV + g] = _parity(reg & gen)
        state = reg >> 1
    return out


def viterbi_decode(soft: npt.NDArray[np.floating]) -> BitArray:
    """Decode soft symbols (positive means coded bit 0) into information bits.

    Parameters
    ----------
    soft : (306,) float ndarray
        One soft value per coded bit; larger magnitude means more reliable.

    Returns
    -------
    (96,) uint8 ndarray
        The maximum-likelihood information bits (tail removed).
    """
    steps = soft.size // _RATE_INV
    y = np.asarray(soft, dtype=np.float64).reshape(steps, _RATE_INV)
    metric = np.full(_N_STATES, -np.inf)
    metric[0] = 0.0
    choices = np.empty((steps, _N_STATES), dtype=np.uint8)
    for t in range(steps):
        branch = _SYM @ y[t]  # (states, 2)
        cand = metric[_PREV] + branch
        pick = np.argmax(cand, axis=1)
        choices[t] = pick
        metric = cand[np.arange(_N_STATES), pick]
    state = 0  # terminated trellis ends in the zero state
    bits = np.empty(steps, dtype=np.uint8)
    for t in range(steps - 1, -1, -1):
        bits[t] = state >> (_MEMORY - 1)
        state = int(_PREV[state, choices[t, state]])
    return bits[: steps - _MEMORY]
