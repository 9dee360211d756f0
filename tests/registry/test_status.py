"""Status sources and service settings: the error paths, on a loopback HTTP server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from docsec.errors import ConfigurationError
from docsec.registry import (
    DocumentState,
    DocumentStatus,
    RegistryUnavailable,
    open_status_source,
)
from docsec.registry._status import HttpStatusSource
from docsec.service import ServiceSettings
from docsec.service._settings import ENV_VAR

STATUS = DocumentStatus(
    number="KRGN202600000001",
    state=DocumentState.SUPERSEDED,
    kind="family_relation_certificate",
    issuer="KRGN",
    issued_at=datetime(2026, 3, 1, tzinfo=UTC),
    reason="superseded by KRGN202600000002",
    changed_at=datetime(2026, 3, 2, tzinfo=UTC),
    superseded_by="KRGN202600000002",
)
ANSWERS: dict[str, tuple[int, bytes]] = {}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        number = self.path.split("/")[-1].split("?")[0]
        status, body = ANSWERS[number]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_round_trip_and_errors(base: str) -> None:
    import json

    ANSWERS["GOOD"] = (200, json.dumps(STATUS.to_dict()).encode())
    ANSWERS["GONE"] = (404, b"{}")
    ANSWERS["BROKEN"] = (500, b"oops")
    ANSWERS["NOTJSON"] = (200, b"<html>")
    ANSWERS["LIST"] = (200, b"[]")
    ANSWERS["PARTIAL"] = (200, b'{"number": "X"}')
    source = open_status_source(base)
    assert isinstance(source, HttpStatusSource)
    assert source.lookup("GOOD", "ABCDEFGHJK") == STATUS
    assert source.lookup("GOOD", None) is None  # the service answers number + code only
    assert source.lookup("GONE", "ABCDEFGHJK") is None
    for number, message in (
        ("BROKEN", "HTTP 500"),
        ("NOTJSON", "not JSON"),
        ("LIST", "not a document status"),
        ("PARTIAL", "not a document status"),
    ):
        with pytest.raises(RegistryUnavailable, match=message):
            source.lookup(number, "ABCDEFGHJK")
    with pytest.raises(RegistryUnavailable, match="cannot reach"):
        HttpStatusSource("http://127.0.0.1:9", timeout=2).lookup("X", "ABCDEFGHJK")


def test_unknown_registry_url() -> None:
    with pytest.raises(ConfigurationError, match="registry URL"):
        open_status_source("ftp://example/x")
    from docsec.registry import Registry

    with pytest.raises(ConfigurationError, match="expected sqlite"):
        Registry("mysql://x/y")
    with pytest.raises(ConfigurationError, match="timezone-aware"):
        Registry("sqlite://").revoke(
            "X",
            reason="r",
            actor="a",
            now=datetime(2026, 3, 1),
        )


def test_settings_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    s = ServiceSettings(db_url="sqlite://", trust_dir="/t", cdp_keys=("/k",))
    assert ServiceSettings.from_json(s.to_json()) == s
    monkeypatch.setenv(ENV_VAR, s.to_json())
    assert ServiceSettings.from_environment() == s
    monkeypatch.delenv(ENV_VAR)
    with pytest.raises(ConfigurationError, match="not set"):
        ServiceSettings.from_environment()
    for bad in ("[]", '{"nope": 1}', "{", '{"db_url": "x"}'):
        with pytest.raises(ConfigurationError, match="bad service settings"):
            ServiceSettings.from_json(bad)
