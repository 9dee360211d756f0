"""Reading untrusted inputs: regular files only, bounded; native stderr captured."""

from __future__ import annotations

import io
import os
import socket
import threading
from pathlib import Path

import pytest

from docsec import inputs
from docsec.errors import InputError


def test_regular_file_is_read(tmp_path: Path) -> None:
    p = tmp_path / "a.bin"
    p.write_bytes(b"abc")
    assert inputs.read_regular_file(p, max_bytes=3) == b"abc"


def test_size_limit_and_empty(tmp_path: Path) -> None:
    p = tmp_path / "a.bin"
    p.write_bytes(b"abcd")
    with pytest.raises(InputError, match="above the limit"):
        inputs.read_regular_file(p, max_bytes=3)
    (tmp_path / "e.bin").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        inputs.read_regular_file(tmp_path / "e.bin", max_bytes=3)
    with pytest.raises(InputError, match="cannot read"):
        inputs.read_regular_file(tmp_path / "missing.bin", max_bytes=3)


def test_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "scan.png"
    os.mkfifo(fifo)
    # Opening a pipe for reading blocks until a writer comes: a hang would time
    # the test out, never pass it.
    with pytest.raises(InputError, match="named pipe, not a regular file"):
        inputs.read_regular_file(fifo, max_bytes=1 << 20)


@pytest.mark.parametrize(
    ("path", "kind"), [("/dev/zero", "character device"), ("/", "folder")]
)
def test_devices_and_folders_are_refused(path: str, kind: str) -> None:
    with pytest.raises(InputError, match=kind):
        inputs.read_regular_file(path, max_bytes=1 << 20)


def test_socket_is_refused(tmp_path: Path) -> None:
    # AF_UNIX paths are limited to ~100 bytes; pytest's tmp_path can be longer.
    path = Path("/tmp") / f"docsec-test-{os.getpid()}.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        try:
            with pytest.raises(InputError, match="socket"):
                inputs.read_regular_file(path, max_bytes=1 << 20)
        finally:
            path.unlink()


def test_symlink_to_pipe_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "scan.png"
    link.symlink_to(fifo)
    with pytest.raises(InputError, match="named pipe"):
        inputs.read_regular_file(link, max_bytes=1 << 20)


def test_stream_is_bounded() -> None:
    assert inputs.read_stream(io.BytesIO(b"x" * 10), max_bytes=10) == b"x" * 10
    with pytest.raises(InputError, match="larger than the limit"):
        inputs.read_stream(io.BytesIO(b"x" * 11), max_bytes=10)
    with pytest.raises(InputError, match="empty"):
        inputs.read_stream(io.BytesIO(b""), max_bytes=10)


def test_endless_stream_stops_at_the_limit() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: bytearray) -> int:  # type: ignore[override]
            b[:] = bytes(len(b))
            return len(b)

    with pytest.raises(InputError, match="larger than the limit"):
        inputs.read_stream(Endless(), max_bytes=5 << 20)


def test_captured_stderr_collects_native_output(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with inputs.captured_stderr() as lines:
        os.write(2, b"libpng warning: iCCP: known incorrect sRGB profile\n")
    assert lines == ["libpng warning: iCCP: known incorrect sRGB profile"]
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_captured_stderr_is_serialised() -> None:
    results: list[list[str]] = []

    def worker(i: int) -> None:
        with inputs.captured_stderr() as lines:
            os.write(2, f"thread {i}\n".encode())
        results.append(lines)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == [f"thread {i}" for i in range(8)]
    assert all(len(r) == 1 for r in results)


def test_plain_message_removes_reprs() -> None:
    exc = OSError("cannot identify image file <inputs.BytesIO object at 0x7f83aa01>")
    assert inputs.plain_message(exc) == "cannot identify image file the data"
