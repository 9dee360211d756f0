"""The verdict rules: fail closed, no truthiness, stable JSON."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docsec.errors import NotAuthentic
from docsec.result import (
    SCHEMA_VERSION,
    CheckResult,
    CheckStatus,
    SignedContent,
    Verdict,
    VerificationResult,
)

REQ = frozenset({"barcode", "signature"})


def _r(
    *checks: CheckResult, required: frozenset[str] = REQ, **kw: object
) -> VerificationResult:
    return VerificationResult(checks=checks, required=required, **kw)  # type: ignore[arg-type]


def P(name: str) -> CheckResult:  # noqa: N802
    return CheckResult(name, CheckStatus.PASS, "ok")


def test_all_required_pass_is_authentic() -> None:
    r = _r(P("barcode"), P("signature"))
    assert r.verdict is Verdict.AUTHENTIC
    assert r.ok
    assert r.reasons == ()
    r.require_authentic()


def test_missing_required_check_is_inconclusive() -> None:
    r = _r(P("barcode"))
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("signature-missing",)
    with pytest.raises(NotAuthentic) as info:
        r.require_authentic()
    assert info.value.result is r


def test_no_checks_and_no_required_is_never_authentic() -> None:
    assert _r().verdict is Verdict.INCONCLUSIVE
    r = _r(P("barcode"), required=frozenset())
    assert r.verdict is Verdict.INCONCLUSIVE
    assert "no-required-checks" in r.reasons


@pytest.mark.parametrize("status", [CheckStatus.INCONCLUSIVE, CheckStatus.ABSENT])
def test_undecided_required_check_is_inconclusive(status: CheckStatus) -> None:
    r = _r(P("barcode"), CheckResult("signature", status, "?", ("why",)))
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("why",)


def test_failed_optional_check_is_not_authentic() -> None:
    bad = CheckResult(
        "watermark", CheckStatus.FAIL, "mismatch", ("watermark-mismatch",)
    )
    r = _r(P("barcode"), P("signature"), bad)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("watermark-mismatch",)


def test_fail_without_reason_gets_a_generic_code() -> None:
    r = _r(CheckResult("signature", CheckStatus.FAIL))
    assert r.reasons == ("signature-failed",)


def test_duplicate_check_must_all_pass() -> None:
    r = _r(
        P("barcode"), P("signature"), CheckResult("signature", CheckStatus.INCONCLUSIVE)
    )
    assert r.verdict is Verdict.INCONCLUSIVE


def test_error_is_inconclusive_even_with_passes() -> None:
    r = _r(P("barcode"), P("signature"), error="unreadable")
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons[0] == "input-error"
    assert r.to_dict()["error"] == "unreadable"


def test_bool_raises() -> None:
    r = _r(P("barcode"), P("signature"))
    with pytest.raises(TypeError, match=r"\.ok"):
        bool(r)


def test_passed_property() -> None:
    assert CheckResult("a", CheckStatus.PASS).passed is True
    assert CheckResult("a", CheckStatus.FAIL).passed is False
    assert CheckResult("a", CheckStatus.INCONCLUSIVE).passed is None
    assert CheckResult("a", CheckStatus.ABSENT).passed is None


def test_check_lookup() -> None:
    r = _r(P("barcode"))
    assert r.check("barcode") == P("barcode")
    assert r.check("nothing") is None


def test_to_dict_schema() -> None:
    content = SignedContent(
        profile="p",
        fields=(("Name", "A"), ("Name", "B"), ("Number", "1")),
        issuer="CN=GN,C=KR",
        signer_identifier="KRGN",
        certificate_reference="1A",
        issuing_country="KOR",
        issue_date=date(2026, 1, 2),
        signature_date=date(2026, 1, 3),
        seal_bytes=b"\xdc",
    )
    scored = CheckResult("watermark", CheckStatus.PASS, "ok", (), 0.5, 0.25)
    r = _r(
        P("barcode"),
        P("signature"),
        scored,
        content=content,
        input="x.png",
        policy="seal",
    )
    d = r.to_dict()
    assert d["schema_version"] == SCHEMA_VERSION == 1
    assert d["verdict"] == "authentic"
    assert d["input"] == "x.png"
    assert d["fields"] == {"Name": "A", "Number": "1"}
    assert d["issuer"] == {
        "subject": "CN=GN,C=KR",
        "signer_identifier": "KRGN",
        "certificate_reference": "1A",
        "country": "KOR",
        "signature_date": "2026-01-03",
        "profile": "p",
    }
    checks = d["checks"]
    assert isinstance(checks, list)
    assert checks[2] == {
        "name": "watermark",
        "status": "pass",
        "detail": "ok",
        "reasons": [],
        "score": 0.5,
        "threshold": 0.25,
    }
    assert "error" not in d
    assert "seal_bytes" not in repr(content) or "b'\\xdc'" not in repr(content)


def test_to_dict_without_content_and_dates() -> None:
    content = SignedContent("p", (), "CN=x", "KRGN", "1", "KOR", None, None, b"")
    assert _r(content=content).to_dict()["issuer"]["signature_date"] is None  # type: ignore[index]
    assert _r().to_dict()["issuer"] is None


statuses = st.sampled_from(list(CheckStatus))
names = st.sampled_from(["barcode", "signature", "watermark", "copydetect"])


@given(
    st.lists(st.tuples(names, statuses), max_size=6), st.frozensets(names, max_size=3)
)
def test_authentic_only_when_rules_hold(
    items: list[tuple[str, CheckStatus]], required: frozenset[str]
) -> None:
    checks = tuple(CheckResult(n, s) for n, s in items)
    r = _r(*checks, required=required)
    if r.verdict is Verdict.AUTHENTIC:
        assert required
        assert all(c.status is not CheckStatus.FAIL for c in checks)
        for name in required:
            found = [c for c in checks if c.name == name]
            assert found
            assert all(c.status is CheckStatus.PASS for c in found)
    if any(c.status is CheckStatus.FAIL for c in checks):
        assert r.verdict is Verdict.NOT_AUTHENTIC


def test_locations_in_json() -> None:
    from docsec.result import Location

    loc = Location("seal", ((1.0, 2.0), (3.0, 2.0), (3.0, 4.0), (1.0, 4.0)), dpi=200.0)
    r = _r(P("barcode"), locations=(loc,))
    assert r.to_dict()["locations"] == [
        {"name": "seal", "points": [[1.0, 2.0], [3.0, 2.0], [3.0, 4.0], [1.0, 4.0]]}
    ]
    assert "locations" not in _r(P("barcode")).to_dict()


def test_error_reason_names_why_there_is_no_verdict() -> None:
    r = _r(error="no answer after 3 s", error_reason="timeout")
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("timeout",)
    assert r.to_dict()["reasons"] == ["timeout"]
