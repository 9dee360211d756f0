"""The warm OCR engine (docsec._ocr_engine), for real: reuse, deadline, crash, fallback.

The engine process binds libtesseract with ctypes and serves many requests; these
tests run the real one (and the real ``tesseract`` command it must agree with),
and simulate only the library's absence.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from docsec import _ocr

from ._procs import children

pytestmark = pytest.mark.skipif(
    _ocr.available() is not None, reason=f"needs Tesseract: {_ocr.available()}"
)


def _line(text: str) -> np.ndarray:
    image = np.full((70, 520), 255, np.uint8)
    cv2.putText(image, text, (12, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    return image


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[_ocr._Pool]:
    """A fresh engine pool for the test, closed after it."""
    monkeypatch.delenv("DOCSEC_OCR_ENGINE", raising=False)
    fresh = _ocr._Pool()
    monkeypatch.setattr(_ocr, "_POOL", fresh)
    yield fresh
    fresh.close()


REQUESTS = [
    _ocr.OcrRequest([_line("GN2611270042"), _line("PARK 1984")], "eng", True),
    _ocr.OcrRequest([_line("PARK 1984")], "eng", False),
]


def _texts(pages: list[list[list[_ocr.OcrWord]]]) -> list[list[list[str]]]:
    return [[[w.text for w in page] for page in request] for request in pages]


def test_engines_are_reused_across_calls_and_closed(pool: _ocr._Pool) -> None:
    before = children()
    first = _ocr.read_many(REQUESTS, timeout=30.0)
    engines = set(pool.pids())
    assert engines, "the warm engine was not used"
    assert engines <= children() - before
    assert len(engines) <= _ocr.cores()
    second = _ocr.read_many(REQUESTS, timeout=30.0)
    assert second == first
    assert set(pool.pids()) == engines  # the same processes answered
    assert _texts(first)[0][0] == ["GN2611270042"]
    pool.close()
    assert pool.pids() == []
    assert children() - before == set()  # no engine left behind


def test_one_compute_thread_keeps_one_engine(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    _ocr.read_many(REQUESTS, timeout=30.0)
    assert len(pool.pids()) == 1


def test_prewarm_starts_engines_without_waiting(pool: _ocr._Pool) -> None:
    before = children()
    _ocr.prewarm()
    started = set(pool.pids())
    assert len(started) == min(_ocr.cores(), 2)
    assert started <= children() - before
    _ocr.prewarm()  # idempotent: no more engines
    assert set(pool.pids()) == started
    assert _texts(_ocr.read_many(REQUESTS, timeout=30.0))[0][0] == ["GN2611270042"]
    assert set(pool.pids()) == started


def test_a_late_engine_is_killed_and_the_next_call_starts_afresh(
    pool: _ocr._Pool,
) -> None:
    _ocr.read_many(REQUESTS, timeout=30.0)
    old = set(pool.pids())
    long = [_ocr.OcrRequest([_line("GN2611270042")] * 120, "eng")] * 2
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="longer than"):
        _ocr.read_many(long, timeout=0.3)
    assert time.monotonic() - started < 5.0
    assert pool.pids() == []
    assert not old & children()  # killed and reaped
    again = _ocr.read_many(REQUESTS, timeout=30.0)
    assert _texts(again)[0][0] == ["GN2611270042"]
    assert not set(pool.pids()) & old


def test_an_engine_killed_between_calls_is_replaced(pool: _ocr._Pool) -> None:
    expected = _ocr.read_many(REQUESTS, timeout=30.0)
    for pid in pool.pids():
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert _ocr.read_many(REQUESTS, timeout=30.0) == expected


def test_an_engine_that_dies_mid_call_fails_the_call_only(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ocr.read_many(REQUESTS, timeout=30.0)
    long = [_ocr.OcrRequest([_line("GN2611270042")] * 8, "eng")]
    reply = _ocr._Engine._reply
    killed: list[int] = []

    def die_then_reply(engine: _ocr._Engine, deadline: float) -> dict[str, object]:
        # The request is written, its reply not yet read: the engines die now
        # (not after a delay that a fast machine finishes the call within).
        if not killed:
            killed.extend(pool.pids())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
        return reply(engine, deadline)

    monkeypatch.setattr(_ocr._Engine, "_reply", die_then_reply)
    with pytest.raises(OSError, match="died"):
        _ocr.read_many(long, timeout=30.0)
    monkeypatch.setattr(_ocr._Engine, "_reply", reply)
    assert killed
    assert not set(killed) & set(pool.pids())
    assert _texts(_ocr.read_many(REQUESTS, timeout=30.0))[0][0] == ["GN2611270042"]


def test_a_request_that_makes_the_engine_exit_is_an_error(pool: _ocr._Pool) -> None:
    (engine,) = pool.take(["eng"], 1)
    deadline = time.monotonic() + 30.0
    engine.hello(deadline)
    engine._write(b"\xff\xff\xff\xff", deadline)  # a frame larger than allowed
    with pytest.raises(OSError, match="died"):
        engine._reply(deadline)
    pool.give([engine], set())
    assert engine.proc.returncode is not None
    assert pool.pids() == []


def test_a_bad_header_is_answered_with_an_error(pool: _ocr._Pool) -> None:
    with pytest.raises(OSError, match="failed"):
        _ocr.read_many(
            [_ocr.OcrRequest([_line("A")], "no-such-language")], timeout=30.0
        )
    assert _texts(_ocr.read_many(REQUESTS, timeout=30.0))[0][0] == ["GN2611270042"]


def test_without_the_library_the_tesseract_command_reads(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _ocr.read_many(REQUESTS, timeout=30.0)
    pool.close()
    pool = _ocr._Pool()
    monkeypatch.setattr(_ocr, "_POOL", pool)
    monkeypatch.setattr(_ocr, "_LIBRARIES", ("libdocsec-no-such-tesseract.so.9",))
    before = children()
    assert _ocr.available() is None  # the command is there: still available
    assert "not installed" in (pool.broken or "")
    assert _ocr.read_many(REQUESTS, timeout=30.0) == expected
    assert pool.pids() == []
    assert children() - before == set()
    # Neither the library nor the command: unavailable, and says why.
    monkeypatch.setattr(_ocr.shutil, "which", lambda _name: None)
    assert "not installed" in (_ocr.available() or "")


def test_the_environment_can_force_the_command(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCSEC_OCR_ENGINE", "subprocess")
    _ocr.prewarm()
    assert _texts(_ocr.read_many(REQUESTS, timeout=30.0))[0][0] == ["GN2611270042"]
    assert pool.pids() == []


def test_concurrent_calls_share_the_pool(pool: _ocr._Pool) -> None:
    expected = _ocr.read_many(REQUESTS, timeout=30.0)
    got: list[object] = []

    def call() -> None:
        got.append(_ocr.read_many(REQUESTS, timeout=60.0))

    threads = [threading.Thread(target=call) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == [expected] * 3
    assert len(pool.pids()) <= _ocr.cores()


def test_each_model_loads_once_per_process(pool: _ocr._Pool) -> None:
    """Prewarmed on two cores, one engine loads ``kor`` and one ``eng``, and each
    request goes to the engine that has its model."""
    if _ocr.cores() < 2:
        pytest.skip("needs two cores")
    _ocr.prewarm()
    assert sorted(sorted(e.loaded) for e in pool.idle) == [["eng"], ["kor"]]
    requests = [
        _ocr.OcrRequest([_line("GN2611270042")], "kor"),
        _ocr.OcrRequest([_line("PARK 1984")], "eng"),
    ]
    _ocr.read_many(requests, timeout=30.0)
    assert {frozenset(e.loaded) for e in pool.idle} == {
        frozenset({"kor"}),
        frozenset({"eng"}),
    }
    # A language no engine has loaded is read by one of them (it loads it).
    got = _ocr.read_many(
        [_ocr.OcrRequest([_line("PARK 1984")], "kor+eng")], timeout=30.0
    )
    assert "PARK" in [w.text for w in got[0][0]]
    assert sum("kor+eng" in e.loaded for e in pool.idle) == 1


def test_a_large_request_is_shared_between_engines(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its images are cut between the engines; the readings are the command's."""
    if _ocr.cores() < 2:
        pytest.skip("needs two cores")
    images = [_line(t) for t in ("GN2611270042", "PARK 1984", "KIM 2024", "A1B2C3")]
    request = _ocr.OcrRequest(images, "eng")
    got = _ocr.read_many([request], timeout=30.0)
    assert len(pool.idle) == 2  # both engines read
    assert sum("eng" in e.loaded for e in pool.idle) == 2
    monkeypatch.setenv("DOCSEC_OCR_ENGINE", "subprocess")
    alone = [_ocr.read_lines([i], languages="eng", timeout=30.0)[0] for i in images]
    assert got == [alone]


def test_one_engine_loads_both_models(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    _ocr.prewarm()
    (engine,) = pool.idle
    assert engine.loaded == {"kor", "eng"}


def test_an_engine_without_a_language_is_not_used(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language the library cannot load: the engine says so and is not used."""
    monkeypatch.setattr(_ocr, "_PRELOAD", ("kor", "docsec-no-such-language"))
    before = children()
    assert _ocr.available() is None  # the tesseract command has kor and eng
    assert "docsec-no-such-language" in (pool.broken or "")
    assert _texts(_ocr.read_many(REQUESTS, timeout=30.0))[0][0] == ["GN2611270042"]
    assert pool.pids() == []
    assert children() - before == set()


def test_many_cores_keep_at_most_four_engines(
    pool: _ocr._Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_ocr, "cores", lambda: 16)
    request = _ocr.OcrRequest([_line("PARK 1984")] * 10, "eng")
    got = _ocr.read_many([request], timeout=60.0)
    assert [[w.text for w in page] for page in got[0]] == [["PARK", "1984"]] * 10
    assert len(pool.pids()) == 4
