"""The PostgreSQL look-up path without threads (psycopg's async pool).

It must answer exactly as the SQLAlchemy path on the same database: the same status,
the same 404 for a wrong code or an unknown number, the same problem details, and
it must hand its connections back when the worker stops.
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.service.conftest import NOW, World, build_world
from tests.service.test_api import make_client

from docsec.registry import DocumentState, Registry, RegistryUnavailable
from docsec.registry._async import AsyncLookup
from docsec.service import ENV_VAR, ServiceSettings


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> World:
    """Four documents: 0 active, 1 revoked, 2 superseded by 3 (active)."""
    w = build_world(tmp_path_factory.mktemp("service-async"), NOW, postgres_url)
    reg = Registry(w.db)
    try:
        reg.revoke(
            w.docs[1].number,
            reason="lost",
            actor="test",
            now=NOW + timedelta(hours=1),
        )
        reg.supersede(
            w.docs[2].number,
            by=w.docs[3].number,
            actor="test",
            now=NOW + timedelta(hours=2),
        )
    finally:
        reg.close()
    return w


def _cases(w: World) -> list[tuple[str, str | None]]:
    """Number and code pairs: right, wrong, typed as on paper, unknown, none."""
    cases: list[tuple[str, str | None]] = []
    for doc in w.docs:
        wrong = ("Z" if doc.code[0] != "Z" else "Y") + doc.code[1:]
        cases += [
            (doc.number, doc.code),
            (doc.number, wrong),
            (doc.number, f"{doc.code[:5].lower()}-{doc.code[5:]}"),
            (doc.number, None),
        ]
    cases += [("KRXX202600009999", w.docs[0].code), ("KRXX202600009999", None)]
    return cases


def test_same_answers_as_the_sqlalchemy_path(world: World) -> None:
    reg = Registry(world.db)
    fast = AsyncLookup(world.db, pool_size=2)

    async def run() -> list[object]:
        await fast.open()
        try:
            return [await fast.lookup(n, c) for n, c in _cases(world)]
        finally:
            await fast.close()

    try:
        expected = [reg.lookup(n, c) for n, c in _cases(world)]
    finally:
        reg.close()
    got = asyncio.run(run())
    assert got == expected
    states = [s.state if s is not None else None for s in got]
    active, revoked_, superseded_ = (
        DocumentState.ACTIVE,
        DocumentState.REVOKED,
        DocumentState.SUPERSEDED,
    )
    # per document: right code, wrong code, code as printed, no code (operators)
    assert states[:4] == [active, None, active, active]
    assert states[4:8] == [revoked_, None, revoked_, revoked_]
    assert states[8] is superseded_
    assert states[-2:] == [None, None]
    revoked = got[4]
    assert revoked is not None
    assert revoked.reason == "lost"
    assert revoked.changed_at == NOW + timedelta(hours=1)
    superseded = got[8]
    assert superseded is not None
    assert superseded.superseded_by == world.docs[3].number


def _answers(c: TestClient, w: World) -> list[tuple[int, str, bytes]]:
    out = []
    for number, code in _cases(w):
        params = {} if code is None else {"code": code}
        r = c.get(f"/api/v1/documents/{number}", params=params)
        out.append((r.status_code, r.headers["content-type"], r.content))
    r = c.get("/api/v1/documents/bad!", params={"code": w.docs[0].code})
    out.append((r.status_code, r.headers["content-type"], r.content))
    return out


def test_the_api_answers_alike_on_both_paths(world: World) -> None:
    # Without its lifespan the app has no pool and uses the SQLAlchemy path.
    threaded = make_client(world)
    assert threaded.app.state.lookup_pool is not None  # type: ignore[attr-defined]
    assert not threaded.app.state.lookup_pool.is_open  # type: ignore[attr-defined]
    try:
        expected = _answers(threaded, world)
    finally:
        threaded.app.state.registry.close()  # type: ignore[attr-defined]
    with make_client(world) as c:
        assert c.app.state.lookup_pool.is_open  # type: ignore[attr-defined]
        got = _answers(c, world)
    assert got == expected
    assert [status for status, _, _ in got] == [200, 404, 200, 400] * 4 + [
        404,
        400,
        400,
    ]
    assert {kind for status, kind, _ in got if status != 200} == {
        "application/problem+json"
    }


def test_the_service_looks_up_without_sqlalchemy(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = world.docs[0]
    with make_client(world) as c:

        def no_thread_path(*_args: object) -> None:
            raise AssertionError("the SQLAlchemy look-up ran")

        monkeypatch.setattr(c.app.state.registry, "lookup", no_thread_path)  # type: ignore[attr-defined]
        r = c.get(f"/api/v1/documents/{doc.number}", params={"code": doc.code})
        assert r.status_code == 200
        assert r.json()["status"] == "active"
        # The page's form: the same look-up, still behind its CSRF token.
        r = c.post("/lookup", data={"number": doc.number, "code": doc.code})
        assert r.status_code == 403
        c.get("/")
        r = c.post(
            "/lookup",
            data={
                "number": doc.number,
                "code": doc.code,
                "csrf": c.cookies["docsec_csrf"],
            },
        )
        assert r.status_code == 200
        assert 'id="registry-status"' in r.text
        r = c.post(
            "/lookup",
            data={
                "number": doc.number,
                "code": "ZZZZZZZZZZ",
                "csrf": c.cookies["docsec_csrf"],
            },
        )
        assert r.status_code == 200
        assert 'id="registry-status"' not in r.text


def test_rate_limit_applies_to_the_async_path(world: World) -> None:
    doc = world.docs[0]
    with make_client(world, lookup_per_minute=2) as c:
        codes = [
            c.get(
                f"/api/v1/documents/{doc.number}", params={"code": doc.code}
            ).status_code
            for _ in range(3)
        ]
    assert codes == [200, 200, 429]


def test_pool_closed_on_shutdown_and_readiness_follows_it(world: World) -> None:
    doc = world.docs[0]
    with make_client(world) as c:
        pool = c.app.state.lookup_pool  # type: ignore[attr-defined]
        assert pool.is_open
        assert c.get("/readyz").status_code == 200
        # The pool closed under a running app: not ready, look-ups 503 (never a
        # silent answer from elsewhere).
        c.portal.call(pool.close)  # type: ignore[union-attr]
        assert not pool.is_open
        r = c.get("/readyz")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        r = c.get(f"/api/v1/documents/{doc.number}", params={"code": doc.code})
        assert r.status_code == 503
        assert r.json()["type"].endswith("/unavailable")
    with make_client(world) as c:
        pool = c.app.state.lookup_pool  # type: ignore[attr-defined]
        assert pool.is_open
        assert c.get("/readyz").status_code == 200  # a connection was made
        assert pool.stats()["size"] >= 1
    assert not pool.is_open  # the lifespan closed it
    assert pool.stats() == {"size": 0, "idle": 0, "waiting": 0}


def test_unreachable_database_is_unavailable(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # No server behind this socket folder: the look-up fails as unavailable after
    # its timeout, readiness is false; nothing is answered as "not found".
    folder = tmp_path_factory.mktemp("no-server")
    fast = AsyncLookup(
        f"postgresql+psycopg://nobody@/docsec?host={folder}", pool_size=1, timeout=0.5
    )

    async def run() -> bool:
        await fast.open()
        try:
            with pytest.raises(RegistryUnavailable):
                await fast.lookup("KRGN202600000001", "0123456789")
            return await fast.ready()
        finally:
            await fast.close()

    assert asyncio.run(run()) is False


def test_closed_or_unopened_pool_raises() -> None:
    fast = AsyncLookup("postgresql+psycopg://nobody@/docsec?host=/nonexistent")
    assert not fast.is_open
    with pytest.raises(RegistryUnavailable):
        asyncio.run(fast.lookup("KRGN202600000001", "0123456789"))
    assert asyncio.run(fast.ready()) is False


def test_libpq_url_keeps_every_part() -> None:
    from psycopg.conninfo import conninfo_to_dict

    from docsec.registry._db import libpq_url

    url = libpq_url(
        "postgresql+psycopg://u:p%40ss@db.internal:5433/docsec?host=/run/pg"
    )
    assert conninfo_to_dict(url) == {
        "user": "u",
        "password": "p@ss",
        "host": "/run/pg",
        "port": "5433",
        "dbname": "docsec",
    }


def test_the_worker_factory_freezes_its_heap(world: World) -> None:
    # In a child process: freezing is for docsec serve's own workers, never for
    # a process that embeds the app (this test process must keep its collector).
    root = Path(__file__).resolve().parents[2]
    settings = ServiceSettings(db_url=world.db, trust_dir=str(world.trust))
    script = (
        "import gc\n"
        "from docsec.service import app_from_environment\n"
        "app = app_from_environment()\n"
        "print(gc.get_freeze_count() > 10000, app.state.lookup_pool is not None)\n"
        "app.state.registry.close()\n"
    )
    env = {
        **os.environ,
        ENV_VAR: settings.to_json(),
        "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root / "cli")]),
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.split() == ["True", "True"]
    assert gc.get_freeze_count() == 0  # create_app froze nothing here


def test_the_short_way_answers_as_the_app_on_postgresql(world: World) -> None:
    from tests.service.test_api import _both_ways

    requests: list[tuple[str, dict[str, str] | None]] = [
        (f"/api/v1/documents/{number}", None if code is None else {"code": code})
        for number, code in _cases(world)
    ]
    with make_client(world, lookup_per_minute=1000) as c:
        assert c.app.state.lookup_pool.is_open  # type: ignore[attr-defined]
        short, long = _both_ways(c, requests)
    assert short == long
    assert [s for s, _, _ in short] == [200, 404, 200, 400] * 4 + [404, 400]  # type: ignore[misc]


def test_concurrent_lookups_are_asked_together_and_answered_alike(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(world) * 3  # duplicates in one batch too
    reg = Registry(world.db)
    try:
        expected = [reg.lookup(n, c) for n, c in cases]
    finally:
        reg.close()
    fast = AsyncLookup(world.db, pool_size=2)
    batches: list[int] = []
    query = AsyncLookup._query

    async def counting(self: AsyncLookup, conn: object, numbers: set[str]) -> object:
        batches.append(len(numbers))
        return await query(self, conn, numbers)

    monkeypatch.setattr(AsyncLookup, "_query", counting)

    async def run() -> list[object]:
        await fast.open()
        try:
            await fast.lookup(world.docs[0].number, None)  # a connection is up
            batches.clear()
            return list(await asyncio.gather(*(fast.lookup(n, c) for n, c in cases)))
        finally:
            await fast.close()

    got = asyncio.run(run())
    assert got == expected
    # 54 look-ups of 5 numbers: a few queries, never one each.
    assert len(batches) <= 4, batches
    assert max(batches) == 5


def test_concurrent_lookups_on_an_unreachable_database_all_fail(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("no-server-batch")
    fast = AsyncLookup(
        f"postgresql+psycopg://nobody@/docsec?host={folder}", pool_size=2, timeout=0.5
    )

    async def run() -> list[object]:
        await fast.open()
        try:
            return list(
                await asyncio.gather(
                    *(
                        fast.lookup(f"KRGN20260000000{i}", "0123456789")
                        for i in range(7)
                    ),
                    return_exceptions=True,
                )
            )
        finally:
            await fast.close()

    got = asyncio.run(run())
    assert all(isinstance(g, RegistryUnavailable) for g in got), got
