"""Request limits, security headers, rate limits, CSRF tokens and the access log."""

from __future__ import annotations

import functools
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSRF_COOKIE",
    "SECURITY_HEADERS",
    "AccessLog",
    "BodyLimit",
    "RateLimiter",
    "SecurityHeaders",
    "csrf_ok",
    "log_access",
    "new_csrf_token",
    "problem_body",
]

access_logger = logging.getLogger("docsec.service.access")

#: The double-submit CSRF cookie of the page's forms.
CSRF_COOKIE = "docsec_csrf"

_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
#: The security headers every answer carries (:class:`SecurityHeaders` adds them).
SECURITY_HEADERS = _HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
    (b"cache-control", b"no-store"),
]


def problem_body(status: int, title: str, detail: str, kind: str) -> bytes:
    """Return an RFC 9457 problem details document."""
    return json.dumps(
        {
            "type": f"https://docsec.invalid/problems/{kind}",
            "title": title,
            "status": status,
            "detail": detail,
        }
    ).encode()


async def _send_problem(
    send: Send, status: int, title: str, detail: str, kind: str
) -> None:
    body = problem_body(status, title, detail, kind)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add CSP, nosniff, frame-ancestors and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):  # noqa: N818  (internal signal)
    pass


class BodyLimit:
    """Refuse request bodies above ``limit`` bytes with 413, counted as they arrive.

    A declared Content-Length above the limit is refused before reading; a body
    sent without one (chunked) is cut off as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.limit:
                    await _send_problem(
                        send,
                        413,
                        "Upload too large",
                        f"the request body may be at most {self.limit} bytes",
                        "too-large",
                    )
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_problem(
                    send,
                    413,
                    "Upload too large",
                    f"the request body may be at most {self.limit} bytes",
                    "too-large",
                )


class RateLimiter:
    """Per-client token buckets, one set per worker process (thread-safe).

    Parameters
    ----------
    per_minute : int
        Requests a client may make per minute (the bucket's size and refill).
    max_clients : int
        Buckets kept; the least recently used are forgotten beyond it.
    """

    def __init__(self, per_minute: int, *, max_clients: int = 100_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, *, now: float | None = None) -> tuple[bool, float]:
        """Take one token for ``client``; return (allowed, seconds until one is back)."""
        t = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, t))
            tokens = min(self.capacity, tokens + (t - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[client] = (tokens, t)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        wait = 0.0 if allowed else (1.0 - tokens) / self.rate
        return allowed, wait


def new_csrf_token() -> str:
    """Return a fresh CSRF token (set as cookie and as hidden form field)."""
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, field: object) -> bool:
    """Return True if the form's token equals the cookie's (double submit)."""
    if not cookie or not isinstance(field, str) or len(field) > 100:
        return False
    return hmac.compare_digest(cookie.encode(), field.encode())


class AccessLog:
    """One JSON line per request: worker process, method, route, status, bytes, duration.

    No client address, no query string, no document number: the route template
    (``/api/v1/documents/{number}``) is logged, not the path. ``worker`` is the
    process id of the worker that answered (several share a port).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        size = 0

        async def observing_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            route: Any = scope.get("route")
            log_access(
                scope.get("method"),
                getattr(route, "path", None) or "(unmatched)",
                status,
                size,
                start,
            )


def log_access(
    method: object, template: str, status: int, size: int, start: float
) -> None:
    """Write one access log line (if the access log is on).

    Parameters
    ----------
    method : str
        The request's method.
    template : str
        The route's template (never the path: it may hold a document number).
    status, size : int
        The answer's status and body length.
    start : float
        :func:`time.perf_counter` when the request arrived.
    """
    if not access_logger.isEnabledFor(logging.INFO):
        return
    ms = round((time.perf_counter() - start) * 1000, 1)
    # The same JSON object as json.dumps writes, without encoding the two strings
    # on every request (a few routes and methods: cached).
    access_logger.info(
        '%s%d, "bytes": %d, "ms": %r}',
        _log_head(os.getpid(), method, template),
        status,
        size,
        ms,
    )


@functools.lru_cache(maxsize=256)
def _log_head(pid: int, method: object, template: str) -> str:
    return (
        f'{{"worker": {pid}, "method": {json.dumps(method)}, '
        f'"route": {json.dumps(template)}, "status": '
    )
