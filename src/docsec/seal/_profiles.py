"""Document profiles as data: which features a seal of a document type carries.

Profiles live in JSON package data (``docsec/seal/profiles/*.json``), read once with
:mod:`importlib.resources`:

- ``icao_bsi.json``: ICAO 9303-13 and BSI TR-03137 / TR-03171 document types,
  converted from VdsTools (Apache-2.0, attribution in the file and in
  docs/seal-format.md).
- ``docsec.json``: docsec's own civil-certificate profiles.

:func:`decode_fields` turns any parsed seal into display rows; it never raises for a
parsed :class:`~docsec.seal.Seal`, so unknown profiles and bad values are shown as hex
and listed in ``problems``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from docsec.errors import PayloadError
from docsec.seal._codec import (
    c40_decode,
    date_decode,
    masked_date_decode,
)
from docsec.seal._vds import Seal

__all__ = [
    "CODINGS",
    "DecodedField",
    "DecodedSeal",
    "FeatureSpec",
    "Profile",
    "decode_fields",
    "decode_value",
    "docsec_profiles",
    "find_profile",
    "foreign_profiles",
]

#: Every coding a profile may name. ``UNKNOWN`` is used for tags outside a profile.
CODINGS = frozenset(
    {
        "C40",
        "MRZ",
        "MRZ_MRVA",
        "MRZ_MRVB",
        "UTF8_STRING",
        "BYTE",
        "BYTES",
        "INT",
        "DATE",
        "MASKED_DATE",
        "DATE_STRING",
        "VALIDITY_DATES",
        "PROFILE_ID",
        "VALIDITY",
        "REGION",
        "PACKED_JSON",
        "TEXT_REGIONS",
        "UNKNOWN",
    }
)


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One feature of a profile.

    Attributes
    ----------
    tag : int
    name : str
        Upper-case name, e.g. ``"HOLDER_NAME"``.
    coding : str
        One of :data:`CODINGS`.
    required : bool
    min_bytes, max_bytes : int
        Allowed length of the encoded value.
    key : str or None
        For docsec profiles: the certificate-data key it comes from.
    """

    tag: int
    name: str
    coding: str
    required: bool
    min_bytes: int
    max_bytes: int
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """A document profile: where it applies and its features.

    Attributes
    ----------
    name : str
        ``"RESIDENCE_PERMIT"`` for foreign profiles, the kind (e.g.
        ``"family_relation_certificate"``) for docsec ones.
    family : {"docsec", "icao"}
    feature_def_ref, doc_type_category : int
        The header values that select it.
    features : tuple of FeatureSpec
    title : str
        Human title (docsec profiles), else the name.
    requires : tuple of str
        docsec only: certificate-data keys this kind needs beyond the common ones
        (``"birth_date"``, ``"valid_until"``).
    """

    name: str
    family: str
    feature_def_ref: int
    doc_type_category: int
    features: tuple[FeatureSpec, ...]
    title: str = ""
    requires: tuple[str, ...] = ()

    def spec(self, tag: int) -> FeatureSpec | None:
        """Return the spec of ``tag``, or None."""
        for spec in self.features:
            if spec.tag == tag:
                return spec
        return None


@dataclass(frozen=True, slots=True)
class _SubProfile:
    base: str
    selector_tag: int
    selector_value: bytes
    profile: Profile


@dataclass(frozen=True, slots=True)
class DecodedField:
    """One display row.

    Attributes
    ----------
    tag : int
    name : str
        Profile name of the feature, or ``"0x0a"``-style hex tag when unknown.
    value : str
        The value as text; raw hex for ``BYTES``, ``UNKNOWN`` and undecodable values.
    coding : str
        The coding used to produce ``value`` (``"UNKNOWN"`` when shown as raw hex
        because the tag or profile is unknown or the value did not decode).
    known : bool
        Whether the profile defines this tag.
    """

    tag: int
    name: str
    value: str
    coding: str
    known: bool


@dataclass(frozen=True, slots=True)
class DecodedSeal:
    """A seal's fields for display, from :func:`decode_fields`.

    Attributes
    ----------
    profile : str or None
        Profile name, or None when no profile matches.
    family : str or None
        ``"docsec"``, ``"icao"`` or None.
    fields : tuple of DecodedField
        In the order of the seal.
    problems : tuple of str
        Deviations from the profile: missing required features, lengths out of
        range, undecodable values, tags the profile does not define.
    """

    profile: str | None
    family: str | None
    fields: tuple[DecodedField, ...]
    problems: tuple[str, ...]


def _load_json(name: str) -> Any:
    text = resources.files("docsec.seal").joinpath("profiles", name).read_text("utf-8")
    return json.loads(text)


