"""``docsec registry``: create the database, show and change document status, tokens.

SQLAlchemy is imported only inside these commands.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from docsec_cli._clock import at_option, issuing_time
from docsec_cli._errors import CLIError, CLIUsageError, to_cli_error
from docsec_cli._help import DocsecGroup
from docsec_cli._i18n import N_, tr

if TYPE_CHECKING:
    from docsec.registry import Registry

F = TypeVar("F", bound=Callable[..., Any])

#: The default registry database.
DEFAULT_DB = "sqlite:///docsec-registry.sqlite3"


def db_option(help_text: str = "Registry database URL.") -> Callable[[F], F]:
    """Return the ``--db`` option (also ``$DOCSEC_REGISTRY_DB``)."""
    return click.option(
        "--db",
        "db_url",
        default=DEFAULT_DB,
        show_default=True,
        envvar="DOCSEC_REGISTRY_DB",
        show_envvar=True,
        help=help_text,
    )


def default_actor() -> str:
    """Return who acts from this terminal, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unknown"


def open_registry(url: str) -> Registry:
    """Open a registry database, mapping errors to CLI errors."""
    from docsec.errors import DocsecError
    from docsec.registry import Registry

    try:
        return Registry(url)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc


#: A document's state in the registry, in the clerk's words.
_STATES = {
    "active": N_("ACTIVE"),
    "revoked": N_("REVOKED"),
    "superseded": N_("SUPERSEDED"),
}


def _state_word(state: str) -> str:
    """Return the state in upper case, translated, with the English word in Korean."""
    english = _STATES.get(state, state.upper())
    word = tr(english)
    return english if word == english else f"{word} ({english})"


@click.group("registry", cls=DocsecGroup)
def registry_group() -> None:
    """Manage the document registry: document status, audit log, API tokens."""


@registry_group.command("init")
@db_option()
def registry_init(db_url: str) -> None:
    """Create the registry's tables, or upgrade them to this version."""
    from docsec.errors import DocsecError

    reg = open_registry(db_url)
    try:
        reg.init()
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    finally:
        reg.close()
    click.echo(
        tr("registry ready: {url}").format(url=reg.engine.url.render_as_string()),
        err=True,
    )


@registry_group.command("status")
@click.argument("number")
@db_option()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--audit", is_flag=True, help="Also show the audit log.")
def registry_status(number: str, db_url: str, as_json: bool, audit: bool) -> None:
    """Show the status of document NUMBER (exit 0 active, 3 revoked/superseded)."""
    from docsec.errors import DocsecError

    reg = open_registry(db_url)
    try:
        status = reg.status(number)
        log = reg.audit(number) if audit and status is not None else []
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    finally:
        reg.close()
    if status is None:
        raise CLIError(tr("no document {number} in the registry").format(number=number))
    if as_json:
        obj = status.to_dict()
        if audit:
            obj["audit"] = log
        click.echo(json.dumps(obj, ensure_ascii=False, sort_keys=True))
    else:
        line = f"{status.number}: {_state_word(status.state.value)}"
        if status.reason:
            line += f" ({status.reason})"
        if status.changed_at:
            line += " " + tr("since {time}").format(time=status.changed_at.isoformat())
        click.echo(line)
        click.echo(
            "  "
            + tr("{kind}, issued by {issuer} at {time}").format(
                kind=status.kind,
                issuer=status.issuer,
                time=status.issued_at.isoformat(),
            )
        )
        for entry in log:
            click.echo(
                f"  {entry['at']}  {entry['action']:<9} {entry['actor']}"
                + (f"  {entry['reason']}" if entry["reason"] else "")
            )
    click.get_current_context().exit(0 if status.state.value == "active" else 3)


@registry_group.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option("--actor", default=None, help="Who revokes [default: cli:$USER].")
@db_option()
@at_option("the revocation time")
def registry_revoke(
    number: str, reason: str, actor: str | None, db_url: str, at_text: str | None
) -> None:
    """Revoke document NUMBER: it verifies NOT AUTHENTIC (document-revoked) from now."""
    from docsec.errors import DocsecError

    reg = open_registry(db_url)
    try:
        status = reg.revoke(
            number,
            reason=reason,
            actor=actor or default_actor(),
            now=issuing_time(at_text),
        )
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    finally:
        reg.close()
    click.echo(f"{status.number}: {_state_word('revoked')} ({reason})")


@registry_group.command("supersede")
@click.argument("number")
@click.option("--by", "by", required=True, help="Number of the replacing document.")
@click.option("--actor", default=None, help="Who acts [default: cli:$USER].")
@db_option()
@at_option("the time of the change")
def registry_supersede(
    number: str, by: str, actor: str | None, db_url: str, at_text: str | None
) -> None:
    """Mark document NUMBER as replaced (document-superseded when verified)."""
    from docsec.errors import DocsecError

    reg = open_registry(db_url)
    try:
        status = reg.supersede(
            number, by=by, actor=actor or default_actor(), now=issuing_time(at_text)
        )
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    finally:
        reg.close()
    click.echo(
        f"{status.number}: "
        + tr("{state} by {number}").format(state=_state_word("superseded"), number=by)
    )


@registry_group.group("token")
def token_group() -> None:
    """Manage the verification service's API tokens."""


@token_group.command("create")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["issuer", "auditor"]),
    help="issuer: issue and revoke; auditor: read.",
)
@click.option("--label", default="", help="What the token is for (audit only).")
@db_option()
@at_option("the creation time")
def token_create(role: str, label: str, db_url: str, at_text: str | None) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from docsec.errors import DocsecError

    if len(label) > 128:
        raise CLIUsageError(tr("--label: at most 128 characters"))
    reg = open_registry(db_url)
    try:
        token = reg.create_token(role, label=label, now=issuing_time(at_text))
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    finally:
        reg.close()
    click.echo(token)
    click.echo(
        tr("store this token now: it is not shown again (the registry keeps its hash)"),
        err=True,
    )
