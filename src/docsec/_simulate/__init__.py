"""Private implementation of :mod:`docsec.simulate` (not API; import from there)."""
