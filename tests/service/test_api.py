"""The HTTP API and the page, through Starlette's test client (httpx): every status."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.service.conftest import NOW, World, unnumbered

from docsec.service import ServiceSettings, create_app

LATER = NOW + timedelta(days=2)


def make_client(world: World, **changes: object) -> TestClient:
    settings = ServiceSettings(
        db_url=world.db,
        trust_dir=str(world.trust),
        issuer_key=str(world.key_file),
        issuer_cert=str(world.cert_file),
    )
    import dataclasses

    settings = dataclasses.replace(settings, **changes)  # type: ignore[arg-type]
    return TestClient(create_app(settings, clock=lambda: LATER))


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with make_client(world) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_page_headers_and_languages(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "문서 진위 확인" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src" not in r.headers["content-security-policy"]
    assert "docsec_csrf" in r.cookies
    assert 'capture="environment"' in r.text
    assert '<html lang="ko">' in r.text
    en = client.get("/?lang=en")
    assert '<html lang="en">' in en.text
    assert "Document verification" in en.text
    assert (
        client.get("/static/docsec.css").headers["content-type"].startswith("text/css")
    )


def test_verify_api_active_then_revoked(world: World, client: TestClient) -> None:
    doc = world.docs[0]
    r = client.post(
        "/api/v1/verify",
        files={"file": ("../../etc/passwd", doc.pdf, "application/pdf")},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["schema_version"] == 2
    assert body["verdict"] == "authentic", body["reasons"]
    assert body["registry"]["status"] == "pass"
    assert body["input"] == "upload"  # never the client's file name

    r = client.post(
        f"/api/v1/documents/{doc.number}/revoke",
        json={"reason": "issued in error"},
        headers=bearer(world.issuer_token),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "revoked"
    r = client.post(
        "/api/v1/verify", files={"file": ("x.pdf", doc.pdf, "application/pdf")}
    )
    assert r.json()["verdict"] == "not_authentic"
    assert r.json()["reasons"] == ["document-revoked"]
    # Again: 409.
    r = client.post(
        f"/api/v1/documents/{doc.number}/revoke",
        json={"reason": "again"},
        headers=bearer(world.issuer_token),
    )
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"


def test_verify_api_errors(world: World, client: TestClient) -> None:
    r = client.post("/api/v1/verify", files={"file": ("a.png", b"not an image")})
    assert r.status_code == 422
    assert r.json()["status"] == 422
    r = client.post("/api/v1/verify", files={"other": ("a.png", b"x")})
    assert r.status_code == 400
    r = client.post(
        "/api/v1/verify", content=b"raw", headers={"content-type": "image/png"}
    )
    assert r.status_code == 415


def test_oversize_upload(world: World) -> None:
    with make_client(world, max_upload_bytes=100_000) as c:
        r = c.post(
            "/api/v1/verify", files={"file": ("big.pdf", b"%PDF" + b"0" * 200_000)}
        )
        assert r.status_code == 413
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["x-content-type-options"] == "nosniff"

        def chunks() -> Iterator[bytes]:
            for _ in range(30):
                yield b"0" * 10_000

        r = c.post(
            "/api/v1/verify",
            content=chunks(),
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        assert r.status_code == 413


def test_lookup_statuses(world: World, client: TestClient) -> None:
    doc = world.docs[1]
    r = client.get(f"/api/v1/documents/{doc.number}", params={"code": doc.code})
    assert r.status_code == 200
    assert r.json()["status"] == "active"
    shown = f"{doc.code[:5].lower()}-{doc.code[5:]}"
    assert (
        client.get(
            f"/api/v1/documents/{doc.number}", params={"code": shown}
        ).status_code
        == 200
    )
    r = client.get(f"/api/v1/documents/{doc.number}", params={"code": "ZZZZZZZZZZ"})
    assert r.status_code == 404
    assert client.get(f"/api/v1/documents/{doc.number}").status_code == 400
    assert (
        client.get("/api/v1/documents/bad!", params={"code": doc.code}).status_code
        == 400
    )


def test_rate_limit(world: World) -> None:
    doc = world.docs[1]
    with make_client(world, lookup_per_minute=3) as c:
        codes = [
            c.get(
                f"/api/v1/documents/{doc.number}", params={"code": doc.code}
            ).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        r = c.get(f"/api/v1/documents/{doc.number}", params={"code": doc.code})
        assert int(r.headers["retry-after"]) >= 1


def test_revoke_auth_and_validation(world: World, client: TestClient) -> None:
    doc = world.docs[2]
    url = f"/api/v1/documents/{doc.number}/revoke"
    r = client.post(url, json={"reason": "x"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert (
        client.post(url, json={"reason": "x"}, headers=bearer("dsk_nope")).status_code
        == 401
    )
    r = client.post(url, json={"reason": "x"}, headers=bearer(world.auditor_token))
    assert r.status_code == 403
    h = bearer(world.issuer_token)
    assert client.post(url, json={"reason": " "}, headers=h).status_code == 422
    assert (
        client.post(
            url, content=b"{", headers={**h, "content-type": "application/json"}
        ).status_code
        == 400
    )
    assert client.post(url, content=b"x", headers=h).status_code == 415
    r = client.post(
        "/api/v1/documents/KRGN202600009999/revoke", json={"reason": "x"}, headers=h
    )
    assert r.status_code == 404


def test_issue_api(world: World, client: TestClient) -> None:
    r = client.post(
        "/api/v1/issue", json=unnumbered(), headers=bearer(world.issuer_token)
    )
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == "application/pdf"
    number, code = r.headers["x-docsec-number"], r.headers["x-docsec-code"]
    r2 = client.get(f"/api/v1/documents/{number}", params={"code": code})
    assert r2.json()["issued_at"] == LATER.isoformat()
    r = client.post(
        "/api/v1/issue", json={"kind": "nope"}, headers=bearer(world.issuer_token)
    )
    assert r.status_code == 422
    assert client.post("/api/v1/issue", json=unnumbered()).status_code == 401
    with make_client(world, issuer_key=None, issuer_cert=None) as c:
        r = c.post(
            "/api/v1/issue", json=unnumbered(), headers=bearer(world.issuer_token)
        )
        assert r.status_code == 503


def test_openapi_health_and_errors(
    world: World, client: TestClient, tmp_path: object
) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/documents/{number}/revoke" in spec["paths"]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    r = client.get("/nope")
    assert (r.status_code, r.headers["content-type"]) == (
        404,
        "application/problem+json",
    )
    assert client.get("/api/v1/verify").status_code == 405
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with make_client(world, db_url=empty) as c:
        assert c.get("/readyz").status_code == 503


def test_page_forms_need_csrf(world: World, client: TestClient) -> None:
    doc = world.docs[3]
    client.get("/")
    token = client.cookies["docsec_csrf"]
    r = client.post("/lookup", data={"number": doc.number, "code": doc.code})
    assert r.status_code == 403
    r = client.post(
        "/lookup", data={"number": doc.number, "code": doc.code, "csrf": "forged"}
    )
    assert r.status_code == 403
    r = client.post(
        "/lookup", data={"number": doc.number, "code": doc.code, "csrf": token}
    )
    assert r.status_code == 200
    assert 'id="registry-status"' in r.text
    r = client.post(
        "/verify?lang=en",
        data={"csrf": token},
        files={"file": ("scan.pdf", doc.pdf, "application/pdf")},
    )
    assert r.status_code == 200
    assert 'id="verdict" class="verdict authentic"' in r.text
    assert "data:image/png;base64," in r.text


def test_access_log_has_no_personal_data(
    world: World, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    doc = world.docs[3]
    with caplog.at_level(logging.INFO, logger="docsec.service.access"):
        client.get(f"/api/v1/documents/{doc.number}", params={"code": doc.code})
    lines = [
        r.getMessage() for r in caplog.records if r.name == "docsec.service.access"
    ]
    assert lines
    assert '"route": "/api/v1/documents/{number}"' in lines[-1]
    assert all(doc.number not in ln and doc.code not in ln for ln in lines)
    assert all("testclient" not in ln for ln in lines)


def test_pixel_limit(world: World) -> None:
    import cv2
    import numpy as np

    ok, png = cv2.imencode(".png", np.full((200, 200), 255, np.uint8))
    assert ok
    with make_client(world, max_pixels=10_000) as c:
        r = c.post("/api/v1/verify", files={"file": ("big.png", png.tobytes())})
        assert r.status_code == 422
        assert "pixels" in r.json()["detail"]


def test_page_shows_the_papers_labels_in_its_language(
    world: World, client: TestClient
) -> None:
    # The signed fields under the labels printed on the certificate (from the
    # library's one table, docsec.labels), never the seal's field names, and no
    # technical fields (digests, regions, key ids).
    doc = world.docs[3]
    client.get("/")
    token = client.cookies["docsec_csrf"]
    pages = {
        lang: client.post(
            f"/verify?lang={lang}",
            data={"csrf": token},
            files={"file": ("scan.pdf", doc.pdf, "application/pdf")},
        ).text
        for lang in ("ko", "en")
    }
    assert "<th>성명</th>" in pages["ko"]
    assert "<th>발급번호</th>" in pages["ko"]
    assert "<th>Name</th>" in pages["en"]
    assert "<th>Document no.</th>" in pages["en"]
    for text in pages.values():
        assert doc.number in text
        assert "HOLDER_NAME" not in text
        assert "CONTENT_DIGEST" not in text


def _both_ways(
    c: TestClient, requests: list[tuple[str, dict[str, str] | None]]
) -> tuple[list[object], list[object]]:
    """Answer each request the short way and the long way (a declared empty body)."""
    short, long = [], []
    for path, params in requests:
        for way, extra in ((short, {}), (long, {"content-length": "0"})):
            r = c.get(path, params=params, headers=extra)
            way.append((r.status_code, r.headers.raw, r.content))
    return short, long


def test_the_lookups_short_way_answers_as_the_app(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.applications import Starlette

    doc = world.docs[2]
    base = f"/api/v1/documents/{doc.number}"
    requests = [
        (base, {"code": doc.code}),
        (base, {"code": f"{doc.code[:5].lower()}-{doc.code[5:]}"}),
        (base, {"code": "ZZZZZZZZZZ"}),
        (base, {}),
        (base, {"code": ""}),
        (base, {"code": "a b"}),
        (f"{base}?code=ZZZZZZZZZZ&code={doc.code}", None),  # the last one counts
        (f"{base}?x=1&code={doc.code}", None),
        (f"{base}?code={doc.code[:5]}%2D{doc.code[5:]}", None),
        ("/api/v1/documents/bad!", {"code": doc.code}),
        ("/api/v1/documents/%E2%82%AC", {"code": doc.code}),
        ("/api/v1/documents/" + "A" * 40, {"code": doc.code}),
    ]
    long_way = 0
    app_call = Starlette.__call__

    async def counting(self: Starlette, scope: Any, receive: Any, send: Any) -> None:
        nonlocal long_way
        if scope["type"] == "http":
            long_way += 1
        await app_call(self, scope, receive, send)

    monkeypatch.setattr(Starlette, "__call__", counting)
    with (
        make_client(world, lookup_per_minute=1000) as c,
        caplog.at_level(logging.INFO, logger="docsec.service.access"),
    ):
        short, long = _both_ways(c, requests)
    assert long_way == len(requests)  # only the requests with a body went the long way
    assert short == long
    statuses = [s for s, _, _ in short]  # type: ignore[misc]
    assert statuses == [200, 200, 404, 400, 400, 400, 200, 200, 200, 400, 400, 400]
    for _, headers, _ in short:  # type: ignore[misc]
        names = [k for k, _ in headers]
        assert b"content-security-policy" in names
        assert b"x-content-type-options" in names
    lines = [
        r.getMessage() for r in caplog.records if r.name == "docsec.service.access"
    ]
    assert len(lines) == 2 * len(requests)
    strip = [ln.rsplit(', "ms"', 1)[0] for ln in lines]
    assert strip[0::2] == strip[1::2]  # the same line either way, but the time
    assert all('"route": "/api/v1/documents/{number}"' in ln for ln in lines)


def test_the_lookups_short_way_keeps_the_rate_limit_and_errors(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = world.docs[2]
    path = f"/api/v1/documents/{doc.number}"
    with make_client(world, lookup_per_minute=2) as c:
        codes = [c.get(path, params={"code": doc.code}) for _ in range(3)]
        assert [r.status_code for r in codes] == [200, 200, 429]
        assert codes[2].headers["retry-after"] == "30"
        assert codes[2].headers["content-type"] == "application/problem+json"
        # The long way shares the budget.
        r = c.get(path, params={"code": doc.code}, headers={"content-length": "0"})
        assert r.status_code == 429
    # An unexpected error: a 500 problem with the security headers, never a trace.
    with make_client(world, lookup_per_minute=1000) as c:
        svc = c.app.svc  # type: ignore[attr-defined]

        async def broken(*_args: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(svc, "lookup", broken)
        r = c.get(path, params={"code": doc.code})
        assert r.status_code == 500
        assert r.json()["type"].endswith("/internal")
        assert "boom" not in r.text
        assert r.headers["x-frame-options"] == "DENY"
    # A body declared above the limit: refused by the app's body limit.
    with make_client(world, max_upload_bytes=10) as c:
        r = c.get(path, params={"code": doc.code}, headers={"content-length": "11"})
        assert r.status_code == 413
