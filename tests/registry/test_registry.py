"""The registry on real databases: SQLite (a file) and PostgreSQL (tests/_postgres.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.pki import Pki, make_pki, sample_data

from docsec import pdf as _pdf
from docsec import seal as _seal
from docsec.errors import InputError
from docsec.registry import DocumentState, Registry, Role, issue_registered
from docsec.registry._status import CODE_ALPHABET

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(params=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registry]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    else:
        base = request.getfixturevalue("postgres_url")
        # A fresh schema per test: drop what an earlier test left.
        reg = Registry(base)
        from sqlalchemy import text

        with reg.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        reg.close()
        url = base
    reg = Registry(url)
    reg.init()
    reg.init()  # idempotent
    yield reg
    reg.close()


def data() -> dict[str, object]:
    d = sample_data()
    d.pop("document_number", None)
    return d


def test_issue_records_number_code_and_digests(registry: Registry, pki: Pki) -> None:
    rec = issue_registered(
        registry,
        data(),
        key=pki.key,
        cert=pki.cert,
        now=NOW,
        actor="test:clerk",
        verify_url="https://verify.example.kr",
    )
    assert rec.number == "KRGN202600000001"
    assert len(rec.code) == 10
    assert set(rec.code) <= set(CODE_ALPHABET)
    sealed = _pdf.declared_seal(rec.pdf)
    assert sealed is not None
    fields = _seal.decode_certificate(_seal.parse_unverified(sealed))
    assert (fields.document_number, fields.verification_code) == (rec.number, rec.code)
    status = registry.status(rec.number)
    assert status is not None
    assert status.state is DocumentState.ACTIVE
    assert status.issued_at == NOW
    assert status.issuer == "KRGN"
    # Look-ups need the code; a wrong code looks exactly like no document.
    assert registry.lookup(rec.number, rec.code) == status
    assert (
        registry.lookup(rec.number, rec.code.lower()[:5] + "-" + rec.code[5:]) == status
    )
    assert registry.lookup(rec.number, "0000000000") is None
    assert registry.lookup("KRGN202699999999", rec.code) is None
    log = registry.audit(rec.number)
    assert [e["action"] for e in log] == ["issue"]
    assert log[0]["actor"] == "test:clerk"
    second = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="test:clerk"
    )
    assert second.number == "KRGN202600000002"
    assert second.code != rec.code


def test_revoke_and_supersede_are_audited(registry: Registry, pki: Pki) -> None:
    a = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
    )
    b = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
    )
    c = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
    )
    later = NOW + timedelta(days=3)
    st = registry.revoke(
        a.number, reason="issued in error", actor="officer-7", now=later
    )
    assert st.state is DocumentState.REVOKED
    assert (st.reason, st.changed_at) == ("issued in error", later)
    with pytest.raises(InputError, match="already revoked"):
        registry.revoke(a.number, reason="again", actor="x", now=later)
    with pytest.raises(InputError, match="no document"):
        registry.revoke("KRGN202600009999", reason="x", actor="x", now=later)
    with pytest.raises(InputError, match="reason"):
        registry.revoke(b.number, reason=" ", actor="x", now=later)
    st = registry.supersede(b.number, by=c.number, actor="officer-7", now=later)
    assert st.state is DocumentState.SUPERSEDED
    assert st.superseded_by == c.number
    assert [(e["action"], e["actor"]) for e in registry.audit(a.number)] == [
        ("issue", "t"),
        ("revoke", "officer-7"),
    ]
    assert registry.count() == 3
    assert registry.count(DocumentState.ACTIVE) == 1


def test_crash_mid_issue_leaves_nothing(registry: Registry, pki: Pki) -> None:
    def crash(*_args: object, **_kwargs: object) -> bytes:
        raise OSError("power cut")

    with pytest.raises(OSError, match="power cut"):
        issue_registered(
            registry,
            data(),
            key=pki.key,
            cert=pki.cert,
            now=NOW,
            actor="t",
            issue_fn=crash,
        )
    assert registry.count() == 0
    rec = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
    )
    assert rec.number == "KRGN202600000001"  # the crashed number was never used


def test_concurrent_issuers_never_share_a_number(registry: Registry, pki: Pki) -> None:
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(2):
                rec = issue_registered(
                    registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
                )
                with lock:
                    numbers.append(rec.number)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == 8
    assert registry.count() == 8


def test_tokens_store_only_a_hash(registry: Registry) -> None:
    token = registry.create_token(Role.ISSUER, label="bank-gw", now=NOW)
    auditor = registry.create_token("auditor", label="audit", now=NOW)
    found = registry.authenticate(token)
    assert found is not None
    assert found[1] is Role.ISSUER
    other = registry.authenticate(auditor)
    assert other is not None
    assert other[1] is Role.AUDITOR
    assert registry.authenticate(token + "x") is None
    assert registry.authenticate("Bearer") is None
    from sqlalchemy import text

    with registry.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM docsec_api_tokens")).all()
    assert all(token not in str(row) for row in stored)


def test_data_must_not_carry_number_or_code(registry: Registry, pki: Pki) -> None:
    with pytest.raises(InputError, match="assigns document_number"):
        issue_registered(
            registry,
            {**data(), "document_number": "X1"},
            key=pki.key,
            cert=pki.cert,
            now=NOW,
            actor="t",
        )
    assert registry.ready()


def test_verification_reports_registry_status(registry: Registry, pki: Pki) -> None:
    from docsec.policy import VerifyPolicy
    from docsec.verify import verify_pdf

    a = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
    )
    b = issue_registered(
        registry, data(), key=pki.key, cert=pki.cert, now=NOW, actor="t"
    )
    policy = VerifyPolicy.pdf(pki.store()).with_registry(registry, required=True)
    at = NOW + timedelta(days=1)
    first = verify_pdf(a.pdf, policy=policy, at=at)
    assert first.verdict.value == "authentic", first.reasons
    registry.supersede(a.number, by=b.number, actor="t", now=at)
    again = verify_pdf(a.pdf, policy=policy, at=at)
    assert again.reasons == ("document-superseded",)
    check = again.check("registry")
    assert check is not None
    assert b.number in check.detail


def test_verification_code_in_the_seal_is_checked(pki: Pki) -> None:
    from docsec.issuing import issue_seal

    day = NOW.date()
    for bad in ("abc", "ABCDE", "A" * 13, 12345678):
        with pytest.raises(InputError, match="verification_code"):
            issue_seal(
                {**sample_data(), "verification_code": bad},
                key=pki.key,
                cert=pki.cert,
                signature_date=day,
            )
    sealed = issue_seal(
        {**sample_data(), "verification_code": "7KQ2M9XD4P"},
        key=pki.key,
        cert=pki.cert,
        signature_date=day,
    )
    fields = _seal.decode_certificate(_seal.parse_unverified(sealed))
    assert fields.verification_code == "7KQ2M9XD4P"
    plain = issue_seal(sample_data(), key=pki.key, cert=pki.cert, signature_date=day)
    assert (
        _seal.decode_certificate(_seal.parse_unverified(plain)).verification_code
        is None
    )


def test_verify_url_needs_a_code(pki: Pki) -> None:
    from docsec.issuing import issue

    with pytest.raises(InputError, match="verify_url needs a verification_code"):
        issue(
            sample_data(),
            key=pki.key,
            cert=pki.cert,
            signature_date=NOW.date(),
            verify_url="https://x",
        )
