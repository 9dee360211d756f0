"""Mutations of a real seal image and an issued PDF: nothing escapes, nothing forged passes.

Hypothesis changes bytes of genuine inputs. Whatever it does, verification returns
a result or raises :class:`~docsec.errors.InputError`, nothing else; and a change
to a signed byte is never AUTHENTIC.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.hostile._cases import World

from docsec import barcode
from docsec.errors import InputError
from docsec.policy import VerifyPolicy
from docsec.result import Verdict, VerificationResult
from docsec.trust import TrustStore
from docsec.verify import verify_bytes, verify_image

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def policy(genuine: World) -> VerifyPolicy:
    return VerifyPolicy.seal(TrustStore.load(genuine.trust_dir))


def _verify(data: bytes, policy: VerifyPolicy, name: str) -> VerificationResult | None:
    try:
        return verify_bytes(data, policy=policy, input_name=name)
    except InputError:
        return None  # an unreadable input is an answer too; anything else escapes


@SETTINGS
@given(data=st.data())
def test_changed_signed_seal_bytes_are_never_authentic(
    genuine: World, policy: VerifyPolicy, data: st.DataObject
) -> None:
    seal = bytearray(genuine.seal_bytes)
    positions = data.draw(
        st.lists(st.integers(0, len(seal) - 1), min_size=1, max_size=3, unique=True)
    )
    for i in positions:
        seal[i] ^= data.draw(st.integers(1, 255))
    symbol = barcode.render_raster(barcode.encode(bytes(seal)), module_px=3)
    result = verify_image(symbol, policy=policy)
    assert result.verdict is not Verdict.AUTHENTIC


@SETTINGS
@given(data=st.data())
def test_mutated_seal_image_file(
    genuine: World, policy: VerifyPolicy, data: st.DataObject
) -> None:
    original = genuine.seal_png.read_bytes()
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(mutated) - 1))
        mutated[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(mutated)))
    result = _verify(bytes(mutated[:cut]), policy, "seal.png")
    if result is not None and result.ok:
        # The file changed but the seal read from it did not: still the genuine
        # signed bytes, or it could not be AUTHENTIC.
        assert result.content is not None
        assert result.content.seal_bytes == genuine.seal_bytes


def _signed_ranges(pdf: bytes) -> list[tuple[int, int]]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    a, b, c, d = (int(v) for v in match.groups())
    return [(a, a + b), (c, c + d)]


@settings(SETTINGS, max_examples=12)
@given(data=st.data())
def test_mutated_signed_pdf_is_never_authentic(
    genuine: World, policy: VerifyPolicy, data: st.DataObject
) -> None:
    pdf = bytearray(genuine.pdf.read_bytes())
    ranges = _signed_ranges(bytes(pdf))
    start, end = ranges[data.draw(st.integers(0, 1))]
    i = data.draw(st.integers(start, end - 1))
    pdf[i] ^= data.draw(st.integers(1, 255))
    result = _verify(bytes(pdf), policy, "issued.pdf")
    assert result is None or result.verdict is not Verdict.AUTHENTIC


def test_the_genuine_inputs_are_authentic(genuine: World, policy: VerifyPolicy) -> None:
    # Without this, the properties above would hold for inputs that never verify.
    for path in (genuine.seal_png, genuine.pdf):
        result = verify_bytes(path.read_bytes(), policy=policy, input_name=path.name)
        assert result.ok, result.to_dict()
