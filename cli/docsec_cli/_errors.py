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


def _show_usage_error(exc: click.UsageError, file: IO[Any] | None) -> None:
    # Click's UsageError.show, with its frame in the chosen language.
    out = file if file is not None else sys.stderr
    color = None
    if exc.ctx is not None:
        color = exc.ctx.color
        usage = exc.ctx.get_usage()
        if usage.startswith("Usage:"):
            usage = tr("Usage:") + usage[len("Usage:") :]
        hint = ""
        names = exc.ctx.command.get_help_option_names(exc.ctx)
        if exc.ctx.command.get_help_option(exc.ctx) is not None and names:
            hint = (
                tr("Try '{command} {option}' for help.").format(
                    command=exc.ctx.command_path, option=max(names, key=len)
                )
                + "\n"
            )
        click.echo(f"{usage}\n{hint}", file=out, color=color)
    click.echo(
        tr("Error: {message}").format(message=exc.format_message()),
        file=out,
        color=color,
    )


class UsageError(click.UsageError):
    """Click's usage error (exit code 2, with the usage line), in the chosen language."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Write the usage line, the help hint and the error to stderr."""
        _show_usage_error(self, file)


class BadParameter(click.BadParameter):
    """Click's bad-parameter error (exit code 2), in the chosen language."""

    def format_message(self) -> str:
        """Return ``Invalid value for HINT: message``, translated."""
        hint = self.param_hint
        if hint is None and self.param is not None:
            hint = self.param.get_error_hint(self.ctx)
        if hint is None:
            return tr("Invalid value: {message}").format(message=self.message)
        if not isinstance(hint, str):
            hint = " / ".join(repr(x) for x in hint)
        return tr("Invalid value for {param_hint}: {message}").format(
            param_hint=hint, message=self.message
        )

    def show(self, file: IO[Any] | None = None) -> None:
        """Write the usage line, the help hint and the error to stderr."""
        _show_usage_error(self, file)


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
