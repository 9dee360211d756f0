"""Batch workers use one compute thread each (issue #19): numpy's BLAS and OpenCV
would otherwise start a pool per worker whose idle threads spin on the other cores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests._pool_probe import report_worker

from docsec_cli._pool import ONE_THREAD, SupervisedPool


def test_workers_get_one_compute_thread_and_the_parent_keeps_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A spawned worker imports this module by name, on the parent's sys.path.
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2]))
    before = {name: os.environ.get(name) for name in ONE_THREAD}
    pool: SupervisedPool[int, object] = SupervisedPool(
        report_worker, (), workers=2, timeout=60
    )
    answers = dict(pool.run([1, 2, 3]))
    assert sorted(answers) == [0, 1, 2]
    for index, answer in answers.items():
        assert isinstance(answer, tuple), answer
        env, cv_threads, job = answer
        assert env == ONE_THREAD
        assert cv_threads == 1
        assert job == index + 1
    # The parent's environment is restored once the workers are started.
    assert {name: os.environ.get(name) for name in ONE_THREAD} == before
