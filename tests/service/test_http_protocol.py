"""The HTTP protocol that sends each answer in one write (head and body together)."""

from __future__ import annotations

import asyncio
from typing import Any

from docsec.service._http import _OneWriteTransport


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return f"info:{name}"


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


def _run(steps: Any) -> list[bytes]:
    async def main() -> list[bytes]:
        raw = _Recorder()
        t = _OneWriteTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        await steps(t, raw)
        return raw.writes

    return asyncio.run(main())


def test_head_and_body_leave_in_one_write() -> None:
    async def steps(t: _OneWriteTransport, raw: _Recorder) -> None:
        t.write(HEAD)
        assert raw.writes == []
        t.write(b"{}")
        await asyncio.sleep(0)

    assert _run(steps) == [HEAD + b"{}"]


def test_a_head_alone_leaves_at_the_next_turn() -> None:
    async def steps(t: _OneWriteTransport, raw: _Recorder) -> None:
        t.write(HEAD)
        await asyncio.sleep(0)
        assert raw.writes == [HEAD]
        t.write(b"{}")  # a body sent later goes on its own

    assert _run(steps) == [HEAD, b"{}"]


def test_close_sends_what_is_held_first() -> None:
    async def steps(t: _OneWriteTransport, raw: _Recorder) -> None:
        t.write(HEAD)
        t.close()
        assert raw.closed
        await asyncio.sleep(0)

    assert _run(steps) == [HEAD]


def test_other_writes_pass_through_and_the_rest_is_the_transports() -> None:
    async def steps(t: _OneWriteTransport, raw: _Recorder) -> None:
        t.write(b"chunk")
        t.write(bytearray(b"more"))
        assert t.get_extra_info("peername") == "info:peername"

    assert _run(steps) == [b"chunk", b"more"]
