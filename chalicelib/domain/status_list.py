"""The signed status list: every issued licence that is not simply active, for offline checks.

A seal proves what a licence said when it was issued; it cannot say that the licence was
suspended or revoked since. The status list closes that gap for verifiers with no network: a
JWS (compact, ES256, signed with the seal key) whose payload is a compact binary list of
(licence number, status) for every licence that is suspended, revoked, expired or superseded.
A licence absent from a fresh list is active. The byte layout is in docs/status-list.md; this
module is its reference implementation and, like domain/seal.py, is pure.
"""
from __future__ import annotations

import base64
import binascii
import json
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import groupby
from typing import TYPE_CHECKING, Iterable, Mapping, Optional

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chalicelib.domain.seal import ECDSA_SHA256
from chalicelib.domain.seal_codes import SealCodes
from chalicelib.domain.licence_numbers import format_number, parse_number
from chalicelib.ports import SealSigner

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.domain.licences import Licence

FORMAT_VERSION = 1
JWS_TYPE = "rukhsa-status-list+jws"
MEDIA_TYPE = "application/jose"  # RFC 7515 section 9.2.1: a JWS in compact serialisation

# Two bits per entry, packed with the sequence delta (see docs/status-list.md). Append-only.
EXPIRED, SUSPENDED, REVOKED, SUPERSEDED = "expired", "suspended", "revoked", "superseded"
STATUS_CODES: Mapping[str, int] = {EXPIRED: 0, SUSPENDED: 1, REVOKED: 2, SUPERSEDED: 3}
STATUS_NAMES = {code: name for name, code in STATUS_CODES.items()}

_HEADER = struct.Struct(">BIIIH")  # version, issued_at, valid_until, entries, groups
_GROUP = struct.Struct(">BHI")  # district code, year, entries in the group
_MAX_TEXT = 8 * 1024 * 1024  # refuse to even look at absurd inputs


