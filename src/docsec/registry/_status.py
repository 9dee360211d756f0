"""Document status as verifiers see it, and where they get it from."""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from docsec.errors import ConfigurationError, DocsecError

__all__ = [
    "CODE_ALPHABET",
    "DEFAULT_DB_URL",
    "DocumentState",
    "DocumentStatus",
    "HttpStatusSource",
    "RegistryUnavailable",
    "StatusSource",
    "code_digest",
    "codes_equal",
    "new_verification_code",
    "normalise_code",
    "open_status_source",
    "status_from_row",
]

logger = logging.getLogger(__name__)

#: The registry database when none is named.
DEFAULT_DB_URL = "sqlite:///docsec-registry.sqlite3"
#: Crockford's base 32: digits and capitals without I, L, O, U (nothing to misread
#: on paper). 10 symbols are 50 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 10


class RegistryUnavailable(DocsecError):  # noqa: N818  (a condition, as NotAuthentic)
    """The registry could not be asked (network, database, bad answer)."""


class DocumentState(enum.StrEnum):
    """The status of an issued document."""

    ACTIVE = "active"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class DocumentStatus:
    """What the registry says about one document (no personal data)."""

    number: str
    state: DocumentState
    kind: str
    issuer: str
    issued_at: datetime
    reason: str | None = None
    changed_at: datetime | None = None
    superseded_by: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form the service and ``--json`` use."""
        return {
            "number": self.number,
            "status": self.state.value,
            "kind": self.kind,
            "issuer": self.issuer,
            "issued_at": self.issued_at.isoformat(),
            "reason": self.reason,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "superseded_by": self.superseded_by,
        }

    @classmethod
    def from_dict(cls, obj: object) -> DocumentStatus:
        """Read :meth:`to_dict`'s form; raise :class:`RegistryUnavailable` if bad."""
        if not isinstance(obj, dict):
            raise RegistryUnavailable("the registry's answer is not a document status")
        try:
            changed = obj.get("changed_at")
            return cls(
                number=str(obj["number"]),
                state=DocumentState(obj["status"]),
                kind=str(obj["kind"]),
                issuer=str(obj["issuer"]),
                issued_at=datetime.fromisoformat(str(obj["issued_at"])),
                reason=None if obj.get("reason") is None else str(obj["reason"]),
                changed_at=datetime.fromisoformat(str(changed)) if changed else None,
                superseded_by=None
                if obj.get("superseded_by") is None
                else str(obj["superseded_by"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RegistryUnavailable(
                "the registry's answer is not a document status"
            ) from exc


class StatusSource(Protocol):
    """Anything that answers "what is the status of document NUMBER?"."""

    def lookup(self, number: str, code: str | None) -> DocumentStatus | None:
        """Return the status, or None if no document has this number and code.

        Raises
        ------
        RegistryUnavailable
            The registry could not be asked.
        """
        ...  # pragma: no cover - protocol


def new_verification_code() -> str:
    """Return a fresh random verification code (10 symbols of :data:`CODE_ALPHABET`)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def normalise_code(text: str) -> str:
    """Return a code as typed by a person in canonical form (no dashes, capitals).

    Examples
    --------
    >>> normalise_code(" 7kq2m-9xd4p ")
    '7KQ2M9XD4P'
    """
    if text.isascii() and text.isalnum():  # as typed into the API: nothing to drop
        return text.upper()
    return "".join(ch for ch in text.upper() if ch.isalnum())


def codes_equal(a: str, b: str) -> bool:
    """Compare two codes in constant time."""
    return hmac.compare_digest(
        a.encode("ascii", "replace"), b.encode("ascii", "replace")
    )


def code_digest(code: str) -> str:
    """Return the stored form of a verification code: SHA-256 (hex) of its canonical form."""
    return hashlib.sha256(normalise_code(code).encode("utf-8")).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def status_from_row(row: Sequence[Any], code: str | None) -> DocumentStatus | None:
    """Return the status of a looked-up document row, or None if ``code`` is wrong.

    ``row`` holds, in this order: number, status, kind, issuer, issued_at,
    status_reason, status_changed_at, superseded_by, code_digest (the columns of
    every look-up query, whatever runs it). With ``code``, its digest is compared
    with the stored one in constant time; without, the operator's look-up.
    """
    (number, state, kind, issuer, issued_at, reason, changed_at, by, digest) = row
    if code is not None and not codes_equal(digest, code_digest(code)):
        return None
    issued = _aware(issued_at)
    if issued is None:  # pragma: no cover - NOT NULL column
        raise RegistryUnavailable("document without an issue time")
    return DocumentStatus(
        number=number,
        state=DocumentState(state),
        kind=kind,
        issuer=issuer,
        issued_at=issued,
        reason=reason,
        changed_at=_aware(changed_at),
        superseded_by=by,
    )


@dataclass(frozen=True, slots=True)
class HttpStatusSource:
    """Ask a ``docsec serve`` service: ``GET {base}/api/v1/documents/{number}?code=``."""

    base_url: str
    timeout: float = 5.0

    def lookup(self, number: str, code: str | None) -> DocumentStatus | None:
        """Return the service's answer (None on 404)."""
        if code is None:
            # The service answers only to number + code.
            return None
        url = (
            f"{self.base_url.rstrip('/')}/api/v1/documents/"
            f"{urllib.parse.quote(number, safe='')}?"
            + urllib.parse.urlencode({"code": code})
        )
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310  (scheme checked in open_status_source)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(65536)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 404:
                return None
            raise RegistryUnavailable(f"the registry answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise RegistryUnavailable(f"cannot reach the registry: {exc}") from exc
        try:
            obj = json.loads(body)
        except ValueError as exc:
            raise RegistryUnavailable("the registry's answer is not JSON") from exc
        return DocumentStatus.from_dict(obj)


def open_status_source(url: str) -> StatusSource:
    """Return the status source for a database URL or a service's base URL.

    Raises
    ------
    ConfigurationError
        The URL is neither.
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme in {"http", "https"}:
        return HttpStatusSource(url)
    if scheme.startswith(("sqlite", "postgresql")):
        from docsec.registry._db import Registry

        return Registry(url)
    raise ConfigurationError(
        f"registry URL {url!r}: expected sqlite:///..., postgresql+psycopg://... or "
        "the service's http(s):// address"
    )
