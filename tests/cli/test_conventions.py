"""CLI conventions: documented environment variables and shell completion."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _envvars(command: click.Command) -> set[str]:
    found: set[str] = set()
    for param in command.params:
        envvar = param.envvar
        if isinstance(envvar, str):
            found.add(envvar)
        elif envvar:
            found.update(envvar)
    if isinstance(command, click.Group):
        # list_commands/get_command: sub-commands may be imported lazily.
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                found |= _envvars(sub)
    return found


def test_readme_lists_every_environment_variable() -> None:
    declared = _envvars(cli)
    assert {"DOCSEC_JOBS", "DOCSEC_REQUIRE_CRL", "DOCSEC_TRUST"} <= declared
    read = set()
    for source in [*(ROOT / "cli").rglob("*.py"), *(ROOT / "src").rglob("*.py")]:
        text = source.read_text(encoding="utf-8")
        read |= set(re.findall(r"environ\.get\(\s*\"([A-Z_]+)\"", text))
        read |= set(re.findall(r"^\w*ENV = \"([A-Z_]+)\"", text, re.MULTILINE))
        # Variables read in a loop: `for var in ("DOCSEC_LANG", "LC_ALL", ...)`.
        for names in re.findall(r"for \w+ in \(([^)]*)\):", text):
            read |= set(re.findall(r"\"([A-Z][A-Z_]+)\"", names))
    assert {"DOCSEC_CONFIG", "DOCSEC_KEY_PASSPHRASE", "NO_COLOR", "LANG"} <= read
    table = set()
    for cell in re.findall(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|", README, re.MULTILINE):
        table |= set(re.findall(r"`([A-Z_]+)`", cell))
    assert declared | read <= table, sorted((declared | read) - table)


@pytest.mark.parametrize(
    ("shell", "start"),
    [
        ("bash", "_docsec_completion() {"),
        ("zsh", "#compdef docsec"),
        ("fish", "function _docsec_completion"),
    ],
)
def test_documented_shell_completion_works(shell: str, start: str) -> None:
    assert f"_DOCSEC_COMPLETE={shell}_source docsec" in README
    r = CliRunner().invoke(
        cli, [], prog_name="docsec", env={"_DOCSEC_COMPLETE": f"{shell}_source"}
    )
    assert r.exit_code == 0
    assert r.stdout.startswith(start)


def test_completion_names_commands() -> None:
    env = {"_DOCSEC_COMPLETE": "bash_complete", "COMP_WORDS": "docsec ver"}
    r = CliRunner().invoke(cli, [], prog_name="docsec", env={**env, "COMP_CWORD": "1"})
    assert r.exit_code == 0
    assert r.stdout.splitlines() == ["plain,verify"]


def _private_imports(source: str) -> list[str]:
    """Return the private docsec names (``_x``, not dunders) a module imports."""
    import ast

    def private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "docsec" and any(map(private, parts[1:])):
                    found.append(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "docsec":
                continue
            if any(map(private, parts[1:])):
                found.append(node.module)
            found.extend(
                f"{node.module}.{a.name}" for a in node.names if private(a.name)
            )
    return found


def test_private_import_check_finds_each_form() -> None:
    bad = (
        "import docsec._io\n"
        "from docsec import _types, imaging\n"
        "from docsec._page import render_page\n"
        "def f():\n    from docsec.pdf.stamp import _snap_page_box\n"
    )
    assert _private_imports(bad) == [
        "docsec._io",
        "docsec._types",
        "docsec._page",
        "docsec.pdf.stamp._snap_page_box",
    ]
    good = "from docsec import __version__, imaging\nfrom docsec_cli import _i18n\n"
    assert _private_imports(good) == []


def test_cli_imports_only_public_docsec_modules() -> None:
    """The CLI is a client of the library's public API (issue #17)."""
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "cli").rglob("*.py"))
        for name in _private_imports(path.read_text(encoding="utf-8"))
    }
    assert not found, sorted(found)
