"""The document registry: issued documents, their status, an audit log, API tokens.

Importing this package is light: the status types, the verification code and the
status sources that talk HTTP are plain Python. :class:`Registry` (SQLAlchemy, for a
SQLite or PostgreSQL database URL) is loaded on first use.

Examples
--------
>>> code = new_verification_code()
>>> len(code), code.isalnum(), code.upper() == code
(10, True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docsec.registry._status import (
    DEFAULT_DB_URL,
    DocumentState,
    DocumentStatus,
    RegistryUnavailable,
    StatusSource,
    new_verification_code,
    normalise_code,
    open_status_source,
)

if TYPE_CHECKING:
    from docsec.registry._db import Registry, Role, issue_registered

__all__ = [
    "DEFAULT_DB_URL",
    "DocumentState",
    "DocumentStatus",
    "Registry",
    "RegistryUnavailable",
    "Role",
    "StatusSource",
    "issue_registered",
    "new_verification_code",
    "normalise_code",
    "open_status_source",
]


def __getattr__(name: str) -> Any:
    # SQLAlchemy only when the database side is used.
    if name in {"Registry", "Role", "issue_registered"}:
        from docsec.registry import _db

        return getattr(_db, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