def _feature_spec(raw: dict[str, Any]) -> FeatureSpec:
    spec = FeatureSpec(
        tag=int(raw["tag"]),
        name=str(raw["name"]),
        coding=str(raw["coding"]),
        required=bool(raw["required"]),
        min_bytes=int(raw["min_bytes"]),
        max_bytes=int(raw["max_bytes"]),
        key=raw.get("key"),
    )
    if spec.coding not in CODINGS:  # pragma: no cover - guards the package data
        raise ValueError(f"unknown coding {spec.coding!r} in profile data")
    return spec


@functools.cache
def _foreign() -> tuple[tuple[Profile, ...], tuple[_SubProfile, ...]]:
    data = _load_json("icao_bsi.json")
    profiles = tuple(
        Profile(
            name=p["name"],
            family="icao",
            feature_def_ref=p["feature_def_ref"],
            doc_type_category=p["doc_type_category"],
            features=tuple(_feature_spec(f) for f in p["features"]),
            title=p["name"],
        )
        for p in data["profiles"]
    )
    by_name = {p.name: p for p in profiles}
    subs = []
    for sp in data["sub_profiles"]:
        base = by_name[sp["base"]]
        features = base.features + tuple(_feature_spec(f) for f in sp["features"])
        subs.append(
            _SubProfile(
                base=sp["base"],
                selector_tag=sp["selector_tag"],
                selector_value=bytes.fromhex(sp["selector_value_hex"]),
                profile=Profile(
                    name=sp["name"],
                    family="icao",
                    feature_def_ref=base.feature_def_ref,
                    doc_type_category=base.doc_type_category,
                    features=features,
                    title=sp["name"],
                ),
            )
        )
    return profiles, tuple(subs)


@functools.cache
def _docsec_data() -> dict[str, Any]:
    data: dict[str, Any] = _load_json("docsec.json")
    return data


def foreign_profiles() -> tuple[Profile, ...]:
    """Return the ICAO / BSI profiles (sub-profiles included)."""
    profiles, subs = _foreign()
    return profiles + tuple(s.profile for s in subs)


@functools.cache
def docsec_profiles() -> tuple[Profile, ...]:
    """Return docsec's civil-certificate profiles, one per kind.

    Examples
    --------
    >>> [p.name for p in docsec_profiles()][:3]
    ['resident_registration_abstract', 'resident_registration_copy', 'family_relation_certificate']
    """
    data = _docsec_data()
    base = [_feature_spec(f) for f in data["fields"]]
    out = []
    for kind in data["kinds"]:
        also = set(kind["also_required"])
        features = tuple(
            FeatureSpec(
                tag=f.tag,
                name=f.name,
                coding=f.coding,
                required=f.required or (f.key in also),
                min_bytes=f.min_bytes,
                max_bytes=f.max_bytes,
                key=f.key,
            )
            for f in base
        )
        out.append(
            Profile(
                name=kind["name"],
                family="docsec",
                feature_def_ref=data["feature_def_ref"],
                doc_type_category=kind["category"],
                features=features,
                title=kind["title"],
                requires=tuple(kind["also_required"]),
            )
        )
    return tuple(out)


def find_profile(seal: Seal) -> Profile | None:
    """Return the profile that applies to ``seal``, or None.

    docsec profiles are matched on feature definition reference and category.
    Foreign ones likewise, and a TR-03171 sub-profile further on its tag-0 profile
    number. The issuing country is not used (as in VdsTools): the corpus has German
    profiles under the test country ``UTO``.
    """
    ref = seal.header.feature_def_ref
    cat = seal.header.doc_type_category
    for profile in docsec_profiles():
        if (profile.feature_def_ref, profile.doc_type_category) == (ref, cat):
            return profile
    profiles, subs = _foreign()
    for sub in subs:
        base_key = next(p for p in profiles if p.name == sub.base)
        if (base_key.feature_def_ref, base_key.doc_type_category) == (ref, cat) and (
            seal.feature(sub.selector_tag) == sub.selector_value
        ):
            return sub.profile
    for profile in profiles:
        if (profile.feature_def_ref, profile.doc_type_category) == (ref, cat):
            return profile
    return None


def _region_text(raw: bytes) -> str:
    x, y, w, h = (int.from_bytes(raw[i : i + 2], signed=True) for i in range(0, 8, 2))
    return f"x={x / 10:g} y={y / 10:g} w={w / 10:g} h={h / 10:g} modules"


