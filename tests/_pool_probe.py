"""A batch worker that reports its thread settings (for tests/cli/test_pool_threads.py).

It lives in the ``tests`` package so that a spawned worker can import it by name.
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection

from docsec_cli._pool import ONE_THREAD, limit_threads, worker_loop


def report_worker(conn: Connection) -> None:
    def setup() -> object:
        limit_threads()

        def work(job: int) -> tuple[dict[str, str | None], int, int]:
            import cv2
            import numpy as np

            # numpy's own view of its BLAS pool (threadpoolctl is not a dependency:
            # the environment variables decide it when numpy loads).
            _ = np.ones((64, 64), np.float32) @ np.ones((64, 64), np.float32)
            return (
                {name: os.environ.get(name) for name in ONE_THREAD},
                cv2.getNumThreads(),
                job,
            )

        return work

    worker_loop(conn, setup, lambda job, exc: repr(exc))  # type: ignore[arg-type]
