"""The SMS worker: one message of the `rukhsa-sms` queue per invocation (batch size 1)."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.observability import logger


def on_sms_messages(event: Any) -> dict:
    """A refused SMS is re-queued with a delay by the use case, so the message is done here;
    an unexpected error raises and SQS redelivers it (the once-claim prevents a double send)."""
    from chalicelib import wiring
    from chalicelib.usecases.licence_sms import SmsTask, deliver

    outcomes: dict[str, int] = {}
    for record in event:
        task = SmsTask.from_message(json.loads(record.body))
        outcome = deliver(task, wiring.sms_ports())
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        logger.info("licence sms task done", extra={"number": task.number, "event": task.event,
                                                     "attempt": task.attempt, "outcome": outcome})
    return outcomes
