"""``docsec keys secret``, ``docsec crl issue|revoke``, ``docsec trust export``.

The office's key and trust chores, thin over :mod:`docsec.keys`,
:mod:`docsec.pki` and :mod:`docsec.trust`. Time enters through ``--at`` (default: now, read by
:mod:`docsec_cli._clock`, the CLI's only clock).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from docsec.errors import DocsecError, KeyMaterialError
from docsec_cli._clock import at_option, issuing_time
from docsec_cli._errors import BadParameter, CLIUsageError, UsageError, to_cli_error
from docsec_cli._help import DocsecCommand, DocsecGroup
from docsec_cli._i18n import tr

PASSPHRASE_ENV = "DOCSEC_KEY_PASSPHRASE"  # noqa: S105  (a variable name, not a secret)

#: The names of docsec.pki.REVOCATION_REASONS (a test keeps them equal), spelled
#: out so that `docsec --help` does not import the PKI code.
REASONS = (
    "unspecified",
    "key-compromise",
    "ca-compromise",
    "affiliation-changed",
    "superseded",
    "cessation-of-operation",
    "certificate-hold",
    "privilege-withdrawn",
)
_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_AT_HELP = (
    "The time to act as of: YYYY-MM-DD (00:00 UTC) or an ISO date-time (default: now)."
)


def _moment(value: str | None) -> datetime:
    """Return the time ``--at`` names, to the second (now when absent)."""
    return issuing_time(value).replace(microsecond=0)


def _load_ca_key(path: Path, env: str) -> Any:
    from docsec import keys

    try:
        return keys.load_private_key(path, passphrase=None)
    except KeyMaterialError as exc:
        text = str(exc).lower()
        if "passphrase" not in text and "encrypted" not in text:
            raise
    value = os.environ.get(env)
    if not value:
        if not sys.stdin.isatty():
            raise CLIUsageError(
                tr(
                    "the key passphrase is needed: set ${env} or run in a terminal to "
                    "be asked"
                ).format(env=env)
            )
        value = click.prompt(tr("CA key passphrase"), hide_input=True, err=True)
    return keys.load_private_key(path, passphrase=value.encode())


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc


# ----------------------------------------------------------------------- keys


@click.command("secret", cls=DocsecCommand)
@click.option(
    "--purpose",
    type=click.Choice(["cdp", "watermark"]),
    required=True,
    help="Copy-detection pattern key or watermark key (one key, one purpose).",
)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to create (mode 0600; an existing file is never overwritten).",
)
def keys_secret(purpose: str, out_file: Path) -> None:
    """Create a copy-detection or watermark secret key.

    The file is docsec's ``docsec-secret-key v1`` format (what ``docsec issue
    --cdp-key/--watermark-key`` and ``docsec verify`` load). Anyone holding it can
    make matching marks: give it only to verifiers you trust.
    """
    from docsec import keys

    if out_file.exists():
        raise CLIUsageError(
            tr("{path} exists; refusing to overwrite key material").format(
                path=out_file
            )
        )
    key = keys.generate_secret_key(purpose)
    _run(keys.save_secret_key, out_file, key)
    what = tr("copy-detection key") if purpose == "cdp" else tr("watermark key")
    click.echo(
        tr("{what} {key_id} written to {path}").format(
            what=what, key_id=key.key_id, path=out_file
        ),
        err=True,
    )


# ------------------------------------------------------------------------ crl


@click.group("crl", cls=DocsecGroup)
def crl_group() -> None:
    """Issue and update the certificate revocation list of a CA."""


def _ca_options(fn: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--ca-key",
                required=True,
                type=_EXISTING_FILE,
                help="The CA's private key (PKCS#8 PEM).",
            ),
            click.option(
                "--ca-cert",
                required=True,
                type=_EXISTING_FILE,
                help="The CA's certificate.",
            ),
            click.option(
                "--crl",
                "crl_file",
                required=True,
                type=click.Path(dir_okay=False, path_type=Path),
                help="The CA's CRL file (PEM): created, or re-issued in place.",
            ),
            click.option(
                "--days",
                default=30,
                show_default=True,
                type=click.IntRange(1, 366),
                help="Days until nextUpdate: verifiers stop using the CRL then.",
            ),
            at_option("the CRL's thisUpdate, and the revocation date"),
            click.option("--passphrase-env", default=PASSPHRASE_ENV, show_default=True),
        ]
    ):
        fn = option(fn)
    return fn


def _issue(
    ca_key: Path,
    ca_cert: Path,
    crl_file: Path,
    days: int,
    at: datetime,
    passphrase_env: str,
    add: list[Any],
) -> Any:
    from docsec import pki, trust

    cert = _run(trust.load_certificate, ca_cert)
    key = _run(_load_ca_key, ca_key, passphrase_env)
    next_update = at + timedelta(days=days)
    if crl_file.exists():
        previous = _run(trust.load_crl, crl_file)
        crl = _run(
            pki.reissue_crl,
            previous,
            root_cert=cert,
            root_key=key,
            add=add,
            last_update=at,
            next_update=next_update,
        )
    else:
        crl = _run(
            pki.create_crl,
            root_cert=cert,
            root_key=key,
            revoked=add,
            last_update=at,
            next_update=next_update,
        )
    _run(pki.save_crl, crl_file, crl)
    return crl


@crl_group.command("issue")
@_ca_options
def crl_issue(
    ca_key: Path,
    ca_cert: Path,
    crl_file: Path,
    days: int,
    at_text: str | None,
    passphrase_env: str,
) -> None:
    """Issue the CA's CRL: a new empty one, or the next one keeping its entries.

    Run it before the current CRL's nextUpdate (and publish the result with
    ``docsec trust export``): verifiers do not use a stale CRL.
    """
    at = _moment(at_text)
    crl = _issue(ca_key, ca_cert, crl_file, days, at, passphrase_env, [])
    click.echo(
        tr(
            "CRL with {count} revoked certificate(s) written to {path}; next update "
            "{next_update}"
        ).format(
            count=len(list(crl)),
            path=crl_file,
            next_update=crl.next_update_utc.isoformat(),
        ),
        err=True,
    )


@crl_group.command("revoke")
@_ca_options
@click.option(
    "--serial",
    default=None,
    help="Serial number in hex (the seal's certificate reference), e.g. 1A2B3C4D5E6F.",
)
@click.option(
    "--cert",
    "cert_file",
    default=None,
    type=_EXISTING_FILE,
    help="The certificate to revoke (instead of --serial).",
)
@click.option(
    "--reason",
    type=click.Choice(REASONS),
    default="unspecified",
    show_default=True,
    help="Revocation reason (RFC 5280 CRLReason).",
)
def crl_revoke(
    ca_key: Path,
    ca_cert: Path,
    crl_file: Path,
    days: int,
    at_text: str | None,
    passphrase_env: str,
    serial: str | None,
    cert_file: Path | None,
    reason: str,
) -> None:
    """Revoke a certificate: add it to the CA's CRL and re-issue the CRL.

    Every seal of that certificate then verifies NOT AUTHENTIC (``revoked``) for
    verifiers that install the new CRL, whatever the seal's date.
    """
    from docsec import pki, trust

    if (serial is None) == (cert_file is None):
        raise UsageError(tr("give exactly one of --serial and --cert"))
    at = _moment(at_text)
    if cert_file is not None:
        target = _run(trust.load_certificate, cert_file)
        ca = _run(trust.load_certificate, ca_cert)
        if not trust.TrustStore.from_certificates([ca]).issuer_candidates(target):
            raise CLIUsageError(
                tr("{path} was not issued by {issuer}").format(
                    path=cert_file, issuer=ca.subject.rfc4514_string()
                )
            )
        number = target.serial_number
    else:
        try:
            number = int(str(serial), 16)
        except ValueError as exc:
            raise BadParameter(
                tr("{value} is not a hex serial number").format(value=repr(serial)),
                param_hint="--serial",
            ) from exc
    if number < 1:
        raise BadParameter(tr("serial numbers are positive"), param_hint="--serial")
    entry = pki.RevokedCertificate(number, at, pki.REVOCATION_REASONS[reason])
    crl = _issue(ca_key, ca_cert, crl_file, days, at, passphrase_env, [entry])
    click.echo(
        tr(
            "revoked serial {serial} ({reason}); CRL with {count} revoked "
            "certificate(s) written to {path}"
        ).format(
            serial=f"{number:X}", reason=reason, count=len(list(crl)), path=crl_file
        ),
        err=True,
    )


# ---------------------------------------------------------------------- trust


@click.group("trust", cls=DocsecGroup)
def trust_group() -> None:
    """Publish the trust bundle that verifiers install."""


@trust_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    required=True,
    type=_EXISTING_FILE,
    help="A root CA certificate (repeat for several).",
)
@click.option(
    "--crl",
    "crls",
    multiple=True,
    type=_EXISTING_FILE,
    help="A CA's current CRL (repeat; from `docsec crl issue`).",
)
@click.option(
    "--cert",
    "certs",
    multiple=True,
    type=_EXISTING_FILE,
    help="An office or intermediate CA certificate (repeat): verifiers need the "
    "office certificates to check seals on paper.",
)
@click.option("--at", "at_text", default=None, help=_AT_HELP)
@click.option("--replace", is_flag=True, help="Replace the files of an earlier bundle.")
def trust_export(
    directory: Path,
    anchors: tuple[Path, ...],
    crls: tuple[Path, ...],
    certs: tuple[Path, ...],
    at_text: str | None,
    replace: bool,
) -> None:
    """Write DIRECTORY: the anchors and current CRLs a verifier installs.

    Anchors and CRLs go to DIRECTORY, office and intermediate certificates to
    DIRECTORY/intermediates/ (trusted only through a path to an anchor). Every CRL
    must be signed by a CA of the bundle and current at --at; a verifier points
    ``docsec verify --trust`` at the folder as it is.
    """
    from docsec import pki, trust

    at = _moment(at_text)
    written = _run(
        pki.export_bundle,
        directory,
        anchors=[_run(trust.load_certificate, p) for p in anchors],
        crls=[_run(trust.load_crl, p) for p in crls],
        certificates=[_run(trust.load_certificate, p) for p in certs],
        at=at,
        overwrite=replace,
    )
    for path in written:
        click.echo(str(path))
    click.echo(
        tr("trust bundle of {count} files in {path}").format(
            count=len(written), path=directory
        ),
        err=True,
    )
