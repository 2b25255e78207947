"""Build, sign and publish the status list; ask for a rebuild when a licence's status changes.

The list is rebuilt on a schedule (app.py) and, debounced, soon after any status change: the
change claims one short lease in the `once` table and, if it won the claim, sends one delayed
message; every other change in that window finds the lease held and sends nothing. The worker
gives the lease back *before* it reads the index, so a change made while it builds claims anew
and is picked up by the next build rather than lost (docs/status-list.md, "Freshness").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from chalicelib.domain.seal_codes import SealCodes
from chalicelib.domain.licence_numbers import parse_number
from chalicelib.domain.licences import STATUS_SHARDS, Licence
from chalicelib.domain.status_list import MEDIA_TYPE, entries_from, sign_status_list
from chalicelib.observability import logger
from chalicelib.conflicts import retry_on_conflict
from chalicelib.ports import (DelayQueue, FileStore, ListedLicences, LicenceStore, OnceStore,
                              SealSigner)

STATUS_LIST_KEY = "status-list/v1/current.jws"
VALIDITY = timedelta(hours=36)  # signed validity; the app's own maximum age is shorter
REBUILD_DELAY_SECONDS = 20  # gathers a burst of changes into one rebuild
REBUILD_LEASE_SECONDS = 120  # a lost message frees the claim after this, so a later change re-asks
REBUILD_CLAIM = "status-list#rebuild"
REBUILD_TASK = {"task": "rebuild-status-list"}


@dataclass(frozen=True)
class StatusListPorts:
    listed: ListedLicences
    signer: SealSigner
    files: FileStore
    codes: SealCodes
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class Published:
    issued_at: datetime
    entries: int
    size_bytes: int


def shards() -> list[str]:
    return [f"LISTED#{n:02d}" for n in range(STATUS_SHARDS)]


def build_status_list(ports: StatusListPorts) -> tuple[str, int]:
    """The signed list (JWS compact text) of every listed licence, and how many it lists."""
    statuses = entries_from(row for shard in shards() for row in ports.listed.listed(shard))
    statuses = {number: status for number, status in statuses.items()
                if _sealable(number, ports.codes)}
    issued_at = ports.clock().replace(microsecond=0)
    return sign_status_list(statuses, issued_at, VALIDITY, ports.signer, ports.codes), \
        len(statuses)


def _sealable(number: str, codes: SealCodes) -> bool:
    """A licence whose number does not parse, or whose district has no seal code, never carried
    a seal (signing refuses both), so no verifier holds one to check: it has no place in the
    list, and must not stop the list of every other licence being published. Logged: it is
    bad data."""
    try:
        if parse_number(number).district in codes.districts:
            return True
    except ValueError:
        pass
    logger.error("listed licence cannot carry a seal", extra={"number": number})
    return False


def publish_status_list(ports: StatusListPorts) -> Published:
    text, entries = build_status_list(ports)
    body = text.encode("ascii")
    ports.files.put(STATUS_LIST_KEY, body, MEDIA_TYPE)
    published = Published(issued_at=ports.clock(), entries=entries, size_bytes=len(body))
    logger.info("status list published", extra={"entries": entries, "bytes": len(body)})
    return published


def published_status_list(files: FileStore) -> tuple[bytes, str]:
    """The last published list and its ETag (a strong validator: a digest of its bytes)."""
    import hashlib

    from chalicelib.errors import NotFound

    try:
        body = files.get(STATUS_LIST_KEY)
    except NotFound as missing:
        raise NotFound(code="status_list_not_published",
                       message_en="the status list has not been published yet",
                       message_ar="لم تنشر قائمة حالة التراخيص بعد") from missing
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def request_rebuild(once: OnceStore, queue: DelayQueue, now: datetime) -> bool:
    """Ask for one rebuild soon; True if this call asked (False: one is already on its way)."""
    if not once.claim(REBUILD_CLAIM, now, REBUILD_LEASE_SECONDS):
        return False
    queue.send(REBUILD_TASK, delay_seconds=REBUILD_DELAY_SECONDS)
    return True


def rebuild_requested(once: OnceStore, ports: StatusListPorts) -> Published:
    """The delayed message's work: free the claim first, then build (see the module doc)."""
    once.release(REBUILD_CLAIM)
    return publish_status_list(ports)


@dataclass
class Backfill:
    read: int = 0
    resaved: int = 0


def backfill_listing(districts: list[str], licences: LicenceStore,
                     progress: Callable[[str, Backfill], None] = lambda district, done: None,
                     page_size: int = 200) -> Backfill:
    """Give every licence that is not simply active its `status_shard` (the sparse index the
    list is built from): a licence saved before the index existed lacks it until its next save,
    so this saves each once more, unchanged. It reads district by district through the
    by-district index (Query, never a Scan) and writes with the versioned conditional save, so
    it is safe beside live traffic and any number of times (docs/status-list.md, "Source")."""
    done = Backfill()
    for district in districts:
        cursor = None
        while True:
            page = licences.list_by_district(district, page_size, cursor)
            for licence in page.items:
                done.read += 1
                if licence.status_shard is not None:
                    _resave(licence, licences)
                    done.resaved += 1
            cursor = page.next_cursor
            if not cursor:
                break
        progress(district, done)
    return done


def _resave(licence: Licence, licences: LicenceStore) -> None:
    """Save the licence the page read as it is; read it again only if it changed meanwhile."""
    latest = [licence]

    def reread() -> None:
        latest[0] = licences.get(licence.number, consistent=True)

    retry_on_conflict(lambda: licences.save(latest[0]), on_conflict=reread)
