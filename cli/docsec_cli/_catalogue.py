"""The message catalogue and the reason-code documents, kept in step with the code.

``python -m docsec_cli._catalogue`` rewrites ``docs/reasons.md``,
``docs/ko/reasons.md`` and the Korean catalogues (adding new messages untranslated,
keeping every translation); ``tests/cli/test_i18n.py`` fails when any of them is
out of step, or a message has no Korean translation.

Two catalogues: ``docsec.po``, our messages, reason texts and ``--help`` texts
(every command's description and every option's help, read from the command tree
itself, lazy commands imported); and ``docsec-click.po``, Click's own messages
(its help frame and its errors), extracted from the installed Click's source and
compiled to ``docsec-click.mo``, the form gettext reads. A Click upgrade that
changes its messages makes the test fail until they are translated again.
"""

from __future__ import annotations

import ast
import inspect
import json
import struct
from pathlib import Path

import click

from docsec.reasons import REASONS
from docsec_cli import _render
from docsec_cli._i18n import CLICK_DOMAIN, gettext_for, load_po

__all__ = [
    "click_messages",
    "click_po_text",
    "help_texts",
    "messages",
    "mo_bytes",
    "po_text",
    "reasons_markdown",
]

_HERE = Path(__file__).resolve().parent
PO_PATH = _HERE / "locale" / "ko" / "LC_MESSAGES" / "docsec.po"
CLICK_PO_PATH = PO_PATH.with_name(f"{CLICK_DOMAIN}.po")
CLICK_MO_PATH = PO_PATH.with_name(f"{CLICK_DOMAIN}.mo")
#: Click messages passed to gettext through a variable (the "[required]" marker).
_CLICK_EXTRA = ("required",)
_HEADER = (
    "Content-Type: text/plain; charset=UTF-8\n"
    "Language: ko\n"
    "Plural-Forms: nplurals=1; plural=0;\n"
)
_EFFECTS = {
    "not_authentic": "not authentic",
    "inconclusive": "inconclusive",
    "note": "note",
}
_DOC_WORDS = ("Reason codes", "code", "effect on the verdict", "meaning", "What to do")


def _tr_literals() -> list[str]:
    # Every tr("...") and N_("...") literal in the CLI's modules.
    out: list[str] = []
    for path in sorted(_HERE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                out.append(node.args[0].value)
    return out


def help_texts() -> list[str]:
    """Return every ``--help`` text of the CLI, as Click shows it, once each.

    Walks the command tree (importing the lazy commands): each command's
    description (its cleaned docstring up to a form feed), its short help, the
    one-line help of the lazy commands, and the help of every parameter. Help
    texts Click writes itself ("Show the version and exit.") are Click's.
    """
    from docsec_cli._lazy import LazyGroup
    from docsec_cli.main import cli

    found: list[str] = []

    def walk(command: click.Command, ctx: click.Context) -> None:
        if command.help:
            found.append(inspect.cleandoc(command.help).partition("\f")[0])
        if command.short_help:
            found.append(inspect.cleandoc(command.short_help))
        found.extend(h for p in command.params if (h := getattr(p, "help", None)))
        if isinstance(command, LazyGroup):
            found.extend(short for _, short in command.lazy.values())
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, click.Context(sub, parent=ctx, info_name=name))

    walk(cli, click.Context(cli, info_name="docsec"))
    own = set(click_messages())
    return [t for t in dict.fromkeys(found) if t not in own]


def messages() -> list[str]:
    """Return every message the CLI translates, in a stable order, once each."""
    found: list[str] = []
    for r in REASONS.values():
        found += [r.meaning, r.action]
    found += _tr_literals()
    found += list(_render.VERDICT_TEXT.values()) + list(_render.VERDICT_SAYS.values())
    found += list(_render.PAPER_STATE.values())
    found += list(_DOC_WORDS) + list(_EFFECTS.values())
    found += help_texts()
    return list(dict.fromkeys(found))


