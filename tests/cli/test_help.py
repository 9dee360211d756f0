"""``--help`` and Click's own messages in the chosen language; English unchanged."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from docsec_cli import _catalogue, _help, _i18n
from docsec_cli._lazy import LazyGroup
from docsec_cli._render import cells
from docsec_cli.main import cli

HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: The environment with no language chosen (the runner's base is the test's own).
NO_LANG = {"DOCSEC_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def _run(args: list[str], env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner(env={**NO_LANG, **(env or {})}).invoke(
        cli, args, prog_name="docsec"
    )


def _commands() -> list[list[str]]:
    """Return the path of every command and group of the CLI."""
    out: list[list[str]] = []

    def walk(command: click.Command, path: list[str], ctx: click.Context) -> None:
        out.append(path)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, [*path, name], click.Context(sub, parent=ctx, info_name=name))

    walk(cli, [], click.Context(cli, info_name="docsec"))
    return out


def test_group_help_in_korean_both_orders() -> None:
    for args in (["--lang", "ko", "--help"], ["--help", "--lang", "ko"]):
        r = _run(args)
        assert r.exit_code == 0, r.output
        out = r.stdout
        assert out.startswith("사용법: docsec [OPTIONS] COMMAND [ARGS]..."), out
        assert (
            "서명된 DataMatrix 봉인으로 보호되는 증명서를 발급하고 검증합니다." in out
        )
        assert "\n옵션:\n" in out
        assert "\n명령:\n" in out
        assert "이 도움말을 보여 주고 끝냅니다." in out
        assert "버전을 보여 주고 끝냅니다." in out
        # A lazy command's one-line help, without importing it.
        assert "스캔, 사진, PDF 또는 봉인 바이트를 검증합니다." in out
        for english in ("Usage:", "Options:", "Commands:", "Show this message"):
            assert english not in out


def test_verify_help_in_korean() -> None:
    r = _run(["--lang", "ko", "verify", "--help"])
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())  # the words, wherever the lines wrap
    assert out.startswith("사용법: docsec verify [OPTIONS] FILES...")
    assert "종료 코드: 0 진본, 1 오류, 2 사용법 오류, 3 진본 아님, 4 판정 불가" in out
    assert "신뢰 폴더: 최상위 인증기관·발급기관 인증서와 CRL(EU DCC" in out
    # Click's markers, in Korean, after our text.
    assert "[환경 변수: DOCSEC_TRUST; 필수]" in out
    assert "기본값: any]" in out
    assert "Verify scans" not in out
    assert "[default:" not in out


def test_keys_help_in_korean_from_the_environment() -> None:
    r = _run(["keys", "--help"], env={"DOCSEC_LANG": "ko"})
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "시연용 키, 최상위(국가 서명) 인증기관" in out
    assert "최상위 인증기관 아래에 발급기관(관서) 서명 키와 인증서를 만듭니다." in out
    r = _run(["keys", "root", "--help"], env={"LANG": "ko_KR.UTF-8"})
    out = " ".join(r.stdout.split())
    assert "ISO 3166 alpha-2 국가 코드. 예: KR. [필수]" in out
    assert "[기본값: 7305; 1<=x<=36525]" in out


def test_click_usage_errors_in_korean() -> None:
    r = _run(["--lang", "ko", "verify", "--nope"])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith("사용법: docsec verify [OPTIONS] FILES...\n")
    assert "도움말은 'docsec verify --help'을(를) 실행하세요." in r.stderr
    assert "오류: '--nope' 옵션은 없습니다." in r.stderr
    r = _run(["--lang", "ko", "keys", "root", "--country", "KR"])
    assert r.exit_code == 2
    assert "오류: 누락된 옵션: '--name'." in r.stderr
    r = _run(["--lang", "ko", "verify", "--exit-on", "x", "a.png"])
    assert "'x'은(는) 'any', 'not-authentic' 중 하나가 아닙니다." in r.stderr
    r = _run(["--lang", "ko", "inspect", "no-such-file.png"])
    assert "'no-such-file.png'이(가) 없습니다." in r.stderr
    r = _run(["--lang", "ko", "no-such-command"])
    assert "오류: 'no-such-command' 명령은 없습니다." in r.stderr
    r = _run(["--lang", "ko", "--version"])
    assert r.stdout.startswith("docsec, 버전 ")


def test_english_is_unchanged_and_nothing_leaks() -> None:
    before = [_run(a).output for a in (["--help"], ["verify", "--help"], ["verify"])]
    domain, language = gettext.textdomain(), os.environ.get("LANGUAGE")
    for args in (["--help"], ["verify", "--help"], ["verify", "--nope"]):
        _run(["--lang", "ko", *args])
    assert (gettext.textdomain(), os.environ.get("LANGUAGE")) == (domain, language)
    assert _i18n.current() == "en"
    after = [_run(a).output for a in (["--help"], ["verify", "--help"], ["verify"])]
    assert after == before
    assert before[0].startswith("Usage: docsec [OPTIONS] COMMAND [ARGS]...")
    assert "  -h, --help      Show this message and exit." in before[0]
    assert "--trust PATH" in before[1]
    assert "[env var: DOCSEC_TRUST; required]" in " ".join(before[1].split())
    assert "Error: Missing argument 'FILES...'." in before[2]
    # The only Korean in the English help is the language's own name.
    assert HANGUL.findall(before[0]) == list("한국어")
    assert not HANGUL.search(before[1] + before[2])
    # The language the locale asks for, and --lang over it.
    ko = _run(["--lang", "en", "--help"], env={"LANG": "ko_KR.UTF-8"}).output
    assert ko == before[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "ko", "verify"], "ko"),
        (["--help", "--lang=ko"], "ko"),
        (["-vv", "--config", "c.toml", "--lang", "ko", "seal"], "ko"),
        (["verify", "--lang", "ko"], "en"),  # not a root option there
        (["--config", "--lang", "verify"], "en"),  # --lang is --config's value
        (["--lang", "fr", "verify"], "en"),  # left to Click to reject
        (["--lang"], "en"),
    ],
)
def test_language_from_args(args: list[str], expected: str) -> None:
    assert _i18n.language_from_args(args, {}) == expected
    assert _i18n.language_from_args(args[:0], {"LANG": "ko_KR"}) == "ko"


def test_every_command_is_translated_and_fits_the_terminal() -> None:
    commands = _commands()
    assert len(commands) > 20
    for path in commands:
        ctx = click.Context(cli)
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            sub = command.get_command(ctx, name)
            assert sub is not None
            command = sub
        assert isinstance(command, _help.DocsecCommand | _help.DocsecGroup), path
        r = _run(["--lang", "ko", *path, "--help"])
        assert r.exit_code == 0, (path, r.output)
        lines = r.stdout.splitlines()
        assert lines[1] == "", (path, r.stdout)
        assert HANGUL.search(lines[2]), (path, r.stdout)  # the description
        # Wrapped by display width (Hangul takes two columns): the runner sets 80.
        # (An option's spelling alone may be longer, in English as in Korean.)
        wide = [ln for ln in lines if cells(ln) > 80 and HANGUL.search(ln)]
        assert not wide, (path, wide)


def test_cell_formatter_wraps_by_display_width() -> None:
    f = _help.CellFormatter(width=30)
    f.write_text("가나다 라마바 사아자 차카타 파하 가나다 라마바")
    lines = f.getvalue().splitlines()
    assert len(lines) == 2
    assert all(cells(ln) <= 30 for ln in lines)
    assert _help.short_help("검증합니다. 둘째 문장.", 40) == "검증합니다."
    assert _help.short_help("가나다 라마바 사아자 차카타", 16) == "가나다 라마바..."


_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)s")


def test_click_catalogue_covers_the_installed_click() -> None:
    # Fails on a Click upgrade that adds or changes a message: regenerate with
    # `python -m docsec_cli._catalogue` and translate what is new.
    po = _catalogue.CLICK_PO_PATH.read_text(encoding="utf-8")
    known = _i18n.load_po(_catalogue.CLICK_PO_PATH)
    assert po == _catalogue.click_po_text(known), "run: python -m docsec_cli._catalogue"
    assert _catalogue.CLICK_MO_PATH.read_bytes() == _catalogue.mo_bytes(known)
    wanted = _catalogue.click_messages()
    assert {"Usage:", "Options", "Commands", "Show this message and exit."} <= set(
        wanted
    )
    untranslated = [m for m in wanted if not known.get(m)]
    assert not untranslated, untranslated
    for msgid, msgstr in known.items():
        # Korean may leave a value out ({name}: 파일/폴더 read oddly before the
        # quoted path) but never use one Click does not pass.
        assert set(_PLACEHOLDER.findall(msgstr)) <= set(_PLACEHOLDER.findall(msgid)), (
            msgid
        )


def test_compiled_catalogue_is_what_gettext_reads() -> None:
    t = gettext.translation(
        _i18n.CLICK_DOMAIN,
        str(_catalogue.CLICK_PO_PATH.parents[2]),
        languages=["ko"],
    )
    assert t.gettext("Usage:") == "사용법:"
    one = t.ngettext(
        "Option {name!r} requires an argument.",
        "Option {name!r} requires {nargs} arguments.",
        1,
    )
    assert one.format(name="--at", nargs=1) == "'--at' 옵션에는 값 1개가 필요합니다."


def test_help_does_not_import_the_lazy_commands() -> None:
    code = (
        "import sys\n"
        "from docsec_cli.main import cli\n"
        "try:\n"
        "    cli.main(['--lang', 'ko', '--help'], prog_name='docsec')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print([m for m in sys.modules if m.startswith('docsec_cli._') and "
        "m.endswith('_cmd')], file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert "사용법: docsec" in run.stdout
    assert run.stderr.strip().splitlines()[-1] == "[]", run.stderr
    assert isinstance(cli, LazyGroup)


def test_english_after_korean_in_one_process() -> None:
    # Click fixes some texts when a command is defined (a path's name, the help
    # option's help): a lazy command first imported while Korean is spoken must
    # still show English later, and Korean words must not appear in English.
    code = (
        "from docsec_cli.main import cli\n"
        "for args in (['--lang', 'ko', 'verify', '--help'], ['verify', '--help']):\n"
        "    try:\n"
        "        cli.main(args, prog_name='docsec')\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    env = {**os.environ, **NO_LANG}
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    korean, english = run.stdout.split("Usage: ", 1)
    assert "--trust PATH" in korean  # metavars are names, as in English
    assert "--trust PATH" in english
    assert "Show this message and exit." in english
    assert not HANGUL.search(english)
