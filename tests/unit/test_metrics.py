"""Business metrics are EMF lines CloudWatch can read: the lean writer (verification) and
Powertools (everything else) produce the same metric, in the dimension sets the alarms read."""
from __future__ import annotations

import json

import pytest

from chalicelib import metrics


def _documents(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _metric_sets(document: dict) -> list[tuple[str, tuple[str, ...]]]:
    directive = document["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Rukhsa"
    return [(m["Name"], tuple(d)) for m in directive["Metrics"] for d in directive["Dimensions"]]


def test_the_lean_line_is_valid_emf_with_both_dimension_sets(monkeypatch, capsys):
    monkeypatch.setenv("STAGE", "prod")
    # WHEN a verdict is counted the lean way
    metrics.count_lean(metrics.VERIFICATIONS, 1, ("verdict", "valid"))
    [document] = _documents(capsys.readouterr().out)
    # THEN it is one EMF document: the total by stage and the breakdown by verdict, value 1
    assert _metric_sets(document) == [("Verifications", ("stage",)),
                                      ("Verifications", ("stage", "verdict"))]
    assert document["stage"] == "prod" and document["verdict"] == "valid"
    assert document["Verifications"] == 1 and isinstance(document["_aws"]["Timestamp"], int)


def test_powertools_writes_the_same_metric_in_the_same_dimension_sets(monkeypatch, capsys):
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.delenv("POWERTOOLS_SERVICE_NAME", raising=False)
    # WHEN the sweeper counts two re-drives of applications
    metrics.count(metrics.SWEEPER_REDRIVES, 2, ("kind", "application"))
    documents = _documents(capsys.readouterr().out)
    # THEN the alarm's series ([stage]) and the dashboard's ([stage, kind]) both get 2
    sets = [s for d in documents for s in _metric_sets(d)]
    assert sets == [("SweeperRedrives", ("stage",)), ("SweeperRedrives", ("stage", "kind"))]
    assert [d["SweeperRedrives"] for d in documents] in ([2.0, 2.0], [[2.0], [2.0]])


def test_nothing_is_written_for_zero(capsys):
    metrics.count(metrics.SWEEPER_FAILURES, 0, ("kind", "sms"))
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("outcome,name", [("sent", "NotificationsSent"),
                                          ("failed", "NotificationsFailed"),
                                          ("delayed", "NotificationsDelayed")])
def test_the_notification_api_names_each_outcome(outcome, name, capsys):
    metrics.notification(outcome, "sms")
    documents = _documents(capsys.readouterr().out)
    assert {n for d in documents for n, _ in _metric_sets(d)} == {name}
    assert documents[-1]["channel"] == "sms"