def click_messages() -> list[str]:
    """Return Click's own messages (``_()`` and ``ngettext()`` in its source).

    A plural message is its singular and plural joined by a NUL character, as
    gettext keys it.
    """
    found: list[str] = []
    for path in sorted(Path(click.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
            ):
                continue
            texts = [
                a.value
                for a in node.args[:2]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if node.func.id == "_" and texts:
                found.append(texts[0])
            elif len(texts) == 2:
                found.append("\0".join(texts))
    return list(dict.fromkeys([*found, *_CLICK_EXTRA]))


def click_po_text(translations: dict[str, str]) -> str:
    """Return the Korean ``.po`` file of Click's messages with ``translations``."""
    lines = [
        "# Korean for Click's own messages (help frame, usage errors) in docsec.",
        "# Regenerate the list with: python -m docsec_cli._catalogue",
        'msgid ""',
        'msgstr ""',
        *(_quote(h + "\n") for h in _HEADER.split("\n")[:-1]),
        "",
    ]
    for msg in click_messages():
        one, _, many = msg.partition("\0")
        lines.append(f"msgid {_quote(one)}")
        if many:
            lines += [
                f"msgid_plural {_quote(many)}",
                f"msgstr[0] {_quote(translations.get(msg, ''))}",
            ]
        else:
            lines.append(f"msgstr {_quote(translations.get(msg, ''))}")
        lines.append("")
    return "\n".join(lines)


def mo_bytes(translations: dict[str, str]) -> bytes:
    """Compile ``translations`` to a GNU ``.mo`` file (what ``msgfmt`` writes)."""
    table = {"": _HEADER, **{k: v for k, v in translations.items() if k and v}}
    keys = sorted(table, key=lambda k: k.encode())
    ids = strs = b""
    spans: list[tuple[int, int, int, int]] = []
    for k in keys:
        kb, vb = k.encode(), table[k].encode()
        spans.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    index = [x for o, ln, _, _ in spans for x in (ln, o + key_start)]
    index += [x for _, _, o, ln in spans for x in (ln, o + value_start)]
    head = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return head + struct.pack(f"<{4 * n}I", *index) + ids + strs


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def po_text(translations: dict[str, str]) -> str:
    """Return the Korean ``.po`` file for :func:`messages` with ``translations``."""
    lines = [
        "# Korean messages of the docsec command line.",
        "# Regenerate the list with: python -m docsec_cli._catalogue",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Language: ko\\n"',
        "",
    ]
    for msg in messages():
        lines += [
            f"msgid {_quote(msg)}",
            f"msgstr {_quote(translations.get(msg, ''))}",
            "",
        ]
    return "\n".join(lines)


def reasons_markdown(lang: str) -> str:
    """Return docs/reasons.md (``"en"``) or docs/ko/reasons.md (``"ko"``)."""
    t = gettext_for(lang).gettext
    intro = {
        "en": (
            "Every reason code docsec can give, generated from `src/docsec/reasons.py` "
            "(`python -m docsec_cli._catalogue`). Codes are stable identifiers for "
            "programs; the meaning and the advice are shown by `docsec verify` in "
            "English or Korean (`--lang ko`). *not authentic*: evidence against the "
            "document; *inconclusive*: the verifier could not decide; *note*: a check "
            "that was not done or did not count. [한국어](ko/reasons.md)"
        ),
        "ko": (
            "docsec이 내는 모든 사유 코드입니다(`src/docsec/reasons.py`에서 생성). "
            "코드는 프로그램이 쓰는 고정 식별자이며, 의미와 조치는 `docsec --lang ko "
            "verify`가 한국어로 보여 줍니다. *진본 아님*: 문서에 불리한 증거, "
            "*판정 불가*: 검증기가 판단할 수 없음, *참고*: 하지 않았거나 판정에 들어가지 "
            "않은 검사. [English](../reasons.md)"
        ),
    }[lang]
    lines = [
        f"# {t('Reason codes')}",
        "",
        intro,
        "",
        f"| {t('code')} | {t('effect on the verdict')} | {t('meaning')} | "
        f"{t('What to do')} |",
        "|---|---|---|---|",
    ]
    for r in REASONS.values():
        cells = (t(_EFFECTS[r.effect]), t(r.meaning), t(r.action))
        lines.append(
            f"| `{r.code}` | " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
        )
    return "\n".join(lines) + "\n"


def write_all(root: Path) -> None:
    """Rewrite the catalogue and both documents under the repository ``root``."""
    PO_PATH.parent.mkdir(parents=True, exist_ok=True)
    known = load_po(PO_PATH) if PO_PATH.exists() else {}
    PO_PATH.write_text(po_text(known), encoding="utf-8")
    known_click = load_po(CLICK_PO_PATH) if CLICK_PO_PATH.exists() else {}
    CLICK_PO_PATH.write_text(click_po_text(known_click), encoding="utf-8")
    CLICK_MO_PATH.write_bytes(mo_bytes(load_po(CLICK_PO_PATH)))
    gettext_for.cache_clear()
    (root / "docs" / "ko").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "reasons.md").write_text(reasons_markdown("en"), encoding="utf-8")
    (root / "docs" / "ko" / "reasons.md").write_text(
        reasons_markdown("ko"), encoding="utf-8"
    )


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    write_all(_HERE.parents[1])
