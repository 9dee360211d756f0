"""The Starlette application: routes for the page and the API."""

from __future__ import annotations

import base64
import contextlib
import functools
import gc
import json
import logging
import re
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

import docsec
from docsec import checks as _names
from docsec.errors import DocsecError, InputError
from docsec.labels import paper_fields
from docsec.policy import VerifyPolicy
from docsec.registry import DocumentState, Registry, Role, normalise_code
from docsec.result import VerificationResult
from docsec.service._openapi import openapi
from docsec.service._page import CSS, LANGS, PageState, render_page
from docsec.service._security import (
    CSRF_COOKIE,
    SECURITY_HEADERS,
    AccessLog,
    BodyLimit,
    RateLimiter,
    SecurityHeaders,
    csrf_ok,
    log_access,
    new_csrf_token,
    problem_body,
)
from docsec.service._settings import ServiceSettings

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from docsec.registry._async import AsyncLookup

__all__ = ["app_from_environment", "create_app"]

logger = logging.getLogger(__name__)

_NUMBER = re.compile(r"[0-9A-Z]{1,30}")
_CODE = re.compile(r"[0-9A-Z]{6,12}")
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Problem(Exception):  # noqa: N818  (an HTTP answer, raised)
    """An error answered as RFC 9457 problem details."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        kind: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}


def _problem_response(p: Problem) -> Response:
    return Response(
        problem_body(p.status, p.title, p.detail, p.kind),
        status_code=p.status,
        media_type="application/problem+json",
        headers=p.headers,
    )


#: An answer as ASGI sends it: status, raw headers, body.
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


def _problem_answer(p: Problem) -> Answer:
    """Return :func:`_problem_response`'s answer, byte for byte."""
    body = problem_body(p.status, p.title, p.detail, p.kind)
    headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in p.headers.items()
    ]
    headers.append((b"content-length", str(len(body)).encode()))
    headers.append((b"content-type", b"application/problem+json"))
    return p.status, headers, body


def _json_answer(content: object) -> Answer:
    """Return a :class:`JSONResponse`'s answer (status 200), byte for byte."""
    body = json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")
    return (
        200,
        [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
        ],
        body,
    )


class _AnswerResponse(Response):
    """A response made of an :data:`Answer`."""

    def __init__(self, answer: Answer) -> None:
        self.status_code, self.raw_headers, self.body = answer
        self.background = None


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _scope_client(scope: Scope) -> str:
    """Return :func:`_client` of the request of ``scope``."""
    client = scope.get("client")
    return str(client[0]) if client is not None else "unknown"


def _query_code(query_string: bytes) -> str | None:
    """Return ``request.query_params.get("code")`` of a query string."""
    if (
        query_string.startswith(b"code=")
        and b"&" not in query_string
        and b"%" not in query_string
        and b"+" not in query_string
    ):
        return query_string[5:].decode("latin-1")  # nothing to unquote
    pairs = urllib.parse.parse_qsl(
        query_string.decode("latin-1"), keep_blank_values=True
    )
    return dict(pairs).get("code")  # the last one, as Starlette's QueryParams


