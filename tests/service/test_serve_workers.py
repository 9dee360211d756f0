"""``docsec serve --workers N``: the supervisor, its workers and their sockets.

Real processes on loopback: every worker answers (the kernel spreads new
connections over their ``SO_REUSEPORT`` sockets), SIGTERM stops them all with exit
0, a killed worker is replaced, a worker that cannot start stops the service, and a
port in use is a clear error.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from tests.service._live import Served, serving, start_serve, stop_serve, wait_ready
from tests.service.conftest import World

from docsec_cli._serve_workers import (
    MAX_START_FAILURES,
    PortInUseError,
    Supervisor,
    WorkerOptions,
    bind_socket,
    reuseport_available,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc for the process tree"
)


def _children(pid: int) -> set[int]:
    """Return the live (not zombie) child processes of ``pid``."""
    out = set()
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(name))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def _lookup_once(served: Served, world: World) -> int:
    """One look-up over a new connection; return the status."""
    doc = world.docs[0]
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        conn.request("GET", f"/api/v1/documents/{doc.number}?code={doc.code}")
        return conn.getresponse().status
    finally:
        conn.close()


def _answered_by(served: Served) -> Counter[int]:
    """Count the access log's lines per worker process."""
    count: Counter[int] = Counter()
    for line in served.log_text().splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry["route"] == "/api/v1/documents/{number}":
                count[entry["worker"]] += 1
    return count


def _serving_workers(served: Served) -> set[int]:
    """Return the workers the supervisor has logged as serving."""
    return {
        int(line.split()[1])
        for line in served.log_text().splitlines()
        if line.startswith("worker ") and line.endswith(" serving")
    }


def _all_serving(served: Served) -> set[int]:
    """Wait until every child of the supervisor serves; return them."""
    _wait_for(lambda: _children(served.proc.pid) <= _serving_workers(served))
    return _children(served.proc.pid)


@pytest.fixture
def two_workers(world: World) -> Iterator[Served]:
    with serving("--db", world.db, "--trust", str(world.trust), workers=2) as served:
        _all_serving(served)
        yield served


def test_every_worker_answers(world: World, two_workers: Served) -> None:
    workers = _children(two_workers.proc.pid)
    assert len(workers) == 2
    statuses = [_lookup_once(two_workers, world) for _ in range(40)]
    assert statuses == [200] * 40

    def logged() -> bool:
        return sum(_answered_by(two_workers).values()) >= 40

    _wait_for(logged, timeout=10)
    by_worker = _answered_by(two_workers)
    assert set(by_worker) == workers
    if reuseport_available():
        # Hashed over two sockets: fewer than 6 of 40 has a chance of ~1e-6.
        assert min(by_worker.values()) >= 6, by_worker
    # Only the workers listen: the supervisor keeps no copy of their sockets.
    assert "SO_REUSEPORT is not available" not in two_workers.log_text()


def test_sigterm_stops_every_process_with_exit_0(world: World) -> None:
    served = start_serve("--db", world.db, "--trust", str(world.trust), workers=2)
    try:
        wait_ready(served)
        workers = _all_serving(served)
        assert len(workers) == 2
        assert _lookup_once(served, world) == 200
        served.proc.send_signal(signal.SIGTERM)
        assert served.proc.wait(timeout=40) == 0
        assert not any(_alive(pid) for pid in workers)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", served.port), timeout=2).close()
    finally:
        stop_serve(served)


def test_sigint_stops_too(world: World) -> None:
    served = start_serve("--db", world.db, "--trust", str(world.trust), workers=2)
    try:
        wait_ready(served)
        workers = _all_serving(served)
        served.proc.send_signal(signal.SIGINT)
        assert served.proc.wait(timeout=40) == 0
        assert not any(_alive(pid) for pid in workers)
    finally:
        stop_serve(served)


def test_a_killed_worker_is_replaced(world: World, two_workers: Served) -> None:
    supervisor = two_workers.proc.pid
    before = _children(supervisor)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)

    def replaced() -> bool:
        now = _children(supervisor)
        return len(now) == 2 and victim not in now

    _wait_for(replaced)
    assert f"worker {victim} stopped (SIGKILL); starting another" in (
        two_workers.log_text()
    )
    newcomer = (_children(supervisor) - before).pop()
    _wait_for(lambda: newcomer in _serving_workers(two_workers))

    # The new worker serves once it has started (it listens only then).
    def newcomer_answers() -> bool:
        assert _lookup_once(two_workers, world) == 200
        return _answered_by(two_workers)[newcomer] > 0

    _wait_for(newcomer_answers)
    assert two_workers.proc.poll() is None


