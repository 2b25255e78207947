"""The licence store against the emulator: numbers, versioned writes, work-list indexes."""
import threading
from dataclasses import replace

import pytest

from chalicelib.domain.catalogue import load_catalogue
from chalicelib.domain.licences import ACTIVE, EXPIRED, Licence
from chalicelib.errors import ConcurrentUpdate, NotFound

pytestmark = pytest.mark.integration


def make_licence(number: str, kind: str = "advertisement", status: str = ACTIVE,
                 valid_until: str = "2027-01-31") -> Licence:
    return Licence(number=number, application_id="app-1", service_code=f"{kind}-first", kind=kind,
                   district="EAST", holder="citizen-store", holder_name="محمد أحمد علي",
                   holder_mobile="+201012345678", holder_national_id="29001010201234",
                   site={"lat": 31.2, "lng": 29.9, "address": "x"}, details={}, status=status,
                   valid_from="2026-02-01", valid_until=valid_until,
                   issued_at="2026-02-01T10:00:00.000Z",
                   accrues_late_fines=load_catalogue().late_fine(f"{kind}-first", kind) is not None)


def test_concurrent_issuers_never_share_a_number(stack):
    """GIVEN 20 issuers racing for numbers in one district and year
    WHEN each allocates and claims a number
    THEN 20 distinct licences exist (gaps allowed, duplicates never)."""
    from chalicelib.wiring import licence_store
    store, created = licence_store(), []

    def issue():
        created.append(store.create_numbered(lambda n: make_licence(n), "BORG", 2031))

    threads = [threading.Thread(target=issue) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    numbers = [licence.number for licence in created]
    assert len(numbers) == 20 and len(set(numbers)) == 20
    assert all(n.startswith("ALX-BORG-2031-") for n in numbers)
    assert {store.get(n, consistent=True).number for n in numbers} == set(numbers)


def test_counter_increments_are_atomic(stack):
    from chalicelib.wiring import licence_store
    store, numbers = licence_store(), []
    threads = [threading.Thread(target=lambda: numbers.append(store.next_sequence("AGAMY", 2031)))
               for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 31))


def test_numbers_follow_the_counter(stack):
    from chalicelib.wiring import licence_store
    store = licence_store()
    first = store.create_numbered(lambda n: make_licence(n), "WEST", 2032).number
    second = store.create_numbered(lambda n: make_licence(n), "WEST", 2032).number
    assert (first, second) == ("ALX-WEST-2032-000001", "ALX-WEST-2032-000002")


def test_versioned_save_refuses_a_stale_copy(stack):
    from chalicelib.wiring import licence_store
    store = licence_store()
    created = store.create(make_licence("ALX-EAST-2031-000001"))
    store.save(replace(created, status_reason="first"))
    with pytest.raises(ConcurrentUpdate):
        store.save(replace(created, status_reason="stale"))
    with pytest.raises(ConcurrentUpdate):
        store.create(make_licence("ALX-EAST-2031-000001"))
    with pytest.raises(NotFound):
        store.get("ALX-EAST-2031-999999")


def test_work_lists_come_from_indexes(stack):
    from chalicelib.wiring import licence_store, work_lists
    store, lists = licence_store(), work_lists()
    store.create(make_licence("ALX-EAST-2031-000010", valid_until="2031-03-05"))
    store.create(make_licence("ALX-EAST-2031-000011", valid_until="2031-03-06"))
    late = store.create(make_licence("ALX-EAST-2031-000012", status=EXPIRED, valid_until="2031-03-01"))
    store.create(make_licence("ALX-EAST-2031-000013", kind="shop", status=EXPIRED))
    ending = lists.ending_on("2031-03-05", "ALX-EAST-", 100, None).items
    assert [l.number for l in ending] == ["ALX-EAST-2031-000010"]
    accruing = [l.number for l in lists.accruing(late.accruing_shard, 100, None).items]
    assert "ALX-EAST-2031-000012" in accruing and "ALX-EAST-2031-000013" not in accruing
    # an expired shop does not accrue the advertisement fine: it is not in the sparse index
    shard = make_licence("ALX-EAST-2031-000013", kind="shop", status=EXPIRED).accruing_shard
    assert shard is None


@pytest.mark.parametrize("kind", ["advertisement", "shop"])
def test_a_licence_saved_before_accrual_was_stored_reads_the_catalogues_rule(stack, kind):
    """GIVEN a licence item written before `accrues_late_fines` was stored (the attribute absent)
    WHEN it is read by the store, the nightly work lists and the verification reader
    THEN it accrues exactly when its service's catalogue late-fine rule fines it."""
    import boto3

    from chalicelib import wiring
    from chalicelib.settings import get_settings

    expected = load_catalogue().late_fine(f"{kind}-first", kind) is not None
    number = f"ALX-EAST-2019-9{len(kind):05d}"
    wiring.licence_store().create(make_licence(number, kind=kind, valid_until="2019-12-31"))
    boto3.client("dynamodb").update_item(
        TableName=get_settings().table_name("licences"), Key={"number": {"S": number}},
        UpdateExpression="REMOVE accrues_late_fines")
    assert wiring.licence_store().get(number, consistent=True).accrues_late_fines is expected
    assert wiring.licence_reader().get(number).accrues_late_fines is expected
    listed = wiring.work_lists().ending_on("2019-12-31", number, 10, None).items
    assert [(l.number, l.accrues_late_fines) for l in listed] == [(number, expected)]
    # AND once saved again, the answer is stored, false as well as true
    saved = wiring.licence_store().save(wiring.licence_store().get(number, consistent=True))
    item = boto3.client("dynamodb").get_item(TableName=get_settings().table_name("licences"),
                                             Key={"number": {"S": number}}, ConsistentRead=True)
    assert item["Item"]["accrues_late_fines"] == {"BOOL": expected}
    assert saved.accrues_late_fines is expected
