"""The nightly job's Lambda entry points: the scheduler fans out, SQS workers do the work."""
from __future__ import annotations

import json
from typing import Any, Callable

from chalicelib.domain.calendar import cairo_date
from chalicelib.observability import logger
from chalicelib.usecases import nightly as usecase

# Stop taking pages with a minute left: the continuation goes back on the queue.
SAFETY_MILLIS = 60_000


def on_schedule(event: Any) -> dict:
    from chalicelib import wiring

    business_date = cairo_date(wiring.clock())
    sent = usecase.schedule_night(business_date, wiring.catalogue(), wiring.nightly_queue())
    logger.info("night scheduled", extra={"business_date": business_date.isoformat(), "tasks": sent})
    return {"business_date": business_date.isoformat(), "tasks": sent}


def on_task_messages(event: Any) -> dict:
    """One SQS batch (normally one message). A failure raises: SQS redelivers, and every task
    is idempotent, so a redelivered task redoes nothing twice."""
    from chalicelib import wiring

    remaining_millis = _remaining_millis(event)
    totals = usecase.NightStats()
    for record in event:
        task = usecase.Task.from_message(json.loads(record.body))
        stats, continuation = usecase.run_task(task, wiring.nightly_ports(),
                                               lambda: remaining_millis() < SAFETY_MILLIS)
        if continuation is not None:
            wiring.nightly_queue().send_all([continuation.as_message()])
        totals.add(stats)  # expired licences reach the status list through the licences stream
        logger.info("night task done", extra={**task.as_message(), **stats.as_dict(),
                                              "continued": continuation is not None})
    return totals.as_dict()


def _remaining_millis(event: Any) -> Callable[[], int]:
    context = getattr(event, "context", None)
    return getattr(context, "get_remaining_time_in_millis", lambda: 900_000)
