"""The demo world: a complete PKI and secret keys in one folder, NOT FOR PRODUCTION.

:func:`write_demo_world` writes a demo root CA, a demo office certificate, their
(unencrypted) private keys, an empty CRL and the watermark and copy-detection secret
keys: what ``docsec demo``, the samples and the tests issue and verify with. Every
key it writes is public knowledge; never trust its root outside tests and
demonstrations.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from docsec.errors import KeyMaterialError
from docsec.pki import create_crl, create_issuer_certificate, create_root_ca
from docsec.trust import _check_aware, certificate_reference, signer_identifier

__all__ = ["DemoWorld", "write_demo_world"]

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------- demo world

_BANNER = (
    "NOT FOR PRODUCTION. Demo key written unencrypted by docsec.demo.write_demo_world;"
    " anyone holding this file can issue certificates in its name."
)
_README = """\
NOT FOR PRODUCTION
==================

This folder is a demo PKI written by docsec.demo.write_demo_world(). Every private
key and secret key in it is stored UNENCRYPTED and is public knowledge. Never use it to
issue real documents, and never trust its root outside tests and demonstrations.

  trust/root.pem          demo root CA ("KR" country signing CA)      -> trust anchor
  trust/root.crl.pem      empty CRL from that root
  trust/issuer-cert.pem   copy of the office certificate, so a verifier using trust/
                          finds the seal signer by signer identifier + reference
  root-key.pem            root CA private key (PKCS#8, unencrypted)
  issuer-cert.pem         office signing certificate ({ident}, reference {ref})
  issuer-key.pem          office private key (PKCS#8, unencrypted)
  watermark.key           watermark secret key
  cdp.key                 copy-detection pattern secret key
"""


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """Paths and names of a demo PKI written by :func:`write_demo_world`.

    NOT FOR PRODUCTION: every key in it is unencrypted.
    """

    directory: Path
    trust_dir: Path
    root_cert: Path
    root_crl: Path
    root_key: Path
    issuer_cert: Path
    issuer_key: Path
    watermark_key: Path
    cdp_key: Path
    readme: Path
    signer_identifier: str
    certificate_reference: str


def write_demo_world(
    directory: Path, *, now: datetime | None = None, overwrite: bool = False
) -> DemoWorld:
    """Write a complete demo PKI and secret keys, NOT FOR PRODUCTION.

    A Korean demo root CA (20 years) signs the Gangnam district office certificate
    (``KRGN``, 5 years); both start one day before ``now``. Private keys are written
    unencrypted with a NOT FOR PRODUCTION banner and mode 0600 (by
    :mod:`docsec.keys`).

    Parameters
    ----------
    directory : Path
        Folder to write into; created if missing.
    now : datetime or None
        Timezone-aware "now"; the current time if None.
    overwrite : bool, default False
        Replace the files of an earlier demo world. Without it, any existing target
        file is an error and nothing is written.

    Returns
    -------
    DemoWorld
        The paths written, and the office certificate's signer identifier and
        certificate reference.

    Raises
    ------
    KeyMaterialError
        If a target file exists and ``overwrite`` is False, or a file cannot be
        written.
    """
    # Imported here: only the demo world writes key files, and importing keys lazily
    # keeps demo free of an import cycle should keys ever need certificates.
    from docsec import keys

    now = datetime.now(UTC) if now is None else now
    _check_aware("now", now)
    start = now - timedelta(days=1)
    directory = Path(directory)
    trust_dir = directory / "trust"
    try:
        trust_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyMaterialError(f"cannot create {trust_dir}: {exc}") from exc

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = create_root_ca(
        country="KR",
        common_name="docsec DEMO Country Signing CA (NOT FOR PRODUCTION)",
        organization="Ministry of the Interior and Safety (DEMO)",
        key=root_key,
        valid_from=start,
        valid_days=20 * 365 + 5,
    )
    issuer_key = ec.generate_private_key(ec.SECP256R1())
    issuer = create_issuer_certificate(
        root_cert=root,
        root_key=root_key,
        issuer_public_key=issuer_key.public_key(),
        country="KR",
        signer_code="GN",
        organization="Gangnam-gu Office (DEMO)",
        valid_from=start,
        valid_days=5 * 365 + 1,
        serial=None,
    )
    crl = create_crl(
        root_cert=root,
        root_key=root_key,
        revoked=(),
        last_update=start,
        next_update=now + timedelta(days=365),
    )
    ident, ref = signer_identifier(issuer), certificate_reference(issuer)
    world = DemoWorld(
        directory=directory,
        trust_dir=trust_dir,
        root_cert=trust_dir / "root.pem",
        root_crl=trust_dir / "root.crl.pem",
        root_key=directory / "root-key.pem",
        issuer_cert=directory / "issuer-cert.pem",
        issuer_key=directory / "issuer-key.pem",
        watermark_key=directory / "watermark.key",
        cdp_key=directory / "cdp.key",
        readme=directory / "README.txt",
        signer_identifier=ident,
        certificate_reference=ref,
    )
    public_files = {
        world.root_cert: root.public_bytes(Encoding.PEM),
        world.root_crl: crl.public_bytes(Encoding.PEM),
        world.issuer_cert: issuer.public_bytes(Encoding.PEM),
        trust_dir / "issuer-cert.pem": issuer.public_bytes(Encoding.PEM),
        world.readme: _README.format(ident=ident, ref=ref).encode("utf-8"),
    }
    secret_files = (
        world.root_key,
        world.issuer_key,
        world.watermark_key,
        world.cdp_key,
    )
    if not overwrite:
        existing = [p for p in (*public_files, *secret_files) if p.exists()]
        if existing:
            raise KeyMaterialError(
                f"refusing to overwrite {existing[0]} (pass overwrite=True)"
            )
    keys.save_private_key(
        world.root_key, root_key, passphrase=None, banner=_BANNER, overwrite=overwrite
    )
    keys.save_private_key(
        world.issuer_key,
        issuer_key,
        passphrase=None,
        banner=_BANNER,
        overwrite=overwrite,
    )
    for path, purpose in ((world.watermark_key, "watermark"), (world.cdp_key, "cdp")):
        keys.save_secret_key(
            path, keys.generate_secret_key(purpose), _BANNER, overwrite=overwrite
        )
    for path, content in public_files.items():
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise KeyMaterialError(f"cannot write {path}: {exc}") from exc
    logger.info("wrote demo world (NOT FOR PRODUCTION) to %s", directory)
    return world
