"""The licence seal: a signed, tamper-evident token that replaces paper stamps and seals.

A seal is a compact binary payload (what the licence says: number, kind, district, site
coordinates, validity) followed by a 64-byte ECDSA P-256 / SHA-256 signature (raw r||s), written
as upper-case RFC 4648 base32 without padding so that a QR code can hold it in alphanumeric mode.
The byte layout is specified in docs/seal-token.md; this module is its reference implementation.

Everything here is pure: the private key lives behind the `SealSigner` port (KMS in production).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from chalicelib.domain.seal_codes import SealCodes
from chalicelib.domain.licence_numbers import format_number, parse_number
from chalicelib.ports import SealSigner


class VerifyingEcdsaSha256(ec.ECDSA):
    """ECDSA with SHA-256, for verifying. `ec.ECDSA()`'s constructor imports cryptography's
    whole OpenSSL backend module (ciphers, RSA, padding: some 6 ms of a verification's cold
    start) only to check deterministic-signing support, which verifying never uses. The
    verifier reads the two public properties answered here."""

    def __init__(self) -> None:  # ec.ECDSA.__init__ is skipped on purpose: see above
        self._hash = hashes.SHA256()

    @property
    def algorithm(self) -> hashes.HashAlgorithm:
        return self._hash

    @property
    def deterministic_signing(self) -> bool:
        return False


ECDSA_SHA256 = VerifyingEcdsaSha256()
# The district and kind bytes are the catalogue's seal codes (chalicelib/data, `seal_code`),
# append-only data: a payload stores the code, so a code may never change meaning.

FORMAT_VERSION = 1
KEY_ID_BYTES = 4
SIGNATURE_BYTES = 64
COORDINATE_SCALE = 100_000  # 5 decimals: about 1.1 m on the ground, enough to identify a site
EPOCH = date(1970, 1, 1)

# version, kid, district, year, sequence, kind, lat, lng, valid_from, valid_until, reserved.
# The reserved byte (always 0) makes payload+signature 90 bytes, a multiple of 5, so the base32
# text is exactly 144 characters with no padding and only one way to spell it.
_PAYLOAD_V1 = struct.Struct(">B4sBHIBiiHHB")
PAYLOAD_BYTES = _PAYLOAD_V1.size
TOKEN_BYTES = PAYLOAD_BYTES + SIGNATURE_BYTES
TOKEN_CHARS = TOKEN_BYTES * 8 // 5

_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_BASE32_TEXT = re.compile(r"[A-Z2-7]+")
_MAX_TOKEN_TEXT = 1024  # refuse to even look at absurd inputs


class InvalidSeal(Exception):
    """A seal that is malformed, unknown or forged. `reason` is a short machine-readable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SealClaims:
    """What a seal vouches for. Coordinates are kept to 5 decimals by the payload."""

    number: str
    kind: str
    district: str
    lat: float
    lng: float
    valid_from: date
    valid_until: date
    key_id: str


@dataclass(frozen=True)
class ParsedSeal:
    """A token split into its parts; the signature is NOT checked yet (see verify_seal)."""

    claims: SealClaims
    payload: bytes
    signature: bytes


# ---------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------

def encode_payload(claims: SealClaims, codes: SealCodes) -> bytes:
    """The signed bytes of a seal. Raises ValueError if the claims cannot be represented."""
    number = parse_number(claims.number)
    if number.district != claims.district:
        raise ValueError(f"number {claims.number} is not in district {claims.district}")
    return _PAYLOAD_V1.pack(
        FORMAT_VERSION,
        _kid_bytes(claims.key_id),
        codes.district_code(claims.district),
        number.year,
        number.sequence,
        codes.kind_code(claims.kind),
        _scaled(claims.lat, 90.0, "lat"),
        _scaled(claims.lng, 180.0, "lng"),
        _days(claims.valid_from),
        _days(claims.valid_until),
        0,
    )


def assemble_token(payload: bytes, raw_signature: bytes) -> str:
    """Token text for a payload and its raw r||s signature (normalised to low-S)."""
    if len(raw_signature) != SIGNATURE_BYTES:
        raise ValueError("a raw P-256 signature is 64 bytes")
    text = base64.b32encode(payload + _low_s(raw_signature)).decode("ascii")
    return text.rstrip("=")


