"""Korean and English for the CLI's human-facing text (gettext catalogues).

The language is chosen by ``--lang ko|en``, else ``DOCSEC_LANG``, else the POSIX
locale variables in their order of precedence (``LC_ALL``, ``LC_MESSAGES``,
``LANG``): a value starting with ``ko`` gives Korean, anything else English. JSON
keys, check names and reason codes never change: they are identifiers for programs.

Every command follows that rule, not only ``verify``: each message, prompt, warning,
error and table heading goes through :func:`tr` (``tests/cli/test_i18n.py`` scans
the modules for literals given to ``click.echo``, the prompts and the exceptions).
So does ``--help``: the commands' descriptions and the options' help are translated
when the help is shown (:mod:`docsec_cli._help`), in the language the arguments ask
for before Click parses them (:func:`language_from_args`: ``--lang`` among the root
options, also after ``--help``, else the environment). Click's own frame and errors
(``Usage:``, ``Options:``, ``[default: ...]``, ``No such option``, a bad choice)
are translated by Click's ``gettext`` calls, from our catalogue of Click's messages,
while an invocation speaks Korean (:func:`speaking`). Left in English on purpose:
option names and value placeholders (``--trust PATH``), the ``(env var: ...)``
Click adds to a bad value's option name (not marked for translation in Click), and
the detail of a library error after the translated ``Error:``. Text that is only
marked for the catalogue, to be translated later, is written ``N_("...")``.

Our catalogue is a standard gettext ``.po`` file
(``docsec_cli/locale/ko/LC_MESSAGES/docsec.po``, editable with any PO editor); it is
read directly, so nothing needs compiling. Click's messages are in
``docsec-click.po`` beside it, compiled by ``python -m docsec_cli._catalogue`` to
``docsec-click.mo``, the form Python's ``gettext`` reads for Click. English is the
source language: a message without a translation is shown in English.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

__all__ = [
    "CLICK_DOMAIN",
    "LANGUAGES",
    "N_",
    "click_source_language",
    "current",
    "gettext_for",
    "language_from_args",
    "load_po",
    "set_language",
    "speaking",
    "tr",
]

#: The languages the CLI speaks.
LANGUAGES = ("en", "ko")
_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The gettext domain of Click's own messages (compiled ``.mo`` beside our ``.po``).
CLICK_DOMAIN = "docsec-click"
_SOURCE_DOMAIN = gettext.textdomain()  # Python's default: no catalogue of ours
#: The root options that take a value (their value is not the sub-command).
_VALUED = ("--config", "--lang")
_state = {"lang": "en"}


def _from_environment(environ: Mapping[str, str]) -> str:
    for var in ("DOCSEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def set_language(lang: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Choose the language (``None``: from the environment); return it."""
    chosen = lang if lang is not None else _from_environment(environ or os.environ)
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language {chosen!r}; use one of {LANGUAGES}")
    _state["lang"] = chosen
    return chosen


def language_from_args(
    args: Sequence[str], environ: Mapping[str, str] | None = None
) -> str:
    """Return the language an invocation asks for, before Click parses it.

    ``--lang`` among the root options (before the sub-command, also after
    ``--help``), else the environment as :func:`set_language` reads it. An unknown
    value is left to Click to reject.
    """
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--" or not arg.startswith("-"):
            break
        name, eq, value = arg.partition("=")
        if name in _VALUED and not eq:
            value = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        if name == "--lang" and value in LANGUAGES:
            return value
        i += 1
    return _from_environment(os.environ if environ is None else environ)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak ``lang`` for one invocation: our messages and Click's own.

    Click marks its messages with the standard library's ``gettext.gettext``
    (the current text domain, the language from ``LANGUAGE``): for Korean the
    domain :data:`CLICK_DOMAIN` is bound to our catalogue and made current, and
    ``LANGUAGE`` names the language. Everything is put back afterwards, so that
    one invocation's language does not leak into the next (tests run many in
    one process).
    """
    previous = (current(), gettext.textdomain(), os.environ.get("LANGUAGE"))
    set_language(lang)
    if lang != "en":
        gettext.bindtextdomain(CLICK_DOMAIN, str(_LOCALE_DIR))
        gettext.textdomain(CLICK_DOMAIN)
        os.environ["LANGUAGE"] = lang
    try:
        yield
    finally:
        set_language(previous[0])
        gettext.textdomain(previous[1])
        if previous[2] is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous[2]


@contextmanager
def click_source_language() -> Iterator[None]:
    """Let Click's messages be English while commands and options are defined.

    Click fixes a few texts when an object is made (a path type's name, the help
    option's help): made in English, they are translated when shown, whatever
    language the invocation that first imported a lazy command spoke.
    """
    domain = gettext.textdomain()
    gettext.textdomain(_SOURCE_DOMAIN)
    try:
        yield
    finally:
        gettext.textdomain(domain)


def current() -> str:
    """Return the language in force (``"en"`` or ``"ko"``)."""
    return _state["lang"]


_QUOTED = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
# A plural entry (Click's ngettext) is keyed "singular\0plural", as in a .mo
# file; Korean has one form, msgstr[0].
_ENTRY = re.compile(
    rf"^msgid {_QUOTED}\n(?:msgid_plural {_QUOTED}\n)?msgstr(?:\[0\])? {_QUOTED}",
    re.M,
)


def _unquote(block: str) -> str:
    # Each line is a C-style string literal; Python's literal syntax reads the
    # escapes PO files use (\n, \t, \", \\).
    return "".join(ast.literal_eval(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def load_po(path: Path) -> dict[str, str]:
    """Return the translations of a ``.po`` file (untranslated and fuzzy left out)."""
    text = path.read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            continue
        m = _ENTRY.search(block)
        if m is None:
            continue
        msgid, msgstr = _unquote(m.group(1)), _unquote(m.group(3))
        if m.group(2) is not None:
            msgid += "\0" + _unquote(m.group(2))
        if msgid and msgstr:
            out[msgid] = msgstr
    return out


class _Catalogue(gettext.NullTranslations):
    def __init__(self, table: Mapping[str, str]) -> None:
        super().__init__()
        self._table = dict(table)

    def gettext(self, message: str) -> str:
        return self._table.get(message, message)


@cache
def gettext_for(lang: str) -> gettext.NullTranslations:
    """Return the translations of ``lang`` (English: the identity)."""
    if lang == "en":
        return gettext.NullTranslations()
    return _Catalogue(load_po(_LOCALE_DIR / lang / "LC_MESSAGES" / "docsec.po"))


def tr(message: str) -> str:
    """Translate ``message`` into the current language."""
    return gettext_for(current()).gettext(message)


def N_(message: str) -> str:  # noqa: N802  (the gettext convention's name)
    """Mark ``message`` for the catalogue; it is translated later, with :func:`tr`."""
    return message
