"""The registry database (SQLAlchemy 2): SQLite by default, PostgreSQL in production.

Every write is one transaction. Issuing allocates the number, signs the document and
records it in the same transaction: a crash before the commit leaves neither a
record nor a used number, and the counter row (locked by ``UPDATE ... RETURNING``;
on SQLite the whole database, ``BEGIN IMMEDIATE``) makes concurrent issuers wait
for each other instead of sharing a number.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    String,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from docsec.errors import ConfigurationError, InputError
from docsec.registry._models import ApiToken, AuditEntry, Counter, Document
from docsec.registry._status import (
    DocumentState,
    DocumentStatus,
    RegistryUnavailable,
    _aware,
    code_digest,
    new_verification_code,
    status_from_row,
)

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["IssuedRecord", "Registry", "Role", "issue_registered"]

logger = logging.getLogger(__name__)

_TOKEN_PREFIX = "dsk_"  # noqa: S105  (a prefix that makes tokens recognisable)


class Role(enum.StrEnum):
    """What an API token may do."""

    ISSUER = "issuer"  # issue and revoke
    AUDITOR = "auditor"  # read status and the audit log


@dataclass(frozen=True, slots=True)
class IssuedRecord:
    """A document recorded by :func:`issue_registered`."""

    number: str
    code: str
    pdf: bytes


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ConfigurationError("registry times must be timezone-aware")
    return now.astimezone(UTC)


_STATUS_COLUMNS = (
    Document.number,
    Document.status,
    Document.kind,
    Document.issuer,
    Document.issued_at,
    Document.status_reason,
    Document.status_changed_at,
    Document.superseded_by,
    Document.code_digest,
)
# Built once: constructing the statement cost more than running it (measured).
_READY = select(func.count()).select_from(Counter)
_LOOKUP = select(*_STATUS_COLUMNS).where(Document.number == bindparam("number"))
# The same columns for several numbers at once (the service's batched look-ups).
_LOOKUP_MANY = select(*_STATUS_COLUMNS).where(
    Document.number == any_(bindparam("numbers", type_=ARRAY(String)))
)


def postgres_lookup_sql() -> str:
    """Return the look-up query as PostgreSQL text for psycopg (``%(number)s``).

    The same statement as :meth:`Registry.lookup` runs, compiled once: the async
    look-up path (:mod:`docsec.registry._async`) runs it without SQLAlchemy.
    """
    return _postgres_text(_LOOKUP)


def postgres_lookup_many_sql() -> str:
    """Return the look-up query for a list of numbers (``%(numbers)s``), PostgreSQL text.

    :data:`_LOOKUP`'s columns, ``WHERE number = ANY(...)``: one row per number found
    (numbers are unique).
    """
    return _postgres_text(_LOOKUP_MANY)


def postgres_ready_sql() -> str:
    """Return :meth:`Registry.ready`'s query as PostgreSQL text."""
    return _postgres_text(_READY)


def _postgres_text(statement: ClauseElement) -> str:
    from sqlalchemy.dialects.postgresql import psycopg

    dialect = psycopg.dialect()  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
    return str(statement.compile(dialect=dialect))


