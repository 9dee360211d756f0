"""The CLI's one clock: ``--at`` on every command that signs, issues or verifies.

Library calls take their time as an argument (``at=``, ``now=``, ``signature_date=``);
the CLI reads the wall clock only here, when ``--at`` is not given, so a test or an
office can run any command as of a fixed day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import click

from docsec_cli._errors import BadParameter
from docsec_cli._i18n import tr

__all__ = ["at_option", "issuing_time", "now", "parse_at"]

F = TypeVar("F", bound=Callable[..., Any])


def now() -> datetime:
    """Return the wall-clock time (UTC, aware): when a batch starts and ends."""
    return datetime.now(UTC)


def parse_at(value: str | None) -> datetime | date | None:
    """Parse ``--at``: ``YYYY-MM-DD`` or an ISO date-time; None when not given."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadParameter(
            tr("{value} is not YYYY-MM-DD or an ISO date-time").format(
                value=repr(value)
            ),
            param_hint="--at",
        ) from exc


def issuing_time(value: str | None) -> datetime:
    """Return the time a key, certificate or seal is made at (UTC, aware).

    A bare date means 00:00 UTC of that day; an ISO date-time without a zone is
    taken as UTC; no ``--at`` means now.
    """
    at = parse_at(value)
    if at is None:
        return now()
    if isinstance(at, datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return datetime(at.year, at.month, at.day, tzinfo=UTC)


def at_option(what: str) -> Callable[[F], F]:
    """Return the ``--at`` option of a command that makes things at a time."""
    return click.option(
        "--at",
        "at_text",
        default=None,
        metavar="DATE",
        help=f"Act as of this day (YYYY-MM-DD or ISO date-time): {what} "
        "(default: now).",
    )
