"""A throw-away PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder.

The server listens only on a unix socket inside that folder (no TCP port at all), with
``trust`` authentication for the one local user. As root (initdb refuses root) it runs
as the ``postgres`` system user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_bin() -> Path | None:
    """Return the newest /usr/lib/postgresql/*/bin holding initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def why_no_postgres() -> str | None:
    """Return why the tests cannot start PostgreSQL here, or None if they can."""
    if postgres_bin() is None:
        return "PostgreSQL server binaries absent (apt-get install postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb refuses root"
    return None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL server; yield a psycopg URL of its ``docsec`` database."""
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError(why_no_postgres() or "no PostgreSQL")
    root = Path(tempfile.mkdtemp(prefix="docsec-pg-"))
    data = root / "data"
    as_user: list[str] = []
    user = os.environ.get("USER") or "docsec"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
        user = "postgres"
    log = root / "server.log"

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        user,
        "-E",
        "UTF8",
        "--no-locale",
    )
    options = (
        f"-c listen_addresses='' -c unix_socket_directories={root} "
        "-c max_connections=60 -c fsync=off -c shared_buffers=32MB"
    )
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(log),
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        run(str(bindir / "createdb"), "-h", str(root), "-U", user, "docsec")
        yield f"postgresql+psycopg://{user}@/docsec?host={root}"
    finally:
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(root, ignore_errors=True)
