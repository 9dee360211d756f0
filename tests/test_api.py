"""The top-level API: the main entry points at ``docsec.*``, imported lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import docsec


def test_main_entry_points_are_at_the_top_level() -> None:
    from docsec import issuing, policy, result, trust, verify

    assert docsec.issue is issuing.issue
    assert docsec.verify_file is verify.verify_file
    assert docsec.verify_image is verify.verify_image
    assert docsec.verify_pdf is verify.verify_pdf
    assert docsec.VerifyPolicy is policy.VerifyPolicy
    assert docsec.TrustStore is trust.TrustStore
    assert docsec.Verdict is result.Verdict
    for name in docsec.__all__:
        assert getattr(docsec, name) is not None
        assert name in dir(docsec)
    # help(docsec) points a newcomer to them.
    for name in ("issue", "TrustStore", "VerifyPolicy", "verify_file", "Verdict"):
        assert name in (docsec.__doc__ or "")


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        docsec.no_such_thing  # type: ignore[attr-defined]  # noqa: B018


def test_import_stays_light_until_an_entry_point_is_used() -> None:
    code = (
        "import sys, docsec; heavy = ('cv2', 'cryptography', 'pyhanko', 'click', "
        "'pikepdf', 'docsec.verify'); print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_python_dash_m_docsec() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "docsec", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "verify" in out.stdout
    assert out.stdout.startswith("Usage: docsec")


def test_verdict_is_a_string_enum() -> None:
    assert docsec.Verdict.NOT_AUTHENTIC == "not_authentic"
    assert f"{docsec.Verdict.INCONCLUSIVE}" == "inconclusive"
