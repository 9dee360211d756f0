"""A real ``docsec serve`` process on a free loopback port, for browser and CLI tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Served:
    """A running ``docsec serve``: its process, address and stderr (the access log)."""

    proc: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def start_serve(
    *args: str, workers: int = 1, root: Path = ROOT, port: int | None = None
) -> Served:
    """Start ``docsec serve ARGS`` on 127.0.0.1 (not waiting for it)."""
    port = free_port() if port is None else port
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root / "cli")]),
    }
    # stderr (the access log) to a file: a pipe nobody reads would fill and block.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop_serve
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docsec_cli.main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *args,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    return Served(proc, port, log)


def wait_ready(served: Served, timeout: float = 60) -> None:
    """Wait until ``/readyz`` answers 200; raise if the process exits first."""
    deadline = time.monotonic() + timeout
    while True:
        if served.proc.poll() is not None:
            raise RuntimeError(f"docsec serve exited: {served.log_text()}")
        try:
            with urllib.request.urlopen(served.base + "/readyz", timeout=2) as r:  # noqa: S310 (loopback http)
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("docsec serve did not become ready")
        time.sleep(0.2)


def stop_serve(served: Served) -> None:
    """SIGTERM, then SIGKILL after 20 s; close the log."""
    served.proc.terminate()
    try:
        served.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        served.proc.kill()
        served.proc.wait()
    served.log.close()


@contextmanager
def serving(*args: str, workers: int = 1, root: Path = ROOT) -> Iterator[Served]:
    """Run ``docsec serve ARGS`` on 127.0.0.1 until the block ends; yield it ready."""
    served = start_serve(*args, workers=workers, root=root)
    try:
        wait_ready(served)
        yield served
    finally:
        stop_serve(served)


@contextmanager
def live_server(*args: str, workers: int = 1, root: Path = ROOT) -> Iterator[str]:
    """Run ``docsec serve ARGS`` on 127.0.0.1; yield its base URL.

    ``root`` is the checkout whose code serves (the benchmark compares two).
    """
    with serving(*args, workers=workers, root=root) as served:
        yield served.base