def libpq_url(url: str) -> str:
    """Return a SQLAlchemy PostgreSQL URL as a libpq connection URI (for psycopg)."""
    from sqlalchemy.engine import make_url

    if url.startswith("postgresql://"):
        return url
    return (
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


class Registry:
    """A registry database.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``sqlite:///path.sqlite3`` or
        ``postgresql+psycopg://user@host/db`` (``postgresql://`` means psycopg 3).
    pool_size : int
        Connections kept per process (PostgreSQL).
    """

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        self.url = url
        try:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"timeout": 30})
                _sqlite_setup(engine)
            elif url.startswith("postgresql+psycopg"):
                # No pre-ping (a second round trip on every checkout): connections
                # are recycled instead, and a dead one fails one request, which the
                # caller sees as RegistryUnavailable.
                engine = create_engine(
                    url,
                    pool_size=pool_size,
                    max_overflow=pool_size,
                    pool_recycle=300,
                )
            else:
                raise ConfigurationError(
                    f"registry database {url!r}: expected sqlite:// or postgresql://"
                )
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise ConfigurationError(
                f"cannot use the registry database: {exc}"
            ) from exc
        self.engine: Engine = engine
        # Reads are single statements: on PostgreSQL they run in autocommit, which
        # saves the BEGIN and ROLLBACK round trips of the service's hot path.
        self._reader: Engine = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if url.startswith("postgresql")
            else engine
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

    # ------------------------------------------------------------ schema

    def init(self) -> None:
        """Create or upgrade the schema (Alembic migrations shipped in the package)."""
        from alembic import command
        from alembic.config import Config

        script = resources.files("docsec.registry") / "migrations"
        cfg = Config()
        cfg.set_main_option("script_location", str(script))
        try:
            with self._write() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            raise RegistryUnavailable(f"cannot initialise the registry: {exc}") from exc

    def ready(self) -> bool:
        """Return True if the database answers and has the schema."""
        try:
            with self.engine.connect() as conn:
                conn.execute(_READY).scalar_one()
        except SQLAlchemyError:
            logger.warning("registry not ready", exc_info=True)
            return False
        return True

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(docsec_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._reader.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise RegistryUnavailable(f"registry database error: {exc}") from exc

    # ------------------------------------------------------------ numbers

    def _allocate(self, conn: Connection, prefix: str) -> str:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(
                pg_insert(Counter)
                .values(prefix=prefix, value=0)
                .on_conflict_do_nothing(index_elements=["prefix"])
            )
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            conn.execute(
                sqlite_insert(Counter)
                .values(prefix=prefix, value=0)
                .on_conflict_do_nothing(index_elements=["prefix"])
            )
        value = conn.execute(
            update(Counter)
            .where(Counter.prefix == prefix)
            .values(value=Counter.value + 1)
            .returning(Counter.value)
        ).scalar_one()
        number = f"{prefix}{value:08d}"
        if len(number) > 30:  # pragma: no cover - prefix is at most 20 characters
            raise InputError("document number longer than 30 characters")
        return number

    @contextmanager
    def issuing(
        self, *, prefix: str, now: datetime, actor: str
    ) -> Iterator[_IssueSlot]:
        """Allocate a number and a code; record the document when the block ends.

        The block must call :meth:`_IssueSlot.record`; an exception inside it (or a
        crash) rolls back both the number and the record.
        """
        if not prefix.isalnum() or not prefix.isupper() or len(prefix) > 20:
            raise InputError("number prefix: up to 20 characters 0-9, A-Z")
        try:
            with self._write() as conn:
                slot = _IssueSlot(
                    conn, self._allocate(conn, prefix), new_verification_code()
                )
                yield slot
                if not slot.recorded:
                    raise InputError("the issued document was not recorded")
                slot.finish(_utc(now), actor)
        except SQLAlchemyError as exc:
            raise RegistryUnavailable(f"registry database error: {exc}") from exc

    # ------------------------------------------------------------ status

    def lookup(self, number: str, code: str | None) -> DocumentStatus | None:
        """Return a document's status; with ``code``, only if the code matches."""
        # Core, not the ORM: this is the service's hot path.
        with self._read() as conn:
            row = conn.execute(_LOOKUP, {"number": number}).first()
        return None if row is None else status_from_row(row, code)

    def status(self, number: str) -> DocumentStatus | None:
        """Return a document's status (for the registry's own operators)."""
        return self.lookup(number, None)

    def _change(
        self,
        number: str,
        *,
        state: DocumentState,
        reason: str,
        actor: str,
        now: datetime,
        superseded_by: str | None = None,
    ) -> DocumentStatus:
        when = _utc(now)
        try:
            with self._write() as conn:
                doc = (
                    Session(conn)
                    .scalars(
                        select(Document)
                        .where(Document.number == number)
                        .with_for_update()
                    )
                    .first()
                )
                if doc is None:
                    raise InputError(f"no document {number} in the registry")
                if doc.status != DocumentState.ACTIVE:
                    raise InputError(f"document {number} is already {doc.status}")
                conn.execute(
                    update(Document)
                    .where(Document.id == doc.id)
                    .values(
                        status=state.value,
                        status_reason=reason,
                        status_changed_at=when,
                        superseded_by=superseded_by,
                    )
                )
                conn.execute(
                    insert(AuditEntry).values(
                        document_id=doc.id,
                        action="revoke"
                        if state is DocumentState.REVOKED
                        else "supersede",
                        old_status=doc.status,
                        new_status=state.value,
                        reason=reason,
                        actor=actor,
                        at=when,
                    )
                )
        except SQLAlchemyError as exc:
            raise RegistryUnavailable(f"registry database error: {exc}") from exc
        status = self.status(number)
        if status is None:  # pragma: no cover - just written
            raise RegistryUnavailable("document vanished")
        logger.info("document %s %s by %s", number, state.value, actor)
        return status

    def revoke(
        self, number: str, *, reason: str, actor: str, now: datetime
    ) -> DocumentStatus:
        """Revoke an active document (audit-logged).

        Raises
        ------
        InputError
            No such document, or it is not active.
        """
        if not reason.strip():
            raise InputError("a revocation needs a reason")
        return self._change(
            number, state=DocumentState.REVOKED, reason=reason, actor=actor, now=now
        )

    def supersede(
        self, number: str, *, by: str, actor: str, now: datetime
    ) -> DocumentStatus:
        """Mark an active document as replaced by document ``by`` (audit-logged)."""
        if self.status(by) is None:
            raise InputError(f"no document {by} in the registry")
        return self._change(
            number,
            state=DocumentState.SUPERSEDED,
            reason=f"superseded by {by}",
            actor=actor,
            now=now,
            superseded_by=by,
        )

    def audit(self, number: str) -> list[dict[str, object]]:
        """Return a document's audit log, oldest first."""
        with self._read() as conn:
            rows = (
                Session(conn)
                .scalars(
                    select(AuditEntry)
                    .join(Document, Document.id == AuditEntry.document_id)
                    .where(Document.number == number)
                    .order_by(AuditEntry.id)
                )
                .all()
            )
        out: list[dict[str, object]] = []
        for entry in rows:
            at = _aware(entry.at)
            out.append(
                {
                    "action": entry.action,
                    "old_status": entry.old_status,
                    "new_status": entry.new_status,
                    "reason": entry.reason,
                    "actor": entry.actor,
                    "at": at.isoformat() if at else None,
                }
            )
        return out

    def count(self, state: DocumentState | None = None) -> int:
        """Return the number of documents (in ``state``)."""
        query = select(func.count()).select_from(Document)
        if state is not None:
            query = query.where(Document.status == state.value)
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    # ------------------------------------------------------------ tokens

    def create_token(self, role: Role | str, *, label: str, now: datetime) -> str:
        """Create an API token; return it (the only time it exists in clear)."""
        role = Role(role)
        token = _TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            with self._write() as conn:
                conn.execute(
                    insert(ApiToken).values(
                        token_hash=_sha256(token),
                        role=role.value,
                        label=label[:128],
                        created_at=_utc(now),
                    )
                )
        except SQLAlchemyError as exc:
            raise RegistryUnavailable(f"registry database error: {exc}") from exc
        return token

    def authenticate(self, token: str) -> tuple[int, Role] | None:
        """Return ``(token id, role)`` for a valid token, else None."""
        if not token.startswith(_TOKEN_PREFIX) or len(token) > 200:
            return None
        with self._read() as conn:
            found = conn.execute(
                select(ApiToken.id, ApiToken.role).where(
                    ApiToken.token_hash == _sha256(token)
                )
            ).first()
        if found is None:
            return None
        return int(found[0]), Role(found[1])


class _IssueSlot:
    """The number and code of a document being issued, inside its transaction."""

    def __init__(self, conn: Connection, number: str, code: str) -> None:
        self._conn = conn
        self.number = number
        self.code = code
        self.recorded = False
        self._values: dict[str, Any] = {}

    def record(self, seal_bytes: bytes) -> None:
        """Record the issued document from its seal (kind, dates, digests)."""
        from docsec import seal as _seal

        parsed = _seal.parse_unverified(seal_bytes)
        fields = _seal.decode_certificate(parsed)
        if fields.document_number != self.number or fields.verification_code != (
            self.code
        ):
            raise InputError("the seal does not carry the allocated number and code")
        self._values = {
            "number": self.number,
            "kind": fields.kind,
            "issuer": parsed.header.signer_identifier,
            "valid_from": fields.valid_from,
            "valid_until": fields.valid_until,
            "seal_digest": hashlib.sha256(seal_bytes).hexdigest(),
            "content_digest": fields.content_digest.hex(),
            "code_digest": code_digest(self.code),
            "status": DocumentState.ACTIVE.value,
        }
        self.recorded = True

    def finish(self, now: datetime, actor: str) -> None:
        doc_id = self._conn.execute(
            insert(Document)
            .values(issued_at=now, **self._values)
            .returning(Document.id)
        ).scalar_one()
        self._conn.execute(
            insert(AuditEntry).values(
                document_id=doc_id,
                action="issue",
                old_status=None,
                new_status=DocumentState.ACTIVE.value,
                reason=None,
                actor=actor,
                at=now,
            )
        )


def _sqlite_setup(engine: Engine) -> None:
    """WAL, a busy timeout, and BEGIN IMMEDIATE for writes (SQLAlchemy's recipe)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A write takes the database lock at BEGIN: two issuers never both read
        # the counter and then fail to upgrade (SQLite's deadlock-by-busy).
        write = conn.get_execution_options().get("docsec_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def issue_registered(
    registry: Registry,
    data: Mapping[str, object],
    *,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    now: datetime,
    actor: str,
    verify_url: str | None = None,
    issue_fn: Callable[..., bytes] | None = None,
    **options: Any,
) -> IssuedRecord:
    """Issue a PDF with a registry number and verification code, and record it.

    The number is ``signer identifier + year + 8 digits`` (e.g.
    ``KRGN202600000001``); the data must not carry a ``document_number`` or a
    ``verification_code``. Number allocation, signing and the record are one
    transaction.

    Parameters
    ----------
    registry : Registry
    data : mapping
        Certificate data as for :func:`docsec.issuing.issue`.
    key, cert
        The issuer's key and certificate.
    now : datetime
        Time of issue (timezone-aware); its date is the signing date.
    actor : str
        Who issues (audit log).
    verify_url : str, optional
        The verification service's address, printed with the code.
    issue_fn : callable, optional
        Replaces :func:`docsec.issuing.issue` (tests use it to crash mid-issue).
    **options
        Passed to :func:`docsec.issuing.issue`.
    """
    from docsec import pdf as _pdf
    from docsec import trust as _trust
    from docsec.issuing import issue

    for taken in ("document_number", "verification_code"):
        if taken in data:
            raise InputError(f"with a registry, the registry assigns {taken}")
    when = _utc(now)
    day: date = when.date()
    prefix = f"{_trust.signer_identifier(cert)}{day.year}"
    fn = issue_fn or issue
    with registry.issuing(prefix=prefix, now=when, actor=actor) as slot:
        full = {**data, "document_number": slot.number, "verification_code": slot.code}
        pdf = fn(
            full,
            key=key,
            cert=cert,
            signature_date=day,
            verify_url=verify_url,
            **options,
        )
        sealed = _pdf.declared_seal(pdf)
        if sealed is None:
            raise InputError("the issued PDF declares no seal")
        slot.record(sealed)
    logger.info("issued and recorded document %s", slot.number)
    return IssuedRecord(slot.number, slot.code, pdf)
