"""What a service process needs to know, passed to worker processes as JSON."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields

from docsec.errors import ConfigurationError

__all__ = ["ENV_VAR", "ServiceSettings"]

#: Environment variable that carries the settings to uvicorn's worker processes.
ENV_VAR = "DOCSEC_SERVICE_SETTINGS"


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """Settings of one service.

    Parameters
    ----------
    db_url : str
        Registry database URL.
    trust_dir : str
        Trust store folder.
    public_url : str
        The address printed on issued documents, and shown on the page.
    cdp_keys, watermark_keys : tuple of str
        Key files for the copy and watermark checks (optional).
    issuer_key, issuer_cert : str, optional
        Key and certificate ``POST /api/v1/issue`` signs with (passphrase from
        ``$DOCSEC_KEY_PASSPHRASE``); without them issuing answers 503.
    max_upload_bytes : int
        Largest request body accepted (413 above).
    max_pixels : int
        Largest image accepted (pixels, checked before decoding).
    verify_per_minute, lookup_per_minute, write_per_minute : int
        Per-client request budgets of each worker process (429 above).
    pool_size : int
        Database connections per worker process.
    """

    db_url: str
    trust_dir: str
    public_url: str = "http://127.0.0.1:8080"
    cdp_keys: tuple[str, ...] = ()
    watermark_keys: tuple[str, ...] = ()
    issuer_key: str | None = None
    issuer_cert: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 60_000_000
    verify_per_minute: int = 30
    lookup_per_minute: int = 120
    write_per_minute: int = 60
    pool_size: int = 5

    def to_json(self) -> str:
        """Return the settings as JSON (for worker processes)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServiceSettings:
        """Read :meth:`to_json`'s form."""
        try:
            obj = json.loads(text)
            known = {f.name for f in fields(cls)}
            if not isinstance(obj, dict) or set(obj) - known:
                raise ConfigurationError("bad service settings")
            for name in ("cdp_keys", "watermark_keys"):
                if name in obj:
                    obj[name] = tuple(obj[name])
            return cls(**obj)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(f"bad service settings: {exc}") from exc

    @classmethod
    def from_environment(cls) -> ServiceSettings:
        """Read the settings ``docsec serve`` left in :data:`ENV_VAR`."""
        text = os.environ.get(ENV_VAR)
        if not text:
            raise ConfigurationError(f"${ENV_VAR} is not set (start with docsec serve)")
        return cls.from_json(text)
