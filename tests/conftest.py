"""Shared fixtures."""

from __future__ import annotations

import os
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