class _Service:
    """The state one worker process holds: settings, registry, policy, limits."""

    def __init__(self, settings: ServiceSettings, clock: Clock) -> None:
        from docsec.keys import load_secret_key
        from docsec.trust import TrustStore

        self.settings = settings
        self.clock = clock
        self.registry = Registry(settings.db_url, pool_size=settings.pool_size)
        # PostgreSQL: look-ups await an async pool in the event loop (no thread
        # hop, no SQLAlchemy). The application's lifespan opens it (and sets
        # ``fast``) and closes it; look-ups after the close answer 503.
        self.fast: AsyncLookup | None = None
        self.lookup_pool: AsyncLookup | None = None
        if self.registry.url.startswith("postgresql"):
            from docsec.registry._async import AsyncLookup

            self.lookup_pool = AsyncLookup(
                self.registry.url, pool_size=settings.pool_size
            )
        store = TrustStore.load(settings.trust_dir)
        base = VerifyPolicy.seal(
            store,
            cdp_keys=[load_secret_key(p) for p in settings.cdp_keys],
            watermark_keys=[load_secret_key(p) for p in settings.watermark_keys],
        )
        import dataclasses

        self.policy = dataclasses.replace(
            base, max_pixels=settings.max_pixels
        ).with_registry(self.registry)
        self.verify_limit = RateLimiter(settings.verify_per_minute)
        self.lookup_limit = RateLimiter(settings.lookup_per_minute)
        self.write_limit = RateLimiter(settings.write_per_minute)
        # Verification is CPU-bound: one at a time per worker process; run more
        # workers for more cores.
        self.cpu = anyio.CapacityLimiter(1)
        # Registry look-ups: no more threads than database connections. More
        # threads only queue for a connection while holding the GIL in turn;
        # requests wait in the event loop instead (measured: p99 280 ms at 50
        # clients with anyio's default 40 threads).
        self.db = anyio.CapacityLimiter(settings.pool_size)
        self.issuer: tuple[Any, Any] | None = None
        if settings.issuer_key and settings.issuer_cert:
            import os

            from docsec import keys, trust

            passphrase = os.environ.get("DOCSEC_KEY_PASSPHRASE")
            self.issuer = (
                keys.load_private_key(
                    settings.issuer_key,
                    passphrase=passphrase.encode() if passphrase else None,
                ),
                trust.load_certificate(settings.issuer_cert),
            )

    # ------------------------------------------------------------ helpers

    def limit(self, limiter: RateLimiter, request: Request) -> None:
        self.limit_client(limiter, _client(request))

    def limit_client(self, limiter: RateLimiter, client: str) -> None:
        allowed, wait = limiter.allow(client)
        if not allowed:
            raise Problem(
                429,
                "Too many requests",
                "slow down: this client's request budget is used up",
                "rate-limited",
                {"Retry-After": str(max(1, round(wait)))},
            )

    async def authorise(self, request: Request, role: Role) -> int:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="docsec"'}
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(
                401,
                "Unauthorized",
                "a Bearer token is required",
                "unauthorized",
                challenge,
            )
        found = await anyio.to_thread.run_sync(
            self.registry.authenticate, token.strip()
        )
        if found is None:
            raise Problem(
                401,
                "Unauthorized",
                "the token is not valid",
                "unauthorized",
                {"WWW-Authenticate": 'Bearer realm="docsec", error="invalid_token"'},
            )
        token_id, have = found
        if have is not role:
            raise Problem(
                403,
                "Forbidden",
                f"this needs a token of role {role.value}",
                "forbidden",
            )
        return token_id

    async def upload(self, request: Request, *names: str) -> bytes:
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("multipart/form-data"):
            raise Problem(
                415,
                "Unsupported media type",
                "send the file as multipart/form-data, field 'file'",
                "unsupported-media-type",
            )
        try:
            async with request.form(max_files=2, max_fields=5) as form:
                self.check_csrf_if_form(request, form)
                for name in names:
                    item = form.get(name)
                    if isinstance(item, UploadFile):
                        # The client's file name is never used: the bytes stay in
                        # memory.
                        data = await item.read()
                        if data:
                            return data
        except HTTPException as exc:
            raise Problem(400, "Bad request", str(exc.detail), "bad-form") from exc
        raise Problem(400, "Bad request", "no file uploaded", "no-file")

    def check_csrf_if_form(self, request: Request, form: Any) -> None:
        if request.url.path.startswith("/api/"):
            return  # the API takes no cookies; writes need a Bearer token
        if not csrf_ok(request.cookies.get(CSRF_COOKIE), form.get("csrf")):
            raise Problem(
                403, "Forbidden", "the form's CSRF token is missing or wrong", "csrf"
            )

    def verify_bytes(self, data: bytes) -> VerificationResult:
        from docsec.verify import verify_bytes

        # The library sniffs the kind and checks sizes, pixels and memory before
        # decoding; the client's file name is never passed on.
        return verify_bytes(
            data, policy=self.policy, at=self.clock(), input_name="upload"
        )

    async def run_verify(self, data: bytes) -> VerificationResult:
        try:
            return await anyio.to_thread.run_sync(
                self.verify_bytes, data, limiter=self.cpu
            )
        except InputError as exc:
            raise Problem(
                422, "Unreadable input", str(exc), "unreadable-input"
            ) from exc

    async def lookup(self, number: str, code: str) -> dict[str, object] | None:
        number = number.strip().upper()
        code = normalise_code(code)
        if not _NUMBER.fullmatch(number) or not _CODE.fullmatch(code):
            raise Problem(
                400,
                "Bad request",
                "a document number (0-9, A-Z) and its verification code are needed",
                "bad-lookup",
            )
        try:
            if self.fast is not None:
                status = await self.fast.lookup(number, code)
            else:  # SQLite (or an app run without its lifespan)
                status = await anyio.to_thread.run_sync(
                    self.registry.lookup, number, code, limiter=self.db
                )
        except DocsecError as exc:
            raise Problem(
                503,
                "Registry unavailable",
                "the registry cannot be asked",
                "unavailable",
            ) from exc
        return status.to_dict() if status is not None else None

    async def document(self, client: str, number: str, code: str | None) -> Answer:
        """Answer ``GET /api/v1/documents/{number}?code=`` (the hot path).

        One function for the Starlette route and for the short way
        (:class:`_ServiceApp`), so both answer byte for byte alike.
        """
        try:
            status = await self._document_status(client, number, code)
        except Problem as p:
            return _problem_answer(p)
        return _json_answer(status)

    async def _document_status(
        self, client: str, number: str, code: str | None
    ) -> dict[str, object]:
        self.limit_client(self.lookup_limit, client)
        if code is None:
            raise Problem(
                400,
                "Bad request",
                "the verification code is needed (?code=)",
                "bad-lookup",
            )
        status = await self.lookup(number, code)
        if status is None:
            raise Problem(
                404, "Not found", "no document with this number and code", "not-found"
            )
        return status