class InvalidStatusList(Exception):
    """A list that is malformed, signed by an unknown key, or forged. `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StatusList:
    issued_at: datetime
    valid_until: datetime
    statuses: Mapping[str, str]  # licence number -> expired | suspended | revoked | superseded
    key_id: str = ""

    def status_of(self, number: str) -> Optional[str]:
        """The listed status, or None: the licence is active (as of issued_at)."""
        return self.statuses.get(number)

    def is_current(self, now: datetime) -> bool:
        return self.issued_at <= now + timedelta(minutes=5) and now <= self.valid_until


def listed_status(status: str, superseded_by: str) -> Optional[str]:
    """What the list says of a licence: None for a simply active one (it is not listed).

    A superseded licence (a late re-application replaced it) is listed as superseded whatever
    its own status, so a verifier sends the inspector to the new licence."""
    if superseded_by:
        return SUPERSEDED
    return status if status in STATUS_CODES else None


def listing_changed(old: Optional["Licence"], new: Optional["Licence"]) -> bool:
    """Whether a save changes what the list says of the licence (suspended, revoked, reinstated,
    expired, superseded): then the list is rebuilt. A new licence is active, so not listed."""
    def said(licence: Optional["Licence"]) -> Optional[str]:
        return None if licence is None else listed_status(licence.status, licence.superseded_by)

    return said(old) != said(new)


# ---------------------------------------------------------------------------------------------
# Payload
# ---------------------------------------------------------------------------------------------

def encode_payload(statuses: Mapping[str, str], issued_at: datetime, valid_until: datetime,
                   codes: SealCodes) -> bytes:
    """The list's bytes. Grouped by (district, year); in a group, sequences ascend and each
    entry is one LEB128 varint of (sequence - previous sequence) << 2 | status code."""
    keyed = sorted((codes.district_code(n.district), n.year, n.sequence, STATUS_CODES[status])
                   for n, status in ((parse_number(number), status)
                                     for number, status in statuses.items()))
    groups = [(key, list(items)) for key, items in groupby(keyed, key=lambda k: (k[0], k[1]))]
    if len(groups) > 0xFFFF:
        raise ValueError("too many (district, year) groups for format version 1")
    parts = [_HEADER.pack(FORMAT_VERSION, _seconds(issued_at), _seconds(valid_until),
                          len(keyed), len(groups))]
    for (district_code, year), items in groups:
        parts.append(_GROUP.pack(district_code, year, len(items)))
        previous = 0
        body = bytearray()
        for _district, _year, sequence, status_code in items:
            _put_varint(body, (sequence - previous) << 2 | status_code)
            previous = sequence
        parts.append(bytes(body))
    return b"".join(parts)


def decode_payload(payload: bytes, codes: SealCodes, key_id: str = "") -> StatusList:
    """Raises only InvalidStatusList."""
    try:
        return _decode(payload, codes, key_id)
    except (struct.error, IndexError, ValueError) as error:
        raise InvalidStatusList("malformed") from error


def _decode(payload: bytes, codes: SealCodes, key_id: str) -> StatusList:
    version, issued, until, count, group_count = _HEADER.unpack_from(payload, 0)
    if version != FORMAT_VERSION:
        raise InvalidStatusList("unsupported_version")
    offset = _HEADER.size
    statuses: dict[str, str] = {}
    for _ in range(group_count):
        district_code, year, entries = _GROUP.unpack_from(payload, offset)
        offset += _GROUP.size
        district = codes.district_named(district_code)
        if district is None:
            raise InvalidStatusList("unknown_code")
        sequence = 0
        for _ in range(entries):
            value, offset = _get_varint(payload, offset)
            sequence += value >> 2
            statuses[format_number(district, year, sequence)] = STATUS_NAMES[value & 3]
    if offset != len(payload) or len(statuses) != count:
        raise InvalidStatusList("malformed")
    return StatusList(issued_at=_moment(issued), valid_until=_moment(until), statuses=statuses,
                      key_id=key_id)


# ---------------------------------------------------------------------------------------------
# JWS (RFC 7515 compact serialisation, ES256: the signature is raw r || s, as in the seal)
# ---------------------------------------------------------------------------------------------

def sign_status_list(statuses: Mapping[str, str], issued_at: datetime, validity: timedelta,
                     signer: SealSigner, codes: SealCodes) -> str:
    header = {"alg": "ES256", "kid": signer.key_id, "typ": JWS_TYPE, "v": FORMAT_VERSION}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
                     + "." + _b64url(encode_payload(statuses, issued_at, issued_at + validity,
                                                    codes)))
    signature = signer.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def verify_status_list(text: str, public_keys: Mapping[str, EllipticCurvePublicKey],
                       codes: SealCodes) -> StatusList:
    """The list of a genuine JWS. Raises only InvalidStatusList (malformed, unknown key, forged)."""
    if not isinstance(text, str) or len(text) > _MAX_TEXT or text.count(".") != 2:
        raise InvalidStatusList("malformed")
    encoded_header, encoded_payload, encoded_signature = text.strip().split(".")
    try:
        header = json.loads(_unb64url(encoded_header))
        payload, signature = _unb64url(encoded_payload), _unb64url(encoded_signature)
    except (ValueError, binascii.Error) as error:
        raise InvalidStatusList("malformed") from error
    if not isinstance(header, dict) or header.get("alg") != "ES256" \
            or header.get("typ") != JWS_TYPE or len(signature) != 64:
        raise InvalidStatusList("malformed")
    key = public_keys.get(str(header.get("kid")))
    if key is None:
        raise InvalidStatusList("unknown_key")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s), f"{encoded_header}.{encoded_payload}".encode(),
                   ECDSA_SHA256)
    except (InvalidSignature, ValueError) as error:
        raise InvalidStatusList("bad_signature") from error
    return decode_payload(payload, codes, key_id=str(header["kid"]))


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def _put_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)


def _get_varint(data: bytes, offset: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, offset
        shift += 7
        if shift > 35:  # a 32-bit sequence delta shifted by 2 needs at most 5 bytes
            raise ValueError("varint too long")


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("status list times are aware UTC datetimes")
    return int(moment.timestamp())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not all(c.isalnum() or c in "-_" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def entries_from(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """(number, status, superseded_by) rows as the list's statuses; active rows drop out."""
    statuses: dict[str, str] = {}
    for number, status, superseded_by in rows:
        listed = listed_status(status, superseded_by)
        if listed is not None:
            statuses[number] = listed
    return statuses
