"""The Logger of every handler, created on its first line. No Tracer at import: it costs cold start.

Powertools' Logger costs 30-40 ms to import (its package also imports its metrics and tracing
packages), and a genuine seal's verification writes no log line at all: so the Logger is built
when something first logs, not when a Lambda starts. The request's correlation id, set by the
API middleware on every request, is kept until then and handed to it.

Business metrics (licences issued, payments, verdicts, sweeper re-drives, notifications) are
written as CloudWatch EMF lines by chalicelib/metrics.py, which the stack's dashboard and alarms
read (docs/metrics.md).
"""
from __future__ import annotations

import os
from typing import Any, Optional

# A service name other than the Chalice app's, or each line prints twice.
SERVICE = "rukhsa-core"


class LazyLogger:
    """Powertools' Logger, built on first use; every attribute is the Logger's."""

    def __init__(self) -> None:
        self._logger: Optional[Any] = None
        self._correlation_id: Optional[str] = None

    def set_correlation_id(self, value: Optional[str]) -> None:
        self._correlation_id = value
        if self._logger is not None:
            self._logger.set_correlation_id(value)

    def _built(self) -> Any:
        if self._logger is None:
            from aws_lambda_powertools import Logger

            self._logger = Logger(service=SERVICE, level=os.environ.get("LOG_LEVEL", "INFO"))
            if self._correlation_id is not None:
                self._logger.set_correlation_id(self._correlation_id)
        return self._logger

    def __getattr__(self, name: str) -> Any:
        return getattr(self._built(), name)


logger = LazyLogger()


def mask_phone(phone: str) -> str:
    """Phone numbers are never logged in full."""
    return phone[:4] + "*" * max(len(phone) - 7, 0) + phone[-3:] if len(phone) > 7 else "***"
