"""Each contract test runs twice: against the in-memory fake (tests/fakes/) and against the
adapter that chalicelib/wiring.py picks, on the emulator (marked `integration`). The same
assertions pass on both sides, so use-case tests over the fakes say something about AWS."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.fakes import World

FAKE = "fake"
EMULATOR = pytest.param("emulator", marks=pytest.mark.integration)


@pytest.fixture(params=[FAKE, EMULATOR])
def ports(request) -> SimpleNamespace:
    """The storage ports of one side: `fake` (a fresh World) or `emulator` (wiring's adapters)."""
    if request.param == FAKE:
        world = World()
        return SimpleNamespace(side=FAKE, applications=world.applications,
                               licences=world.licences, reader=world.licences,
                               payments=world.payments, once=world.once, pointers=world.pointers,
                               rate_limiter=world.rate_limiter,
                               audit=world.audit, rollout=world.rollout,
                               rollout_admin=world.rollout_admin, reports=world.reports,
                               work_lists=world.work_lists, files=world.files,
                               signer=world.signer, notifier=world.notifier,
                               violations=world.violations)
    request.getfixturevalue("stack")
    from chalicelib import wiring

    return SimpleNamespace(side="emulator", applications=wiring.application_store(),
                           licences=wiring.licence_store(), reader=wiring.licence_reader(),
                           payments=wiring.payment_store(), once=wiring.once_store(),
                           pointers=wiring.pointer_store(), audit=wiring.audit_trail(),
                           rate_limiter=wiring.rate_limiter(),
                           rollout=wiring.rollout_store(), rollout_admin=wiring.rollout_admin(),
                           reports=wiring.report_store(), work_lists=wiring.work_lists(),
                           files=wiring.file_store(), signer=wiring.seal_signer(),
                           notifier=wiring.sms_notifier(),
                           violations=wiring.violation_store())


def all_pages(listing, limit: int) -> list:
    """Every item of a paginated listing, following its cursors; `listing(limit, cursor)`."""
    items, cursor = [], None
    for _ in range(1000):
        page = listing(limit, cursor)
        assert len(page.items) <= limit
        items.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            return items
    raise AssertionError("the cursor never ended")