def _registry_json(result: VerificationResult) -> dict[str, object] | None:
    check = result.check(_names.REGISTRY)
    return None if check is None else check.to_dict()


def _annotated_png(
    data: bytes, result: VerificationResult, policy: VerifyPolicy
) -> str | None:
    """Return the annotated image as base64 PNG (the page's picture), or None."""
    import cv2
    import numpy as np

    from docsec import formats
    from docsec.annotate import annotate_data

    if formats.detect(data[:8]) is not None:
        return None  # seal bytes: nothing to draw on
    try:
        picture = annotate_data(
            data,
            result,
            name="upload",
            max_pixels=policy.max_pixels,
            max_memory=policy.max_memory,
        )
        scale = min(1.0, 1400 / max(picture.shape[:2]))
        if scale < 1.0:
            picture = np.asarray(
                cv2.resize(
                    picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA
                ),
                dtype=np.uint8,
            )
        ok, buf = cv2.imencode(".png", picture)
    except (DocsecError, cv2.error):
        logger.info("cannot annotate the upload", exc_info=True)
        return None
    return base64.b64encode(buf.tobytes()).decode("ascii") if ok else None


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "ko"


def _page(
    request: Request, state: PageState | None = None, status: int = 200
) -> Response:
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) > 100:
        token = new_csrf_token()
    response = HTMLResponse(
        render_page(lang=_lang(request), csrf=token, state=state), status_code=status
    )
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


Handler = Callable[[Request], Awaitable[Response]]


