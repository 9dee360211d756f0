"""Start-up: help and shell completion import nothing heavy; lazy help is exact."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from docsec_cli._lazy import LazyGroup
from docsec_cli.main import cli, keys

HEAVY = ("cv2", "numpy", "cryptography", "pyhanko", "pikepdf", "docsec.verify")


@pytest.mark.parametrize(
    "args", [["--help"], ["verify", "--help"], ["keys", "--help"], ["--version"]]
)
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from docsec_cli.main import cli\n"
        "try:\n"
        f"    cli.main({args!r}, prog_name='docsec', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    allowed = {"cryptography"} if args[0] == "verify" else set()
    line = next(ln for ln in run.stderr.splitlines() if ln.startswith("HEAVY"))
    heavy = set(eval(line.split(" ", 1)[1]))  # noqa: S307  (our own repr of a list)
    assert heavy <= allowed, heavy


@pytest.mark.parametrize("group", [cli, keys], ids=["docsec", "keys"])
def test_lazy_help_matches_the_real_command(group: click.Group) -> None:
    assert isinstance(group, LazyGroup)
    ctx = click.Context(group)
    for name, (_target, short) in group.lazy.items():
        command = group.get_command(ctx, name)
        assert command is not None
        real = (command.help or "").strip().splitlines()[0]
        assert real == short, (name, real, short)


def test_help_lists_every_command() -> None:
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0
    for name in ("verify", "issue", "seal", "keys", "crl", "trust", "simulate", "demo"):
        assert f"  {name} " in r.stdout
