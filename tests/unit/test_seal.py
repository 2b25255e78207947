"""The licence seal: encoding, verification, tamper evidence and key rotation."""
from __future__ import annotations

import base64
import hashlib
import random
import string
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.seal import (
    PAYLOAD_BYTES,
    TOKEN_CHARS,
    InvalidSeal,
    SealClaims,
    assemble_token,
    der_to_raw,
    encode_payload,
    key_id_for,
    parse_token,
    public_jwk,
    public_jwk_set,
    raw_to_der,
    sign_seal,
    verify_seal,
    verify_url,
)
from tests.unit.seal_fakes import LocalSealSigner

CODES = load_catalogue().seal_codes  # the packaged catalogue's codes
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def claims_for(signer: LocalSealSigner, **changes: object) -> SealClaims:
    claims = SealClaims(
        number="ALX-EAST-2026-000123", kind="shop", district="EAST",
        lat=31.20001, lng=29.91872,
        valid_from=date(2026, 3, 1), valid_until=date(2027, 2, 28),
        key_id=signer.key_id,
    )
    return replace(claims, **changes)


@pytest.fixture(scope="module")
def signer() -> LocalSealSigner:
    return LocalSealSigner()


@pytest.fixture(scope="module")
def token(signer: LocalSealSigner) -> str:
    return sign_seal(claims_for(signer), signer, CODES)


def b32decode(token: str) -> bytes:
    return base64.b32decode(token)