def sign_seal(claims: SealClaims, signer: SealSigner, codes: SealCodes) -> str:
    """Encode and sign a seal. The claims must name the signer's current key."""
    if claims.key_id != signer.key_id:
        raise ValueError(f"claims name key {claims.key_id}, signer holds {signer.key_id}")
    payload = encode_payload(claims, codes)
    return assemble_token(payload, signer.sign(payload))


def verify_url(base_url: str, token: str) -> str:
    """The URL printed in the QR code: the public verification route `GET /v/{token}`.

    Scheme and host stay as given and the path is the documented lower-case `/v/`; only the
    token is upper case, so the QR encoder puts its 144 characters in an alphanumeric segment.
    An all-upper-case URL saved at most one QR version in measurements (docs/seal-token.md)
    and breaks case-sensitive path prefixes, so it is not used.
    """
    return f"{base_url.rstrip('/')}/v/{token}"


# ---------------------------------------------------------------------------------------------
# Decoding and verification
# ---------------------------------------------------------------------------------------------

def parse_token(token: str, codes: SealCodes) -> ParsedSeal:
    """Split token text into claims, payload and signature. Raises only InvalidSeal."""
    raw = _decode_text(token)
    payload, signature = raw[:PAYLOAD_BYTES], raw[PAYLOAD_BYTES:]
    return ParsedSeal(claims=_decode_payload(payload, codes), payload=payload,
                      signature=signature)


