"""The document look-up on PostgreSQL without threads: psycopg 3's async pool.

The service's hot path (``GET /api/v1/documents/{number}?code=``) runs here when the
registry is PostgreSQL: one prepared statement on a connection from
:class:`psycopg_pool.AsyncConnectionPool`, awaited in the event loop (no worker
thread, no SQLAlchemy on the way). The statement is the one :meth:`Registry.lookup
<docsec.registry._db.Registry.lookup>` runs, compiled once, and the row becomes a
status through the same function (:func:`~docsec.registry._status.status_from_row`:
the code's digest compared in constant time), so both paths answer alike.
SQLite keeps the threaded SQLAlchemy path.
"""

from __future__ import annotations

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
            postgres_lookup_sql,
            postgres_ready_sql,
        )

        self._conninfo = libpq_url(url)
        self._lookup_sql = postgres_lookup_sql()
        self._ready_sql = postgres_ready_sql()
        self.pool_size = pool_size
        self.timeout = timeout
        self._pool: AsyncConnectionPool[Any] | None = None
        # One cursor per connection, made once (a connection serves one look-up
        # at a time); forgotten with the connection.
        self._cursors: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

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
        pool = self._pool
        try:
            # getconn/putconn, not ``async with pool.connection()``: that also
            # enters the connection's own context (a COMMIT that autocommit makes
            # a no-op, through psycopg's connection lock and wait loop), which cost
            # a third of the look-up's CPU. putconn still replaces a broken
            # connection and rolls back a failed one.
            conn = await pool.getconn()
            try:
                cur = self._cursors.get(conn)
                if cur is None or cur.closed:
                    cur = self._cursors[conn] = conn.cursor()
                # prepare=True: PREPARE on each connection's first use, then only
                # EXECUTE (psycopg keeps the prepared statements per connection).
                await cur.execute(self._lookup_sql, {"number": number}, prepare=True)
                row = await cur.fetchone()
            finally:
                await pool.putconn(conn)
        except (psycopg.Error, PoolTimeout) as exc:
            raise RegistryUnavailable(f"registry database error: {exc}") from exc
        return None if row is None else status_from_row(row, code)

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
