"""The local stream pump's dead letters have the shape of Lambda's on-failure record, so the
runbook reads the local stack's DLQ and AWS's alike."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from devstack.deadletters import describe, parse_args, queue_prefix, stream_failure_record
from infra.resources import EVENT_SOURCES, event_source

AWS_RECORD = json.loads((Path(__file__).parents[1] / "events" / "dynamodb_stream_failure.json")
                        .read_text())


def _keys(value, prefix=""):
    if not isinstance(value, dict):
        return {prefix}
    return set().union(*(_keys(v, f"{prefix}.{k}") for k, v in value.items()))


def test_the_local_record_has_every_field_of_lambdas():
    # GIVEN two stream records that failed
    at = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
    records = [{"dynamodb": {"SequenceNumber": str(n), "ApproximateCreationDateTime": at}}
               for n in (7, 9)]
    # WHEN the pump describes them for the dead-letter queue
    record = stream_failure_record("arn:stream", "shard-1", records, "RetryAttemptsExhausted", 6,
                                   at)
    # THEN the record has Lambda's fields, and points at the batch's first and last records
    assert _keys(record) == _keys(AWS_RECORD)
    batch = record["DDBStreamBatchInfo"]
    assert (batch["startSequenceNumber"], batch["endSequenceNumber"], batch["batchSize"]) == \
        ("7", "9", 2)
    assert json.loads(json.dumps(record)) == record  # it travels as an SQS body


def test_the_runbook_describes_lambdas_own_record():
    # GIVEN Lambda's on-failure record in a stream source's DLQ WHEN shown
    shown = describe(event_source("applications"), {"Body": json.dumps(AWS_RECORD)})
    # THEN the condition, the attempts and the batch's place in the stream are printed
    assert shown == {"condition": "RetryAttemptsExhausted", "invocations": 1,
                     "at": "2019-11-14T00:13:49.717Z", "records": 1,
                     "shard": "shardId-00000001573689847184-864758bb",
                     "sequence": "800000000003126276362..800000000003126276362",
                     "first_arrival": "2019-11-14T00:13:19Z"}


def test_every_source_has_bounded_retries_and_a_dead_letter_queue_of_its_own():
    names = [source.dead_letter_queue for source in EVENT_SOURCES]
    assert len(set(names)) == len(EVENT_SOURCES) == 6
    for source in EVENT_SOURCES:
        assert bool(source.table) != bool(source.queue), source.name
        assert 1 <= source.max_retries <= 10, source.name
        if source.table:  # streams: bisect, and an age well inside the 24 h retention
            assert source.bisect_on_error and 0 < source.max_record_age_seconds <= 6 * 3600


def test_the_runbook_names_queues_as_the_stack_does_on_a_stage_and_the_local_stack_locally():
    env = {"TABLE_PREFIX": "rukhsa-local-"}
    assert queue_prefix(parse_args(["--stage", "prod", "list"]), env) == ""
    assert queue_prefix(parse_args(["--local", "show", "sms"]), env) == "rukhsa-local-"
