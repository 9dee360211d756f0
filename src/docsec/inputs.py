"""Reading untrusted inputs: regular files only, bounded, and quiet native libraries.

Two things every reader of a stranger's file needs:

* :func:`read_regular_file` opens without blocking, checks with ``fstat`` on the
  opened descriptor that it is a regular file (a named pipe would block forever,
  ``/dev/zero`` never ends, a socket cannot be opened at all), and reads at most
  ``max_bytes`` bytes; :func:`read_stream` bounds standard input the same way.
* :func:`captured_stderr` collects what C libraries write to file descriptor 2
  (libpng and libjpeg print "libpng warning: ..." or "Corrupt JPEG data: ..." on
  their own) so that it goes to the log instead of the user's terminal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from docsec.errors import InputError

__all__ = [
    "Kind",
    "captured_stderr",
    "plain_message",
    "read_regular_file",
    "read_stream",
    "sniff",
]

logger = logging.getLogger(__name__)

_KIND = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)
#: Most of a native library's stderr output kept per call.
_MAX_CAPTURE = 16 * 1024
_CAPTURE_LOCK = threading.Lock()


def _kind(mode: int) -> str:
    return next((name for test, name in _KIND if test(mode)), "not a regular file")


def _not_regular(p: Path, mode: int) -> InputError:
    return InputError(
        f"{p} is {_kind(mode)}, not a regular file: docsec reads only regular "
        "files (give - to read standard input)"
    )


def _size_text(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n} bytes"


def read_regular_file(
    path: str | os.PathLike[str], *, max_bytes: int, allow_empty: bool = False
) -> bytes:
    """Return the contents of a regular file of at most ``max_bytes`` bytes.

    The file is opened with ``O_NONBLOCK`` (opening a named pipe does not wait for
    a writer) and checked with ``fstat`` on the opened descriptor, so a file
    swapped for a pipe or device between a check and the open is still refused.

    Raises
    ------
    InputError
        If the path cannot be opened, is not a regular file (pipe, device, socket,
        folder), is larger than ``max_bytes``, or is empty (unless
        ``allow_empty``).
    """
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        # A socket cannot be opened at all: say what it is rather than ENXIO.
        try:
            mode = os.stat(p).st_mode
        except OSError:
            mode = stat.S_IFREG
        if not stat.S_ISREG(mode):
            raise _not_regular(p, mode) from exc
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _not_regular(p, info.st_mode)
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if info.st_size > max_bytes:
            raise InputError(
                f"{p.name} is {_size_text(info.st_size)}, above the limit of "
                f"{_size_text(max_bytes)}"
            )
        try:
            data = _read_bounded(fh, max_bytes, p.name, size_hint=info.st_size)
        except OSError as exc:
            raise InputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if not data and not allow_empty:
        raise InputError(f"{p.name} is empty")
    return data


#: What an input is (:func:`sniff`).
Kind = Literal["pdf", "seal", "image"]


def sniff(data: bytes, suffix: str = "") -> Kind:
    """Return what an input's bytes are: a PDF, raw seal bytes, or an image.

    The one place docsec decides (verification, ``--annotate`` and inspection
    agree): ``%PDF`` at the start is a PDF; bytes a registered seal format
    recognises (:func:`docsec.formats.detect`), or a ``.bin`` ``suffix``, are seal
    bytes; ``%PDF-`` elsewhere in the first KiB (where PDF readers look for it) is
    a PDF; anything else is decoded as an image.

    Raises
    ------
    InputError
        If ``data`` is empty.
    """
    from docsec import formats

    if not data:
        raise InputError("the input is empty")
    if data.startswith(b"%PDF"):
        return "pdf"
    if suffix.lower() == ".bin" or formats.detect(data[:8]) is not None:
        return "seal"
    return "pdf" if b"%PDF-" in data[:1024] else "image"


def read_stream(stream: BinaryIO, *, max_bytes: int, name: str = "-") -> bytes:
    """Read a stream (standard input) to its end, refusing more than ``max_bytes``.

    Raises
    ------
    InputError
        If the stream holds more than ``max_bytes`` bytes, none, or cannot be read.
    """
    try:
        data = _read_bounded(stream, max_bytes, name)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if not data:
        raise InputError(f"{name} is empty")
    return data


def _read_bounded(
    stream: BinaryIO, max_bytes: int, name: str, *, size_hint: int = 0
) -> bytes:
    # Regular files in /proc report size 0 and a file can grow while being read:
    # the limit is enforced on what is actually read, not on what stat said. A
    # file's stated size is read in one request (one buffer, returned as it is:
    # joining 1 MiB chunks copied a 77 MB scan once more).
    chunks: list[bytes] = []
    total = 0
    want = max(1 << 20, size_hint + 1)
    while True:
        chunk = stream.read(min(want, max_bytes + 1 - total))
        want = 1 << 20
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise InputError(
                f"{name} is larger than the limit of {_size_text(max_bytes)}"
            )
    return b"".join(chunks)


@contextlib.contextmanager
def captured_stderr() -> Iterator[list[str]]:
    """Collect what native code writes to file descriptor 2 inside the block.

    The lines are appended to the yielded list when the block ends. Python's own
    ``sys.stderr`` is flushed first, so its buffered text is not captured. The
    redirection is process-wide for its duration, so calls are serialised; if
    descriptor 2 cannot be duplicated (a daemon without one), nothing is captured.
    """
    lines: list[str] = []
    with _CAPTURE_LOCK, tempfile.TemporaryFile() as sink:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.flush()
        try:
            saved = os.dup(2)
        except OSError:
            yield lines
            return
        try:
            os.dup2(sink.fileno(), 2)
            try:
                yield lines
            finally:
                os.dup2(saved, 2)
        finally:
            os.close(saved)
        sink.seek(0)
        text = sink.read(_MAX_CAPTURE).decode("utf-8", errors="replace")
        lines.extend(line.strip() for line in text.splitlines() if line.strip())


def plain_message(exc: BaseException) -> str:
    """Return an exception's message on one line, without Python object reprs.

    Third-party messages name their in-memory inputs as ``<_io.BytesIO object at
    0x7f...>``; a user sees "the data" instead.
    """
    text = re.sub(r"<[^<>]* (?:object )?at 0x[0-9a-fA-F]+>", "the data", str(exc))
    return " ".join(text.split()) or type(exc).__name__
