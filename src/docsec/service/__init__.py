"""The verification service (``docsec serve``): a web page and an HTTP API.

An ASGI application (Starlette) over the library and the registry. It keeps no
state between requests beyond per-process rate-limit counters, so any number of
worker processes or machines can share one registry database.

Importing this package is light; :func:`create_app` loads Starlette, and
:class:`HttpProtocol` (the HTTP protocol ``docsec serve`` runs uvicorn with) loads
uvicorn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docsec.service._settings import ENV_VAR, ServiceSettings

if TYPE_CHECKING:
    from docsec.service._app import app_from_environment, create_app
    from docsec.service._http import HttpProtocol

__all__ = [
    "ENV_VAR",
    "HttpProtocol",
    "ServiceSettings",
    "app_from_environment",
    "create_app",
]


def __getattr__(name: str) -> Any:
    if name in {"create_app", "app_from_environment"}:
        from docsec.service import _app

        return getattr(_app, name)
    if name == "HttpProtocol":  # uvicorn's protocol for docsec serve's workers
        from docsec.service._http import HttpProtocol

        return HttpProtocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