def decode_value(coding: str, raw: bytes) -> str:
    """Decode one feature value to display text.

    Parameters
    ----------
    coding : str
        One of :data:`CODINGS`.
    raw : bytes
        The value bytes.

    Returns
    -------
    str

    Raises
    ------
    PayloadError
        The bytes are not valid for the coding.

    Examples
    --------
    >>> decode_value("MRZ", bytes.fromhex("a5621353"))
    'MED<<M'
    >>> decode_value("VALIDITY", bytes.fromhex("1eb370") + bytes.fromhex("4fd590"))
    '2016-02-01/2016-05-23'
    """
    if coding == "C40":
        return c40_decode(raw)
    if coding in ("MRZ", "MRZ_MRVA", "MRZ_MRVB"):
        return c40_decode(raw).replace(" ", "<")
    if coding == "UTF8_STRING":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayloadError("invalid UTF-8") from exc
    if coding == "BYTE":
        if len(raw) != 1:
            raise PayloadError("a BYTE value is one byte")
        return str(raw[0])
    if coding == "INT":
        if not raw:
            raise PayloadError("an INT value needs at least one byte")
        return str(int.from_bytes(raw))
    if coding == "DATE":
        return date_decode(raw).isoformat()
    if coding == "MASKED_DATE":
        return masked_date_decode(raw)
    if coding == "DATE_STRING":
        text = raw.decode("ascii", errors="replace")
        if len(raw) != 8 or not text.isdigit():
            raise PayloadError("a DATE_STRING is 8 ASCII digits")
        return text
    if coding == "VALIDITY":
        if len(raw) not in (3, 6):
            raise PayloadError("a VALIDITY value is 3 or 6 bytes")
        start = date_decode(raw[:3]).isoformat()
        return start if len(raw) == 3 else f"{start}/{date_decode(raw[3:]).isoformat()}"
    if coding == "PROFILE_ID":
        if len(raw) != 3:
            raise PayloadError("a PROFILE_ID value is 3 bytes")
        algs = _docsec_data()["digest_algorithms"]
        alg = algs.get(str(raw[1]), f"digest-alg-{raw[1]}")
        return f"v{raw[0]} {alg} category {raw[2]}"
    if coding == "REGION":
        if len(raw) != 8:
            raise PayloadError("a REGION value is 8 bytes")
        return _region_text(raw)
    if coding == "PACKED_JSON":
        from docsec.seal._content import unpack

        return unpack(raw).decode("utf-8", errors="replace")
    if coding == "TEXT_REGIONS":
        from docsec.seal._content import decode_text_regions, unpack

        regions = decode_text_regions(unpack(raw))
        return ", ".join(r.field for r in regions)
    # BYTES, VALIDITY_DATES (TR-03171 v0.8, inner layout not published to us), UNKNOWN
    return raw.hex()


def decode_fields(seal: Seal) -> DecodedSeal:
    """Decode a seal's features for display, for docsec and foreign profiles.

    This does not verify anything and never raises for a parsed seal: unknown
    profiles or tags are shown as raw hex, and deviations are listed in
    ``problems``. Use :func:`docsec.seal.decode_certificate` for a strict reading of
    a docsec seal.

    Parameters
    ----------
    seal : Seal
        From :func:`docsec.seal.parse_unverified`.

    Returns
    -------
    DecodedSeal
    """
    profile = find_profile(seal)
    problems: list[str] = []
    rows: list[DecodedField] = []
    for feat in seal.messages:
        spec = profile.spec(feat.tag) if profile is not None else None
        if spec is None:
            if profile is not None:
                problems.append(f"tag {feat.tag} is not defined by {profile.name}")
            rows.append(
                DecodedField(
                    feat.tag, f"0x{feat.tag:02x}", feat.value.hex(), "UNKNOWN", False
                )
            )
            continue
        if not spec.min_bytes <= len(feat.value) <= spec.max_bytes:
            problems.append(
                f"{spec.name}: {len(feat.value)} bytes, expected "
                f"{spec.min_bytes}-{spec.max_bytes}"
            )
        try:
            value = decode_value(spec.coding, feat.value)
            coding = spec.coding
        except PayloadError as exc:
            problems.append(f"{spec.name}: cannot decode as {spec.coding}: {exc}")
            value, coding = feat.value.hex(), "UNKNOWN"
        rows.append(DecodedField(feat.tag, spec.name, value, coding, True))
    if profile is not None:
        present = {f.tag for f in seal.messages}
        problems.extend(
            f"required feature {spec.name} (tag {spec.tag}) is missing"
            for spec in profile.features
            if spec.required and spec.tag not in present
        )
    return DecodedSeal(
        profile=profile.name if profile is not None else None,
        family=profile.family if profile is not None else None,
        fields=tuple(rows),
        problems=tuple(problems),
    )
