"""Logging for the CLI and its worker processes: stderr, quiet third parties."""

from __future__ import annotations

import logging
import sys

#: Libraries whose routine findings the verdict already states: pyHanko logs
#: every failed check of a tampered PDF as a WARNING with a traceback.
_QUIET = ("pyhanko", "pyhanko_certvalidator", "py.warnings")


def configure(verbose: int) -> None:
    """Log to stderr at WARNING (-v: INFO, -vv: DEBUG and third-party details).

    Python warnings from the libraries (Pillow, pikepdf, ...) go to the log too,
    shown from -v on, like pyHanko's: they never interrupt results on the
    terminal. Called by the CLI and, with the same ``verbose``, by each batch
    worker (a spawned process starts without the parent's logging).
    """
    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2),
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)
    quiet = logging.CRITICAL if verbose == 0 else logging.NOTSET
    for name in _QUIET:
        logging.getLogger(name).setLevel(quiet)
