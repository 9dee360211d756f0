"""Korean and English output, the message catalogue and the reason-code catalogue."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.clock import AT

from docsec.reasons import REASONS, describe
from docsec_cli import _catalogue, _i18n
from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "data" / "family-relation.json"

#: Hyphenated string literals in the code that are not reason codes.
NOT_REASONS = {
    # CRL revocation reasons (RFC 5280), named by `docsec crl revoke --reason`
    "affiliation-changed",
    "ca-compromise",
    "certificate-hold",
    "cessation-of-operation",
    "key-compromise",
    "privilege-withdrawn",
    # file names, encodings, program names, modes
    "attacker-keys",
    "docsec-copy-profile",  # the copy profile file's format name
    "demo-out",
    "docsec-click",  # the gettext domain of Click's messages
    "print-scan",
    "latin-1",
    "utf-8",
    "utf-8-sig",
    "utf-16-be",
    "zxing-cpp",
    "soft-fail",
    "open-ended",
    "certificate-digest",
    "init-failed",
    "not-authentic",  # docsec verify --exit-on not-authentic
    # seal-format names (docsec.formats)
    "eu-dcc",
    "fr-2d-doc",
    "icao-vds",
    # docsec serve: HTTP problem types (RFC 9457), header names, OpenAPI formats
    "bad-data",
    "bad-form",
    "bad-json",
    "bad-lookup",
    "bad-number",
    "no-file",
    "no-issuer",
    "no-reason",
    "not-active",
    "not-ready",
    "rate-limited",
    "too-large",
    "unreadable-input",
    "unsupported-media-type",
    "accept-language",
    "content-type",
    "date-time",
    # names of annotated locations (--annotate), not reasons
    "text-match",
    "text-mismatch",
    "text-unreadable",
    # seal-codec quirks of other issuers (docs/seal-format.md)
    "certificate-reference-length-read-as-decimal",
    "issuing-country-shorter-than-3-characters",
    "length-byte-0x80-read-as-zero",
    "v4-header-with-v3-signer-and-reference",
}
#: Reason codes without a hyphen.
ONE_WORD = {"revoked", "photocopy", "timeout"}
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")
_PREFIX = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z0-9]+)+): ")


def _literals() -> set[str]:
    out: set[str] = set()
    for root in (ROOT / "src" / "docsec", ROOT / "cli" / "docsec_cli"):
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    m = _CODE.match(node.value) or _PREFIX.match(node.value)
                    if m is not None:
                        out.add(m.group(1) if m.re is _PREFIX else node.value)
                    elif node.value in ONE_WORD:
                        out.add(node.value)
    return out


def test_every_reason_code_in_the_code_is_catalogued() -> None:
    found = _literals()
    uncatalogued = sorted(found - set(REASONS) - NOT_REASONS)
    assert not uncatalogued, (
        f"add these to src/docsec/reasons.py (or to NOT_REASONS): {uncatalogued}"
    )
    stale = sorted(set(REASONS) - found)
    assert not stale, f"catalogued but never emitted: {stale}"


def test_catalogue_entries_are_complete() -> None:
    for code, r in REASONS.items():
        assert r.code == code
        assert r.effect in ("not_authentic", "inconclusive", "note")
        assert r.meaning.endswith("."), code
        assert r.action.endswith("."), code
    assert describe("no-such-code").effect == "inconclusive"  # never a pass


def test_korean_catalogue_and_documents_are_in_step() -> None:
    po = _catalogue.PO_PATH.read_text(encoding="utf-8")
    known = _i18n.load_po(_catalogue.PO_PATH)
    assert po == _catalogue.po_text(known), "run: python -m docsec_cli._catalogue"
    untranslated = [m for m in _catalogue.messages() if not known.get(m)]
    assert not untranslated, f"no Korean for: {untranslated[:5]}"
    for lang, path in (("en", "docs/reasons.md"), ("ko", "docs/ko/reasons.md")):
        on_disk = (ROOT / path).read_text(encoding="utf-8")
        assert on_disk == _catalogue.reasons_markdown(lang), (
            f"{path} is out of date: python -m docsec_cli._catalogue"
        )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ko"}, "ko"),
        ({"DOCSEC_LANG": "en", "LANG": "ko_KR.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_language_from_the_environment(env: dict[str, str], expected: str) -> None:
    try:
        assert _i18n.set_language(None, env) == expected
    finally:
        _i18n.set_language("en")


def test_po_reader_handles_escapes(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid "a \\"b\\"\\n"\nmsgstr "가 \\"나\\"\\n"\n\n'
        '#, fuzzy\nmsgid "c"\nmsgstr "다"\n\nmsgid "d"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert _i18n.load_po(po) == {'a "b"\n': '가 "나"\n'}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("i18n")
    assert (
        CliRunner().invoke(cli, ["keys", "demo", str(d / "w"), "--at", AT]).exit_code
        == 0
    )
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(SAMPLE),
            "--key",
            str(d / "w/issuer-key.pem"),
            "--cert",
            str(d / "w/issuer-cert.pem"),
            "--out",
            str(d / "s.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    raw = bytearray((d / "s.bin").read_bytes())
    raw[60] ^= 0x01  # a signed byte
    (d / "forged.bin").write_bytes(bytes(raw))
    return d


def _verify(d: Path, *args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner(env=env).invoke(
        cli, [*args, "verify", "--trust", str(d / "w/trust"), "--at", AT]
    )


def test_clerk_view_in_korean(world: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "--lang",
            "ko",
            "verify",
            str(world / "s.png"),
            "--trust",
            str(world / "w/trust"),
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "진본 확인 (AUTHENTIC)" in out
    # The paper's labels, in the paper's order, and no technical fields.
    fields = out.split("서명된 내용", 1)[1]
    labels = ["발급번호", "성명", "생년월일", "발급기관", "발급일", "유효기간"]
    positions = [fields.index(label) for label in labels]
    assert positions == sorted(positions), out
    assert "홍길동" in out
    for technical in ("CONTENT_DIGEST", "CDP_REGION", "PROFILE_ID", "HOLDER_NAME"):
        assert technical not in out
    assert "docsec -v verify" in out


def test_locale_picks_korean_and_json_stays_english(world: Path) -> None:
    env = {"LANG": "ko_KR.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "DOCSEC_LANG": ""}
    args = ["verify", str(world / "forged.bin"), "--trust", str(world / "w/trust")]
    r = CliRunner(env=env).invoke(cli, [*args, "--at", AT])
    assert r.exit_code == 3
    assert "진본 아님 (NOT AUTHENTIC)" in r.stdout
    assert "위조 또는 변조된 문서로 보고" in r.stdout  # what to do, in Korean
    assert f"docsec inspect {world / 'forged.bin'}" in r.stdout
    j = CliRunner(env=env).invoke(cli, [*args, "--at", AT, "--json"])
    doc = json.loads(j.stdout)
    assert doc["verdict"] == "not_authentic"
    assert doc["reasons"] == ["forged-seal"]
    _i18n.set_language("en")


def test_english_verbose_shows_checks_with_a_legend(world: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "--lang",
            "en",
            "-v",
            "verify",
            str(world / "s.png"),
            "--trust",
            str(world / "w/trust"),
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.output
    assert "AUTHENTIC" in r.stdout
    assert "Name" in r.stdout
    assert "Date of birth" in r.stdout
    assert "CONTENT_DIGEST" in r.stdout  # technical fields with -v
    assert "? = could not decide" in r.stdout
    assert "signature" in r.stdout


def test_batch_shows_each_inputs_signed_data(world: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "--lang",
            "en",
            "verify",
            str(world / "s.png"),
            str(world / "s.bin"),
            "--trust",
            str(world / "w/trust"),
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.count("HONG Gildong") == 2


#: Calls whose text a user reads: the message (first argument, or these keywords).
_SHOWN = {
    "echo",
    "secho",
    "prompt",
    "confirm",
    "progressbar",
    "ClickException",
    "UsageError",
    "BadParameter",
    "CLIError",
    "CLIUsageError",
    "CLIInputError",
}
_SHOWN_KEYWORDS = {"message", "text", "label"}
_LETTERS = re.compile(r"[A-Za-z]")


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _untranslated(node: ast.expr) -> list[ast.expr]:
    """Return the English literals in ``node`` that do not go through ``tr()``."""
    if isinstance(node, ast.Call) and _called_name(node) == "tr":
        return []
    if isinstance(node, ast.Constant):
        text = node.value if isinstance(node.value, str) else ""
        return [node] if _LETTERS.search(text) else []
    if isinstance(node, ast.JoinedStr):
        out: list[ast.expr] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out += _untranslated(part)
            elif isinstance(part, ast.FormattedValue):
                out += _untranslated(part.value)
        return out
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) + _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        # tr("... {x}").format(x=...): the template is what a person reads; the
        # arguments are values (file names, numbers, identifiers).
        return _untranslated(node.func.value)
    # Names and other calls are values: the text they hold is checked where it is
    # written, if it is written as one of these messages.
    return []


def test_every_message_of_every_command_goes_through_tr() -> None:
    offences: list[str] = []
    for path in sorted((ROOT / "cli" / "docsec_cli").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call) or _called_name(node) not in _SHOWN:
                continue
            shown = node.args[:1] + [
                k.value for k in node.keywords if k.arg in _SHOWN_KEYWORDS
            ]
            offences += [
                f"{path.name}:{arg.lineno}: {ast.get_source_segment(source, arg)}"
                for arg in shown
                if _untranslated(arg)
            ]
    assert not offences, "not through tr():\n" + "\n".join(offences)


def test_the_scan_finds_untranslated_messages() -> None:
    # The rule above on code it must flag, and on code it must let through.
    flagged = [
        'click.echo(f"wrote {path}")',
        'raise CLIUsageError("give --a or --b")',
        'click.echo("issued " + str(n))',
        'click.echo(tr("x") if ok else "no copy")',
        'raise click.BadParameter(f"{v!r} is bad", param_hint="--at")',
        'click.prompt("Key passphrase", hide_input=True)',
        'click.progressbar(length=3, label="issuing")',
    ]
    passed = [
        'click.echo(tr("wrote {path}").format(path=p))',
        "click.echo(f\"  {tr('What to do')}: {x}\")",
        "click.echo(str(path))",
        'click.echo(f"{number}: {code}")',
        "click.echo(json.dumps(doc, sort_keys=True))",
    ]
    for source in flagged + passed:
        call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call))
        shown = call.args[:1] + [
            k.value for k in call.keywords if k.arg in _SHOWN_KEYWORDS
        ]
        found = any(_untranslated(arg) for arg in shown)
        assert found == (source in flagged), source


def test_translations_keep_every_placeholder() -> None:
    # A translation that drops or renames {name} would raise KeyError at run time.
    field = re.compile(r"\{([a-z_]*)\}")
    known = _i18n.load_po(_catalogue.PO_PATH)
    for msgid, msgstr in known.items():
        assert sorted(set(field.findall(msgid))) == sorted(
            set(field.findall(msgstr))
        ), msgid
