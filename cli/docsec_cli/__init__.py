"""The docsec command-line interface (a thin Click layer over the library)."""
