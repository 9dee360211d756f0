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
