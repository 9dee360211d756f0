"""A Click group whose sub-commands are imported only when they are used.

``docsec --help`` and ``docsec verify --help`` must start fast: the verify, simulate,
watermark and copy-detection commands pull in OpenCV, NumPy, cryptography and
pyHanko at import. Each lazy command is registered with its import path and its
one-line help (checked against the real command by a test, so the two cannot
drift); the module is imported when the command runs or shows its own help. The
one-line help is in the catalogue too: the group's help lists it in the chosen
language without importing the command.
"""

from __future__ import annotations

import gettext
import importlib
from typing import Any

import click

from docsec_cli._help import DocsecGroup, help_text
from docsec_cli._i18n import click_source_language

__all__ = ["LazyGroup"]


class LazyGroup(DocsecGroup):
    """A :class:`~docsec_cli._help.DocsecGroup` with sub-commands imported on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = {}

    def add_lazy(self, name: str, target: str, short_help: str) -> None:
        """Register ``name`` as ``"module:attribute"``, shown with ``short_help``."""
        self.lazy[name] = (target, short_help)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name][0].split(":")
            with click_source_language():
                command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):  # pragma: no cover - a bug
                raise TypeError(f"{self.lazy[cmd_name][0]} is not a Click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        # Click's own version imports every command for its one-line help.
        limit = formatter.width - 6 - max(len(n) for n in self.list_commands(ctx))
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self.commands:
                rows.append((name, help_text(self.lazy[name][1])))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section(gettext.gettext("Commands")):
                formatter.write_dl(rows)
