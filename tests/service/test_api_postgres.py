"""The API on PostgreSQL (a private server, tests/_postgres.py): the same answers."""

from __future__ import annotations

import pytest
from tests.service.conftest import NOW, World, build_world, unnumbered
from tests.service.test_api import bearer, make_client


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> World:
    return build_world(tmp_path_factory.mktemp("service-pg"), NOW, postgres_url)


def test_verify_lookup_revoke_issue(world: World) -> None:
    doc = world.docs[0]
    with make_client(world) as c:
        assert c.get("/readyz").status_code == 200
        r = c.post("/api/v1/verify", files={"file": ("d.pdf", doc.pdf)})
        assert r.json()["verdict"] == "authentic"
        r = c.get(f"/api/v1/documents/{doc.number}", params={"code": doc.code})
        assert r.json()["status"] == "active"
        r = c.post(
            f"/api/v1/documents/{doc.number}/revoke",
            json={"reason": "lost"},
            headers=bearer(world.issuer_token),
        )
        assert r.status_code == 200
        r = c.post("/api/v1/verify", files={"file": ("d.pdf", doc.pdf)})
        assert r.json()["reasons"] == ["document-revoked"]
        r = c.post(
            "/api/v1/issue", json=unnumbered(), headers=bearer(world.issuer_token)
        )
        assert r.status_code == 201
        number = r.headers["x-docsec-number"]
        r = c.get(
            f"/api/v1/documents/{number}",
            params={"code": r.headers["x-docsec-code"]},
        )
        assert r.status_code == 200
        assert (
            c.get(
                f"/api/v1/documents/{number}", params={"code": "ZZZZZZZZZZ"}
            ).status_code
            == 404
        )
