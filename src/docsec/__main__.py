"""``python -m docsec``: the same command line as ``docsec``."""

from docsec_cli.main import cli

if __name__ == "__main__":  # pragma: no branch
    cli(prog_name="docsec")
