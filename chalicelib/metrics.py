"""Business metrics as CloudWatch Embedded Metric Format (EMF) lines on stdout: CloudWatch Logs
turns each line into metric values, with no PutMetricData call and no wait in the request.

Namespace `Rukhsa`; every metric has the dimension set [stage] (what the stack's alarms and
dashboard read, infra/stack.py) and, where a metric has a breakdown, also [stage, <name>] (the
dashboard's detail). The names are the constants below; docs/metrics.md lists them.

Two ways to emit, one format:
- `count()` uses Powertools Metrics (`single_metric`, flushed at once: nothing is lost when a
  worker raises). It imports Powertools' metrics package on first use (~160 ms), so it is for
  the workers and the write paths, never the public verification route.
- `count_lean()` writes the same EMF line with `json` alone, for `GET /v/{token}`: its cold
  start must not load the metrics library (tests/unit/test_cold_start.py).
"""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Optional

NAMESPACE = "Rukhsa"

LICENCES_ISSUED = "LicencesIssued"
PAYMENTS_ACCEPTED = "PaymentsAccepted"
PAYMENTS_DUPLICATE = "PaymentsDuplicate"
PAYMENTS_FLAGGED = "PaymentsFlagged"
VERIFICATIONS = "Verifications"  # breakdown: verdict
SWEEPER_REDRIVES = "SweeperRedrives"  # breakdown: kind (payment, application, sms)
SWEEPER_FAILURES = "SweeperFailures"  # breakdown: kind
DEAD_LETTERS_REDRIVEN = "DeadLettersRedriven"  # breakdown: source (the runbook command)
NOTIFICATIONS_SENT = "NotificationsSent"  # breakdown: channel
NOTIFICATIONS_FAILED = "NotificationsFailed"  # breakdown: channel
NOTIFICATIONS_DELAYED = "NotificationsDelayed"  # breakdown: channel (quiet hours)


def _stage() -> str:
    return os.environ.get("STAGE", "unknown")


def count(name: str, value: int = 1, breakdown: Optional[tuple[str, str]] = None) -> None:
    """Add `value` to metric `name` now; `breakdown` = (dimension, value) adds the detail."""
    if value <= 0:
        return
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    dimension_sets = [{"stage": _stage()}]
    if breakdown is not None:
        dimension_sets.append({"stage": _stage(), breakdown[0]: breakdown[1]})
    for dimensions in dimension_sets:  # Powertools writes one dimension set per line
        with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE,
                           default_dimensions=dimensions):
            pass


def count_lean(name: str, value: int = 1, breakdown: Optional[tuple[str, str]] = None) -> None:
    """`count()` without Powertools: one EMF line (both dimension sets) written with json."""
    print(emf_line(name, value, breakdown, int(time.time() * 1000)), file=sys.stdout, flush=True)


def emf_line(name: str, value: int, breakdown: Optional[tuple[str, str]],
             timestamp_ms: int) -> str:
    """The EMF document (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
    CloudWatch_Embedded_Metric_Format_Specification.html) of one count."""
    dimensions = [["stage"]]
    values: dict[str, object] = {"stage": _stage()}
    if breakdown is not None:
        dimensions.append(["stage", breakdown[0]])
        values[breakdown[0]] = breakdown[1]
    return json.dumps({
        "_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [{
            "Namespace": NAMESPACE, "Dimensions": dimensions,
            "Metrics": [{"Name": name, "Unit": "Count"}]}]},
        **values, name: value}, separators=(",", ":"))


def notification(outcome: str, channel: str = "sms", value: int = 1) -> None:
    """For the notification outbox: `outcome` is "sent", "failed" or "delayed"."""
    names = {"sent": NOTIFICATIONS_SENT, "failed": NOTIFICATIONS_FAILED,
             "delayed": NOTIFICATIONS_DELAYED}
    count(names[outcome], value, ("channel", channel))
