"""Pure-Python ECDSA *verification* for named curves that ``cryptography`` lacks.

``cryptography`` (OpenSSL 3) cannot load brainpoolP224r1 keys, yet German test signers
(BSI TR-03137 Annex F-H, vdstools ``DETS32``) sign visible digital seals with that
curve. Verification only handles public data (the message, the signature and the
public key), so this code does not need to be constant time. It never signs.

Curve parameters are from RFC 5639 section 3.2 and were checked against
``openssl ecparam -param_enc explicit``; :func:`curve_is_consistent` re-checks them
(the generator lies on the curve and has the stated order).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = ["CURVES", "Curve", "curve_is_consistent", "decode_point", "verify"]

_Point = tuple[int, int] | None  # None is the point at infinity


@dataclass(frozen=True, slots=True)
class Curve:
    """A short Weierstrass curve ``y^2 = x^3 + a x + b`` over GF(p), cofactor 1.

    Parameters
    ----------
    name : str
        Curve name as in RFC 5639 (e.g. ``"brainpoolP224r1"``).
    oid : str
        Dotted object identifier of the named curve.
    p, a, b : int
        Field prime and curve coefficients.
    gx, gy : int
        Base point.
    n : int
        Order of the base point (the group order; the cofactor is 1).
    """

    name: str
    oid: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int

    @property
    def key_size(self) -> int:
        """Return the field size in bits."""
        return self.p.bit_length()

    @property
    def field_bytes(self) -> int:
        """Return the field size in bytes (the length of r and of s in r||s)."""
        return (self.p.bit_length() + 7) // 8

    def contains(self, point: tuple[int, int]) -> bool:
        """Return whether ``point`` is a valid affine point of the curve."""
        x, y = point
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0


#: brainpoolP224r1, RFC 5639 section 3.2.
BRAINPOOL_P224R1 = Curve(
    name="brainpoolP224r1",
    oid="1.3.36.3.3.2.8.1.1.5",
    p=0xD7C134AA264366862A18302575D1D787B09F075797DA89F57EC8C0FF,
    a=0x68A5E62CA9CE6C1C299803A6C1530B514E182AD8B0042A59CAD29F43,
    b=0x2580F63CCFE44138870713B1A92369E33E2135D266DBB372386C400B,
    gx=0x0D9029AD2C7E5CF4340823B2A87DC68C9E4CE3174C1E6EFDEE12C07D,
    gy=0x58AA56F772C0726F24C6B89E4ECDAC24354B9E99CAA3F6D3761402CD,
    n=0xD7C134AA264366862A18302575D0FB98D116BC4B6DDEBCA3A5A7939F,
)

#: Curves handled here, by OID. Only curves that ``cryptography`` cannot load.
CURVES: dict[str, Curve] = {BRAINPOOL_P224R1.oid: BRAINPOOL_P224R1}


def _add(curve: Curve, p1: _Point, p2: _Point) -> _Point:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    m = curve.p
    if x1 == x2:
        if (y1 + y2) % m == 0:
            return None
        lam = (3 * x1 * x1 + curve.a) * pow(2 * y1, -1, m) % m
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, m) % m
    x3 = (lam * lam - x1 - x2) % m
    return x3, (lam * (x1 - x3) - y1) % m


def _mul(curve: Curve, k: int, point: _Point) -> _Point:
    result: _Point = None
    addend = point
    while k:
        if k & 1:
            result = _add(curve, result, addend)
        addend = _add(curve, addend, addend)
        k >>= 1
    return result


def curve_is_consistent(curve: Curve) -> bool:
    """Return whether the generator is on the curve and ``n * G`` is infinity."""
    g = (curve.gx, curve.gy)
    return curve.contains(g) and _mul(curve, curve.n, g) is None


def decode_point(curve: Curve, data: bytes) -> tuple[int, int] | None:
    """Decode an SEC 1 point (uncompressed or compressed) and validate it.

    Parameters
    ----------
    curve : Curve
        The curve the point must lie on.
    data : bytes
        ``04 || X || Y`` or ``02/03 || X``.

    Returns
    -------
    tuple of int or None
        The affine point, or None when the encoding is invalid or the point is not
        on the curve (including the point at infinity).
    """
    size = curve.field_bytes
    if len(data) == 1 + 2 * size and data[0] == 0x04:
        point = (
            int.from_bytes(data[1 : 1 + size], "big"),
            int.from_bytes(data[1 + size :], "big"),
        )
    elif len(data) == 1 + size and data[0] in (0x02, 0x03):
        x = int.from_bytes(data[1:], "big")
        if x >= curve.p:
            return None
        rhs = (x * x * x + curve.a * x + curve.b) % curve.p
        # Square roots via p = 3 (mod 4); other primes are not needed here.
        if curve.p % 4 != 3:
            return None
        y = pow(rhs, (curve.p + 1) // 4, curve.p)
        if (y & 1) != (data[0] & 1):
            y = curve.p - y
        point = (x, y)
    else:
        return None
    if not curve.contains(point):
        return None
    return point


def verify(
    curve: Curve,
    public_point: tuple[int, int],
    data: bytes,
    signature: bytes,
    hash_name: str,
) -> bool:
    """Verify an ECDSA signature given as raw ``r || s`` (SEC 1 section 4.1.4).

    Parameters
    ----------
    curve : Curve
        The domain parameters.
    public_point : tuple of int
        The signer's public point, already validated with :func:`decode_point`.
    data : bytes
        The signed message (hashed here).
    signature : bytes
        ``r || s``, each exactly ``curve.field_bytes`` long.
    hash_name : str
        A :mod:`hashlib` name such as ``"sha224"``.

    Returns
    -------
    bool
        True only for a valid signature; False for any malformed or wrong one.
    """
    size = curve.field_bytes
    if len(signature) != 2 * size:
        return False
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    n = curve.n
    if not (0 < r < n and 0 < s < n):
        return False
    digest = hashlib.new(hash_name, data).digest()
    e = int.from_bytes(digest, "big")
    excess = len(digest) * 8 - n.bit_length()
    if excess > 0:
        e >>= excess
    w = pow(s, -1, n)
    point = _add(
        curve,
        _mul(curve, e * w % n, (curve.gx, curve.gy)),
        _mul(curve, r * w % n, public_point),
    )
    if point is None:
        return False
    return point[0] % n == r
