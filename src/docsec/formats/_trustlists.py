"""Trust sources for the seal formats: a trust folder, an ANTS 2D-Doc trust list, a certificate file.

Every source becomes a :class:`~docsec.trust.TrustStore`, whose anchors the
formats search by their own reference scheme (:meth:`SealFormat.find_signer`):

- a folder: :meth:`TrustStore.load` (docsec trust bundles; EU DCC document signer
  certificates, DSCs, placed there are trusted on their own, like the gateway's
  DSC list);
- an ANTS 2D-Doc trust list (ETSI TS 119 612 XML, ``*.xml``): the certification
  authorities' certificates it carries become anchors. The list carries no
  participant (leaf) certificates: those are published by each authority (its
  ``TSPInformationURI``) and go in the folder's ``intermediates/``, so they chain
  to the listed CA. The list's own XAdES signature is **not** checked: obtain the
  file from ANTS over a channel you trust;
- a certificate file (PEM with one or more certificates, or DER): anchors.
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography import x509

from docsec import inputs
from docsec.errors import KeyMaterialError
from docsec.trust import TrustStore

__all__ = ["TrustList", "TrustListEntry", "load_trust_source", "parse_ants_tsl"]

_TSL = "{http://uri.etsi.org/02231/v2#}"
#: An ANTS trust list is about 35 KiB; anything far larger is refused unread.
_MAX_TSL_BYTES = 4 * 1024 * 1024
_MAX_CERT_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TrustListEntry:
    """One trust service (a certification authority) of a trust list."""

    provider: str
    information_uri: str
    status: str
    certificates: tuple[x509.Certificate, ...]


@dataclass(frozen=True, slots=True)
class TrustList:
    """A parsed ETSI TS 119 612 trust list (as ANTS publishes for 2D-Doc)."""

    scheme: str
    sequence_number: int | None
    issued: str
    next_update: str
    entries: tuple[TrustListEntry, ...]

    @property
    def certificates(self) -> tuple[x509.Certificate, ...]:
        """Return the certificates of every listed service whose status is in accord."""
        return tuple(
            c
            for e in self.entries
            if e.status.endswith(("/inaccord", "/granted", "/undersupervision"))
            for c in e.certificates
        )


def _text(node: ET.Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def parse_ants_tsl(data: bytes) -> TrustList:
    """Parse an ANTS 2D-Doc trust list (ETSI TS 119 612 XML).

    The XML is parsed with the standard library's expat parser, which refuses
    external entities and, since expat 2.4.1, exponential entity expansion; the
    input is also bounded in size before parsing.

    Raises
    ------
    KeyMaterialError
        Not a trust list, malformed XML, or a certificate that does not parse.
    """
    if len(data) > _MAX_TSL_BYTES:
        raise KeyMaterialError(f"trust list of {len(data)} bytes is too large")
    try:
        root = ET.fromstring(data)  # noqa: S314 - bounded, expat without external entities
    except ET.ParseError as exc:
        raise KeyMaterialError(f"the trust list is not well-formed XML: {exc}") from exc
    if root.tag != f"{_TSL}TrustServiceStatusList":
        raise KeyMaterialError("not an ETSI trust-service status list")
    info = root.find(f"{_TSL}SchemeInformation")
    scheme = _text(
        info.find(f"{_TSL}SchemeName/{_TSL}Name") if info is not None else None
    )
    seq = _text(info.find(f"{_TSL}TSLSequenceNumber") if info is not None else None)
    issued = _text(info.find(f"{_TSL}ListIssueDateTime") if info is not None else None)
    nxt = _text(
        info.find(f"{_TSL}NextUpdate/{_TSL}dateTime") if info is not None else None
    )
    entries: list[TrustListEntry] = []
    # The schema's own paths (TS 119 612, 5.3 to 5.5), not every descendant of
    # that name: elements nested in their namesakes made each search walk the
    # whole subtree again (a 3.7 MB list of nested ServiceInformation took minutes).
    for tsp in root.iterfind(
        f"{_TSL}TrustServiceProviderList/{_TSL}TrustServiceProvider"
    ):
        provider = _text(tsp.find(f"{_TSL}TSPInformation/{_TSL}TSPName/{_TSL}Name"))
        uri = _text(tsp.find(f"{_TSL}TSPInformation/{_TSL}TSPInformationURI/{_TSL}URI"))
        for service in tsp.iterfind(
            f"{_TSL}TSPServices/{_TSL}TSPService/{_TSL}ServiceInformation"
        ):
            certs: list[x509.Certificate] = []
            for node in service.iterfind(
                f"{_TSL}ServiceDigitalIdentity/{_TSL}DigitalId/{_TSL}X509Certificate"
            ):
                try:
                    der = base64.b64decode("".join(_text(node).split()), validate=True)
                    certs.append(x509.load_der_x509_certificate(der))
                except (binascii.Error, ValueError) as exc:
                    raise KeyMaterialError(
                        f"trust list: a certificate of {provider!r} does not parse"
                    ) from exc
            entries.append(
                TrustListEntry(
                    provider=provider,
                    information_uri=uri,
                    status=_text(service.find(f"{_TSL}ServiceStatus")),
                    certificates=tuple(certs),
                )
            )
    return TrustList(
        scheme=scheme,
        # ASCII digits only: str.isdigit() admits "²", which int() refuses, and
        # int() refuses more than 4300 digits.
        sequence_number=int(seq)
        if seq.isascii() and seq.isdigit() and len(seq) < 20
        else None,
        issued=issued,
        next_update=nxt,
        entries=tuple(entries),
    )


def load_trust_source(
    path: str | Path, *, crl_grace: timedelta = timedelta(0)
) -> TrustStore:
    """Load a trust folder, an ANTS trust list (``.xml``) or a certificate file.

    Raises
    ------
    KeyMaterialError
        The source is missing, unreadable, or holds no certificate.
    """
    p = Path(path)
    if p.is_dir():
        return TrustStore.load(p, crl_grace=crl_grace)
    if not p.is_file():
        raise KeyMaterialError(f"trust source {p} is neither a folder nor a file")
    if p.suffix.lower() == ".xml":
        data = inputs.read_regular_file(p, max_bytes=_MAX_TSL_BYTES)
        listed = parse_ants_tsl(data).certificates
        if not listed:
            raise KeyMaterialError(f"trust list {p} lists no certificate in accord")
        return TrustStore.from_certificates(listed, crl_grace=crl_grace)
    data = inputs.read_regular_file(p, max_bytes=_MAX_CERT_BYTES)
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise KeyMaterialError(f"{p.name} is not a PEM or DER certificate") from exc
    return TrustStore.from_certificates(certs, crl_grace=crl_grace)