def _problems(handler: Handler) -> Handler:
    """Answer :class:`Problem` as problem JSON (API) or as the page (forms)."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except Problem as p:
            if request.url.path.startswith("/api/") or p.status == 429:
                return _problem_response(p)
            return _page(request, PageState(error=p.detail), status=p.status)

    return wrapped


_DOCUMENTS = "/api/v1/documents/"
_DOCUMENT_ROUTE = "/api/v1/documents/{number}"
_SKIP = len(_DOCUMENTS)


class _ServiceApp(Starlette):
    """The service's Starlette app, with a short way for the status look-up.

    ``GET /api/v1/documents/{number}`` is the one request the service answers in
    bulk (banks, counters). It is answered here, before Starlette's middleware
    stack, router and request objects, by the same :meth:`_Service.document` the
    route calls, with what the middleware would add: the security headers, the
    access log line, the 500 problem for an unexpected error. A request with a
    declared body (``BodyLimit`` may refuse it), a HEAD, or a mounted app
    (``root_path``) takes the long way.
    """

    svc: _Service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].startswith(_DOCUMENTS)
            and not scope.get("root_path")
        ):
            number: str = scope["path"][_SKIP:]
            if (
                number
                and "/" not in number
                and not any(name == b"content-length" for name, _ in scope["headers"])
            ):
                await self._document(scope, number, send)
                return
        await super().__call__(scope, receive, send)

    async def _document(self, scope: Scope, number: str, send: Send) -> None:
        start = time.perf_counter()
        status = 500
        size = 0
        try:
            try:
                status, headers, body = await self.svc.document(
                    _scope_client(scope), number, _query_code(scope["query_string"])
                )
            except Exception:  # as the app's handler of unexpected errors
                logger.exception("unexpected error")
                status, headers, body = _problem_answer(
                    Problem(500, "Internal error", "unexpected error", "internal")
                )
            headers.extend(SECURITY_HEADERS)
            await send(
                {"type": "http.response.start", "status": status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})
            size = len(body)
        finally:
            log_access("GET", _DOCUMENT_ROUTE, status, size, start)


def create_app(settings: ServiceSettings, *, clock: Clock = _utcnow) -> Starlette:
    """Return the service's ASGI application.

    Parameters
    ----------
    settings : ServiceSettings
    clock : callable returning an aware datetime
        The service's one clock: verification time and the time of writes.
    """
    svc = _Service(settings, clock)

    @_problems
    async def index(request: Request) -> Response:
        return _page(request)

    @_problems
    async def page_verify(request: Request) -> Response:
        svc.limit(svc.verify_limit, request)
        data = await svc.upload(request, "file", "photo")
        result = await svc.run_verify(data)
        picture = await anyio.to_thread.run_sync(
            _annotated_png, data, result, svc.policy, limiter=svc.cpu
        )
        reg = result.check(_names.REGISTRY)
        # The paper's labels in the page's language (technical fields left out).
        fields = (
            tuple(paper_fields(result.content.fields, lang=_lang(request)))
            if result.content is not None
            else ()
        )
        return _page(
            request,
            PageState(
                verdict=result.verdict.value,
                reasons=result.reasons,
                fields=fields,
                registry_detail=reg.detail if reg is not None else None,
                annotated_png_b64=picture,
            ),
        )

    @_problems
    async def page_lookup(request: Request) -> Response:
        svc.limit(svc.lookup_limit, request)
        async with request.form(max_files=0, max_fields=5) as form:
            svc.check_csrf_if_form(request, form)
            number, code = form.get("number"), form.get("code")
        if not isinstance(number, str) or not isinstance(code, str):
            raise Problem(
                400, "Bad request", "number and code are needed", "bad-lookup"
            )
        status = await svc.lookup(number, code)
        return _page(request, PageState(registry=status, lookup_missing=status is None))

    async def css(_request: Request) -> Response:
        return Response(
            CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"}
        )

    @_problems
    async def api_verify(request: Request) -> Response:
        svc.limit(svc.verify_limit, request)
        data = await svc.upload(request, "file")
        result = await svc.run_verify(data)
        body = result.to_dict()
        body["registry"] = _registry_json(result)
        return JSONResponse(body)

    async def api_document(request: Request) -> Response:
        # Requests the short way leaves to the app (HEAD, a declared body) come here.
        return _AnswerResponse(
            await svc.document(
                _client(request),
                request.path_params["number"],
                request.query_params.get("code"),
            )
        )

    async def _json_body(request: Request) -> dict[str, Any]:
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise Problem(
                415,
                "Unsupported media type",
                "send application/json",
                "unsupported-media-type",
            )
        try:
            body = json.loads(await request.body())
        except ValueError as exc:
            raise Problem(
                400, "Bad request", "the body is not JSON", "bad-json"
            ) from exc
        if not isinstance(body, dict):
            raise Problem(
                400, "Bad request", "the body must be a JSON object", "bad-json"
            )
        return body

    @_problems
    async def api_revoke(request: Request) -> Response:
        svc.limit(svc.write_limit, request)
        token_id = await svc.authorise(request, Role.ISSUER)
        number = request.path_params["number"]
        if not _NUMBER.fullmatch(number):
            raise Problem(400, "Bad request", "bad document number", "bad-number")
        body = await _json_body(request)
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
            raise Problem(
                422,
                "Unprocessable",
                "a reason (1-500 characters) is needed",
                "no-reason",
            )
        current = await anyio.to_thread.run_sync(svc.registry.status, number)
        if current is None:
            raise Problem(404, "Not found", f"no document {number}", "not-found")
        if current.state is not DocumentState.ACTIVE:
            raise Problem(
                409,
                "Conflict",
                f"document {number} is already {current.state.value}",
                "not-active",
            )
        try:
            status = await anyio.to_thread.run_sync(
                functools.partial(
                    svc.registry.revoke,
                    number,
                    reason=reason.strip(),
                    actor=f"token:{token_id}",
                    now=svc.clock(),
                )
            )
        except InputError as exc:  # lost a race with another revocation
            raise Problem(409, "Conflict", str(exc), "not-active") from exc
        return JSONResponse(status.to_dict())

    @_problems
    async def api_issue(request: Request) -> Response:
        from docsec.registry import issue_registered

        svc.limit(svc.write_limit, request)
        token_id = await svc.authorise(request, Role.ISSUER)
        if svc.issuer is None:
            raise Problem(
                503,
                "Issuing not configured",
                "this service holds no issuer key",
                "no-issuer",
            )
        data = await _json_body(request)
        key, cert = svc.issuer
        try:
            rec = await anyio.to_thread.run_sync(
                functools.partial(
                    issue_registered,
                    svc.registry,
                    data,
                    key=key,
                    cert=cert,
                    now=svc.clock(),
                    actor=f"token:{token_id}",
                    verify_url=settings.public_url,
                ),
                limiter=svc.cpu,
            )
        except InputError as exc:
            raise Problem(422, "Unprocessable", str(exc), "bad-data") from exc
        return Response(
            rec.pdf,
            status_code=201,
            media_type="application/pdf",
            headers={
                "X-Docsec-Number": rec.number,
                "X-Docsec-Code": rec.code,
                "Content-Disposition": f'attachment; filename="{rec.number}.pdf"',
            },
        )

    async def api_openapi(_request: Request) -> Response:
        return JSONResponse(openapi(docsec.__version__))

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        # Ready when both ways to the registry answer: the SQLAlchemy engine
        # (writes, verification) and, on PostgreSQL, the look-ups' async pool.
        ready = await anyio.to_thread.run_sync(svc.registry.ready)
        if ready and svc.fast is not None:
            ready = await svc.fast.ready()
        if not ready:
            return _problem_response(
                Problem(503, "Not ready", "the registry does not answer", "not-ready")
            )
        return JSONResponse({"status": "ready"})

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        title = "Method not allowed" if status == 405 else "Not found"
        return _problem_response(
            Problem(
                status,
                title,
                f"{request.method} {request.url.path}",
                title.lower().replace(" ", "-"),
            )
        )

    async def server_error(_request: Request, _exc: Exception) -> Response:
        logger.error("unexpected error", exc_info=_exc)
        return _problem_response(
            Problem(500, "Internal error", "unexpected error", "internal")
        )

    # The router tries the routes in order: the look-up, the hot path, first.
    routes = [
        Route("/api/v1/documents/{number}", api_document, methods=["GET"]),
        Route("/", index, methods=["GET"]),
        Route("/verify", page_verify, methods=["POST"]),
        Route("/lookup", page_lookup, methods=["POST"]),
        Route("/static/docsec.css", css, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/api/v1/verify", api_verify, methods=["POST"]),
        Route("/api/v1/documents/{number}/revoke", api_revoke, methods=["POST"]),
        Route("/api/v1/issue", api_issue, methods=["POST"]),
        Route("/api/v1/openapi.json", api_openapi, methods=["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if svc.lookup_pool is not None:
            await svc.lookup_pool.open()
            svc.fast = svc.lookup_pool
        try:
            yield
        finally:
            # The worker stops: return its database connections.
            if svc.lookup_pool is not None:
                await svc.lookup_pool.close()
            svc.registry.close()

    app = _ServiceApp(
        routes=routes,
        exception_handlers={404: not_found, 405: not_found, Exception: server_error},
        lifespan=lifespan,
    )
    # Outermost first: log, then headers on everything (413 included), then limits.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    app.state.registry = svc.registry
    app.state.lookup_pool = svc.lookup_pool
    app.svc = svc
    return app


def app_from_environment() -> Starlette:
    """Build the app from ``$DOCSEC_SERVICE_SETTINGS`` (uvicorn's factory, per worker).

    The worker process is ``docsec serve``'s own, so its heap is frozen here: what
    is loaded by now (libraries, trust store, policy) lives as long as the worker,
    and the collector's full passes would otherwise stop every request in the
    worker while they walk it (measured: one full pass over the ~150,000 objects
    took 127 ms on the loaded 2-core machine; frozen, ~2,500 objects are left).
    :func:`create_app` does not do this: an application embedded in another
    process must not change that process's collector.
    """
    app = create_app(ServiceSettings.from_environment())
    gc.collect()
    gc.freeze()
    return app
