"""Regenerate tests/vectors/negative/*.bin from seal_kat_1.json (run once; files are never edited).

Each file is one failure mode. The wrong-key seal is signed by a second fixed key
(scalar = SHA-256 of "docsec seal KAT key 2 - NOT FOR PRODUCTION" mod n), so every
file is reproducible byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from docsec.seal import parse_unverified, sign

HERE = Path(__file__).resolve().parent
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _key(label: bytes) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(hashlib.sha256(label).digest(), "big") % N
    return ec.derive_private_key(scalar, ec.SECP256R1())


def main() -> None:
    kat = json.loads((HERE / "seal_kat_1.json").read_text(encoding="utf-8"))
    good = bytes.fromhex(kat["expected_seal_hex"])
    seal = parse_unverified(good)
    out = HERE / "negative"
    out.mkdir(exist_ok=True)
    flipped = bytearray(good)
    flipped[40] ^= 0x01  # inside the message zone
    sig_flipped = bytearray(good)
    sig_flipped[-5] ^= 0x80  # inside the signature
    header_len = seal.header.header_len
    cases = {
        "wrong_key.bin": sign(
            seal.header,
            list(seal.messages),
            _key(b"docsec seal KAT key 2 - NOT FOR PRODUCTION"),
        ),
        "flipped_message_byte.bin": bytes(flipped),
        "flipped_signature_byte.bin": bytes(sig_flipped),
        "truncated.bin": good[:-10],
        "trailing_bytes.bin": good + b"\x00\x00",
        "unknown_version.bin": good[:1] + b"\x07" + good[2:],
        "wrong_magic.bin": b"\xdd" + good[1:],
        "no_signature.bin": seal.signed_bytes,
        "length_past_end.bin": good[: header_len + 1]
        + b"\x82\xff\xff"
        + good[header_len + 2 :],
    }
    for name, data in cases.items():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
