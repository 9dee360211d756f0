"""uvicorn's HTTP/1.1 protocol (httptools), sending each answer in one write.

uvicorn writes an answer's status line and headers when the application sends
``http.response.start``, and its body with ``http.response.body``: two writes, so
two system calls and, with ``TCP_NODELAY``, two TCP segments that wake the client
twice. For the service's small answers (a status look-up is ~200 bytes of JSON),
that second write is a good part of the cost. :class:`HttpProtocol` holds back the
head of an answer until the next write (the body, sent in the same turn of the
event loop), so both leave together; a head that nothing follows is sent at the
next turn of the loop anyway.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HttpProtocol"]


class _OneWriteTransport:
    """A transport that joins an answer's head to the write that follows it."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(
        self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop
    ) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + bytes(data))
        elif (
            isinstance(data, bytes)
            and data.startswith(b"HTTP/1.1 ")
            and data.endswith(b"\r\n\r\n")
        ):
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send a held head now."""
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol whose answers leave in one write each."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = _OneWriteTransport(transport, self.loop)  # type: ignore[assignment]
