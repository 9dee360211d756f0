"""The signed seal: ICAO Doc 9303-13 visible digital seal codec and docsec profiles.

Layers, bottom up:

- :mod:`docsec.seal._codec`: C40, DER lengths, ICAO dates.
- :mod:`docsec.seal._vds`: header, message zone, signature zone;
  :func:`parse_unverified`, :func:`sign`, :func:`verify_signature`.
- :mod:`docsec.seal._profiles`: document profiles (package data) and
  :func:`decode_fields` for display.
- :mod:`docsec.seal._certificate`: docsec civil certificates,
  :func:`build_certificate_seal`, :func:`decode_certificate`, :func:`content_digest`.

The byte format, profiles and test vectors are in docs/seal-format.md.

Examples
--------
>>> import datetime as dt
>>> from docsec.keys import generate_signing_key, VerifyingKey
>>> key = generate_signing_key()
>>> data = {
...     "kind": "basic_certificate", "document_number": "GN2024000123",
...     "holder_name": "Hong Gildong", "birth_date": "1990-01-31",
...     "issuing_office": "Gangnam-gu Office", "issue_date": "2024-05-01",
... }
>>> raw = build_certificate_seal(
...     data, key=key, signer_identifier="KRGN", certificate_reference="1A",
...     issuing_country="KOR", signature_date=dt.date(2024, 5, 1))
>>> seal = parse_unverified(raw)
>>> verify_signature(seal, VerifyingKey.from_public_key(key.public_key()))
True
>>> decode_certificate(seal).holder_name
'Hong Gildong'
"""

from docsec.seal._certificate import (
    DOCSEC_FEATURE_DEF_REF,
    CertificateFields,
    Region,
    TextRegion,
    build_certificate_seal,
    canonical_json,
    certificate_features,
    complete_dates,
    content_digest,
    decode_certificate,
    load_certificate_data,
    validity_window,
)
from docsec.seal._codec import (
    c40_decode,
    c40_encode,
    date_decode,
    date_encode,
    der_length_decode,
    der_length_encode,
)
from docsec.seal._profiles import (
    DecodedField,
    DecodedSeal,
    FeatureSpec,
    Profile,
    decode_fields,
    decode_value,
    docsec_profiles,
    find_profile,
    foreign_profiles,
)
from docsec.seal._vds import (
    MAGIC,
    Feature,
    Seal,
    SealHeader,
    encode_unsigned,
    make_header,
    parse_unverified,
    sign,
    verify_signature,
)

__all__ = [
    "DOCSEC_FEATURE_DEF_REF",
    "MAGIC",
    "CertificateFields",
    "DecodedField",
    "DecodedSeal",
    "Feature",
    "FeatureSpec",
    "Profile",
    "Region",
    "Seal",
    "SealHeader",
    "TextRegion",
    "build_certificate_seal",
    "c40_decode",
    "c40_encode",
    "canonical_json",
    "certificate_features",
    "complete_dates",
    "content_digest",
    "date_decode",
    "date_encode",
    "decode_certificate",
    "decode_fields",
    "decode_value",
    "der_length_decode",
    "der_length_encode",
    "docsec_profiles",
    "encode_unsigned",
    "find_profile",
    "foreign_profiles",
    "load_certificate_data",
    "make_header",
    "parse_unverified",
    "sign",
    "validity_window",
    "verify_signature",
]
