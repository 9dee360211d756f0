"""A batch that survives its workers: one input's crash or hang costs that input only.

``concurrent.futures.ProcessPoolExecutor`` cannot do this: a worker killed by the
OOM killer breaks the whole pool (``BrokenProcessPool`` for every pending input,
measured), and a hung worker cannot be stopped. Here each worker process takes one
input at a time over its own pipe, so the parent always knows which input a worker
holds: when the worker dies, that input's answer is ``worker-failed``; when it runs
past the time limit, the worker is killed and the answer is ``timeout``. Either way
a fresh worker takes its place and every other input still gets its answer.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

logger = logging.getLogger("docsec_cli")

J = TypeVar("J")
R = TypeVar("R")

#: A worker that dies before it is ready is started again at most this often.
_MAX_START_FAILURES = 3
#: Seconds a new worker may take to import docsec and load the trust store.
_START_TIMEOUT = 120.0


class WorkerStartError(Exception):
    """The workers could not be started (their initialiser failed)."""


@dataclass(slots=True)
class _Slot:
    process: Any
    conn: Connection
    ready: bool = False
    started: float = field(default_factory=time.monotonic)
    job: int | None = None
    deadline: float = 0.0


@dataclass(frozen=True, slots=True)
class Failure:
    """What happened to an input whose worker did not answer.

    Attributes
    ----------
    reason : {"worker-failed", "timeout"}
        The reason code.
    message : str
        One line for a person.
    """

    reason: str
    message: str


class SupervisedPool(Generic[J, R]):
    """Run ``work(job)`` in worker processes, one job per worker at a time.

    Parameters
    ----------
    target : callable
        The worker's main function, ``target(conn, *init_args)``: it sends
        ``("ready", None)`` once initialised (or ``("init-failed", message)``),
        then answers each ``(index, job)`` it receives with ``(index, result)``
        until it receives ``None``.
    init_args : tuple
        Passed to ``target`` after the connection (picklable).
    workers : int
        Number of worker processes.
    timeout : float
        Seconds one job may take before its worker is killed.
    """

    def __init__(
        self,
        target: Callable[..., None],
        init_args: tuple[object, ...],
        *,
        workers: int,
        timeout: float,
    ) -> None:
        # spawn: a fresh interpreter per worker; fork would copy the parent's
        # threads' locks (and pyHanko, OpenCV and OpenBLAS start threads).
        self._ctx = multiprocessing.get_context("spawn")
        self._target = target
        self._init_args = init_args
        self._workers = max(1, workers)
        self._timeout = timeout
        self._slots: list[_Slot] = []
        self._start_failures = 0

    def _start(self) -> _Slot:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=self._target, args=(child, *self._init_args), daemon=True
        )
        with one_compute_thread():
            process.start()
        child.close()
        return _Slot(process=process, conn=parent)

    def _stop(self, slot: _Slot, *, kill: bool) -> None:
        if kill and slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()

    def run(self, jobs: Sequence[J]) -> Iterator[tuple[int, R | Failure]]:
        """Yield ``(index, result or Failure)`` for every job, in completion order.

        Raises
        ------
        WorkerStartError
            If a worker's initialiser reports a failure, or workers keep dying
            before they are ready.
        """
        pending = list(range(len(jobs)))
        pending.reverse()
        self._slots = [self._start() for _ in range(min(self._workers, len(jobs)))]
        try:
            done = 0
            while done < len(jobs):
                for slot in self._slots:
                    if slot.ready and slot.job is None and pending:
                        index = pending.pop()
                        slot.conn.send((index, jobs[index]))
                        slot.job = index
                        slot.deadline = time.monotonic() + self._timeout
                for index, outcome in self._poll():
                    done += 1
                    yield index, outcome
        finally:
            for slot in self._slots:
                if slot.process.is_alive() and slot.job is None:
                    with contextlib.suppress(OSError):
                        slot.conn.send(None)
                self._stop(slot, kill=slot.job is not None or not slot.ready)
            self._slots = []

    def _poll(self) -> Iterator[tuple[int, R | Failure]]:
        now = time.monotonic()
        deadlines = [
            s.deadline if s.ready else s.started + _START_TIMEOUT
            for s in self._slots
            if s.job is not None or not s.ready
        ]
        wait_for = max(0.0, min(deadlines) - now) if deadlines else None
        handles: list[Any] = [s.conn for s in self._slots]
        handles += [s.process.sentinel for s in self._slots]
        ready = set(wait(handles, timeout=wait_for))
        for i, slot in enumerate(self._slots):
            outcome: R | Failure | None = None
            replace = False
            if slot.conn in ready:
                try:
                    kind, payload = slot.conn.recv()
                except (EOFError, OSError):
                    kind, payload = "died", None
                if kind == "ready":
                    slot.ready = True
                    continue
                if kind == "init-failed":
                    raise WorkerStartError(str(payload))
                if kind == "died":
                    replace = True
                elif slot.job is not None and kind == slot.job:
                    outcome = payload
            elif slot.process.sentinel in ready:
                replace = True
            elif slot.job is not None and time.monotonic() >= slot.deadline:
                outcome = Failure(
                    "timeout",
                    f"no answer after {self._timeout:g} s: the worker was stopped "
                    "(raise --timeout for very large inputs)",
                )
                self._stop(slot, kill=True)
                self._slots[i] = self._start()
                yield self._finish(slot), outcome
                continue
            elif not slot.ready and time.monotonic() >= slot.started + _START_TIMEOUT:
                raise WorkerStartError("a worker did not start in time")
            if replace:
                code = slot.process.exitcode
                if slot.process.is_alive():
                    slot.process.join(timeout=5)
                    code = slot.process.exitcode
                self._stop(slot, kill=True)
                if not slot.ready:
                    self._start_failures += 1
                    if self._start_failures >= _MAX_START_FAILURES:
                        raise WorkerStartError(
                            f"workers keep dying at start (exit code {code})"
                        )
                self._slots[i] = self._start()
                if slot.job is not None:
                    outcome = Failure(
                        "worker-failed",
                        f"the worker process died ({_describe_exit(code)}) while "
                        "verifying this input; the other inputs are not affected",
                    )
            if outcome is not None:
                yield self._finish(slot), outcome

    @staticmethod
    def _finish(slot: _Slot) -> int:
        index = slot.job
        if index is None:  # pragma: no cover - callers check
            raise RuntimeError("no job")
        slot.job = None
        return index


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


#: Thread-pool sizes for the numeric libraries a worker loads (OpenBLAS, OpenMP,
#: MKL, BLIS, Accelerate, numexpr). Read once, when the library loads in the new
#: interpreter: N workers then use N cores, instead of each starting a pool whose
#: idle threads spin on the other cores (measured in issue #19: ``issue --workers
#: 2`` was 1.07x ``--workers 1``).
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "BLIS_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


@contextlib.contextmanager
def one_compute_thread() -> Iterator[None]:
    """Start worker processes inside this block: each gets one compute thread.

    The variables are set in this process's environment while the block runs
    (a spawned worker copies it when it starts) and restored afterwards; this
    process's own libraries, loaded already, are not affected.
    """
    saved = {name: os.environ.get(name) for name in ONE_THREAD}
    os.environ.update(ONE_THREAD)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def limit_threads() -> None:
    """In a worker: OpenCV's own thread pool to one thread as well."""
    import cv2

    cv2.setNumThreads(1)