def b32encode(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


# --- round trip -------------------------------------------------------------------------------

def test_a_signed_seal_verifies_to_the_same_claims(signer: LocalSealSigner) -> None:
    """GIVEN claims for every district and kind WHEN signed and verified THEN they come back."""
    for district in CODES.districts:
        for kind in CODES.kinds:
            claims = claims_for(signer, district=district, kind=kind,
                                number=f"ALX-{district}-2026-4294967295")
            token = sign_seal(claims, signer, CODES)
            assert verify_seal(token, signer.public_keys(), CODES) == claims


def test_a_token_is_144_upper_case_base32_characters(token: str) -> None:
    """GIVEN a signed seal THEN its text is QR-alphanumeric friendly and unpadded."""
    assert len(token) == TOKEN_CHARS == 144
    assert set(token) <= set(string.ascii_uppercase + "234567")


def test_southern_and_western_coordinates_and_long_sequences_round_trip(
        signer: LocalSealSigner) -> None:
    """GIVEN negative coordinates and a 7-digit sequence WHEN round-tripped THEN unchanged."""
    claims = claims_for(signer, lat=-33.86785, lng=-151.20732, number="ALX-EAST-2031-1234567")
    assert verify_seal(sign_seal(claims, signer, CODES), signer.public_keys(), CODES) == claims


def test_coordinates_are_kept_to_five_decimals(signer: LocalSealSigner) -> None:
    """GIVEN coordinates with more precision WHEN sealed THEN they are rounded to 1e-5."""
    claims = claims_for(signer, lat=31.2000149, lng=29.9187251)
    verified = verify_seal(sign_seal(claims, signer, CODES), signer.public_keys(), CODES)
    assert (verified.lat, verified.lng) == (31.20001, 29.91873)


def test_lower_case_and_surrounding_whitespace_are_accepted(
        signer: LocalSealSigner, token: str) -> None:
    """GIVEN a token lower-cased by a URL shortener WHEN verified THEN it is still genuine."""
    verified = verify_seal(f"  {token.lower()}\n", signer.public_keys(), CODES)
    assert verified.number == "ALX-EAST-2026-000123"


def test_parse_token_exposes_payload_and_signature(token: str) -> None:
    """GIVEN a token WHEN parsed THEN payload and signature are split at the documented offset."""
    parsed = parse_token(token, CODES)
    assert parsed.payload == encode_payload(parsed.claims, CODES)
    assert len(parsed.payload) == PAYLOAD_BYTES == 26
    assert parsed.payload + parsed.signature == b32decode(token)


@pytest.mark.parametrize("change", [
    {"number": "ALX-WEST-2026-000123"},          # number names another district
    {"number": "ALX-EAST-2026-123"},             # fewer than 6 digits
    {"number": "ALX-EAST-2026-0001234"},         # not canonical (leading zero beyond 6)
    {"number": "ALX-EAST-2026-4294967296"},      # does not fit 32 bits
    {"kind": "submarine"},                      # no seal code in the data
    {"lat": 91.0}, {"lng": float("nan")},
    {"valid_until": date(2150, 1, 1)},
    {"key_id": "ABCDEF01"}, {"key_id": "abcdef"},
])
def test_claims_that_cannot_be_encoded_are_refused(signer: LocalSealSigner,
                                                   change: dict) -> None:
    """GIVEN claims outside the format WHEN encoded THEN ValueError, not a silently wrong seal."""
    with pytest.raises(ValueError):
        encode_payload(claims_for(signer, **change), CODES)


def test_signing_with_claims_for_another_key_is_refused(signer: LocalSealSigner) -> None:
    """GIVEN claims naming a kid the signer does not hold WHEN signed THEN ValueError."""
    with pytest.raises(ValueError):
        sign_seal(claims_for(signer, key_id="00000000"), signer, CODES)


# --- offline verification with the published JWK -----------------------------------------------

def test_the_token_verifies_with_the_jwk_using_cryptography_alone(
        signer: LocalSealSigner, token: str) -> None:
    """GIVEN the JWK from /v1/keys WHEN a third party rebuilds the key with `cryptography` and
    checks the token as docs/seal-token.md says THEN the signature verifies."""
    jwk = public_jwk(signer.key_id, signer.public_keys()[signer.key_id])
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("EC", "P-256", "ES256", "sig")

    def b64url(text: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")

    key = ec.EllipticCurvePublicNumbers(b64url(jwk["x"]), b64url(jwk["y"]),
                                        ec.SECP256R1()).public_key()
    raw = base64.b32decode(token + "=" * (-len(token) % 8))
    payload, signature = raw[:26], raw[26:]
    assert payload[1:5].hex() == jwk["kid"]
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    key.verify(encode_dss_signature(r, s), payload, ec.ECDSA(hashes.SHA256()))  # no raise


def test_jwk_set_lists_every_key(signer: LocalSealSigner) -> None:
    """GIVEN a rotated signer WHEN the JWK Set is built THEN it lists both kids."""
    rotated = signer.rotated()
    kids = [jwk["kid"] for jwk in public_jwk_set(rotated.public_keys())["keys"]]
    assert sorted(kids) == sorted([signer.key_id, rotated.key_id])


def test_kid_is_eight_hex_digits_of_the_spki_hash(signer: LocalSealSigner) -> None:
    """GIVEN a key WHEN its kid is derived THEN it is the first 4 bytes of SHA-256(DER SPKI)."""
    public_key = signer.public_keys()[signer.key_id]
    spki = public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    assert key_id_for(public_key) == hashlib.sha256(spki).hexdigest()[:8] == signer.key_id
    assert key_id_for(LocalSealSigner().public_keys().popitem()[1]) != signer.key_id


def test_raw_and_der_signatures_convert_both_ways() -> None:
    """GIVEN a DER signature from cryptography WHEN converted to raw and back THEN unchanged."""
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.sign(b"payload", ec.ECDSA(hashes.SHA256()))
    raw = der_to_raw(der)
    assert len(raw) == 64 and raw_to_der(raw) == der


# --- tamper evidence ------------------------------------------------------------------------------

def test_every_single_bit_flip_is_detected(signer: LocalSealSigner, token: str) -> None:
    """GIVEN a genuine token WHEN any one bit of its decoded bytes flips THEN it is refused."""
    raw = b32decode(token)
    keys = signer.public_keys()
    accepted = []
    for bit in range(len(raw) * 8):
        tampered = bytearray(raw)
        tampered[bit // 8] ^= 1 << (bit % 8)
        try:
            verify_seal(b32encode(bytes(tampered)), keys, CODES)
            accepted.append(bit)
        except InvalidSeal:
            pass
    assert len(raw) * 8 == 720
    assert accepted == []


def test_a_high_s_copy_of_a_genuine_signature_is_refused(signer: LocalSealSigner,
                                                         token: str) -> None:
    """GIVEN (r, n-s), which plain ECDSA also accepts, THEN the seal refuses it: one spelling."""
    parsed = parse_token(token, CODES)
    r, s = parsed.signature[:32], int.from_bytes(parsed.signature[32:], "big")
    twin = parsed.payload + r + (P256_ORDER - s).to_bytes(32, "big")
    with pytest.raises(InvalidSeal) as refused:
        verify_seal(b32encode(twin), signer.public_keys(), CODES)
    assert refused.value.reason == "bad_signature"


def test_assemble_token_normalises_to_low_s(signer: LocalSealSigner) -> None:
    """GIVEN a high-S signature WHEN assembled THEN the token still verifies."""
    payload = encode_payload(claims_for(signer), CODES)
    raw = signer.sign(payload)
    r, s = raw[:32], int.from_bytes(raw[32:], "big")
    high_s = r + max(s, P256_ORDER - s).to_bytes(32, "big")
    assert verify_seal(assemble_token(payload, high_s), signer.public_keys(), CODES).kind == "shop"


def test_a_seal_with_an_unknown_kid_is_refused(token: str) -> None:
    """GIVEN keys that do not include the token's kid WHEN verified THEN unknown_key."""
    stranger = LocalSealSigner()
    with pytest.raises(InvalidSeal) as refused:
        verify_seal(token, stranger.public_keys(), CODES)
    assert refused.value.reason == "unknown_key"


def test_a_seal_signed_by_another_key_under_a_known_kid_is_refused(
        signer: LocalSealSigner) -> None:
    """GIVEN a forger who copies our kid but signs with their own key THEN bad_signature."""
    forger = LocalSealSigner()
    payload = encode_payload(claims_for(signer), CODES)
    forged = assemble_token(payload, forger.sign(payload))
    with pytest.raises(InvalidSeal) as refused:
        verify_seal(forged, signer.public_keys(), CODES)
    assert refused.value.reason == "bad_signature"


# --- rotation -----------------------------------------------------------------------------------

def test_after_rotation_old_and_new_seals_both_verify(signer: LocalSealSigner,
                                                      token: str) -> None:
    """GIVEN a seal signed before rotation WHEN the key rotates THEN old and new seals verify,
    and each names the key that signed it."""
    rotated = signer.rotated()
    new_token = sign_seal(claims_for(rotated), rotated, CODES)
    keys = rotated.public_keys()
    assert verify_seal(token, keys, CODES).key_id == signer.key_id
    assert verify_seal(new_token, keys, CODES).key_id == rotated.key_id != signer.key_id


def test_a_retired_key_removed_from_the_set_no_longer_verifies(signer: LocalSealSigner,
                                                               token: str) -> None:
    """GIVEN the old kid withdrawn from the key set THEN its seals stop verifying."""
    rotated = signer.rotated()
    only_new = {rotated.key_id: rotated.public_keys()[rotated.key_id]}
    with pytest.raises(InvalidSeal):
        verify_seal(token, only_new, CODES)


# --- garbage ------------------------------------------------------------------------------------

def garbage_inputs(token: str) -> list[object]:
    rng = random.Random(20260301)
    raw = b32decode(token)
    samples: list[object] = [
        "", " ", "=", "\n", "\x00" * 144, token + "=", token + "====", token[:-1], token + "A",
        token[:-8], token[1:], token[:72] + " " + token[72:], token.replace("A", "1"),
        token.replace("B", "8"), token[:100] + "é" + token[101:], token[:143] + "ß",
        "A" * 144, "7" * 144, "A" * 10_000, None, 12345, b"bytes", raw, token.encode(),
        b32encode(raw[:-1]), b32encode(raw + b"\x00"), b32encode(b"\x02" + raw[1:]),
        b32encode(b"\x00" * 90), b32encode(b"\xff" * 90), "https://x/v/" + token,
        token[:143] + "\u0661",  # an Arabic-Indic digit
    ]
    alphabet = string.printable + "ابتثجح\u200f\u0660"
    for _ in range(300):
        samples.append(b32encode(rng.randbytes(90)))              # well-formed, random bytes
        samples.append(b32encode(b"\x01" + rng.randbytes(89)))    # right version, random rest
        samples.append(b32encode(rng.randbytes(rng.randrange(0, 200))))
        samples.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 200))))
        cut = rng.randrange(len(token))
        samples.append(token[:cut] + rng.choice(alphabet) + token[cut + 1:])
    # A replacement that happens to pick the same letter (or its lower case) is not garbage.
    return [s for s in samples if not (isinstance(s, str) and s.strip().upper() == token)]


