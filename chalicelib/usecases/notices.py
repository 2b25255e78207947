"""Which recorded changes tell the citizen something, and what: the outbox's producers that
follow a table's stream (docs/notifications.md lists every event and where it is queued).

A stream handler is where these run: it sees a change only once it is durably written, and a
redelivered record queues the same key again, which the outbox delivers once.
"""
from __future__ import annotations

from typing import Optional

from chalicelib.domain import notifications as notices
from chalicelib.domain.applications import APPROVED, REJECTED, RETURNED, Application
from chalicelib.domain.licences import LICENCE_TRANSITIONS, Licence
from chalicelib.domain.payments import PAID, Payment
from chalicelib.ports import Notifications

APPLICATION_TEMPLATES = {APPROVED: notices.APPLICATION_APPROVED,
                         REJECTED: notices.APPLICATION_REJECTED,
                         RETURNED: notices.APPLICATION_RETURNED}


def notify_application_change(old: Optional[Application], new: Optional[Application],
                              notifications: Notifications) -> bool:
    """Approved (the licence fee is due: how much, pay online), rejected (why) or returned for
    changes (what to fix): True when a message was queued. The key is the application's
    version that entered the status: a second return is a second occurrence."""
    if new is None or new.status not in APPLICATION_TEMPLATES:
        return False
    if old is not None and old.status == new.status:
        return False
    if new.status == APPROVED:
        values = {"amount": notices.egp(new.amount_due_piasters)}
    else:
        values = {"reason": new.decision_reason or "-"}
    return notifications.notify(f"app#{new.id}#{new.status}#{new.version}", notices.SMS,
                                str(new.applicant.get("mobile", "")),
                                APPLICATION_TEMPLATES[new.status], values)


_ACTION_TEMPLATES = {"suspend": notices.LICENCE_SUSPENDED, "revoke": notices.LICENCE_REVOKED,
                     "reinstate": notices.LICENCE_REINSTATED}
LICENCE_STATUS_TEMPLATES = {(before, after): _ACTION_TEMPLATES[action]
                            for (before, action), after in LICENCE_TRANSITIONS.items()
                            if action in _ACTION_TEMPLATES}
"""(status before, status after) -> the holder's notice. The stream sees statuses, not the
officer's action, and each (before, after) of the officers' transitions is one action's. Expiry
(the night's) and a renewal's return to active tell the holder through their own messages."""


def notify_licence_status_change(old: Optional[Licence], new: Optional[Licence],
                                 notifications: Notifications) -> bool:
    """Suspended, revoked or reinstated: True when a message was queued. The key is the
    licence's version that entered the status, so a redelivered record is the same occurrence
    and a second suspension, after a reinstatement, is another."""
    if old is None or new is None:
        return False
    template = LICENCE_STATUS_TEMPLATES.get((old.status, new.status))
    if template is None:
        return False
    return notifications.notify(f"licstatus#{new.number}#{new.version}", notices.SMS,
                                new.holder_mobile, template, {"number": new.number})


def notify_payment_received(payment: Payment, app: Application,
                            notifications: Notifications) -> bool:
    """The amount and the receipt number (the payment's reference), once per payment."""
    if payment.status != PAID:
        return False
    return notifications.notify(f"payment#{payment.id}", notices.SMS,
                                str(app.applicant.get("mobile", "")), notices.PAYMENT_RECEIVED,
                                {"amount": notices.egp(payment.amount_piasters),
                                 "receipt": payment.id})
