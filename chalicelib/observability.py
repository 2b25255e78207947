"""The Logger of every handler. No Tracer at import: it costs cold start.

Business metrics (licences issued, payments, verdicts, sweeper re-drives, notifications) are
written as CloudWatch EMF lines by chalicelib/metrics.py, which the stack's dashboard and alarms
read (docs/metrics.md).
"""
from __future__ import annotations

import os

from aws_lambda_powertools import Logger

# A service name other than the Chalice app's, or each line prints twice.
logger = Logger(service="rukhsa-core", level=os.environ.get("LOG_LEVEL", "INFO"))


def mask_phone(phone: str) -> str:
    """Phone numbers are never logged in full."""
    return phone[:4] + "*" * max(len(phone) - 7, 0) + phone[-3:] if len(phone) > 7 else "***"
