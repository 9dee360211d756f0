"""The seal verification pipeline, end to end with a real PKI."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsec import barcode, imaging
from docsec.errors import InputError
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict
from docsec.verify import verify_bytes, verify_file, verify_image, verify_seal_bytes
from tests.pki import make_pki, seal_for

AT = date(2026, 3, 10)


@pytest.fixture(scope="module")
def pki():  # type: ignore[no-untyped-def]
    return make_pki()


@pytest.fixture(scope="module")
def policy(pki):  # type: ignore[no-untyped-def]
    return VerifyPolicy.seal(pki.store(crl_revoked=()))


@pytest.fixture(scope="module")
def good(pki) -> bytes:  # type: ignore[no-untyped-def]
    return seal_for(pki)


def status(result, name: str) -> CheckStatus | None:  # type: ignore[no-untyped-def]
    c = result.check(name)
    return None if c is None else c.status


def test_authentic(good: bytes, policy: VerifyPolicy) -> None:
    r = verify_seal_bytes(good, policy=policy, at=AT, input_name="x.bin")
    assert r.verdict is Verdict.AUTHENTIC, r.to_dict()
    assert r.content is not None
    fields = r.content.field_map()
    assert fields["HOLDER_NAME"] == "홍길동 (HONG Gildong)"
    assert fields["DOCUMENT_NUMBER"] == "GN2611270042"
    assert r.content.signer_identifier == "KRGN"
    assert status(r, "revocation") is CheckStatus.PASS
    assert status(r, "document_validity") is CheckStatus.PASS
    assert r.to_dict()["input"] == "x.bin"


def test_every_single_byte_change_fails(good: bytes, policy: VerifyPolicy) -> None:
    for i in range(len(good)):
        bad = bytearray(good)
        bad[i] ^= 0x01
        r = verify_seal_bytes(bytes(bad), policy=policy, at=AT)
        assert r.verdict is not Verdict.AUTHENTIC, i
        assert r.content is None, i


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mutated_seal_never_authentic(
    good: bytes, policy: VerifyPolicy, data: st.DataObject
) -> None:
    mutated = bytearray(good)
    n = data.draw(st.integers(1, 4))
    for _ in range(n):
        op = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        i = data.draw(st.integers(0, len(mutated) - 1))
        if op == "flip":
            mutated[i] ^= data.draw(st.integers(1, 255))
        elif op == "insert":
            mutated.insert(i, data.draw(st.integers(0, 255)))
        elif len(mutated) > 1:
            del mutated[i]
    if bytes(mutated) == good:
        return
    r = verify_seal_bytes(bytes(mutated), policy=policy, at=AT)
    assert r.verdict is not Verdict.AUTHENTIC


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_authentic(policy: VerifyPolicy, data: bytes) -> None:
    r = verify_seal_bytes(data, policy=policy, at=AT)
    assert r.verdict is not Verdict.AUTHENTIC


def test_truncated_and_trailing(good: bytes, policy: VerifyPolicy) -> None:
    for bad in (good[:-1], good[:40], good + b"\x00", b"\xdc"):
        r = verify_seal_bytes(bad, policy=policy, at=AT)
        assert r.verdict is Verdict.NOT_AUTHENTIC
        assert "malformed-seal" in r.reasons


def test_wrong_magic_and_version(good: bytes, policy: VerifyPolicy) -> None:
    r = verify_seal_bytes(b"\xdd" + good[1:], policy=policy, at=AT)
    assert r.reasons == ("malformed-seal",)
    r = verify_seal_bytes(good[:1] + b"\x09" + good[2:], policy=policy, at=AT)
    assert r.reasons == ("malformed-seal",)


def test_unknown_signer(pki, good: bytes) -> None:  # type: ignore[no-untyped-def]
    # The verifier cannot know a signer it holds no certificate of: no verdict
    # against the document, and a message that says what to do.
    other = make_pki()
    r = verify_seal_bytes(good, policy=VerifyPolicy.seal(other.store()), at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("unknown-signer",)
    check = r.check("signature")
    assert check is not None
    assert check.status is CheckStatus.INCONCLUSIVE
    assert "KRGN" in check.detail
    assert format(pki.cert.serial_number, "X") in check.detail
    assert "update the trust folder" in check.detail


def test_same_name_and_serial_other_key_is_forged(pki, good: bytes) -> None:  # type: ignore[no-untyped-def]
    twin = make_pki(serial=pki.cert.serial_number)
    r = verify_seal_bytes(good, policy=VerifyPolicy.seal(twin.store()), at=AT)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("forged-seal",)


def test_signer_only_trusted_via_untrusted_root(pki, good: bytes) -> None:  # type: ignore[no-untyped-def]
    from docsec.trust import TrustStore

    other = make_pki()
    # The issuer certificate is present but its root is not: the chain fails.
    store = TrustStore.from_certificates([other.root])
    store_with_issuer = TrustStore.from_certificates([other.root, pki.cert])
    r = verify_seal_bytes(good, policy=VerifyPolicy.seal(store), at=AT)
    assert r.reasons == ("unknown-signer",)
    r = verify_seal_bytes(good, policy=VerifyPolicy.seal(store_with_issuer), at=AT)
    # A certificate placed directly in the folder is an anchor by design.
    assert status(r, "signer_certificate") is CheckStatus.PASS


def test_expired_certificate_signature_still_valid() -> None:
    old = make_pki(valid_from=datetime(2020, 1, 1, tzinfo=UTC), issuer_days=365)
    sealed = seal_for(old, day=date(2020, 6, 1))
    policy = VerifyPolicy.seal(old.store())
    r = verify_seal_bytes(sealed, policy=policy, at=date(2026, 3, 1))
    assert status(r, "signature") is CheckStatus.PASS
    assert status(r, "certificate_validity") is CheckStatus.FAIL
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert "certificate-expired" in r.reasons
    # At a time when the certificate and the document were valid, it passes.
    r = verify_seal_bytes(sealed, policy=policy, at=date(2020, 6, 2))
    assert r.verdict is Verdict.AUTHENTIC


def test_seal_dated_outside_certificate_validity(pki) -> None:  # type: ignore[no-untyped-def]
    from docsec import seal as seal_mod
    from tests.pki import sample_data

    data = sample_data(issue_date="2025-06-01", valid_until="2030-01-01")
    # issue_seal refuses this; an attacker with the key could still write it.
    forged = seal_mod.build_certificate_seal(
        data,
        key=pki.key,
        signer_identifier="KRGN",
        certificate_reference=format(pki.cert.serial_number, "X"),
        issuing_country="KOR",
        signature_date=date(2025, 6, 1),
    )
    r = verify_seal_bytes(forged, policy=VerifyPolicy.seal(pki.store()), at=AT)
    assert r.reasons == ("signed-outside-certificate-validity",)


def test_issue_seal_refuses_expired_or_foreign_key(pki) -> None:  # type: ignore[no-untyped-def]
    from docsec.errors import KeyMaterialError
    from docsec.issuing import issue_seal
    from tests.pki import sample_data

    with pytest.raises(KeyMaterialError, match="not valid on the signing date"):
        issue_seal(
            sample_data(), key=pki.key, cert=pki.cert, signature_date=date(2040, 1, 1)
        )
    other = make_pki()
    with pytest.raises(KeyMaterialError, match="does not belong"):
        issue_seal(sample_data(), key=other.key, cert=pki.cert)


def test_revoked(pki, good: bytes) -> None:  # type: ignore[no-untyped-def]
    policy = VerifyPolicy.seal(pki.store(crl_revoked=(pki.cert.serial_number,)))
    r = verify_seal_bytes(good, policy=policy, at=AT)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert "revoked" in r.reasons


def test_missing_crl_only_matters_when_required(pki, good: bytes) -> None:  # type: ignore[no-untyped-def]
    r = verify_seal_bytes(good, policy=VerifyPolicy.seal(pki.store()), at=AT)
    assert r.verdict is Verdict.AUTHENTIC
    assert status(r, "revocation") is CheckStatus.INCONCLUSIVE
    strict = VerifyPolicy.seal(pki.store(), require_revocation=True)
    r = verify_seal_bytes(good, policy=strict, at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("crl-missing",)


def test_document_expired_and_future(good: bytes, policy: VerifyPolicy) -> None:
    r = verify_seal_bytes(good, policy=policy, at=date(2026, 12, 31))
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("document-expired",)
    r = verify_seal_bytes(good, policy=policy, at=date(2026, 2, 1))
    assert r.reasons == ("signed-in-future",)
    r = verify_seal_bytes(good, policy=policy, at=datetime(2026, 3, 10, 12, 0))
    assert r.verdict is Verdict.AUTHENTIC


def test_check_error_is_a_failure(
    good: bytes, policy: VerifyPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docsec import seal as seal_mod

    def boom(_seal: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(seal_mod, "validity_window", boom)
    r = verify_seal_bytes(good, policy=policy, at=AT)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert "check-error" in r.reasons


def test_image_path(good: bytes, policy: VerifyPolicy) -> None:
    img = barcode.render_raster(barcode.encode(good), module_px=4)
    page = np.full((800, 700), 255, np.uint8)
    page[100 : 100 + img.shape[0], 200 : 200 + img.shape[1]] = img
    r = verify_image(page, policy=policy, at=AT, input_name="page")
    assert r.verdict is Verdict.AUTHENTIC
    r = verify_image(imaging.to_bgr(page), policy=policy, at=AT)
    assert r.verdict is Verdict.AUTHENTIC


def test_image_without_seal(policy: VerifyPolicy) -> None:
    r = verify_image(np.full((300, 300), 255, np.uint8), policy=policy, at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("no-seal",)
    other = barcode.render_raster(barcode.encode(b"https://example.org"), module_px=5)
    r = verify_image(other, policy=policy, at=AT)
    assert r.reasons == ("no-seal",)
    assert "other barcode" in r.checks[0].detail


def test_two_different_seals(pki, good: bytes, policy: VerifyPolicy) -> None:  # type: ignore[no-untyped-def]
    second = seal_for(pki, document_number="GN2611270099")
    a = barcode.render_raster(barcode.encode(good), module_px=4)
    b = barcode.render_raster(barcode.encode(second), module_px=4)
    page = np.full((a.shape[0] + 40, a.shape[1] + b.shape[1] + 60), 255, np.uint8)
    page[20 : 20 + a.shape[0], 20 : 20 + a.shape[1]] = a
    page[20 : 20 + b.shape[0], 40 + a.shape[1] : 40 + a.shape[1] + b.shape[1]] = b
    r = verify_image(page, policy=policy, at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("multiple-seals",)


def test_image_contract_and_limit(policy: VerifyPolicy) -> None:
    with pytest.raises(InputError):
        verify_image(np.zeros((10, 10), np.float32), policy=policy)  # type: ignore[arg-type]
    small = VerifyPolicy(trust=policy.trust, required=policy.required, max_pixels=100)
    with pytest.raises(InputError, match="limit"):
        verify_image(np.zeros((20, 20), np.uint8), policy=small)


def test_verify_file_kinds(tmp_path: Path, good: bytes, policy: VerifyPolicy) -> None:
    (tmp_path / "seal.bin").write_bytes(good)
    assert verify_file(tmp_path / "seal.bin", policy=policy, at=AT).ok
    (tmp_path / "raw").write_bytes(good)  # no suffix: recognised by the magic byte
    assert verify_file(tmp_path / "raw", policy=policy, at=AT).ok
    img = barcode.render_raster(barcode.encode(good), module_px=3)
    imaging.write_image(tmp_path / "s.png", img, dpi=300)
    assert verify_file(tmp_path / "s.png", policy=policy, at=AT).ok
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        verify_file(tmp_path / "empty.png", policy=policy)
    with pytest.raises(InputError, match="cannot read"):
        verify_file(tmp_path / "missing.png", policy=policy)
    (tmp_path / "big.bin").write_bytes(b"\xdc" * 70_000)
    with pytest.raises(InputError, match="too large"):
        verify_file(tmp_path / "big.bin", policy=policy)
    (tmp_path / "junk.jpg").write_bytes(b"\xff\xd8\xff garbage")
    with pytest.raises(InputError):
        verify_file(tmp_path / "junk.jpg", policy=policy)


def test_verify_bytes_sniffs_the_kind(good: bytes, policy: VerifyPolicy) -> None:
    assert verify_bytes(good, policy=policy, at=AT, input_name="-").ok
    img = barcode.render_raster(barcode.encode(good), module_px=3)
    colour = imaging.encode_image(imaging.to_bgr(img), format="PNG", dpi=300)
    r = verify_bytes(colour, policy=policy, at=AT, input_name="-")
    assert r.ok
    assert r.input == "-"
    with pytest.raises(InputError, match="empty"):
        verify_bytes(b"", policy=policy)


def test_special_files_and_limits(
    tmp_path: Path, good: bytes, policy: VerifyPolicy
) -> None:
    import os

    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="named pipe"):
        verify_file(fifo, policy=policy)
    with pytest.raises(InputError, match="character device"):
        verify_file("/dev/zero", policy=policy)
    img = barcode.render_raster(barcode.encode(good), module_px=3)
    imaging.write_image(tmp_path / "s.png", img, dpi=300)
    size = (tmp_path / "s.png").stat().st_size
    tight = VerifyPolicy(
        trust=policy.trust, required=policy.required, max_bytes=size - 1
    )
    with pytest.raises(InputError, match="above the limit"):
        verify_file(tmp_path / "s.png", policy=tight)
    lean = VerifyPolicy(
        trust=policy.trust, required=policy.required, max_memory=img.size
    )
    with pytest.raises(InputError, match="memory budget"):
        verify_file(tmp_path / "s.png", policy=lean)