def verify_seal(token: str, public_keys: Mapping[str, EllipticCurvePublicKey],
                codes: SealCodes) -> SealClaims:
    """The claims of a genuine seal. Raises only InvalidSeal (malformed, unknown key, forged)."""
    parsed = parse_token(token, codes)
    public_key = public_keys.get(parsed.claims.key_id)
    if public_key is None:
        raise InvalidSeal("unknown_key")
    r, s = _split_raw(parsed.signature)
    if not (0 < r < _P256_ORDER and 0 < s <= _P256_ORDER // 2):
        raise InvalidSeal("bad_signature")  # high-S copies of a real signature are refused too
    try:
        public_key.verify(encode_dss_signature(r, s), parsed.payload, ECDSA_SHA256)
    except (InvalidSignature, ValueError, TypeError) as error:
        raise InvalidSeal("bad_signature") from error
    return parsed.claims


def _decode_text(token: object) -> bytes:
    if not isinstance(token, str) or len(token) > _MAX_TOKEN_TEXT:
        raise InvalidSeal("malformed")
    text = token.strip().upper()  # a URL may have been lower-cased on the way
    if len(text) != TOKEN_CHARS or not _BASE32_TEXT.fullmatch(text):
        raise InvalidSeal("malformed")
    try:
        raw = base64.b32decode(text)
    except (binascii.Error, ValueError) as error:
        raise InvalidSeal("malformed") from error
    if len(raw) != TOKEN_BYTES or raw[0] != FORMAT_VERSION:
        raise InvalidSeal("unsupported_version" if len(raw) == TOKEN_BYTES else "malformed")
    return raw


def _decode_payload(payload: bytes, codes: SealCodes) -> SealClaims:
    (_version, kid, district_code, year, sequence, kind_code,
     lat, lng, from_days, until_days, reserved) = _PAYLOAD_V1.unpack(payload)
    if reserved != 0:
        raise InvalidSeal("malformed")
    district, kind = codes.district_named(district_code), codes.kind_named(kind_code)
    if district is None or kind is None:
        raise InvalidSeal("unknown_code")
    if abs(lat) > 90 * COORDINATE_SCALE or abs(lng) > 180 * COORDINATE_SCALE:
        raise InvalidSeal("malformed")
    if not 1000 <= year <= 9999 or from_days > until_days:
        raise InvalidSeal("malformed")
    return SealClaims(
        number=format_number(district, year, sequence),
        kind=kind,
        district=district,
        lat=lat / COORDINATE_SCALE,
        lng=lng / COORDINATE_SCALE,
        valid_from=EPOCH + timedelta(days=from_days),
        valid_until=EPOCH + timedelta(days=until_days),
        key_id=kid.hex(),
    )


# ---------------------------------------------------------------------------------------------
# Keys and signatures
# ---------------------------------------------------------------------------------------------

# A P-256 key's DER SubjectPublicKeyInfo up to its uncompressed point (04 || x || y): fixed
# bytes, and the only form KMS gives an ECC_NIST_P256 key. Read with them, a deployed key loads
# without cryptography's ASN.1 serialization module, which the verification cold start skips.
P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
P256_POINT_BYTES = 65


def key_id_of_spki(spki: bytes) -> str:
    """kid: the first 4 bytes of SHA-256 over the key's DER SubjectPublicKeyInfo, as 8 hex."""
    return hashlib.sha256(spki).digest()[:KEY_ID_BYTES].hex()


def key_id_for(public_key: EllipticCurvePublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key_id_of_spki(public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def load_seal_public_key(der: bytes) -> EllipticCurvePublicKey:
    """A seal key from its DER SubjectPublicKeyInfo (what KMS GetPublicKey returns).

    ValueError unless it is a P-256 public key: a wrong key must fail loudly at start-up, not
    make every genuine seal read as forged.
    """
    if len(der) != len(P256_SPKI_PREFIX) + P256_POINT_BYTES or \
            not der.startswith(P256_SPKI_PREFIX):
        if der[:1] != b"0" or len(der) < 2 or len(der) != der[1] + 2:
            raise ValueError("not a DER public key (a DER SubjectPublicKeyInfo)")
        raise ValueError("a seal key must be an ECC_NIST_P256 (P-256) key")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                            der[len(P256_SPKI_PREFIX):])
    except ValueError:
        raise ValueError("not a DER public key: its point is not on P-256") from None


def public_jwk(kid: str, public_key: EllipticCurvePublicKey) -> dict:
    """The public key as an RFC 7517/7518 JWK, as published at GET /v1/keys."""
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
    }


def public_jwk_set(public_keys: Mapping[str, EllipticCurvePublicKey]) -> dict:
    """Every verification key as a JWK Set, sorted by kid so the document is stable."""
    return {"keys": [public_jwk(kid, public_keys[kid]) for kid in sorted(public_keys)]}


def raw_to_der(signature: bytes) -> bytes:
    """64-byte r||s to the DER ECDSA-Sig-Value that most libraries (and KMS) speak."""
    r, s = _split_raw(signature)
    return encode_dss_signature(r, s)


def der_to_raw(signature: bytes) -> bytes:
    """DER ECDSA-Sig-Value (as KMS returns it) to 64-byte r||s."""
    r, s = decode_dss_signature(signature)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def _scaled(degrees: float, limit: float, what: str) -> int:
    if not math.isfinite(degrees) or abs(degrees) > limit:
        raise ValueError(f"{what} out of range: {degrees!r}")
    return round(degrees * COORDINATE_SCALE)


def _days(day: date) -> int:
    days = (day - EPOCH).days
    if not 0 <= days <= 0xFFFF:  # an unsigned 16-bit day count lasts until 2149-06-06
        raise ValueError(f"date out of range: {day}")
    return days


def _kid_bytes(kid: str) -> bytes:
    try:
        raw = bytes.fromhex(kid)
    except ValueError:
        raise ValueError(f"key id is not hex: {kid!r}") from None
    if len(raw) != KEY_ID_BYTES or kid != raw.hex():
        raise ValueError(f"key id must be {KEY_ID_BYTES * 2} lower-case hex digits: {kid!r}")
    return raw


def _split_raw(signature: bytes) -> tuple[int, int]:
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("a raw P-256 signature is 64 bytes")
    return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")


def _low_s(signature: bytes) -> bytes:
    """(r, s) and (r, n-s) both verify; keeping the low one gives each seal one spelling."""
    r, s = _split_raw(signature)
    if s > _P256_ORDER // 2:
        s = _P256_ORDER - s
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
