"""The message catalogue and the reason-code documents, kept in step with the code.

``python -m docsec_cli._catalogue`` rewrites ``docs/reasons.md``,
``docs/ko/reasons.md`` and the Korean catalogue (adding new messages untranslated,
keeping every translation); ``tests/cli/test_i18n.py`` fails when any of them is
out of step, or a message has no Korean translation.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from docsec.reasons import REASONS
from docsec_cli import _render
from docsec_cli._i18n import gettext_for, load_po

__all__ = ["messages", "po_text", "reasons_markdown"]

_HERE = Path(__file__).resolve().parent
PO_PATH = _HERE / "locale" / "ko" / "LC_MESSAGES" / "docsec.po"
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


def messages() -> list[str]:
    """Return every message the CLI translates, in a stable order, once each."""
    found: list[str] = []
    for r in REASONS.values():
        found += [r.meaning, r.action]
    found += _tr_literals()
    found += list(_render.VERDICT_TEXT.values()) + list(_render.VERDICT_SAYS.values())
    found += [label for _, label in _render.PAPER_FIELDS]
    found += list(_render.PAPER_STATE.values())
    found += list(_DOC_WORDS) + list(_EFFECTS.values())
    return list(dict.fromkeys(found))


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
    gettext_for.cache_clear()
    (root / "docs" / "ko").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "reasons.md").write_text(reasons_markdown("en"), encoding="utf-8")
    (root / "docs" / "ko" / "reasons.md").write_text(
        reasons_markdown("ko"), encoding="utf-8"
    )


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    write_all(_HERE.parents[1])
