"""Default resource limits, in a module light enough for the CLI's start-up."""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_MEMORY", "DEFAULT_MAX_PIXELS"]

#: Refuse images above this many pixels (an A4 page at 1200 dpi is 140 Mpx; a
#: decompression bomb is far larger). Callers may raise it explicitly.
DEFAULT_MAX_PIXELS = 200_000_000
#: Refuse files above this many bytes before decoding anything.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: Refuse images whose decoding would need more memory than this, estimated from
#: the header (file bytes, decoder buffers, output). With the ~150 MB a verifying
#: process needs for its code, one verification stays under 600 MB.
DEFAULT_MAX_MEMORY = 400 * 1024 * 1024
