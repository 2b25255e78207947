"""The outbox worker: one message of the `rukhsa-sms` queue per invocation (batch size 1)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.observability import logger


def on_notification_messages(event: Any) -> dict:
    """Held and refused messages go back on the queue from the use case, so the message is done
    here. An unexpected error, or the last attempt refused, raises: SQS redelivers it and after
    the queue's receive limit moves it to the dead-letter queue (the once-claim prevents a
    double send)."""
    from chalicelib import wiring
    from chalicelib.domain.notifications import Notification
    from chalicelib.usecases.outbox import deliver

    outcomes: dict[str, int] = {}
    for record in event:
        message = Notification.from_message(json.loads(record.body))
        outcome = deliver(message, wiring.outbox_ports())
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        logger.info("notification task done", extra={"key": message.key,
                                                      "template": message.template,
                                                      "attempt": message.attempt,
                                                      "outcome": outcome})
    return outcomes
