"""Policies are explicit and validated."""

from __future__ import annotations

from typing import Any

import pytest

from docsec.errors import ConfigurationError
from docsec.policy import KNOWN_CHECKS, SEAL_CHECKS, VerifyPolicy

STORE: Any = object()  # the policy only carries the store; trust tests cover it


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
