"""The test suite's one reading of the wall clock, for tests that run the CLI.

Keys, certificates, seals and PDFs made by the CLI in a test are made ``--at AT`` and
verified ``--at AT``: every date in such a test derives from this one ``NOW``, so the
suite passes on any day (CI also runs it under ``faketime``). Tests of the library
pass their own fixed ``at=`` / ``now=`` instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime.now(UTC)
AT = NOW.date().isoformat()
