"""Deliver DynamoDB Streams records to the same Chalice handlers Lambda would call.

moto records stream changes but never invokes handlers; this pump reads each shard and
calls the handler with a Lambda-shaped event, batch by batch, in order. A failing batch is
handled as the stack's event source mapping handles it (infra/resources.py EVENT_SOURCES):
split in two and each half retried, a lone failing record retried `max_retries` times (or
until it is older than `max_record_age_seconds`), then described in the source's dead-letter
queue, as Lambda's on-failure destination does, and the shard moves on.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Optional

import boto3

from devstack.deadletters import DeadLetterQueues, stream_failure_record
from infra.resources import EVENT_SOURCES, EventSource

Handler = Callable[[dict, Any], Any]


class LambdaContext:
    function_name = "local-stream-pump"
    aws_request_id = "local"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:local:000000000000:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


class StreamPump:
    def __init__(self, handlers: Mapping[str, Handler], stream_arns: Mapping[str, str],
                 table_prefix: str, batch_size: int = 100,
                 on_failure: Callable[[Exception], None] = lambda error: None) -> None:
        """`handlers` and `stream_arns` by table; dead letters go to `table_prefix`'s DLQs."""
        self._streams = boto3.client("dynamodbstreams")
        self._handlers = {arn: handlers[name] for name, arn in stream_arns.items() if name in handlers}
        sources = {source.table: source for source in EVENT_SOURCES if source.table}
        self._sources = {arn: sources[name] for name, arn in stream_arns.items() if name in handlers}
        self._dead_letters = DeadLetterQueues(boto3.client("sqs"), table_prefix)
        self._on_failure = on_failure
        self._iterators: dict[tuple[str, str], Optional[str]] = {}
        self._positions: dict[tuple[str, str], str] = {}
        self._batch_size = batch_size
        self.dead_lettered = 0
        """Records described in a dead-letter queue by this pump."""
        self.failures = 0
        """Invocations that raised (each retried, bisected or dead-lettered)."""

    def pump_once(self) -> int:
        """Deliver every record available now; return how many were delivered."""
        delivered = 0
        for arn, handler in self._handlers.items():
            for shard_id in self._shards(arn):
                delivered += self._drain_shard(arn, shard_id, handler)
        return delivered

    def pump_until_quiet(self, max_rounds: int = 20) -> int:
        """Handlers write too; keep delivering until a round delivers nothing."""
        total = 0
        for _ in range(max_rounds):
            delivered = self.pump_once()
            total += delivered
            if not delivered:
                return total
        raise RuntimeError("streams did not settle: a handler keeps writing")

    def run_forever(self, stop: Callable[[], bool], interval_seconds: float = 0.5,
                    on_error: Callable[[Exception], None] = lambda e: None) -> None:
        while not stop():
            try:
                self.pump_once()
            except Exception as error:  # the pump must survive a failing handler, as Lambda retries
                on_error(error)
            time.sleep(interval_seconds)

    def _shards(self, arn: str) -> list[str]:
        description = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description["Shards"]]

    def _drain_shard(self, arn: str, shard_id: str, handler: Handler) -> int:
        key = (arn, shard_id)
        # A fresh iterator from the last delivered sequence number on every pass (Lambda keeps a
        # checkpoint, not an iterator): moto rolls a cancelled TransactWriteItems back by
        # swapping in a copy of the table, which strands iterators taken before it.
        last = self._positions.get(key)
        if last is None:
            self._iterators[key] = self._streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        else:
            self._iterators[key] = self._streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                SequenceNumber=last)["ShardIterator"]
        delivered = 0
        while self._iterators[key]:
            response = self._streams.get_records(ShardIterator=self._iterators[key],
                                                 Limit=self._batch_size)
            records = response.get("Records", [])
            if not records:
                break
            self._deliver(arn, shard_id, records, handler)
            self._iterators[key] = response.get("NextShardIterator")
            self._positions[key] = records[-1]["dynamodb"]["SequenceNumber"]
            delivered += len(records)
        return delivered


    def _deliver(self, arn: str, shard_id: str, records: list[dict], handler: Handler) -> None:
        """Invoke until the batch succeeds; bisect, retry, then dead-letter what still fails."""
        source = self._sources[arn]
        invocations = 0
        while True:
            invocations += 1
            try:
                handler({"Records": [lambda_record(r, arn) for r in records]}, LambdaContext())
                return
            except Exception as error:  # as Lambda: any error fails the batch
                self.failures += 1
                self._on_failure(error)
            if source.bisect_on_error and len(records) > 1:
                half = len(records) // 2
                self._deliver(arn, shard_id, records[:half], handler)
                self._deliver(arn, shard_id, records[half:], handler)
                return
            condition = _exhausted(source, records, invocations)
            if condition:
                self._dead_letters.send(source, stream_failure_record(
                    arn, shard_id, records, condition, invocations, datetime.now(timezone.utc)))
                self.dead_lettered += len(records)
                return


def _exhausted(source: EventSource, records: list[dict], invocations: int) -> str:
    """Lambda's on-failure condition once retrying must stop, else ""."""
    if invocations > source.max_retries:
        return "RetryAttemptsExhausted"
    created = records[0]["dynamodb"].get("ApproximateCreationDateTime")
    if source.max_record_age_seconds and isinstance(created, datetime) and \
            (datetime.now(timezone.utc) - created).total_seconds() > source.max_record_age_seconds:
        return "RecordAgeExceeded"
    return ""


def lambda_record(record: dict, arn: str) -> dict:
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    return {"eventID": record["eventID"], "eventName": record["eventName"],
            "eventVersion": record.get("eventVersion", "1.1"), "eventSource": "aws:dynamodb",
            "awsRegion": record.get("awsRegion", "eu-central-1"), "dynamodb": dynamodb,
            "eventSourceARN": arn}
