"""The status list's Lambda entry points: the schedule and the debounced rebuild queue."""
from __future__ import annotations

from typing import Any


def on_schedule(event: Any) -> dict:
    from chalicelib import wiring
    from chalicelib.usecases.status_list import publish_status_list

    published = publish_status_list(wiring.status_list_ports())
    return {"entries": published.entries, "bytes": published.size_bytes}


def on_rebuild_messages(event: Any) -> dict:
    """However many messages arrive, one build covers them all (each is only a nudge)."""
    from chalicelib import wiring
    from chalicelib.usecases.status_list import rebuild_requested

    published = rebuild_requested(wiring.once_store(), wiring.status_list_ports())
    return {"entries": published.entries, "bytes": published.size_bytes}