def test_the_supervisor_dying_takes_its_workers(world: World) -> None:
    served = start_serve("--db", world.db, "--trust", str(world.trust), workers=2)
    try:
        wait_ready(served)
        workers = _all_serving(served)
        served.proc.kill()  # no chance to stop them itself
        served.proc.wait()
        _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=40)
    finally:
        stop_serve(served)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_port_in_use_is_a_clear_error(world: World, workers: int) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        served = start_serve(
            "--db", world.db, "--trust", str(world.trust), workers=workers, port=port
        )
        try:
            assert served.proc.wait(timeout=60) == 1
            err = served.log_text()
        finally:
            stop_serve(served)
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in err
    assert "Traceback" not in err


def test_a_port_held_with_so_reuseport_is_in_use_too() -> None:
    # Another process's SO_REUSEPORT socket would otherwise share the port.
    if not reuseport_available():
        pytest.skip("no SO_REUSEPORT here")
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        sup = Supervisor(
            "127.0.0.1",
            port,
            2,
            WorkerOptions(log_config={"version": 1}, forwarded_allow_ips="127.0.0.1"),
            say=print,
        )
        with pytest.raises(PortInUseError):
            sup.bind()
        with pytest.raises(PortInUseError):
            bind_socket("127.0.0.1", port, reuseport=False).close()


def test_a_worker_that_cannot_start_stops_the_service() -> None:
    said: list[str] = []
    port_holder = socket.socket()
    port_holder.bind(("127.0.0.1", 0))
    port = port_holder.getsockname()[1]
    port_holder.close()
    sup = Supervisor(
        "127.0.0.1",
        port,
        2,
        WorkerOptions(log_config={"version": 1}, forwarded_allow_ips="127.0.0.1"),
        say=said.append,
        worker_command=(sys.executable, "-c", "import sys; sys.exit(7)"),
    )
    sup.bind()
    t0 = time.monotonic()
    failed = sup.run()
    took = time.monotonic() - t0
    assert failed is not None
    assert f"failed to start {MAX_START_FAILURES} times in a row" in failed
    assert "exit code 7" in failed
    # Backing off between the attempts: 0.25 + 0.5 + 1 + 2 s at least.
    assert took >= 3.7
    assert any("trying again in 2.0 s" in line for line in said)
    assert not [p for p in _children(os.getpid()) if "sys.exit(7)" in _cmdline(p)]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_one_worker_still_serves(world: World) -> None:
    with serving("--db", world.db, "--trust", str(world.trust), workers=1) as served:
        assert _children(served.proc.pid) == set()  # this process is the worker
        assert _lookup_once(served, world) == 200
        _wait_for(lambda: sum(_answered_by(served).values()) >= 1, timeout=10)
        assert set(_answered_by(served)) == {served.proc.pid}
    assert served.proc.returncode == 0


def test_workers_without_so_reuseport_share_one_socket(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fallback, as on a system without SO_REUSEPORT: one socket, both answer.
    said: list[str] = []
    port_holder = socket.socket()
    port_holder.bind(("127.0.0.1", 0))
    port = port_holder.getsockname()[1]
    port_holder.close()
    sup = Supervisor(
        "127.0.0.1",
        port,
        2,
        WorkerOptions(log_config={"version": 1}, forwarded_allow_ips="127.0.0.1"),
        say=said.append,
        reuseport=False,
        worker_command=(
            sys.executable,
            "-c",
            "import socket, sys, os, time\n"
            "s = socket.socket(fileno=int(sys.argv[1]))\n"
            "os.write(int(sys.argv[2]), b'1')\n"
            "c, _ = s.accept(); c.sendall(str(os.getpid()).encode()); c.close()\n"
            "time.sleep(60)\n",
        ),
    )
    sup.bind()
    assert sup._shared is not None
    answers: list[str] = []

    def client() -> None:
        for _ in range(2):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
                answers.append(c.recv(100).decode())
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=client, daemon=True).start()
    assert sup.run() is None
    assert len(set(answers)) == 2  # each worker accepted one connection
