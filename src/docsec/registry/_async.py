"""The document look-up on PostgreSQL without threads: psycopg 3's async pool.

The service's hot path (``GET /api/v1/documents/{number}?code=``) runs here when the
registry is PostgreSQL: prepared statements on connections from
:class:`psycopg_pool.AsyncConnectionPool`, awaited in the event loop (no worker
thread, no SQLAlchemy on the way). Look-ups that arrive while others are being
answered are asked together: at most ``pool_size`` runners each hold a connection
and take every look-up waiting at that moment in one query (``number = ANY(...)``),
so under load a worker makes one round trip for many look-ups instead of one each,
and a look-up never queues for a connection in the pool. Alone, a look-up runs
:meth:`Registry.lookup <docsec.registry._db.Registry.lookup>`'s own statement. Each
row becomes a status through the same function
(:func:`~docsec.registry._status.status_from_row`: the code's digest compared in
constant time, per look-up), so both paths answer alike. SQLite keeps the threaded
SQLAlchemy path.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from docsec.registry._status import (
    DocumentStatus,
    RegistryUnavailable,
    status_from_row,
)

__all__ = ["AsyncLookup"]

logger = logging.getLogger(__name__)

#: Most look-ups asked in one query.
_MAX_BATCH = 64


class AsyncLookup:
    """Document look-ups over an async connection pool (one per worker process).

    Parameters
    ----------
    url : str
        The registry's PostgreSQL URL (SQLAlchemy's form or libpq's).
    pool_size : int
        Connections kept open by this process.
    timeout : float
        Seconds a look-up waits for a free connection before the registry counts
        as unavailable.

    Notes
    -----
    Create it anywhere; :meth:`open` and :meth:`close` run in the event loop that
    serves the look-ups (the application's lifespan).
    """

    def __init__(self, url: str, *, pool_size: int = 5, timeout: float = 5.0) -> None:
        from docsec.registry._db import (
            libpq_url,
            postgres_lookup_many_sql,
            postgres_lookup_sql,
            postgres_ready_sql,
        )

        self._conninfo = libpq_url(url)
        self._lookup_sql = postgres_lookup_sql()
        self._lookup_many_sql = postgres_lookup_many_sql()
        self._ready_sql = postgres_ready_sql()
        self.pool_size = pool_size
        self.timeout = timeout
        self._pool: AsyncConnectionPool[Any] | None = None
        # One cursor per connection, made once (a connection serves one query at
        # a time); forgotten with the connection.
        self._cursors: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        # Look-ups waiting for a runner, and the runners (tasks holding one
        # connection each, at most pool_size).
        self._waiting: list[tuple[str, asyncio.Future[Any]]] = []
        self._runners: set[asyncio.Task[None]] = set()

    @property
    def is_open(self) -> bool:
        """True between :meth:`open` and :meth:`close`."""
        return self._pool is not None and not self._pool.closed

    async def open(self) -> None:
        """Open the pool; connections are made in the background.

        A database that is down does not stop the service from starting: look-ups
        then wait at most ``timeout`` and fail as unavailable, and readiness says so.
        """
        if self.is_open:
            return
        self._pool = AsyncConnectionPool(
            self._conninfo,
            min_size=self.pool_size,
            max_size=self.pool_size,
            # Reads are single statements: autocommit saves BEGIN and ROLLBACK.
            kwargs={"autocommit": True},
            timeout=self.timeout,
            # As the SQLAlchemy pool's pool_recycle: no pre-ping round trip; a dead
            # connection fails one request (503), and the pool replaces it.
            max_lifetime=300.0,
            name="docsec.lookup",
            open=False,
        )
        await self._pool.open(wait=False)

    async def close(self) -> None:
        """Close the pool and its connections (the worker stops)."""
        if self._pool is not None:
            await self._pool.close()

    async def lookup(self, number: str, code: str | None) -> DocumentStatus | None:
        """Return a document's status; with ``code``, only if the code matches.

        Raises
        ------
        RegistryUnavailable
            The pool is not open, no connection came in time, or the database failed.
        """
        if self._pool is None or self._pool.closed:
            raise RegistryUnavailable("the registry's connection pool is not open")
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((number, waiter))
        if len(self._runners) < self.pool_size:
            self._start_runner(self._pool)
        row = await waiter
        return None if row is None else status_from_row(row, code)

    def _start_runner(self, pool: AsyncConnectionPool[Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._run(pool))
        self._runners.add(task)
        task.add_done_callback(self._runner_done)

    def _runner_done(self, task: asyncio.Task[None]) -> None:
        self._runners.discard(task)
        # Look-ups that came while this runner was returning its connection.
        if self._waiting and len(self._runners) < self.pool_size:
            if self._pool is None or self._pool.closed:
                self._fail(self._take_all(), "the registry's connection pool is closed")
            else:
                self._start_runner(self._pool)

    def _take(self) -> list[tuple[str, asyncio.Future[Any]]]:
        batch = self._waiting[:_MAX_BATCH]
        del self._waiting[:_MAX_BATCH]
        return batch

    def _take_all(self) -> list[tuple[str, asyncio.Future[Any]]]:
        batch, self._waiting = self._waiting, []
        return batch

    @staticmethod
    def _fail(batch: list[tuple[str, asyncio.Future[Any]]], why: str) -> None:
        for _, waiter in batch:
            if not waiter.done():
                waiter.set_exception(RegistryUnavailable(why))

    async def _run(self, pool: AsyncConnectionPool[Any]) -> None:
        """Answer the waiting look-ups, in batches, on one connection, until none wait.

        getconn/putconn, not ``async with pool.connection()``: that also enters the
        connection's own context (a COMMIT that autocommit makes a no-op, through
        psycopg's connection lock and wait loop), which cost a third of a look-up's
        CPU. putconn still replaces a broken connection.
        """
        try:
            conn = await pool.getconn()
        except (psycopg.Error, PoolTimeout) as exc:
            self._fail(self._take_all(), f"registry database error: {exc}")
            return
        try:
            while self._waiting:
                batch = self._take()
                try:
                    rows = await self._query(conn, {number for number, _ in batch})
                except psycopg.Error as exc:
                    self._fail(batch, f"registry database error: {exc}")
                    break  # putconn replaces the connection if it is broken
                except BaseException:
                    self._fail(batch, "the look-up was cancelled")
                    raise
                found = {row[0]: row for row in rows}
                for number, waiter in batch:
                    if not waiter.done():
                        waiter.set_result(found.get(number))
        finally:
            await pool.putconn(conn)

    async def _query(self, conn: Any, numbers: set[str]) -> list[Any]:
        cur = self._cursors.get(conn)
        if cur is None or cur.closed:
            cur = self._cursors[conn] = conn.cursor()
        # prepare=True: PREPARE on each connection's first use, then only EXECUTE
        # (psycopg keeps the prepared statements per connection).
        if len(numbers) == 1:
            await cur.execute(
                self._lookup_sql, {"number": next(iter(numbers))}, prepare=True
            )
        else:
            await cur.execute(
                self._lookup_many_sql, {"numbers": sorted(numbers)}, prepare=True
            )
        rows: list[Any] = await cur.fetchall()
        return rows

    async def ready(self) -> bool:
        """Return True if the pool is open and a connection answers the schema query."""
        if self._pool is None or self._pool.closed:
            return False
        try:
            async with self._pool.connection(timeout=min(self.timeout, 2.0)) as conn:
                await conn.execute(self._ready_sql)
        except (psycopg.Error, PoolTimeout):
            logger.warning("registry look-up pool not ready", exc_info=True)
            return False
        return True

    def stats(self) -> dict[str, int]:
        """Return the pool's size, idle connections and waiting requests."""
        if self._pool is None or self._pool.closed:
            return {"size": 0, "idle": 0, "waiting": 0}
        s = self._pool.get_stats()
        return {
            "size": s.get("pool_size", 0),
            "idle": s.get("pool_available", 0),
            "waiting": s.get("requests_waiting", 0),
        }