def test_garbage_only_ever_raises_invalid_seal(signer: LocalSealSigner, token: str) -> None:
    """GIVEN thousands of malformed inputs WHEN parsed or verified THEN InvalidSeal, never other."""
    keys = signer.public_keys()
    for sample in garbage_inputs(token):
        with pytest.raises(InvalidSeal):
            verify_seal(sample, keys, CODES)  # type: ignore[arg-type]


def test_random_payloads_with_the_right_kid_never_verify(signer: LocalSealSigner) -> None:
    """GIVEN random payloads carrying our kid and a random signature THEN always refused."""
    rng = random.Random(7)
    kid = bytes.fromhex(signer.key_id)
    for _ in range(300):
        raw = b"\x01" + kid + rng.randbytes(85)
        with pytest.raises(InvalidSeal):
            verify_seal(b32encode(raw), signer.public_keys(), CODES)


def test_verify_url_uses_the_documented_route() -> None:
    """GIVEN a base URL with or without a trailing slash THEN the QR URL is base/v/TOKEN."""
    assert verify_url("https://verify.example.eg/", "ABC") == "https://verify.example.eg/v/ABC"
    assert verify_url("https://verify.example.eg", "ABC") == "https://verify.example.eg/v/ABC"


def doc_example() -> dict:
    """Run the ```python block of docs/seal-token.md and return its namespace."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "seal-token.md").read_text("utf-8")
    code = doc.split("```python\n", 1)[1].split("\n```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "docs/seal-token.md", "exec"), namespace)  # noqa: S102 - our own doc
    return namespace


def test_the_doc_example_verifies_a_real_seal(signer: LocalSealSigner, token: str) -> None:
    """GIVEN the offline verifier printed in docs/seal-token.md and the published JWK Set
    WHEN it checks a genuine seal and a damaged one THEN it agrees with verify_seal."""
    verify = doc_example()["verify"]
    jwk_set = public_jwk_set(signer.rotated().public_keys())
    claims = verify_seal(token, signer.public_keys(), CODES)

    result = verify(token.lower(), jwk_set)

    assert result == {"number": claims.number, "kind": claims.kind, "district": claims.district,
                      "lat": claims.lat, "lng": claims.lng, "valid_from": claims.valid_from,
                      "valid_until": claims.valid_until, "kid": claims.key_id}
    damaged = bytearray(b32decode(token))
    damaged[14] ^= 0x01  # one bit of the latitude
    with pytest.raises(ValueError):
        verify(b32encode(bytes(damaged)), jwk_set)


def test_a_deployed_public_key_loads_only_if_it_is_p256() -> None:
    """GIVEN DER public keys WHEN loaded as seal keys THEN P-256 loads with the same kid, and a
    P-384 key or bytes that are not a key are refused with ValueError."""
    from chalicelib.domain.seal import load_seal_public_key

    def der(key):
        return key.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)

    p256 = ec.generate_private_key(ec.SECP256R1())
    assert key_id_for(load_seal_public_key(der(p256))) == key_id_for(p256.public_key())
    with pytest.raises(ValueError, match="P-256"):
        load_seal_public_key(der(ec.generate_private_key(ec.SECP384R1())))
    with pytest.raises(ValueError, match="not a DER public key"):
        load_seal_public_key(b"0\x13 not a key at all")
