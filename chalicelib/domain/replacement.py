"""Licences that replace another: an amendment, a transfer or a duplicate.

Each is applied for naming the licence it replaces (the service's `licence_number` field). The
application is refused unless that licence exists, is active, is of the same kind in the same
district, has not been replaced already, and (for an amendment or a duplicate) belongs to the
applicant; a transfer is asked for by the new holder. Once the new licence is issued the old one
records it in `superseded_by`: its seal then verifies as *superseded* and points at the new
number, and the status list lists it (docs/lifecycle.md). Without this, a transfer left the old
holder with a second valid seal for the same shop.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from chalicelib.domain.licence_numbers import parse_number
from chalicelib.domain.licences import ACTIVE, Licence
from chalicelib.errors import Conflict, ValidationFailed

REPLACING_CASES = frozenset({"amendment", "transfer", "duplicate"})
# The cases only the holder may ask for; a transfer is asked for by whoever takes it over.
HOLDER_ONLY_CASES = frozenset({"amendment", "duplicate"})
FIELD = "details.licence_number"


def replaces(case: str) -> bool:
    return case in REPLACING_CASES


def number_to_replace(details: Mapping[str, Any]) -> str:
    """The canonical number the application names; a 400 on its field if it is not one."""
    # Imported here: the verification path imports this module, never the field validators
    # (they load the map's boundaries; tests/unit/test_cold_start.py).
    from chalicelib.domain.validation import normalise_digits

    # As typed on any phone: Arabic-Indic digits and lower case name the same licence.
    given = normalise_digits(str(details.get("licence_number") or "")).upper()
    try:
        parse_number(given)
    except ValueError:
        raise _refused("ليس رقم رخصة صحيحًا (مثل ALX-EAST-2026-000123) / "
                       "not a licence number (like ALX-EAST-2026-000123)") from None
    return given


def check_replaceable(licence: Licence, case: str, kind: str, district: str, owner: str) -> None:
    """400 on `details.licence_number` unless this application may replace `licence`."""
    if case in HOLDER_ONLY_CASES and licence.holder != owner:
        raise unknown_licence()  # another holder's licence: not even its existence is told
    if (licence.kind, licence.district) != (kind, district):
        raise _refused("الرخصة من نوع آخر أو في حي آخر / the licence is of another kind or in "
                       "another district")
    if licence.superseded_by and is_replacement(licence.superseded_by):
        raise _refused(f"حلت محل هذه الرخصة الرخصة {licence.superseded_by} / "
                       f"this licence was already replaced by {licence.superseded_by}")
    if licence.status != ACTIVE:
        raise _refused("لا تعدل أو تنقل أو يستخرج بدل إلا لرخصة سارية؛ جدد المنتهية أولاً / "
                       "only an active licence can be amended, transferred or duplicated; "
                       "renew an expired one first")


def check_not_replaced(licence: Licence) -> None:
    """409 on a licence another was issued in place of: the new one is renewed, printed and sent
    by SMS (a renewal keeps the number, and would hand the replaced licence a fresh seal; a
    paper copy or an SMS of it would put a licence that no longer holds in someone's hand)."""
    if licence.superseded_by and is_replacement(licence.superseded_by):
        raise Conflict(code="licence_replaced",
                       message_en=f"this licence was replaced by {licence.superseded_by}: "
                                  "use the new licence",
                       message_ar=f"حلت محل هذه الرخصة الرخصة {licence.superseded_by}: "
                                  "استخدم الرخصة الجديدة")


def unknown_licence() -> ValidationFailed:
    return _refused("لا توجد رخصة بهذا الرقم / no licence has this number")


def superseded(licence: Licence, new_number: str) -> Licence:
    return replace(licence, superseded_by=new_number)


def is_replacement(superseded_by: str) -> bool:
    """`superseded_by` names a licence (this module) rather than a late re-application's id."""
    try:
        parse_number(superseded_by)
    except ValueError:
        return False
    return True


def _refused(message: str) -> ValidationFailed:
    """`message`: Arabic / English, as every field message."""
    return ValidationFailed(fields={FIELD: message})
