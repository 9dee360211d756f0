"""``docsec serve``: the verification page and API on uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import click

from docsec_cli._errors import CLIError, CLIUsageError, to_cli_error
from docsec_cli._help import DocsecCommand
from docsec_cli._i18n import tr
from docsec_cli._registry_cmd import DEFAULT_DB
from docsec_cli._serve_workers import (
    PortInUseError,
    Supervisor,
    WorkerOptions,
    bind_socket,
    reuseport_available,
    run_worker,
)


def _log_config(access_log: bool) -> dict[str, object]:
    """Return uvicorn's logging set-up: docsec's JSON access log and warnings, stderr."""
    handler = {"handlers": ["stderr"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "docsec.service.access": {
                **handler,
                "level": "INFO" if access_log else "WARNING",
            },
            "docsec": {**handler, "level": "WARNING"},
            "uvicorn": {**handler, "level": "WARNING"},
        },
    }


@click.command("serve", cls=DocsecCommand)
@click.option(
    "--db",
    "db_url",
    default=DEFAULT_DB,
    show_default=True,
    envvar="DOCSEC_REGISTRY_DB",
    show_envvar=True,
    help="Registry database URL (PostgreSQL in production).",
)
@click.option(
    "--trust",
    "trust_dir",
    required=True,
    envvar="DOCSEC_TRUST",
    show_envvar=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Trust store folder.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Listen address.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core; they share nothing but the database; "
    "each listens on its own SO_REUSEPORT socket, restarted if it dies).",
)
@click.option(
    "--public-url",
    default=None,
    help="The service's public address, printed on issued documents "
    "[default: http://HOST:PORT].",
)
@click.option(
    "--cdp-key",
    "cdp_keys",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Copy-detection key file(s).",
)
@click.option(
    "--watermark-key",
    "watermark_keys",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Watermark key file(s).",
)
@click.option(
    "--issuer-key",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Key for POST /api/v1/issue (passphrase in $DOCSEC_KEY_PASSPHRASE).",
)
@click.option(
    "--issuer-cert",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Certificate for POST /api/v1/issue.",
)
@click.option(
    "--max-upload-mb",
    default=20,
    show_default=True,
    type=click.IntRange(1, 512),
    help="Largest upload accepted.",
)
@click.option(
    "--verify-per-minute",
    default=30,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Verifications per client and minute, per worker.",
)
@click.option(
    "--lookup-per-minute",
    default=120,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Status look-ups per client and minute, per worker.",
)
@click.option(
    "--write-per-minute",
    default=60,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Issues and revocations per client and minute, per worker.",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="One JSON line per request on stderr (worker, method, route, status, bytes, "
    "ms; no client address, no query, no document number).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Reverse proxies whose X-Forwarded-For/-Proto are believed (client "
    "addresses for rate limits, https for cookies).",
)
def serve_cmd(
    db_url: str,
    trust_dir: Path,
    host: str,
    port: int,
    workers: int,
    public_url: str | None,
    cdp_keys: tuple[str, ...],
    watermark_keys: tuple[str, ...],
    issuer_key: str | None,
    issuer_cert: str | None,
    max_upload_mb: int,
    verify_per_minute: int,
    lookup_per_minute: int,
    write_per_minute: int,
    access_log: bool,
    forwarded_allow_ips: str,
) -> None:
    """Serve the verification page and API.

    See the README, "Registry and verification service".
    """
    from docsec.errors import DocsecError
    from docsec.service import ENV_VAR, ServiceSettings, create_app

    if (issuer_key is None) != (issuer_cert is None):
        raise CLIUsageError(tr("give both --issuer-key and --issuer-cert, or neither"))
    settings = ServiceSettings(
        db_url=db_url,
        trust_dir=str(trust_dir.resolve()),
        public_url=public_url or f"http://{host}:{port}",
        cdp_keys=tuple(str(Path(p).resolve()) for p in cdp_keys),
        watermark_keys=tuple(str(Path(p).resolve()) for p in watermark_keys),
        issuer_key=str(Path(issuer_key).resolve()) if issuer_key else None,
        issuer_cert=str(Path(issuer_cert).resolve()) if issuer_cert else None,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        verify_per_minute=verify_per_minute,
        lookup_per_minute=lookup_per_minute,
        write_per_minute=write_per_minute,
    )
    try:
        # Built once here so that a bad trust folder or database fails at once,
        # with a clear message, before any worker starts.
        create_app(settings).state.registry.close()
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    os.environ[ENV_VAR] = settings.to_json()
    options = WorkerOptions(
        log_config=_log_config(access_log), forwarded_allow_ips=forwarded_allow_ips
    )
    reuseport = workers > 1 and reuseport_available()
    supervisor = Supervisor(
        host=host,
        port=port,
        workers=workers,
        options=options,
        say=lambda message: click.echo(message, err=True),
        reuseport=reuseport,
    )
    sock = None
    try:
        if workers == 1:
            sock = bind_socket(host, port, reuseport=False)
        else:
            supervisor.bind()
    except PortInUseError as exc:
        raise CLIError(
            tr("cannot listen on {host}:{port}: the port is in use").format(
                host=host, port=port
            )
        ) from exc
    except OSError as exc:
        raise CLIError(
            tr("cannot listen on {host}:{port}: {error}").format(
                host=host, port=port, error=exc.strerror or exc
            )
        ) from exc
    click.echo(
        tr("serving on {url} ({workers} worker(s)); registry {db}").format(
            url=f"http://{host}:{port}", workers=workers, db=db_url.split("@")[-1]
        ),
        err=True,
    )
    if sock is not None:
        # One worker: this process.
        if run_worker(sock, options) != 0:
            raise CLIError(tr("the service failed to start"))
        return
    if not reuseport:
        click.echo(
            tr(
                "SO_REUSEPORT is not available: the workers share one listening "
                "socket, and the kernel may give them unequal shares of the "
                "connections"
            ),
            err=True,
        )
    failed = supervisor.run()
    if failed is not None:
        raise CLIError(failed)
