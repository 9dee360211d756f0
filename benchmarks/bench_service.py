"""Load on ``docsec serve``: throughput and latency of verification and status look-ups.

Usage::

    python benchmarks/bench_service.py [--quick] [--backends sqlite,postgresql]
        [--lookups-only] [--levels 1,10,50]

For each registry backend (a SQLite file; a private PostgreSQL server started with
initdb/pg_ctl on a unix socket, as the tests do) it issues documents into the
registry, starts ``docsec serve --workers 2`` on 127.0.0.1 and drives it with a
bounded asyncio load client (one keep-alive connection per client, a fixed number
of requests per level, nothing open-ended):

* ``GET /api/v1/documents/{number}?code=`` at 1, 10 and 50 concurrent clients;
* ``POST /api/v1/verify`` with 300-dpi scans (the issued page rendered at 300 dpi,
  JPEG q90) and the issued PDFs, at 1, 10 and 50 clients; its throughput is
  compared with ``docsec verify --jobs 2 --registry URL`` on the same files;
* writes under concurrency: 10 clients each issue documents through
  ``POST /api/v1/issue`` and revoke each one, then the registry is counted (no lost
  write: every issue and every revocation is there, numbers unique).

Targets (issue #18, this 2-core machine): look-up p95 <= 20 ms at 50 clients on
PostgreSQL; verify throughput >= 90 % of ``docsec verify --jobs 2``.
Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

import cv2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/_postgres.py: the tests' PostgreSQL starter

from tests._postgres import postgres_server, why_no_postgres  # noqa: E402
from tests.service._live import live_server  # noqa: E402

from docsec import pki  # noqa: E402
from docsec.pdf import render_page  # noqa: E402
from docsec.registry import DocumentState, Registry, Role, issue_registered  # noqa: E402
from docsec.seal import load_certificate_data  # noqa: E402

NOW = datetime.now(UTC)  # the benchmark's one clock
AT = NOW.date().isoformat()
SAMPLE = ROOT / "samples" / "data" / "family-relation.json"
T = TypeVar("T")


@dataclass
class Level:
    backend: str
    endpoint: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def row(self) -> str:
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, round(p / 100 * (len(lat) - 1)))]

        return (
            f"| {self.backend} | {self.endpoint} | {self.clients} | {self.requests} | "
            f"{self.errors} | {self.requests / self.seconds:.1f} | {pct(50):.1f} | "
            f"{pct(95):.1f} | {pct(99):.1f} |"
        )


# ---------------------------------------------------------------- the load client


async def _http(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, dict[str, str], bytes]:
    writer.write(raw)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def _multipart(path: str, data: bytes, name: str) -> bytes:
    boundary = "docsecbench"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def _json_post(path: str, obj: object, token: str) -> bytes:
    body = json.dumps(obj).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


class _Client(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the load client, one request at a time.

    A bare protocol, not streams: the client shares the 2 cores with the server, so
    it does the least that still checks every answer (the status line, and the
    whole body by its Content-Length).
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future[int] | None = None
        self.status = 0
        self.need = -1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if self.need < 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).lower()
            self.status = int(head[9:12])
            at = head.find(b"\r\ncontent-length:")
            if at < 0:
                self._fail(ConnectionError("answer without Content-Length"))
                return
            stop = head.find(b"\r\n", at + 2)
            length = int(head[at + 17 : stop if stop >= 0 else len(head)])
            self.need = end + 4 + length
        if len(buf) >= self.need:
            if len(buf) > self.need:
                self._fail(ConnectionError("more bytes than one answer"))
                return
            buf.clear()
            self.need = -1
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(self.status)

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("connection closed"))

    async def request(self, raw: bytes) -> int:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self.waiter


async def _load(
    port: int, clients: int, requests: list[bytes]
) -> tuple[int, float, list[float]]:
    """Send ``requests`` over ``clients`` keep-alive connections; return errors, time, latencies.

    Every answer's status is checked (not 200: an error); a broken connection
    counts its request as an error and opens a new one.
    """
    queue = list(reversed(requests))
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    clock = time.perf_counter

    async def client() -> None:
        nonlocal errors
        _, conn = await loop.create_connection(_Client, "127.0.0.1", port)
        try:
            while queue:
                raw = queue.pop()
                t0 = clock()
                try:
                    status = await conn.request(raw)
                except (ConnectionError, OSError):
                    errors += 1
                    _, conn = await loop.create_connection(_Client, "127.0.0.1", port)
                    continue
                latencies.append((clock() - t0) * 1000)
                if status != 200:
                    errors += 1
        finally:
            if conn.transport is not None:
                conn.transport.close()

    t0 = clock()
    await asyncio.gather(*(client() for _ in range(clients)))
    return errors, clock() - t0, latencies


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on uvloop if installed (the cheaper loop), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


async def _writes(
    port: int, clients: int, per_client: int, token: str
) -> tuple[list[str], int]:
    """Issue and revoke under concurrency; return the numbers issued and the errors."""
    numbers: list[str] = []
    errors = 0
    data = load_certificate_data(SAMPLE.read_bytes())
    data.pop("document_number", None)

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(per_client):
                status, headers, _ = await _http(
                    reader, writer, _json_post("/api/v1/issue", data, token)
                )
                if status != 201:
                    errors += 1
                    continue
                number = headers["x-docsec-number"]
                numbers.append(number)
                status, _, _ = await _http(
                    reader,
                    writer,
                    _json_post(
                        f"/api/v1/documents/{number}/revoke", {"reason": "bench"}, token
                    ),
                )
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return numbers, errors


# ---------------------------------------------------------------- set-up


def make_pki(
    folder: Path,
) -> tuple[ec.EllipticCurvePrivateKey, object, Path, Path, Path]:
    root_key = ec.generate_private_key(ec.SECP256R1())
    start = NOW - timedelta(days=1)
    root = pki.create_root_ca(
        country="KR",
        common_name="Bench Root",
        organization="docsec bench",
        key=root_key,
        valid_from=start,
        valid_days=3650,
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.create_issuer_certificate(
        root_cert=root,
        root_key=root_key,
        issuer_public_key=key.public_key(),
        country="KR",
        signer_code="GN",
        organization="Bench Office",
        valid_from=start,
        valid_days=1000,
    )
    tdir = folder / "trust"
    tdir.mkdir()
    pem = serialization.Encoding.PEM
    (tdir / "root.pem").write_bytes(root.public_bytes(pem))
    (tdir / "issuer.pem").write_bytes(cert.public_bytes(pem))
    key_file = folder / "issuer.key"
    key_file.write_bytes(
        key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file = folder / "issuer-cert.pem"
    cert_file.write_bytes(cert.public_bytes(pem))
    return key, cert, tdir, key_file, cert_file


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'registry.sqlite3'}"
    else:
        with postgres_server() as url:
            yield url


def _server_pids(port: int) -> set[int]:
    """Return the processes holding the listening socket of ``port`` (the workers)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                # local address hex:port, state 0A = LISTEN
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                    inodes.add(cols[9])
    pids = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in fds}
        except OSError:
            continue
        if any(f"socket:[{i}]" in links for i in inodes):
            pids.add(int(pid))
    return pids


