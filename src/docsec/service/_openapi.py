"""The API's OpenAPI 3.1 description (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

__all__ = ["openapi"]

_PROBLEM = {
    "description": "Problem details (RFC 9457)",
    "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): _PROBLEM for c in codes}


def openapi(version: str) -> dict[str, Any]:
    """Return the OpenAPI document."""
    number = {
        "name": "number",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9A-Z]{1,30}$"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "docsec verification service",
            "version": version,
            "description": "Verify certificates protected by a docsec seal and "
            "look up their status in the issuer's registry.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
                "DocumentStatus": {
                    "type": "object",
                    "required": ["number", "status", "kind", "issuer", "issued_at"],
                    "properties": {
                        "number": {"type": "string"},
                        "status": {"enum": ["active", "revoked", "superseded"]},
                        "kind": {"type": "string"},
                        "issuer": {"type": "string"},
                        "issued_at": {"type": "string", "format": "date-time"},
                        "reason": {"type": ["string", "null"]},
                        "changed_at": {
                            "type": ["string", "null"],
                            "format": "date-time",
                        },
                        "superseded_by": {"type": ["string", "null"]},
                    },
                },
                "VerificationResult": {
                    "description": "As `docsec verify --json` "
                    "(docs/verification-result.schema.json), plus `registry`: the "
                    "registry check (or null).",
                    "type": "object",
                },
            },
        },
        "paths": {
            "/api/v1/verify": {
                "post": {
                    "summary": "Verify an uploaded scan, photo, PDF or seal bytes",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"}
                                    },
                                    "required": ["file"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The verification result",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/VerificationResult"
                                    }
                                }
                            },
                        },
                        **_errors(400, 413, 415, 422, 429),
                    },
                }
            },
            "/api/v1/documents/{number}": {
                "get": {
                    "summary": "Status of a document (needs its verification code)",
                    "parameters": [
                        number,
                        {
                            "name": "code",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The status",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/DocumentStatus"
                                    }
                                }
                            },
                        },
                        **_errors(400, 404, 429, 503),
                    },
                }
            },
            "/api/v1/documents/{number}/revoke": {
                "post": {
                    "summary": "Revoke a document (issuer token)",
                    "security": [{"bearer": []}],
                    "parameters": [number],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["reason"],
                                    "properties": {
                                        "reason": {"type": "string", "maxLength": 500}
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The new status",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/DocumentStatus"
                                    }
                                }
                            },
                        },
                        **_errors(400, 401, 403, 404, 409, 422, 429),
                    },
                }
            },
            "/api/v1/issue": {
                "post": {
                    "summary": "Issue a certificate PDF and record it (issuer token)",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "The signed PDF; number and code in "
                            "X-Docsec-Number and X-Docsec-Code",
                            "content": {"application/pdf": {}},
                        },
                        **_errors(400, 401, 403, 422, 429, 503),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness",
                    "responses": {"200": {"description": "alive"}},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: the registry answers",
                    "responses": {"200": {"description": "ready"}, **_errors(503)},
                }
            },
        },
    }
