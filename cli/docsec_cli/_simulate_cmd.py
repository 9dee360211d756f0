"""``docsec simulate``: print-scan, phone and photocopy channel models (in progress)."""

from __future__ import annotations

import click

__all__ = ["simulate"]


@click.group("simulate")
def simulate() -> None:
    """Simulate printing, scanning, phone capture and photocopying of a page image."""
