"""The signed status list: encoding, signature, and the debounced rebuild (docs/status-list.md)."""
from __future__ import annotations

import base64
import random
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.licences import ACTIVE, EXPIRED, REVOKED, SUSPENDED
from chalicelib.domain.seal import public_jwk_set
from chalicelib.domain.status_list import (InvalidStatusList, decode_payload, encode_payload,
                                           entries_from, listed_status, listing_changed,
                                           sign_status_list, verify_status_list)
from chalicelib.ports import ListedLicences
from chalicelib.usecases.status_list import (STATUS_LIST_KEY, StatusListPorts, publish_status_list,
                                             published_status_list, rebuild_requested,
                                             request_rebuild, shards)
from tests.fakes.edges import MemoryFileStore, RecordingDelayQueue
from tests.fakes.stores import FakeOnceStore, Tables
from tests.unit.seal_fakes import LocalSealSigner

CODES = load_catalogue().seal_codes
NOW = datetime(2026, 11, 30, 8, 42, tzinfo=timezone.utc)
STATUSES = {"ALX-EAST-2026-000001": "suspended", "ALX-EAST-2026-000007": "revoked",
            "ALX-EAST-2025-004096": "expired", "ALX-GOMROK-2026-1000000": "superseded",
            "ALX-AMREYA2-2026-4294967295": "suspended"}


def key_from_jwk(jwk: dict) -> ec.EllipticCurvePublicKey:
    """As a third party would: from the published JWK, not from the signer's key object."""
    def number(name: str) -> int:
        text = jwk[name]
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")
    return ec.EllipticCurvePublicNumbers(number("x"), number("y"), ec.SECP256R1()).public_key()


def published_keys(signer: LocalSealSigner) -> dict:
    return {jwk["kid"]: key_from_jwk(jwk) for jwk in public_jwk_set(signer.public_keys())["keys"]}


def test_the_payload_round_trips_every_status_and_the_extremes_of_the_number():
    payload = encode_payload(STATUSES, NOW, NOW + timedelta(hours=36), CODES)
    decoded = decode_payload(payload, CODES)
    assert dict(decoded.statuses) == STATUSES
    assert (decoded.issued_at, decoded.valid_until) == (NOW, NOW + timedelta(hours=36))
    assert decoded.status_of("ALX-EAST-2026-000002") is None  # not listed: active


def test_an_empty_list_is_a_valid_list():
    decoded = decode_payload(encode_payload({}, NOW, NOW + timedelta(hours=1), CODES), CODES)
    assert dict(decoded.statuses) == {}


def test_a_dense_population_costs_about_one_byte_and_a_quarter_per_listed_licence():
    """GIVEN 1 in 20 of 200 000 sequences listed WHEN encoded THEN ~1.3 bytes an entry."""
    rng = random.Random(17)
    statuses = {f"ALX-EAST-2026-{seq:06d}": rng.choice(["expired", "suspended", "revoked"])
                for seq in range(1, 200_001) if rng.random() < 0.05}
    payload = encode_payload(statuses, NOW, NOW + timedelta(hours=36), CODES)
    assert len(payload) < 1.5 * len(statuses)
    assert dict(decode_payload(payload, CODES).statuses) == statuses


def test_the_signed_list_verifies_against_the_published_jwk_set():
    signer = LocalSealSigner()
    text = sign_status_list(STATUSES, NOW, timedelta(hours=36), signer, CODES)
    verified = verify_status_list(text, published_keys(signer), CODES)
    assert dict(verified.statuses) == STATUSES and verified.key_id == signer.key_id
    assert verified.is_current(NOW + timedelta(hours=35))
    assert not verified.is_current(NOW + timedelta(hours=37))


def test_an_independent_jose_library_verifies_it_and_reads_the_same_bytes():
    """PyJWT (not the project's code) checks the ES256 JWS against the published JWK."""
    signer = LocalSealSigner()
    text = sign_status_list(STATUSES, NOW, timedelta(hours=36), signer, CODES)
    (jwk,) = public_jwk_set(signer.public_keys())["keys"]
    decoded = jwt.api_jws.PyJWS().decode_complete(text, key=jwt.PyJWK(jwk).key,
                                                  algorithms=["ES256"])
    assert decoded["header"]["typ"] == "rukhsa-status-list+jws"
    assert dict(decode_payload(decoded["payload"], CODES).statuses) == STATUSES


