"""What a late re-application's progress means for the old licence.

- Once its first payment is in (status leaves `submitted` with the fine lines paid), the fines
  it carried are marked paid on the old licence, with the same payment id.
- If it ends cancelled or rejected, the old licence accrues again (and the nightly job catches
  up the nights in between: each late date has its own key).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from chalicelib.domain.applications import CANCELLED, REJECTED, Application
from chalicelib.domain.fees import STAGE_FINE
from chalicelib.domain.licences import Licence
from chalicelib.conflicts import retry_on_conflict
from chalicelib.errors import NotFound
from chalicelib.ports import LicenceStore


def late_licence_of(app: Application) -> Optional[str]:
    return str(app.extra.get("late_licence") or "") or None


def settle_late_application(app: Application, licences: LicenceStore) -> Optional[Licence]:
    """Idempotent: applying the same application state twice changes nothing the second time."""
    number = late_licence_of(app)
    if number is None:
        return None
    def attempt() -> Optional[Licence]:
        try:
            licence = licences.get(number, consistent=True)
        except NotFound:
            return None
        changed = _changed(licence, app)
        return licence if changed is None else licences.save(changed)

    return retry_on_conflict(attempt)


def _changed(licence: Licence, app: Application) -> Optional[Licence]:
    paid = {line.code: line.paid_by for line in app.fees if line.stage == STAGE_FINE and line.paid_by}
    fines = tuple(replace(f, paid_by=paid[f.key]) if f.paid_by is None and f.key in paid else f
                  for f in licence.fines)
    superseded_by = licence.superseded_by
    if app.status in (CANCELLED, REJECTED) and superseded_by == app.id:
        superseded_by = ""
    changed = replace(licence, fines=fines, superseded_by=superseded_by)
    return None if changed == licence else changed
