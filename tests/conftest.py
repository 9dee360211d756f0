"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _find_corpus() -> Path | None:
    env = os.environ.get("DOCSEC_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "corpus")
    for c in candidates:
        if (c / "vds" / "cases.json").is_file():
            return c
    return None


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """Return ../shared/corpus (or $DOCSEC_CORPUS), or skip with the reason."""
    found = _find_corpus()
    if found is None:
        pytest.skip(
            "third-party corpus not found: set DOCSEC_CORPUS or place it at "
            "../shared/corpus (CI has it; a plain clone does not)"
        )
    return found


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Start a private PostgreSQL server (tests/_postgres.py), or skip with the reason."""
    from tests._postgres import postgres_server, why_no_postgres

    reason = why_no_postgres()
    if reason is not None:
        pytest.skip(reason)
    with postgres_server() as url:
        yield url