@pytest.mark.parametrize("part", [0, 1, 2])
def test_a_flipped_bit_anywhere_is_rejected(part):
    signer = LocalSealSigner()
    text = sign_status_list(STATUSES, NOW, timedelta(hours=36), signer, CODES)
    parts = text.split(".")
    raw = bytearray(base64.urlsafe_b64decode(parts[part] + "=" * (-len(parts[part]) % 4)))
    raw[len(raw) // 2] ^= 0x04
    parts[part] = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(InvalidStatusList):
        verify_status_list(".".join(parts), published_keys(signer), CODES)


def test_a_list_signed_by_another_key_is_refused_as_unknown():
    text = sign_status_list(STATUSES, NOW, timedelta(hours=36), LocalSealSigner(), CODES)
    with pytest.raises(InvalidStatusList) as refused:
        verify_status_list(text, published_keys(LocalSealSigner()), CODES)
    assert refused.value.reason == "unknown_key"


@pytest.mark.parametrize("text", ["", "a.b", "a.b.c", "!!.??.**", "x" * 9_000_000])
def test_garbage_is_malformed_not_a_crash(text):
    with pytest.raises(InvalidStatusList):
        verify_status_list(text, published_keys(LocalSealSigner()), CODES)


def test_active_licences_are_not_listed_and_superseded_wins_over_the_status():
    assert listed_status(ACTIVE, "") is None
    assert [listed_status(s, "") for s in (SUSPENDED, REVOKED, EXPIRED)] == [
        "suspended", "revoked", "expired"]
    assert listed_status(EXPIRED, "app-2") == "superseded"
    assert entries_from([("ALX-EAST-2026-000001", ACTIVE, ""),
                         ("ALX-EAST-2026-000002", SUSPENDED, "")]) == {
        "ALX-EAST-2026-000002": "suspended"}


def test_a_save_asks_for_a_rebuild_only_when_it_changes_what_the_list_says():
    from dataclasses import replace

    from tests.fakes.builders import licence

    active = licence()
    # GIVEN saves the licences stream hands over THEN those that move a licence on or off the
    # list, or change what it says, ask for a rebuild; others (fines, SMS state) do not
    assert not listing_changed(None, active)  # issued: active, not listed
    assert not listing_changed(active, replace(active, sms={"state": "sent"}))
    suspended = replace(active, status=SUSPENDED)
    assert listing_changed(active, suspended) and listing_changed(suspended, active)
    assert listing_changed(suspended, replace(suspended, status=REVOKED))
    assert listing_changed(active, replace(active, status=EXPIRED))
    assert listing_changed(active, replace(active, superseded_by="ALX-EAST-2027-000009"))
    expired = replace(active, status=EXPIRED, superseded_by="app-2")
    assert not listing_changed(expired, replace(expired, status_reason="a fine recorded"))


class ShardedRows(ListedLicences):
    def __init__(self, rows: dict[str, list[tuple[str, str, str]]]) -> None:
        self.rows = rows
        self.asked: list[str] = []

    def listed(self, shard: str):
        self.asked.append(shard)
        return iter(self.rows.get(shard, []))


def ports(rows: ShardedRows, files: MemoryFileStore, signer: LocalSealSigner) -> StatusListPorts:
    return StatusListPorts(listed=rows, signer=signer, files=files, codes=CODES,
                           clock=lambda: NOW)


def test_the_builder_reads_every_shard_and_publishes_a_verifiable_list():
    rows = ShardedRows({"LISTED#01": [("ALX-EAST-2026-000001", SUSPENDED, "")],
                        "LISTED#15": [("ALX-WEST-2026-000015", REVOKED, "")]})
    files, signer = MemoryFileStore(), LocalSealSigner()
    published = publish_status_list(ports(rows, files, signer))
    assert rows.asked == shards() and published.entries == 2
    body, etag = published_status_list(files)
    assert body == files.get(STATUS_LIST_KEY) and etag.startswith('"')
    verified = verify_status_list(body.decode(), published_keys(signer), CODES)
    assert dict(verified.statuses) == {"ALX-EAST-2026-000001": "suspended",
                                       "ALX-WEST-2026-000015": "revoked"}


def test_a_licence_that_could_never_carry_a_seal_is_left_out_not_fatal():
    """GIVEN the index holds, beside a real suspension, a revoked licence of a district with no
    seal code and a row whose number does not parse (bad data: neither was ever sealed)
    WHEN the list is built THEN it is published with the real entry only."""
    rows = ShardedRows({"LISTED#01": [("ALX-EAST-2026-000001", SUSPENDED, ""),
                                      ("ALX-NOWHERE-2026-000002", REVOKED, ""),
                                      ("not-a-number", SUSPENDED, "")]})
    files, signer = MemoryFileStore(), LocalSealSigner()
    published = publish_status_list(ports(rows, files, signer))
    assert published.entries == 1
    verified = verify_status_list(files.get(STATUS_LIST_KEY).decode(), published_keys(signer),
                                  CODES)
    assert dict(verified.statuses) == {"ALX-EAST-2026-000001": "suspended"}


def test_a_burst_of_changes_asks_for_one_rebuild_and_the_worker_reopens_the_window():
    """GIVEN three changes in a burst WHEN each asks THEN one delayed message; after the
    worker ran, the next change asks again."""
    once, queue = FakeOnceStore(Tables()), RecordingDelayQueue()
    asked = [request_rebuild(once, queue, NOW + timedelta(seconds=s)) for s in (0, 3, 9)]
    assert asked == [True, False, False] and len(queue.messages) == 1
    assert queue.messages[0][1] > 0  # delayed: the burst gathers before the build
    rebuild_requested(once, ports(ShardedRows({}), MemoryFileStore(), LocalSealSigner()))
    assert request_rebuild(once, queue, NOW + timedelta(seconds=40)) is True


def test_a_lost_message_does_not_block_rebuilds_for_ever():
    once, queue = FakeOnceStore(Tables()), RecordingDelayQueue()
    assert request_rebuild(once, queue, NOW)
    assert request_rebuild(once, queue, NOW + timedelta(minutes=5))  # the lease lapsed
