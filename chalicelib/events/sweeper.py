"""The sweeper's entry point (every few minutes, app.py): re-drive stalled work, count it."""
from __future__ import annotations

from typing import Any

from chalicelib.observability import logger


def on_schedule(event: Any) -> dict:
    from chalicelib import metrics, wiring
    from chalicelib.usecases.sweeper import KINDS, sweep

    stats = sweep(wiring.sweep_ports(), wiring.bound_settings().sweep_after_minutes)
    for kind in KINDS:
        metrics.count(metrics.SWEEPER_REDRIVES, stats.redriven[kind], ("kind", kind))
        metrics.count(metrics.SWEEPER_FAILURES, stats.failed[kind], ("kind", kind))
    logger.info("sweep done", extra=stats.as_dict())
    return stats.as_dict()
