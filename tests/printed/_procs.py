"""Child processes of the test process (the OCR engines), from Linux /proc."""

from __future__ import annotations

import os
from pathlib import Path


def children() -> set[int]:
    """This process's live child processes (Linux /proc)."""
    me, kids = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            kids.add(int(stat.parent.name))
    return kids
