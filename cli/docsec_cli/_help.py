"""Help pages in the chosen language.

Click builds a command's help from texts fixed when the command is defined (its
docstring, each option's ``help=``). These classes translate them when the help
is *shown*, through the catalogue (:func:`help_text`), so ``--lang`` and the
environment choose the language of ``--help`` as they do for every other message.
Click's own frame (``Usage:``, ``Options:``, ``[default: ...]``, its errors) is
translated by Click itself, through gettext, in the invocation's language
(:func:`docsec_cli._i18n.speaking`, entered by :meth:`DocsecGroup.main`).

Korean takes two terminal columns a letter: the Korean help is wrapped by display
width (:class:`CellFormatter`), not by letter count as Click's formatter does.

Every command of the CLI is a :class:`DocsecCommand` or a :class:`DocsecGroup`
(``tests/cli/test_help.py`` walks the tree): a group's sub-commands are by
default; a command defined on its own needs ``cls=DocsecCommand``.
"""

from __future__ import annotations

import gettext
import inspect
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click

from docsec_cli import _i18n
from docsec_cli._render import cells

__all__ = [
    "CellFormatter",
    "DocsecCommand",
    "DocsecContext",
    "DocsecGroup",
    "help_text",
    "short_help",
]


def help_text(text: str) -> str:
    """Translate a help text: from our catalogue, else Click's (its own options)."""
    translated = _i18n.tr(text)
    # Click's own help texts ("Show this message and exit.") are in its
    # catalogue, which gettext reads while an invocation speaks Korean.
    return translated if translated != text else gettext.gettext(text)


def short_help(text: str, limit: int) -> str:
    """Return the first sentence of ``text``, cut to ``limit`` columns with ``...``."""
    words = " ".join(text.split("\n\n", 1)[0].split()).split(" ")
    out: list[str] = []
    for word in words:
        out.append(word)
        if word.endswith("."):
            break
    sentence = " ".join(out)
    if cells(sentence) <= limit:
        return sentence
    kept: list[str] = []
    for word in out:
        if cells(" ".join([*kept, word])) + 3 > limit:
            break
        kept.append(word)
    return " ".join(kept) + "..."


def _fill(text: str, width: int, first: str, rest: str) -> str:
    """Wrap ``text`` at spaces to ``width`` display columns (long words overflow)."""
    lines: list[str] = []
    line, used, empty = first, cells(first), True
    for word in text.split():
        need = cells(word) + (0 if empty else 1)
        if not empty and used + need > width:
            lines.append(line)
            line, used = rest + word, cells(rest) + cells(word)
        else:
            line += word if empty else " " + word
            used += need
        empty = False
    lines.append(line)
    return "\n".join(lines)


def _wrap(text: str, width: int, indent: str = "") -> str:
    """Click's ``wrap_text(preserve_paragraphs=True)``, by display width."""
    paragraphs: list[tuple[int, bool, str]] = []
    buf: list[str] = []
    level: int | None = None

    def flush() -> None:
        if buf:
            raw = buf[0].strip() == "\b"
            body = "\n".join(buf[1:]) if raw else " ".join(buf)
            paragraphs.append((level or 0, raw, body))
            buf.clear()

    for line in text.expandtabs().splitlines():
        if not line:
            flush()
            level = None
            continue
        if level is None:
            level = len(line) - len(line.lstrip())
        buf.append(line.lstrip())
    flush()
    out = []
    for extra, raw, body in paragraphs:
        pad = indent + " " * extra
        if raw:
            out.append("\n".join(pad + ln for ln in body.splitlines()))
        else:
            out.append(_fill(body, width, pad, pad))
    return "\n\n".join(out)


class CellFormatter(click.HelpFormatter):
    """Click's help formatter, measuring text in terminal columns (Hangul: two)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line; the arguments wrap under themselves."""
        if prefix is None:
            prefix = gettext.gettext("Usage:") + " "
        head = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(head.rstrip(" ") + "\n")
            return
        width = self.width - self.current_indent
        if width >= cells(head) + 20:
            self.write(_fill(args, width, head, " " * cells(head)))
        else:
            self.write(head + "\n")
            pad = " " * (max(self.current_indent, cells(prefix)) + 4)
            self.write(_fill(args, width, pad, pad))
        self.write("\n")

    def write_text(self, text: str) -> None:
        """Write rewrapped paragraphs at the current indentation."""
        self.write(_wrap(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(
        self,
        rows: Iterable[tuple[str, str]],
        col_max: int = 30,
        col_spacing: int = 2,
    ) -> None:
        """Write a definition list (options, commands), the second column wrapped."""
        rows = list(rows)
        first_col = min(max((cells(r[0]) for r in rows), default=0), col_max)
        first_col += col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrap(second, max(self.width - first_col - 2, 10)).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class DocsecContext(click.Context):
    """A context whose help is wrapped by display width when not in English."""

    def make_formatter(self) -> click.HelpFormatter:
        """Return Click's formatter for English, :class:`CellFormatter` otherwise."""
        if _i18n.current() == "en":
            return super().make_formatter()
        return CellFormatter(
            width=self.terminal_width, max_width=self.max_content_width
        )


class _Translated(click.Command):
    """The help of a command, translated when it is shown."""

    context_class = DocsecContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Return the help option, made once with Click's English help text."""
        with _i18n.click_source_language():
            return super().get_help_option(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        """Return the one-line help in the language in force."""
        if _i18n.current() == "en":
            return super().get_short_help_str(limit)
        if self.short_help:
            return help_text(inspect.cleandoc(self.short_help))
        if self.help:
            return short_help(help_text(_docstring(self.help)), limit)
        return ""

    def format_help_text(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """Write the command's description, translated."""
        if self.help is None or self.deprecated:
            super().format_help_text(ctx, formatter)
            return
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(help_text(_docstring(self.help)))

    def format_arguments(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """Write the documented arguments, their help translated."""
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(a.help is not None for a in args):
            with formatter.section(gettext.gettext("Positional arguments")):
                formatter.write_dl([_record(a, ctx) or ("", "") for a in args])

    def format_options(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """Write the options, their help translated (Click's markers by Click)."""
        rows = [
            row
            for p in self.get_params(ctx)
            if not isinstance(p, click.Argument) and (row := _record(p, ctx))
        ]
        if rows:
            with formatter.section(gettext.gettext("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


def _docstring(text: str) -> str:
    # What Click shows of a docstring: cleaned, up to the first form feed.
    return inspect.cleandoc(text).partition("\f")[0]


def _record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """Return the help row of ``param`` with its own text translated."""
    row = param.get_help_record(ctx)
    own = getattr(param, "help", None)
    if row is None or not own or not row[1].startswith(own):
        return row
    # Click appends its markers ("  [default: 8; required]") after the text.
    return row[0], help_text(own) + row[1][len(own) :]


class DocsecCommand(_Translated):
    """A :class:`click.Command` whose help is shown in the chosen language."""


class DocsecGroup(_Translated, click.Group):
    """A :class:`click.Group` whose help is shown in the chosen language.

    Its sub-commands and sub-groups are of these classes too. Run as the program
    (:meth:`main`), it speaks the language the arguments or the environment
    choose from the first line of output on, ``--help`` and usage errors included.
    """

    command_class = DocsecCommand
    group_class = type  # sub-groups are of the parent's class

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the program in the language its arguments or environment ask for."""
        argv = list(sys.argv[1:] if args is None else args)
        with _i18n.speaking(_i18n.language_from_args(argv)):
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