def _cpu_seconds(pids: set[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def compare(other: Path, rounds: int, *, clients: int) -> None:
    """Look-ups on one PostgreSQL: this checkout's service against ``other``'s.

    Both run ``docsec serve --workers 2``; rounds of ``clients`` x 60 look-ups go
    to one and then the other (the order alternating), so that both see the same
    machine. Prints medians over the rounds, with the servers' CPU per look-up
    (their processes' user + system time), which depends far less on other load
    than the latencies do.
    """
    import statistics
    from contextlib import ExitStack

    if why_no_postgres():
        sys.exit(f"postgresql: {why_no_postgres()}")
    sides = {"this": ROOT, "other": other.resolve()}
    results: dict[str, list[tuple[float, ...]]] = {name: [] for name in sides}
    with (
        tempfile.TemporaryDirectory(prefix="docsec-bench-ab-") as tmp,
        postgres_server() as url,
        ExitStack() as stack,
    ):
        key, cert, tdir, _, _ = make_pki(Path(tmp))
        reg = Registry(url)
        reg.init()
        data = load_certificate_data(SAMPLE.read_bytes())
        data.pop("document_number", None)
        docs = [
            issue_registered(reg, data, key=key, cert=cert, now=NOW, actor="bench")
            for _ in range(12)
        ]
        reg.close()
        lookups = [_get(f"/api/v1/documents/{d.number}?code={d.code}") for d in docs]
        reqs = (lookups * (60 * clients // len(lookups) + 1))[: 60 * clients]
        servers: dict[str, tuple[int, set[int]]] = {}
        for name, root in sides.items():
            base = stack.enter_context(
                live_server(
                    *("--db", url, "--trust", str(tdir)),
                    *("--lookup-per-minute", "1000000"),
                    workers=2,
                    root=root,
                )
            )
            port = int(base.rsplit(":", 1)[1])
            servers[name] = (port, _server_pids(port))
            _run(_load(port, 10, lookups * 40))  # warm-up
        for r in range(rounds):
            for name in sides if r % 2 == 0 else reversed(list(sides)):
                port, pids = servers[name]
                cpu0 = _cpu_seconds(pids)
                errors, secs, lat = _run(_load(port, clients, reqs))
                cpu = _cpu_seconds(pids) - cpu0
                lat.sort()
                results[name].append(
                    (
                        len(lat) / secs,
                        *(lat[round(p / 100 * (len(lat) - 1))] for p in (50, 95, 99)),
                        1e6 * cpu / len(lat),
                        float(errors),
                        os.getloadavg()[0],
                    )
                )
    print(
        "| checkout | rounds | clients | look-ups a round | errors | req/s | p50 ms "
        "| p95 ms | p99 ms | server CPU us per look-up | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        med = [statistics.median(row[i] for row in rows) for i in range(7)]
        print(
            f"| {name} ({sides[name]}) | {len(rows)} | {clients} | {len(reqs)} | "
            f"{sum(int(row[5]) for row in rows)} | {med[0]:.0f} | {med[1]:.1f} | "
            f"{med[2]:.1f} | {med[3]:.1f} | {med[4]:.0f} | {med[6]:.1f} |"
        )
    print(
        f"- medians over rounds of {len(reqs)} look-ups, sides alternating; "
        f"{os.cpu_count()} CPUs shared by the load client, both servers, the "
        "database and other users (load average: 1-minute, median over the rounds)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--lookups-only",
        action="store_true",
        help="only the status look-ups (no verify, no writes, no CLI baseline)",
    )
    parser.add_argument(
        "--levels",
        default="1,10,50",
        help="concurrent clients per level, comma-separated",
    )
    parser.add_argument(
        "--compare",
        metavar="CHECKOUT",
        default=None,
        help="A/B look-ups on PostgreSQL: this checkout's service against the one in "
        "CHECKOUT (e.g. a git worktree of an older commit), in alternating rounds",
    )
    parser.add_argument("--rounds", type=int, default=12, help="rounds per side")
    args = parser.parse_args()
    if args.compare:
        compare(
            Path(args.compare), args.rounds, clients=int(args.levels.split(",")[-1])
        )
        return
    quick = args.quick
    levels = tuple(int(c) for c in args.levels.split(","))
    n_docs = 6 if quick else 12
    lookups_per_client = 20 if quick else 60
    verifies = {1: 6, 10: 12, 50: 50} if quick else {1: 12, 10: 30, 50: 100}
    write_clients, writes_each = (10, 1) if quick else (10, 3)

    rows: list[Level] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="docsec-bench-service-") as tmp:
        folder = Path(tmp)
        key, cert, tdir, key_file, cert_file = make_pki(folder)
        for backend in args.backends.split(","):
            if backend == "postgresql" and why_no_postgres():
                notes.append(f"postgresql skipped: {why_no_postgres()}")
                continue
            bdir = folder / backend
            bdir.mkdir()
            with database(backend, bdir) as url:
                reg = Registry(url)
                reg.init()
                data = load_certificate_data(SAMPLE.read_bytes())
                data.pop("document_number", None)
                docs = [
                    issue_registered(
                        reg,
                        data,
                        key=key,
                        cert=cert,
                        now=NOW,
                        actor="bench",
                        verify_url="http://127.0.0.1:8080",
                    )
                    for _ in range(n_docs)
                ]
                token = reg.create_token(Role.ISSUER, label="bench", now=NOW)
                inputs: list[tuple[str, bytes]] = []
                files: list[Path] = []
                for i, doc in enumerate([] if args.lookups_only else docs):
                    page = render_page(doc.pdf, dpi=300.0)
                    ok, jpg = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 90])
                    assert ok
                    for name, blob in (
                        (f"scan{i}.jpg", jpg.tobytes()),
                        (f"doc{i}.pdf", doc.pdf),
                    ):
                        inputs.append((name, blob))
                        (bdir / name).write_bytes(blob)
                        files.append(bdir / name)
                serve_args = (
                    "--db",
                    url,
                    "--trust",
                    str(tdir),
                    "--issuer-key",
                    str(key_file),
                    "--issuer-cert",
                    str(cert_file),
                    "--verify-per-minute",
                    "1000000",
                    "--lookup-per-minute",
                    "1000000",
                    "--write-per-minute",
                    "1000000",
                )
                with live_server(*serve_args, workers=2) as base:
                    port = int(base.rsplit(":", 1)[1])
                    # warm-up: both workers load their policy and connections
                    _run(_load(port, 4, [_get("/readyz")] * 40))
                    lookups = [
                        _get(f"/api/v1/documents/{d.number}?code={d.code}")
                        for d in docs
                    ]
                    _run(_load(port, 10, lookups * 40))
                    _run(
                        _load(
                            port,
                            2,
                            [_multipart("/api/v1/verify", b, n) for n, b in inputs[:4]],
                        )
                    )
                    for c in levels:
                        reqs = lookups * (lookups_per_client * c // len(docs) + 1)
                        reqs = reqs[: lookups_per_client * c]
                        errors, secs, lat = _run(_load(port, c, reqs))
                        rows.append(
                            Level(
                                backend,
                                "GET documents/{n}",
                                c,
                                len(reqs),
                                errors,
                                secs,
                                lat,
                            )
                        )
                    if args.lookups_only:
                        reg.close()
                        continue  # stops the service and the database
                    for c in levels:
                        n = verifies[c]
                        reqs = [
                            _multipart(
                                "/api/v1/verify",
                                inputs[i % len(inputs)][1],
                                inputs[i % len(inputs)][0],
                            )
                            for i in range(n)
                        ]
                        errors, secs, lat = _run(_load(port, c, reqs))
                        rows.append(
                            Level(backend, "POST verify", c, n, errors, secs, lat)
                        )
                    before = reg.count()
                    t0 = time.perf_counter()
                    numbers, werrors = _run(
                        _writes(port, write_clients, writes_each, token)
                    )
                    wsecs = time.perf_counter() - t0
                # the service is stopped: count what it wrote
                expected = write_clients * writes_each
                issued = reg.count() - before
                revoked = reg.count(DocumentState.REVOKED)
                lost = (
                    (expected - issued)
                    + (expected - revoked)
                    + (len(numbers) - len(set(numbers)))
                )
                notes.append(
                    f"{backend}: writes: {write_clients} clients x {writes_each} issue+revoke "
                    f"in {wsecs:.1f} s: {werrors} errors, {issued}/{expected} issued, "
                    f"{revoked}/{expected} revoked, {len(set(numbers))} unique numbers: "
                    f"lost writes {lost}"
                )
                # baseline: docsec verify --jobs 2 on the same files, same registry
                env = {
                    **os.environ,
                    "PYTHONPATH": os.pathsep.join(
                        [str(ROOT / "src"), str(ROOT / "cli")]
                    ),
                }
                batch = (files * 8)[: 24 if quick else 48]

                def cli_verify(paths: list[Path]) -> tuple[float, int]:
                    t0 = time.perf_counter()
                    proc = subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "docsec_cli.main",
                            "verify",
                            "--jobs",
                            "2",
                            "--trust",
                            str(tdir),
                            "--at",
                            AT,
                            "--registry",
                            url,
                            *map(str, paths),
                        ],
                        capture_output=True,
                        env=env,  # noqa: B023 - one backend at a time
                        check=False,
                    )
                    return time.perf_counter() - t0, proc.returncode

                one, _ = cli_verify(batch[:2])
                bsecs, code = cli_verify(batch)
                # Marginal rate: the start of the process and its pool (the run of
                # two files) taken out; the raw rate is shown too.
                base_rps = (len(batch) - 2) / (bsecs - one)
                best = max(
                    r.requests / r.seconds
                    for r in rows
                    if r.backend == backend and r.endpoint == "POST verify"
                )
                notes.append(
                    f"{backend}: docsec verify --jobs 2 --registry: {len(batch)} files in "
                    f"{bsecs:.1f} s (exit {code}) = {len(batch) / bsecs:.2f}/s raw, "
                    f"{base_rps:.2f}/s without process start; service best "
                    f"{best:.2f}/s = {100 * best / base_rps:.0f} % (target >= 90 %)"
                )
                reg.close()

    print(
        "| backend | endpoint | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(r.row())
    print()
    for note in notes:
        print(f"- {note}")
    pg50 = [
        r
        for r in rows
        if r.backend == "postgresql"
        and r.endpoint.startswith("GET")
        and r.clients == 50
    ]
    if pg50:
        lat = sorted(pg50[0].latencies_ms)
        p95 = lat[round(0.95 * (len(lat) - 1))]
        print(
            f"- target: look-up p95 at 50 clients on PostgreSQL {p95:.1f} ms (<= 20 ms): "
            f"{'met' if p95 <= 20 else 'NOT met'}"
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"- {os.cpu_count()} CPUs shared by the load client, the server and the "
        f"database (and other users: load average {load} at the end); "
        f"{'quick run' if quick else 'full run'}; percentiles over every request"
    )


if __name__ == "__main__":
    main()
