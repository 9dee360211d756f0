"""The one place where library exceptions become CLI exit codes.

Exit codes (STYLE.md section 8): 0 authentic, 1 unexpected error, 2 usage,
3 not authentic, 4 inconclusive (no seal, unreadable input, missing evidence).
Only 0 means accept.
"""

from __future__ import annotations

import sys
from typing import IO, Any

import click

from docsec.errors import (
    ConfigurationError,
    DocsecError,
    InputError,
    KeyMaterialError,
    PayloadError,
)
from docsec.result import Verdict
from docsec_cli._i18n import tr

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_AUTHENTIC = 3
EXIT_INCONCLUSIVE = 4

VERDICT_EXIT = {
    Verdict.AUTHENTIC: EXIT_OK,
    Verdict.NOT_AUTHENTIC: EXIT_NOT_AUTHENTIC,
    Verdict.INCONCLUSIVE: EXIT_INCONCLUSIVE,
}


class CLIError(click.ClickException):
    """A library error shown as one line on stderr; exit code 1."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        """Write ``Error: message`` to stderr, ``Error`` in the chosen language."""
        click.echo(
            tr("Error: {message}").format(message=self.format_message()),
            file=file if file is not None else sys.stderr,
            color=self.show_color,
        )


class CLIUsageError(CLIError):
    """Bad options, configuration or key material; exit code 2."""

    exit_code = EXIT_USAGE


class CLIInputError(CLIError):
    """Unreadable or unusable input: nothing could be decided; exit code 4."""

    exit_code = EXIT_INCONCLUSIVE


def to_cli_error(exc: DocsecError) -> CLIError:
    """Map a library exception to the CLI error class with the right exit code."""
    if isinstance(exc, InputError | PayloadError):
        return CLIInputError(str(exc))
    if isinstance(exc, ConfigurationError | KeyMaterialError):
        return CLIUsageError(str(exc))
    return CLIError(str(exc))


def worst(codes: list[int]) -> int:
    """Return the worst exit code (any error beats not-authentic beats inconclusive)."""
    if not codes:
        return EXIT_OK
    order = [EXIT_ERROR, EXIT_USAGE, EXIT_NOT_AUTHENTIC, EXIT_INCONCLUSIVE, EXIT_OK]
    return min(codes, key=order.index)
