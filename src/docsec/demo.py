"""Demo material, NOT FOR PRODUCTION: the demo world (PKI and keys) and a raster page.

:func:`write_demo_world` writes a demo root CA, a demo office certificate, their
(unencrypted) private keys, an empty CRL and the watermark and copy-detection secret
keys: what ``docsec demo``, the samples and the tests issue and verify with. Every
key it writes is public knowledge; never trust its root outside tests and
demonstrations.

:func:`render_page` draws a plain raster certificate page (title, label/value lines,
the seal at a physical module size) for demos, samples and benchmarks: not the issued
PDF (:mod:`docsec.pdf` builds that), but a page image with what a scan shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from docsec import barcode as _barcode
from docsec._types import GrayImage
from docsec.errors import InputError, KeyMaterialError
from docsec.pki import create_crl, create_issuer_certificate, create_root_ca
from docsec.trust import _check_aware, certificate_reference, signer_identifier

__all__ = ["A4_MM", "DemoWorld", "render_page", "write_demo_world"]

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


# ---------------------------------------------------------------------- demo page

#: A4 in mm, (width, height).
A4_MM = (210.0, 297.0)
_MM_PER_INCH = 25.4


def _ascii(text: str) -> str:
    # OpenCV's Hershey fonts draw ASCII only; keep the romanised part of
    # bilingual values ("홍길동 (HONG Gildong)" -> "HONG Gildong").
    if text.isascii():
        return text
    if "(" in text and text.endswith(")"):
        inner = text[text.index("(") + 1 : -1]
        if inner.isascii():
            return inner
    return "".join(ch if ch.isascii() else "?" for ch in text)


def render_page(
    seal_bytes: bytes,
    lines: list[tuple[str, str]],
    *,
    title: str,
    dpi: int = 600,
    module_mm: float = 0.5,
    seal_pos_mm: tuple[float, float] = (150.0, 230.0),
) -> GrayImage:
    """Draw an A4 page with a title, label/value lines and the seal.

    Parameters
    ----------
    seal_bytes : bytes
        Seal to draw as a DataMatrix.
    lines : list of (str, str)
        Label and value pairs printed under the title (non-ASCII is romanised).
    title : str
        Page title.
    dpi : int
        Page resolution.
    module_mm : float
        Seal module size in millimetres (rounded to whole pixels at ``dpi``).
    seal_pos_mm : (float, float)
        Top-left corner of the symbol (quiet zone excluded), ``(x, y)`` in mm.

    Returns
    -------
    (H, W) uint8 ndarray
        White page, black ink.
    """
    import cv2

    px = dpi / _MM_PER_INCH
    width, height = round(A4_MM[0] * px), round(A4_MM[1] * px)
    page = np.full((height, width), 255, np.uint8)
    scale = dpi / 300.0
    thick = max(1, round(2 * scale))
    cv2.putText(
        page,
        _ascii(title),
        (round(25 * px), round(35 * px)),
        cv2.FONT_HERSHEY_DUPLEX,
        1.6 * scale,
        0,
        thick + 1,
        cv2.LINE_AA,
    )
    cv2.line(
        page,
        (round(25 * px), round(40 * px)),
        (round(185 * px), round(40 * px)),
        0,
        thick,
    )
    y = 55.0
    for label, value in lines:
        cv2.putText(
            page,
            _ascii(label),
            (round(25 * px), round(y * px)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.9 * scale,
            60,
            thick,
            cv2.LINE_AA,
        )
        cv2.putText(
            page,
            _ascii(value),
            (round(80 * px), round(y * px)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.9 * scale,
            0,
            thick,
            cv2.LINE_AA,
        )
        y += 9.0
    matrix = _barcode.encode(seal_bytes)
    module_px = max(1, round(module_mm * px))
    symbol = _barcode.render_raster(matrix, module_px=module_px, quiet_zone=0)
    r0, c0 = round(seal_pos_mm[1] * px), round(seal_pos_mm[0] * px)
    r1, c1 = r0 + symbol.shape[0], c0 + symbol.shape[1]
    if r1 > height or c1 > width:
        raise InputError("the seal does not fit on the page at this position and size")
    page[r0:r1, c0:c1] = symbol
    cv2.putText(
        page,
        "Verify: docsec verify <scan>",
        (c0, r1 + round(6 * px)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.6 * scale,
        0,
        thick,
        cv2.LINE_AA,
    )
    return page
