"""Policies are explicit and validated."""

from __future__ import annotations

from typing import Any

import pytest

from docsec.errors import ConfigurationError
from docsec.policy import KNOWN_CHECKS, SEAL_CHECKS, VerifyPolicy
from tests.pki import make_pki

STORE = make_pki().store()  # the policy only carries the store


def test_seal_policy() -> None:
    p = VerifyPolicy.seal(STORE)
    assert p.required == SEAL_CHECKS
    assert p.name == "seal"
    q = VerifyPolicy.seal(STORE, require_revocation=True)
    assert q.required == SEAL_CHECKS | {"revocation"}
    assert q.name == "seal+crl"
    assert SEAL_CHECKS <= KNOWN_CHECKS


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"required": frozenset()}, "at least one"),
        ({"required": frozenset({"nonsense"})}, "unknown check"),
        ({"required": SEAL_CHECKS, "max_pixels": 0}, "max_pixels"),
        ({"required": SEAL_CHECKS, "max_bytes": 0}, "max_bytes"),
        ({"required": SEAL_CHECKS, "max_memory": -1}, "max_memory"),
        ({"required": SEAL_CHECKS, "barcode_timeout": 0}, "barcode_timeout"),
        ({"required": SEAL_CHECKS, "barcode_timeout": 601}, "barcode_timeout"),
    ],
)
def test_bad_policies(kwargs: dict[str, Any], msg: str) -> None:
    with pytest.raises(ConfigurationError, match=msg):
        VerifyPolicy(trust=STORE, **kwargs)


def test_policy_is_frozen() -> None:
    p = VerifyPolicy.seal(STORE)
    with pytest.raises(AttributeError):
        p.name = "x"  # type: ignore[misc]


def test_pdf_policy() -> None:
    from docsec.policy import PDF_CHECKS

    p = VerifyPolicy.pdf(STORE)
    assert p.required == SEAL_CHECKS | PDF_CHECKS
    assert p.name == "seal+pdf"
    q = VerifyPolicy.pdf(STORE, require_revocation=True)
    assert "revocation" in q.required
    assert q.name == "seal+crl+pdf"


@pytest.mark.parametrize(
    ("kwargs", "msg"),
    [
        ({"trust": "world/trust"}, "TrustStore.load"),
        ({"trust": None}, "got NoneType"),
        ({"required": "signature"}, "frozenset of check names"),
        ({"required": ["signature"]}, "frozenset of check names"),
        ({"cdp_keys": ["k"]}, "cdp_keys must be a tuple of SecretKey"),
        ({"watermark_keys": "k"}, "watermark_keys must be a tuple of SecretKey"),
    ],
)
def test_wrong_types_are_clear_type_errors(kwargs: dict[str, Any], msg: str) -> None:
    args: dict[str, Any] = {"trust": STORE, "required": SEAL_CHECKS} | kwargs
    with pytest.raises(TypeError, match=msg):
        VerifyPolicy(**args)
    if "trust" in kwargs:  # the named constructors too
        with pytest.raises(TypeError, match=msg):
            VerifyPolicy.seal(kwargs["trust"])


def test_verify_entry_points_check_their_arguments() -> None:
    from docsec.verify import verify_file, verify_image, verify_pdf, verify_seal_bytes

    policy = VerifyPolicy.seal(STORE)
    with pytest.raises(TypeError, match="VerifyPolicy"):
        verify_seal_bytes(b"\xdc", policy="seal")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="datetime"):
        verify_seal_bytes(b"\xdc", policy=policy, at="2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be bytes"):
        verify_pdf("c.pdf", policy=policy)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path must be"):
        verify_file(b"c.pdf", policy=policy)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="VerifyPolicy"):
        verify_image(None, policy=None)  # type: ignore[arg-type]
