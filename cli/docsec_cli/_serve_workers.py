"""``docsec serve``'s processes: listening sockets, the workers and their supervisor.

With ``--workers N`` (N > 1) the ``docsec serve`` process is a supervisor: it starts
N worker processes (``python -m docsec_cli._serve_worker``), each running uvicorn
on a listening socket of its own, bound by the supervisor with ``SO_REUSEPORT`` on
the same address and port and handed over at start. The kernel then spreads new
connections over the workers by a hash of their addresses, evenly, instead of
letting whichever worker wakes first take them from one shared queue (38 and 12 of
50 keep-alive connections were seen with uvicorn's shared socket, and the busier
worker's clients waited). The supervisor keeps no copy of a worker's socket: when
a worker dies its queue goes with it and new connections reach the others only;
a worker starts listening only once its application is loaded.

Where ``SO_REUSEPORT`` does not spread connections (it is missing, or, as on the
BSDs and macOS, gives them all to one socket) the workers share one socket, as
uvicorn's do, and the log says so.

The supervisor

* restarts a worker that dies (at once if it had started serving, else after a
  back-off of 0.25, 0.5, 1, 2 s); a worker that fails :data:`MAX_START_FAILURES`
  times in a row before serving stops the service (``docsec serve`` exits 1);
* on SIGTERM or SIGINT asks every worker to stop (SIGTERM: uvicorn finishes the
  requests in flight and closes the database pools), waits for them
  (:data:`STOP_TIMEOUT`, then SIGKILL) and exits 0;
* is watched by its workers: on Linux a worker receives SIGTERM when the
  supervisor dies (``PR_SET_PDEATHSIG``), elsewhere it notices within a second,
  so none is left behind.

With ``--workers 1`` the ``docsec serve`` process itself is the worker.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from docsec_cli._i18n import tr

__all__ = [
    "MAX_START_FAILURES",
    "STOP_TIMEOUT",
    "PortInUseError",
    "Supervisor",
    "WorkerOptions",
    "bind_socket",
    "reuseport_available",
    "run_worker",
]

#: Consecutive start failures of one worker after which the service stops.
MAX_START_FAILURES = 5
#: Seconds the supervisor waits for its workers to stop before killing them.
STOP_TIMEOUT = 30.0
#: Seconds a stopping worker lets requests in flight finish.
GRACEFUL_TIMEOUT = 20.0
_BACKOFF = (0.25, 0.5, 1.0, 2.0)


class PortInUseError(OSError):
    """The address and port are taken by another process."""


@dataclass(frozen=True)
class WorkerOptions:
    """What a worker needs besides the service settings (``$DOCSEC_SERVICE_SETTINGS``).

    Parameters
    ----------
    log_config : dict
        uvicorn's logging set-up.
    forwarded_allow_ips : str
        Reverse proxies whose ``X-Forwarded-*`` headers are believed.
    """

    log_config: dict[str, Any]
    forwarded_allow_ips: str

    def to_json(self) -> str:
        """Return the options as JSON (a worker's command line)."""
        return json.dumps(
            {
                "log_config": self.log_config,
                "forwarded_allow_ips": self.forwarded_allow_ips,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> WorkerOptions:
        """Read :meth:`to_json`'s form."""
        obj = json.loads(text)
        return cls(
            log_config=dict(obj["log_config"]),
            forwarded_allow_ips=str(obj["forwarded_allow_ips"]),
        )


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def reuseport_available() -> bool:
    """Return True if the kernel spreads a port's connections over several sockets.

    Linux does (``SO_REUSEPORT``, since 3.9). The BSDs and macOS accept the option
    but give the connections to one of the sockets, so there the workers share one.
    """
    if not sys.platform.startswith("linux") or not hasattr(socket, "SO_REUSEPORT"):
        return False
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    except OSError:
        return False
    return True


def bind_socket(host: str, port: int, *, reuseport: bool) -> socket.socket:
    """Return a TCP socket bound to ``host:port`` (not yet listening).

    Without ``reuseport`` the socket is the only one on the port. With it, other
    ``SO_REUSEPORT`` sockets of the same user may join the port: check the port
    first with a socket bound without it (:meth:`Supervisor.bind` does).

    Raises
    ------
    PortInUseError
        Another process holds the port.
    OSError
        The address cannot be bound (e.g. not an address of this machine).
    """
    family = _family(host)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuseport:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(exc.errno, exc.strerror) from exc
        raise
    sock.set_inheritable(True)
    return sock


def _die_with_parent(parent: int) -> None:
    """Ask the kernel for SIGTERM when the supervisor dies (Linux); exit if it has."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the request took effect
        sys.exit(0)


def run_worker(
    sock: socket.socket,
    options: WorkerOptions,
    *,
    ready_fd: int | None = None,
    parent: int | None = None,
) -> int:
    """Serve the application of ``$DOCSEC_SERVICE_SETTINGS`` on ``sock`` until told to stop.

    Parameters
    ----------
    sock : socket.socket
        The bound socket (uvicorn starts listening on it once the app is loaded).
    options : WorkerOptions
    ready_fd : int, optional
        A pipe's write end: one byte is written once the worker serves.
    parent : int, optional
        The supervisor's process id (the worker stops when it dies).

    Returns
    -------
    int
        0 after a stop on SIGTERM/SIGINT, 3 if the application failed to start.
    """
    import asyncio

    import uvicorn

    if parent is not None:
        _die_with_parent(parent)
    from docsec.service import HttpProtocol

    config = uvicorn.Config(
        "docsec.service._app:app_from_environment",
        factory=True,
        http=HttpProtocol,  # httptools, each answer in one write
        ws="none",  # the service has no WebSocket route
        access_log=False,  # docsec's own access log carries no client data
        proxy_headers=True,
        forwarded_allow_ips=options.forwarded_allow_ips,
        server_header=False,
        log_config=options.log_config,
        timeout_graceful_shutdown=int(GRACEFUL_TIMEOUT),
    )
    server = uvicorn.Server(config)

    def stop(_sig: int, _frame: FrameType | None) -> None:
        # Before uvicorn has its handlers (imports) a stop request ends the
        # process; after uvicorn's graceful stop, the signal it raises again on
        # the way out is already answered.
        if not server.should_exit:
            sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    async def serve() -> None:
        task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started and ready_fd is not None:
            with contextlib.suppress(OSError):
                os.write(ready_fd, b"1")
                os.close(ready_fd)
        # Where the kernel cannot signal the supervisor's death, look for it.
        while parent is not None and not task.done():
            if os.getppid() != parent:
                server.should_exit = True
                break
            await asyncio.wait({task}, timeout=1.0)
        await task

    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(serve())
    return 0 if server.started else 3


def _describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


@dataclass
class _Worker:
    slot: int
    proc: subprocess.Popen[bytes]
    ready_r: int | None
    ready: bool = False


@dataclass
class Supervisor:
    """Start ``workers`` worker processes on ``host:port`` and keep them running.

    Parameters
    ----------
    host, port : str, int
        The listening address.
    workers : int
        Worker processes.
    options : WorkerOptions
    say : callable
        Where the supervisor's messages go (one line each, in the CLI's language).
    reuseport : bool
        One ``SO_REUSEPORT`` socket per worker; else one shared socket.
    worker_command : tuple of str
        The worker's command; it is given the socket's file descriptor, the
        readiness pipe's, the supervisor's pid and the options as JSON.
    """

    host: str
    port: int
    workers: int
    options: WorkerOptions
    say: Callable[[str], None]
    reuseport: bool = True
    worker_command: tuple[str, ...] = (sys.executable, "-m", "docsec_cli._serve_worker")
    _shared: socket.socket | None = None
    _running: dict[int, _Worker] = field(default_factory=dict)
    _failures: dict[int, int] = field(default_factory=dict)
    _restart_at: dict[int, float] = field(default_factory=dict)
    _stopping: bool = False

    def bind(self) -> None:
        """Check that the port is free (and hold it, for a shared socket).

        Raises
        ------
        PortInUseError, OSError
        """
        if self.reuseport:
            # The workers' sockets are bound one by one as they start; this checks
            # the port at once, with a clear error before any worker starts.
            bind_socket(self.host, self.port, reuseport=False).close()
        else:
            self._shared = bind_socket(self.host, self.port, reuseport=False)
            self._shared.listen(2048)

    def _spawn(self, slot: int) -> None:
        if self._shared is not None:
            sock = self._shared
        else:
            sock = bind_socket(self.host, self.port, reuseport=True)
        ready_r, ready_w = os.pipe()
        try:
            proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    *self.worker_command,
                    str(sock.fileno()),
                    str(ready_w),
                    str(os.getpid()),
                    self.options.to_json(),
                ],
                pass_fds=(sock.fileno(), ready_w),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(ready_w)
            if sock is not self._shared:
                sock.close()  # the worker's own now: it dies with the worker
        self._running[slot] = _Worker(slot, proc, ready_r)

    def _on_signal(self, _sig: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def _stop_requested(self) -> bool:
        return self._stopping  # set by the signal handler at any time

    def run(self) -> str | None:
        """Run until SIGTERM/SIGINT (None) or until a worker cannot start (why)."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        os.set_blocking(wake_r, False)
        old_wakeup = signal.set_wakeup_fd(wake_w)
        old = {
            sig: signal.signal(sig, self._on_signal)
            for sig in (signal.SIGTERM, signal.SIGINT)
        }
        failed: str | None = None
        try:
            for slot in range(self.workers):
                self._spawn(slot)
            failed = self._loop(wake_r)
        finally:
            self._stop_all()
            signal.set_wakeup_fd(old_wakeup)
            for sig, handler in old.items():
                signal.signal(sig, handler)
            os.close(wake_r)
            os.close(wake_w)
            if self._shared is not None:
                self._shared.close()
        return failed

    def _loop(self, wake_r: int) -> str | None:
        with selectors.DefaultSelector() as sel:
            sel.register(wake_r, selectors.EVENT_READ)
            while not self._stopping:
                for w in self._running.values():
                    if w.ready_r is not None and w.ready_r not in sel.get_map():
                        sel.register(w.ready_r, selectors.EVENT_READ, w)
                for key, _ in sel.select(timeout=0.25):
                    if key.fd == wake_r:
                        with contextlib.suppress(OSError):
                            os.read(wake_r, 512)
                        continue
                    w = key.data
                    sel.unregister(key.fd)
                    got = os.read(key.fd, 1)
                    os.close(key.fd)
                    w.ready_r = None
                    if got:
                        w.ready = True
                        self._failures[w.slot] = 0
                        self.say(tr("worker {pid} serving").format(pid=w.proc.pid))
                if self._stop_requested():
                    break
                for slot, w in list(self._running.items()):
                    rc = w.proc.poll()
                    if rc is None:
                        continue
                    if w.ready_r is not None:
                        sel.unregister(w.ready_r)
                        os.close(w.ready_r)
                    del self._running[slot]
                    if w.ready:
                        self.say(
                            tr("worker {pid} stopped ({how}); starting another").format(
                                pid=w.proc.pid, how=_describe(rc)
                            )
                        )
                        self._restart_at[slot] = time.monotonic()
                        continue
                    n = self._failures.get(slot, 0) + 1
                    self._failures[slot] = n
                    if n >= MAX_START_FAILURES:
                        return tr(
                            "a worker failed to start {times} times in a row "
                            "(last: {how}); stopping"
                        ).format(times=n, how=_describe(rc))
                    delay = _BACKOFF[min(n, len(_BACKOFF)) - 1]
                    self.say(
                        tr(
                            "worker {pid} failed to start ({how}); trying again in "
                            "{delay} s"
                        ).format(pid=w.proc.pid, how=_describe(rc), delay=delay)
                    )
                    self._restart_at[slot] = time.monotonic() + delay
                now = time.monotonic()
                for slot, at in list(self._restart_at.items()):
                    if at <= now:
                        del self._restart_at[slot]
                        self._spawn(slot)
        return None

    def _stop_all(self) -> None:
        workers = list(self._running.values())
        for w in workers:
            if w.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    w.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for w in workers:
            try:
                w.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()
            if w.ready_r is not None:
                os.close(w.ready_r)
                w.ready_r = None
        self._running.clear()
