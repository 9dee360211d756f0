"""docsec civil-certificate seals: certificate data -> signed seal, and back.

Certificate data is a JSON object (docs/seal-format.md, "Certificate data")::

    {
      "kind": "family_relation_certificate",
      "document_number": "GN2024000123",
      "document_title": "가족관계증명서",                  (optional)
      "holder_name": "홍길동",
      "birth_date": "1990-01-31",                        (optional for some kinds)
      "issuing_office": "Seoul Gangnam-gu Office",
      "issue_date": "2024-05-01",                        (optional: the signing date)
      "valid_from": "2024-05-01",                        (optional, default issue_date)
      "valid_until": "2024-08-01",                       (optional for some kinds)
      "valid_for": "P3M",                                (instead of valid_until)
      "layout": {"module_size_um": 500,
                 "cdp": {"region": [x, y, w, h], "key_id": "<16 hex>"},
                 "watermark": {"region": [x, y, w, h], "key_id": "<16 hex>"},
                 "text": [{"field": "/holder_name", "region": [x, y, w, h]}]},
      "verification_code": "7KQ2M9XD4P",               (optional: the registry's)
      "content": { ... any JSON object ... }
    }

The seal carries the listed fields, the ``content`` object itself (profile v2,
packed), where each printed field is (``layout.text``), and the SHA-256 of the
canonical JSON of the whole object.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docsec import keys
from docsec.errors import InputError, PayloadError
from docsec.seal._codec import c40_encode, date_decode, date_encode
from docsec.seal._content import (
    TextRegion,
    decode_content,
    decode_text_regions,
    encode_text_regions,
    pack,
    resolve_pointer,
    unpack,
)
from docsec.seal._profiles import (
    FeatureSpec,
    Profile,
    decode_value,
    docsec_profiles,
    find_profile,
)
from docsec.seal._vds import Feature, Seal, make_header, sign

__all__ = [
    "DOCSEC_FEATURE_DEF_REF",
    "CertificateFields",
    "Region",
    "TextRegion",
    "build_certificate_seal",
    "canonical_json",
    "certificate_features",
    "complete_dates",
    "content_digest",
    "decode_certificate",
    "load_certificate_data",
    "validity_window",
]

#: Document feature definition reference of every docsec seal (0xD5). It is used by
#: none of ICAO 9303-13 (0x5D-0x5F), BSI TR-03137 (0xF4-0xFD) or TR-03171 (0x01).
DOCSEC_FEATURE_DEF_REF = 0xD5
#: Profile v2 adds CONTENT (tag 9) and TEXT_REGIONS (tag 21); v1 seals still decode.
_PROFILE_VERSION = 2
_PROFILE_VERSIONS = (1, 2)
_DIGEST_SHA256 = 1

_TOP_KEYS = frozenset(
    {
        "kind",
        "document_number",
        "document_title",
        "holder_name",
        "birth_date",
        "issuing_office",
        "issue_date",
        "valid_from",
        "valid_until",
        "layout",
        "content",
        "verification_code",
    }
)
_REQUIRED_KEYS = (
    "kind",
    "document_number",
    "holder_name",
    "issuing_office",
    "issue_date",
)
_LAYOUT_KEYS = frozenset({"module_size_um", "cdp", "watermark", "text"})
_TEXT_KEYS = frozenset({"field", "region"})
_REGION_KEYS = frozenset({"region", "key_id"})
_DOC_NUMBER = re.compile(r"[0-9A-Z]{1,30}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
# The registry's verification code (docsec.registry.new_verification_code): random,
# never derived from personal data.
_VERIFICATION_CODE = re.compile(r"[0-9A-Z]{6,12}")
# ISO 8601 durations of whole years, months, weeks and days (P3M, P1Y6M, P90D, P2W).
_DURATION = re.compile(r"P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?(?:(\d{1,3})W)?(?:(\d{1,5})D)?")
# A Korean resident registration number: YYMMDD-SNNNNNN, 13 digits, dash optional.
_RRN = re.compile(r"(?<!\d)\d{6}-?\d{7}(?!\d)")
# Where docsec's own key ids stand: 16 hex digits derived from a key, never
# personal data, so never scanned for a registration number (one random key id in
# ~430 holds 13 digits in a row: 'a1234567890123bc', and its issuer could then
# issue nothing). They must still be 16 lowercase hex digits.
_KEY_ID_PATHS = frozenset({"$.layout.cdp.key_id", "$.layout.watermark.key_id"})
_MAX_SAFE_INT = 2**53 - 1  # RFC 8785 / I-JSON: integers exact in IEEE 754 doubles

_TAG_PROFILE_ID = 0
_TAG_VALIDITY = 1
_TAG_DOC_NUMBER = 2
_TAG_TITLE = 3
_TAG_HOLDER = 4
_TAG_BIRTH = 5
_TAG_OFFICE = 6
_TAG_ISSUE = 7
_TAG_DIGEST = 8
_TAG_CONTENT = 9
_TAG_MODULE = 16
_TAG_CDP_REGION = 17
_TAG_CDP_KEY = 18
_TAG_WM_REGION = 19
_TAG_WM_KEY = 20
_TAG_TEXT_REGIONS = 21
_V2_TAGS = frozenset({_TAG_CONTENT, _TAG_TEXT_REGIONS})
_TAG_VERIFICATION_CODE = 24


# --------------------------------------------------------------------------------------
# Canonical JSON and the content digest


def _normalise(value: object, path: str) -> object:
    """Return a JSON value with NFC strings; reject what has no canonical form."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(f"{path}: lone surrogate in string") from exc
        text = unicodedata.normalize("NFC", value)
        if path in _KEY_ID_PATHS and _KEY_ID.fullmatch(text):
            return text
        if _RRN.search(text):
            raise InputError(
                f"{path}: looks like a resident registration number; docsec never "
                "stores national id numbers (give at most a birth date)"
            )
        return text
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise InputError(f"{path}: integer outside +-(2**53 - 1)")
        if _RRN.search(str(value)):
            raise InputError(f"{path}: looks like a resident registration number")
        return value
    if isinstance(value, float):
        raise InputError(
            f"{path}: floating-point numbers are not allowed (no canonical form); "
            "use an integer in smaller units or a string"
        )
    if isinstance(value, dt.datetime):
        raise InputError(f"{path}: use a date, not a datetime")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{path}: object keys must be strings")
            nkey = _normalise(key, f"{path}.<key>")
            if not isinstance(nkey, str):  # pragma: no cover - str stays str
                raise InputError(f"{path}: bad key")
            if nkey in out:
                raise InputError(f"{path}: duplicate key {nkey!r} after NFC")
            out[nkey] = _normalise(item, f"{path}.{nkey}")
        return out
    if isinstance(value, list | tuple):
        return [_normalise(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise InputError(f"{path}: {type(value).__name__} is not a JSON value")


def _dump(value: object) -> str:
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(_dump(k) + ":" + _dump(v) for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    # str, int, bool, None: json.dumps matches RFC 8785 for these.
    return json.dumps(value, ensure_ascii=False)


def canonical_json(data: Mapping[str, object]) -> bytes:
    r"""Serialise certificate data canonically (docsec canonical JSON v1).

    RFC 8785 (JSON Canonicalization Scheme) of the data after Unicode NFC
    normalisation of every string and key, with numbers restricted to integers of
    magnitude below 2**53 (floats are rejected: their text form is not portable).
    ``datetime.date`` values become ``"YYYY-MM-DD"`` strings. Keys are sorted by
    UTF-16 code units, no whitespace, UTF-8 output.

    Raises
    ------
    InputError
        Non-JSON values, floats, huge integers, lone surrogates, keys that collide
        after NFC, or anything that looks like a resident registration number.

    Examples
    --------
    >>> canonical_json({"b": [1, True, None], "a": "\u1100\u1161"})
    b'{"a":"\xea\xb0\x80","b":[1,true,null]}'
    """
    return _dump(_normalise(data, "$")).encode("utf-8")


def content_digest(data: Mapping[str, object]) -> bytes:
    """Return SHA-256 of :func:`canonical_json` of the full certificate data.

    Examples
    --------
    >>> content_digest({}).hex()[:16]
    '44136fa355b3678a'
    """
    return hashlib.sha256(canonical_json(data)).digest()


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"duplicate key {key!r} in certificate data")
        out[key] = value
    return out


def _reject_constant(name: str) -> None:
    raise InputError(f"{name} is not allowed in certificate data")


def load_certificate_data(raw: bytes | str) -> dict[str, object]:
    """Parse certificate-data JSON strictly (duplicate keys and NaN rejected).

    Raises
    ------
    InputError
        Not JSON, not an object, or a duplicate key.
    """
    try:
        data = json.loads(
            raw,
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"certificate data is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError("certificate data must be a JSON object")
    return data


# --------------------------------------------------------------------------------------
# Dates relative to the day of issue


def _add_months(day: dt.date, months: int) -> dt.date:
    # Calendar months; the day is clamped to the target month's end (Jan 31 + 1
    # month = Feb 28/29), as validity periods "of three months" are counted.
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _add_duration(day: dt.date, text: object) -> dt.date:
    match = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if match is None or text == "P":
        raise InputError(
            f"valid_for: expected an ISO 8601 duration such as P3M, P1Y or P90D, "
            f"got {text!r}"
        )
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    try:
        out = _add_months(day, 12 * years + months)
        return out + dt.timedelta(weeks=weeks, days=days)
    except (ValueError, OverflowError) as exc:
        raise InputError(f"valid_for: {text!r} reaches past the calendar") from exc


def complete_dates(data: Mapping[str, object], *, day: dt.date) -> dict[str, object]:
    """Return certificate data with the dates that depend on the day of issue filled.

    Certificate data may leave ``issue_date`` out (it becomes ``day``) and give the
    validity as a length, ``valid_for`` (ISO 8601: ``"P3M"``, ``"P1Y"``, ``"P90D"``),
    instead of a ``valid_until`` date: ``valid_until`` becomes ``valid_from`` (or the
    issue date) plus that length. Sample and template data thus never carry a date
    that will pass. Data that already has its dates is returned unchanged (as a new
    dict), so the call is idempotent.

    Parameters
    ----------
    data : Mapping
        Certificate data (see the module docstring).
    day : datetime.date
        The day of issue (the seal's signing date).

    Returns
    -------
    dict
        The data with ``issue_date`` set and ``valid_for`` replaced by
        ``valid_until``.

    Raises
    ------
    InputError
        A malformed ``valid_for``, or both ``valid_for`` and ``valid_until``.

    Examples
    --------
    >>> out = complete_dates({"valid_for": "P3M"}, day=dt.date(2026, 11, 30))
    >>> out["issue_date"], out["valid_until"]
    ('2026-11-30', '2027-02-28')
    """
    if not isinstance(data, Mapping):
        raise InputError("certificate data must be a mapping")
    out = dict(data)
    if out.get("issue_date") is None:
        out["issue_date"] = day.isoformat()
    if "valid_for" in out:
        length = out.pop("valid_for")
        if out.get("valid_until") is not None:
            raise InputError("give valid_until or valid_for, not both")
        start = _date(out, "valid_from") or _date(out, "issue_date")
        if start is None:  # pragma: no cover - issue_date was set above
            raise InputError("issue_date is required")
        out["valid_until"] = _add_duration(start, length).isoformat()
    return out


# --------------------------------------------------------------------------------------
# Building a seal


def _kind_profile(kind: object) -> Profile:
    for profile in docsec_profiles():
        if profile.name == kind:
            return profile
    names = ", ".join(p.name for p in docsec_profiles())
    raise InputError(f"unknown certificate kind {kind!r}; known kinds: {names}")


def _date(data: Mapping[str, object], key: str) -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise InputError(f"{key}: impossible date {value!r}") from exc
    raise InputError(f"{key}: expected a date as YYYY-MM-DD, got {value!r}")


def _text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{key}: expected a non-empty string")
    return value


def _region(value: object, path: str) -> bytes:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise InputError(f"{path}: expected [x, y, width, height] as 4 integers")
    x, y, w, h = value
    if w <= 0 or h <= 0:
        raise InputError(f"{path}: width and height must be positive")
    if not all(-32768 <= v <= 32767 for v in value):
        raise InputError(f"{path}: values must fit in 16 bits (tenths of a module)")
    return b"".join(v.to_bytes(2, signed=True) for v in (x, y, w, h))


def _text_regions(value: object, data: Mapping[str, object]) -> Feature:
    if not isinstance(value, list) or not value:
        raise InputError("layout.text: expected a non-empty list")
    entries: list[TextRegion] = []
    for i, item in enumerate(value):
        path = f"layout.text[{i}]"
        if not isinstance(item, dict) or set(item) != _TEXT_KEYS:
            raise InputError(f"{path}: expected an object with field and region")
        pointer = item["field"]
        if not isinstance(pointer, str) or pointer.startswith("/layout"):
            raise InputError(f"{path}.field: expected a JSON pointer into the data")
        try:
            target = resolve_pointer(data, pointer)
        except KeyError as exc:
            raise InputError(
                f"{path}.field: {pointer!r} names nothing in the data"
            ) from exc
        if not isinstance(target, str):
            raise InputError(f"{path}.field: {pointer!r} must name a string value")
        x, y, w, h = (
            int.from_bytes(
                _region(item["region"], f"{path}.region")[j : j + 2], signed=True
            )
            for j in range(0, 8, 2)
        )
        entries.append(TextRegion(pointer, x, y, w, h))
    return Feature(_TAG_TEXT_REGIONS, pack(encode_text_regions(entries)))


def _layout_features(layout: object, data: Mapping[str, object]) -> list[Feature]:
    if not isinstance(layout, dict):
        raise InputError("layout: expected an object")
    unknown = set(layout) - _LAYOUT_KEYS
    if unknown:
        raise InputError(f"layout: unknown keys {sorted(unknown)}")
    out: list[Feature] = []
    module = layout.get("module_size_um")
    if module is not None:
        if (
            isinstance(module, bool)
            or not isinstance(module, int)
            or not 1 <= module <= 65535
        ):
            raise InputError("layout.module_size_um: expected an integer 1-65535")
        out.append(Feature(_TAG_MODULE, module.to_bytes(2)))
    for name, tag_region, tag_key in (
        ("cdp", _TAG_CDP_REGION, _TAG_CDP_KEY),
        ("watermark", _TAG_WM_REGION, _TAG_WM_KEY),
    ):
        part = layout.get(name)
        if part is None:
            continue
        if not isinstance(part, dict) or set(part) != _REGION_KEYS:
            raise InputError(
                f"layout.{name}: expected an object with region and key_id"
            )
        key_id = part["key_id"]
        if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
            raise InputError(f"layout.{name}.key_id: expected 16 lowercase hex digits")
        out.append(
            Feature(tag_region, _region(part["region"], f"layout.{name}.region"))
        )
        out.append(Feature(tag_key, bytes.fromhex(key_id)))
    if layout.get("text") is not None:
        out.append(_text_regions(layout["text"], data))
    return out


def _check_lengths(profile: Profile, features: list[Feature]) -> None:
    for feat in features:
        spec = profile.spec(feat.tag)
        if spec is None:  # pragma: no cover - the builder only writes profile tags
            raise InputError(f"tag {feat.tag} is not in profile {profile.name}")
        if not spec.min_bytes <= len(feat.value) <= spec.max_bytes:
            raise InputError(
                f"{spec.key or spec.name}: encodes to {len(feat.value)} bytes, "
                f"allowed {spec.min_bytes}-{spec.max_bytes}"
            )


def certificate_features(
    data: Mapping[str, object],
) -> tuple[Profile, dt.date, tuple[Feature, ...]]:
    """Validate certificate data and return its profile, issue date and features.

    Parameters
    ----------
    data : Mapping
        Certificate data (see the module docstring and docs/seal-format.md).

    Returns
    -------
    profile : Profile
    issue_date : datetime.date
    features : tuple of Feature
        The message zone, tags ascending.

    Raises
    ------
    InputError
        Unknown or missing keys, bad values, a kind's required field missing,
        values too long for the profile, or a resident registration number anywhere.
    """
    if not isinstance(data, Mapping):
        raise InputError("certificate data must be a mapping")
    normalised = _normalise(data, "$")
    if not isinstance(normalised, dict):  # pragma: no cover - Mapping stays dict
        raise InputError("certificate data must be a mapping")
    if "valid_for" in normalised:
        raise InputError(
            "valid_for is resolved at issuing: call complete_dates() with the day of "
            "issue first"
        )
    unknown = set(normalised) - _TOP_KEYS
    if unknown:
        raise InputError(
            f"unknown certificate-data keys {sorted(unknown)}; put extra content "
            "under 'content'"
        )
    missing = [k for k in _REQUIRED_KEYS if normalised.get(k) is None]
    if missing:
        raise InputError(f"certificate data lacks {missing}")
    profile = _kind_profile(normalised["kind"])
    for key in profile.requires:
        if normalised.get(key) is None:
            raise InputError(f"{profile.name} needs {key}")
    if "content" in normalised and not isinstance(normalised["content"], dict):
        raise InputError("content: expected an object")

    number = normalised["document_number"]
    if not isinstance(number, str) or not _DOC_NUMBER.fullmatch(number):
        raise InputError("document_number: expected 1-30 characters 0-9 and A-Z")
    issue_date = _date(normalised, "issue_date")
    if issue_date is None:  # pragma: no cover - checked as required above
        raise InputError("issue_date is required")
    valid_from = _date(normalised, "valid_from") or issue_date
    valid_until = _date(normalised, "valid_until")
    if valid_until is not None and valid_until < valid_from:
        raise InputError("valid_until is before valid_from")
    birth_date = _date(normalised, "birth_date")
    if birth_date is not None and birth_date > issue_date:
        raise InputError("birth_date is after issue_date")
    holder = _text(normalised, "holder_name")
    office = _text(normalised, "issuing_office")
    title = _text(normalised, "document_title")
    if holder is None or office is None:  # pragma: no cover - checked above
        raise InputError("holder_name and issuing_office are required")

    validity = date_encode(valid_from) + (
        date_encode(valid_until) if valid_until is not None else b""
    )
    features = [
        Feature(
            _TAG_PROFILE_ID,
            bytes((_PROFILE_VERSION, _DIGEST_SHA256, profile.doc_type_category)),
        ),
        Feature(_TAG_VALIDITY, validity),
        Feature(_TAG_DOC_NUMBER, c40_encode(number)),
    ]
    if title is not None:
        features.append(Feature(_TAG_TITLE, title.encode("utf-8")))
    features.append(Feature(_TAG_HOLDER, holder.encode("utf-8")))
    if birth_date is not None:
        features.append(Feature(_TAG_BIRTH, date_encode(birth_date)))
    features.append(Feature(_TAG_OFFICE, office.encode("utf-8")))
    features.append(Feature(_TAG_ISSUE, date_encode(issue_date)))
    digest = hashlib.sha256(_dump(normalised).encode("utf-8")).digest()
    features.append(Feature(_TAG_DIGEST, digest))
    content = normalised.get("content")
    if content is not None:
        features.append(Feature(_TAG_CONTENT, pack(_dump(content).encode("utf-8"))))
    if normalised.get("layout") is not None:
        features.extend(_layout_features(normalised["layout"], normalised))
    code = normalised.get("verification_code")
    if code is not None:
        if not isinstance(code, str) or not _VERIFICATION_CODE.fullmatch(code):
            raise InputError("verification_code: expected 6-12 characters 0-9 and A-Z")
        features.append(Feature(_TAG_VERIFICATION_CODE, c40_encode(code)))
    features.sort(key=lambda f: f.tag)
    _check_lengths(profile, features)
    return profile, issue_date, tuple(features)


def build_certificate_seal(
    data: Mapping[str, object],
    *,
    key: keys.PrivateKey,
    signer_identifier: str,
    certificate_reference: str,
    issuing_country: str,
    signature_date: dt.date,
) -> bytes:
    """Build and sign the seal of a civil certificate.

    Parameters
    ----------
    data : Mapping
        Certificate data as in a JSON file (see docs/seal-format.md).
    key : EllipticCurvePrivateKey
        The issuer's signing key.
    signer_identifier : str
        4 characters: the signer certificate's country code plus 2 characters.
    certificate_reference : str
        The signer certificate's serial number in upper-case hex (1-255 chars).
    issuing_country : str
        ICAO three-letter code of the issuing state, e.g. ``"KOR"``.
    signature_date : datetime.date
        Date of signing (header field).

    Returns
    -------
    bytes
        The complete seal, ICAO header v4, deterministic signature.

    Raises
    ------
    InputError
        Invalid certificate data or header values.
    KeyMaterialError
        The key's curve is not supported.
    """
    profile, issue_date, features = certificate_features(
        complete_dates(data, day=signature_date)
    )
    header = make_header(
        issuing_country=issuing_country,
        signer_identifier=signer_identifier,
        certificate_reference=certificate_reference,
        issue_date=issue_date,
        signature_date=signature_date,
        feature_def_ref=profile.feature_def_ref,
        doc_type_category=profile.doc_type_category,
    )
    return sign(header, features, key)


# --------------------------------------------------------------------------------------
# Reading a docsec seal strictly


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle relative to the seal symbol, in tenths of a module.

    The origin is the symbol's top-left corner (outside edge of the top-left module,
    quiet zone excluded), x runs along the top edge, y down the left edge, both in
    the symbol's own orientation as fixed by its finder pattern.
    """

    x: int
    y: int
    width: int
    height: int

    def in_modules(self) -> tuple[float, float, float, float]:
        """Return ``(x, y, width, height)`` in modules."""
        return (self.x / 10, self.y / 10, self.width / 10, self.height / 10)


@dataclass(frozen=True, slots=True)
class CertificateFields:
    """The fields of a docsec certificate seal, from :func:`decode_certificate`.

    Read these only after the seal's signature has been verified.
    """

    kind: str
    category: int
    document_number: str
    document_title: str | None
    holder_name: str
    birth_date: dt.date | None
    issuing_office: str
    issue_date: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    content_digest: bytes
    module_size_um: int | None
    cdp_region: Region | None
    cdp_key_id: str | None
    watermark_region: Region | None
    watermark_key_id: str | None
    #: The certificate data's ``content`` object (profile v2), else None.
    content: dict[str, object] | None = None
    #: Where each printed field is (profile v2), in seal order.
    text_regions: tuple[TextRegion, ...] = ()
    verification_code: str | None = None


def _decode_strict(spec: FeatureSpec, raw: bytes) -> str:
    if not spec.min_bytes <= len(raw) <= spec.max_bytes:
        raise PayloadError(
            f"{spec.name}: {len(raw)} bytes, allowed {spec.min_bytes}-{spec.max_bytes}"
        )
    return decode_value(spec.coding, raw)


def decode_certificate(seal: Seal) -> CertificateFields:
    """Read a docsec certificate seal strictly.

    Parameters
    ----------
    seal : Seal
        A parsed seal (verify its signature before trusting the result).

    Returns
    -------
    CertificateFields

    Raises
    ------
    PayloadError
        Not a docsec seal, an unknown profile version or digest algorithm, tags out
        of order or not in the profile, a missing required field, a bad value, or
        fields that contradict each other or the header.
    """
    profile = find_profile(seal)
    if profile is None or profile.family != "docsec":
        raise PayloadError("not a docsec certificate seal")
    if seal.leniencies:
        raise PayloadError("a docsec seal must not need any parsing leniency")
    values: dict[int, bytes] = {}
    last = -1
    for feat in seal.messages:
        spec = profile.spec(feat.tag)
        if spec is None:
            raise PayloadError(f"tag {feat.tag} is not defined by the docsec profile")
        if feat.tag <= last:
            raise PayloadError("docsec features must appear in ascending tag order")
        last = feat.tag
        _decode_strict(spec, feat.value)
        values[feat.tag] = feat.value
    for spec in profile.features:
        if spec.required and spec.tag not in values:
            raise PayloadError(f"required feature {spec.name} is missing")
    pid = values[_TAG_PROFILE_ID]
    if pid[0] not in _PROFILE_VERSIONS:
        raise PayloadError(f"unknown docsec profile version {pid[0]}")
    if pid[0] < 2 and _V2_TAGS & set(values):
        raise PayloadError("CONTENT and TEXT_REGIONS need docsec profile v2")
    if pid[1] != _DIGEST_SHA256:
        raise PayloadError(f"unknown content-digest algorithm {pid[1]}")
    if pid[2] != seal.header.doc_type_category:
        raise PayloadError("profile id and header disagree on the document category")
    validity = values[_TAG_VALIDITY]
    valid_from = date_decode(validity[:3])
    valid_until = date_decode(validity[3:]) if len(validity) == 6 else None
    if valid_until is not None and valid_until < valid_from:
        raise PayloadError("validity ends before it starts")
    if valid_until is None and "valid_until" in profile.requires:
        raise PayloadError(f"{profile.name} needs an expiry date")
    issue_date = date_decode(values[_TAG_ISSUE])
    if issue_date != seal.header.issue_date:
        raise PayloadError("issue date differs from the header's")

    def text(tag: int) -> str | None:
        raw = values.get(tag)
        spec = profile.spec(tag)
        if raw is None or spec is None:
            return None
        return decode_value(spec.coding, raw)

    def region(tag: int) -> Region | None:
        raw = values.get(tag)
        if raw is None:
            return None
        x, y, w, h = (
            int.from_bytes(raw[i : i + 2], signed=True) for i in range(0, 8, 2)
        )
        if w <= 0 or h <= 0:
            raise PayloadError("a region must have a positive size")
        return Region(x, y, w, h)

    for region_tag, key_tag in (
        (_TAG_CDP_REGION, _TAG_CDP_KEY),
        (_TAG_WM_REGION, _TAG_WM_KEY),
    ):
        if (region_tag in values) != (key_tag in values):
            raise PayloadError("a layout region and its key id must come together")
    birth = values.get(_TAG_BIRTH)
    module = values.get(_TAG_MODULE)
    holder = text(_TAG_HOLDER)
    office = text(_TAG_OFFICE)
    number = text(_TAG_DOC_NUMBER)
    if holder is None or office is None or number is None:  # pragma: no cover
        raise PayloadError("required feature missing")
    cdp_key = values.get(_TAG_CDP_KEY)
    wm_key = values.get(_TAG_WM_KEY)
    content = values.get(_TAG_CONTENT)
    texts = values.get(_TAG_TEXT_REGIONS)
    return CertificateFields(
        kind=profile.name,
        category=profile.doc_type_category,
        document_number=number,
        document_title=text(_TAG_TITLE),
        holder_name=holder,
        birth_date=date_decode(birth) if birth is not None else None,
        issuing_office=office,
        issue_date=issue_date,
        valid_from=valid_from,
        valid_until=valid_until,
        content_digest=values[_TAG_DIGEST],
        module_size_um=int.from_bytes(module) if module is not None else None,
        cdp_region=region(_TAG_CDP_REGION),
        cdp_key_id=cdp_key.hex() if cdp_key is not None else None,
        watermark_region=region(_TAG_WM_REGION),
        watermark_key_id=wm_key.hex() if wm_key is not None else None,
        verification_code=text(_TAG_VERIFICATION_CODE),
        content=decode_content(content) if content is not None else None,
        text_regions=(decode_text_regions(unpack(texts)) if texts is not None else ()),
    )


def _date_string(raw: bytes | None) -> dt.date | None:
    if raw is None:
        return None
    text = raw.decode("ascii", errors="replace")
    if len(raw) != 8 or not text.isdigit():
        raise PayloadError("a DATE_STRING is 8 ASCII digits")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise PayloadError(f"impossible date {text}") from exc


def validity_window(seal: Seal) -> tuple[dt.date | None, dt.date | None] | None:
    """Return the validity period a seal declares, or None if it declares none.

    docsec seals: tag 1 (VALIDITY), ``(valid_from, valid_until or None)``. BSI
    TR-03171 administrative documents v9: tags 1/2 (VALID_FROM / VALID_TO,
    ``YYYYMMDD``), either may be absent. Other profiles: None. Read it only from a
    seal whose signature has been verified.

    Raises
    ------
    PayloadError
        The seal's validity feature is malformed.
    """
    profile = find_profile(seal)
    if profile is None:
        return None
    if profile.family == "docsec":
        raw = seal.feature(_TAG_VALIDITY)
        if raw is None:
            return None
        if len(raw) not in (3, 6):
            raise PayloadError("a VALIDITY value is 3 or 6 bytes")
        return date_decode(raw[:3]), (date_decode(raw[3:]) if len(raw) == 6 else None)
    names = {spec.name: spec.tag for spec in profile.features}
    if "VALID_FROM" in names and "VALID_TO" in names:
        valid_from = _date_string(seal.feature(names["VALID_FROM"]))
        valid_to = _date_string(seal.feature(names["VALID_TO"]))
        if valid_from is None and valid_to is None:
            return None
        return valid_from, valid_to
    return None
