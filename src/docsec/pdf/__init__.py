"""PDF building blocks (being split into one module per job; see validate.py)."""

from docsec.pdf.validate import *  # noqa: F403
from docsec.pdf.validate import __all__ as __all__
from docsec.pdf.validate import truncated as truncated