def worker_loop(
    conn: Connection,
    setup: Callable[[], Callable[[J], R]],
    on_error: Callable[[J, BaseException], R],
) -> None:
    """Run in a worker: initialise, then answer jobs until told to stop.

    ``setup`` returns the function that handles one job; a failure in it is sent
    as ``("init-failed", message)``. An exception while handling a job is turned
    into a result by ``on_error`` (the job then costs only itself).
    """
    try:
        work = setup()
    except Exception as exc:
        logger.debug("worker: initialisation failed", exc_info=True)
        conn.send(("init-failed", str(exc) or type(exc).__name__))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, job = message
        try:
            result = work(job)
        except Exception as exc:
            logger.debug("worker: job %d raised", index, exc_info=True)
            result = on_error(job, exc)
        conn.send((index, result))


def fault_for(name: str) -> str | None:
    """Return the test fault injected for an input name, if any (tests only).

    ``DOCSEC_TEST_WORKER_FAULT=exit:NAME`` makes the worker that takes the input
    called NAME exit at once (``os._exit``), ``hang:NAME`` sleep for an hour,
    ``raise:NAME`` raise. It can only cost that input (never a better verdict).
    """
    spec = os.environ.get("DOCSEC_TEST_WORKER_FAULT", "")
    kind, _, target = spec.partition(":")
    return kind if target and target == name else None
