"""Inspect and redrive the dead-letter queues (runbook: docs/dead-letters.md):

    python -m devstack.deadletters --local list
    python -m devstack.deadletters --stage prod show applications [--limit 10]
    python -m devstack.deadletters --endpoint http://127.0.0.1:4566 redrive sms

Every event source of infra/resources.py EVENT_SOURCES has one dead-letter queue. A queue
source's DLQ holds the messages themselves: redrive sends them back to their queue. A stream
source's DLQ holds Lambda's on-failure record, which only points into the stream (shard and
sequence numbers, 24 hours' retention): redrive reads those records from the stream and hands
them to the app's own stream handler, here, with the target's settings, as Lambda would. Every
handler is idempotent, so redriving a batch that half succeeded before does nothing twice. A
message is deleted from the DLQ only once its redrive succeeded.

It never guesses where to run: --local, --stage NAME or --endpoint URL (devstack/targets.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterator

from infra.resources import EVENT_SOURCES, EventSource, event_source

Handler = Callable[[dict, Any], Any]
# A stream page can be empty short of the end of an open shard; stop after this many in a row.
EMPTY_PAGES_BEFORE_GIVING_UP = 5


class DeadLetterQueues:
    """The dead-letter queues of one stage: `{queue_prefix}rukhsa-<source>-dlq`."""

    def __init__(self, sqs: Any, queue_prefix: str) -> None:
        self._sqs, self._prefix, self._urls = sqs, queue_prefix, {}

    def url(self, source: EventSource) -> str:
        if source.name not in self._urls:
            self._urls[source.name] = self._sqs.get_queue_url(
                QueueName=f"{self._prefix}{source.dead_letter_queue}")["QueueUrl"]
        return self._urls[source.name]

    def source_queue_url(self, source: EventSource) -> str:
        return self._sqs.get_queue_url(QueueName=f"{self._prefix}{source.queue}")["QueueUrl"]

    def send(self, source: EventSource, record: dict) -> None:
        self._sqs.send_message(QueueUrl=self.url(source), MessageBody=json.dumps(record))

    def depth(self, source: EventSource) -> int:
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self.url(source),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def receive(self, source: EventSource, hide_seconds: int) -> Iterator[dict]:
        """Every message visible now, each hidden for `hide_seconds` once received."""
        while True:
            messages = self._sqs.receive_message(
                QueueUrl=self.url(source), MaxNumberOfMessages=10, WaitTimeSeconds=0,
                VisibilityTimeout=hide_seconds, AttributeNames=["All"],
                MessageAttributeNames=["All"]).get("Messages", [])
            if not messages:
                return
            yield from messages

    def delete(self, source: EventSource, message: dict) -> None:
        self._sqs.delete_message(QueueUrl=self.url(source), ReceiptHandle=message["ReceiptHandle"])

    def release(self, source: EventSource, message: dict) -> None:
        """Make a received message visible again at once (`show` only looks)."""
        self._sqs.change_message_visibility(QueueUrl=self.url(source),
                                            ReceiptHandle=message["ReceiptHandle"],
                                            VisibilityTimeout=0)


def stream_failure_record(stream_arn: str, shard_id: str, records: list[dict], condition: str,
                          invocations: int, now: datetime) -> dict:
    """What Lambda writes to a stream source's on-failure destination (an SQS queue):
    the batch's place in the stream, not its records (tests/events/dynamodb_stream_failure.json)."""
    def arrival(record: dict) -> str:
        created = record["dynamodb"].get("ApproximateCreationDateTime")
        return created.isoformat() if isinstance(created, datetime) else str(created or "")

    return {
        "requestContext": {"requestId": str(uuid.uuid4()), "condition": condition,
                           "approximateInvokeCount": invocations,
                           "functionArn": "arn:aws:lambda:local:000000000000:function:local"},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST",
                            "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": now.isoformat(),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": arrival(records[0]),
            "approximateArrivalOfLastRecord": arrival(records[-1]),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


def stream_records(streams: Any, batch: dict) -> list[dict]:
    """The records a DDBStreamBatchInfo points at, read again from the stream ([] if trimmed)."""
    end = int(batch["endSequenceNumber"])
    iterator = streams.get_shard_iterator(
        StreamArn=batch["streamArn"], ShardId=batch["shardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=batch["startSequenceNumber"])["ShardIterator"]
    found: list[dict] = []
    empty_pages = 0
    while iterator and empty_pages < EMPTY_PAGES_BEFORE_GIVING_UP:
        page = streams.get_records(ShardIterator=iterator, Limit=100)
        records = page.get("Records", [])
        empty_pages = 0 if records else empty_pages + 1
        for record in records:
            if int(record["dynamodb"]["SequenceNumber"]) > end:
                return found
            found.append(record)
        if found and int(found[-1]["dynamodb"]["SequenceNumber"]) == end:
            return found
        iterator = page.get("NextShardIterator")
    return found


@dataclass
class RedriveResult:
    redriven: int = 0
    """DLQ messages handled and deleted."""
    failed: int = 0
    """Redrive failed again: the message stays (visible again after a minute)."""
    trimmed: int = 0
    """Stream batches no longer in the stream (older than 24 h): left in the DLQ for a person."""


def redrive_stream(queues: DeadLetterQueues, source: EventSource, streams: Any,
                   handler: Handler, log: Callable[[str], None] = print) -> RedriveResult:
    """Hand each dead-lettered batch's records to `handler` again; delete what succeeded."""
    from devstack.streams import LambdaContext, lambda_record

    result = RedriveResult()
    for message in list(queues.receive(source, hide_seconds=60)):
        batch = json.loads(message["Body"])["DDBStreamBatchInfo"]
        records = stream_records(streams, batch)
        if not records:
            result.trimmed += 1
            log(f"{source.name}: {batch['shardId']} {batch['startSequenceNumber']}.. is no "
                "longer in the stream; the sweeper re-drives stalled work (docs/dead-letters.md)")
            continue
        try:
            handler({"Records": [lambda_record(r, batch["streamArn"]) for r in records]},
                    LambdaContext())
        except Exception as error:  # still failing: keep the message, say why
            result.failed += 1
            log(f"{source.name}: redrive of {len(records)} record(s) failed again: {error!r}")
            continue
        queues.delete(source, message)
        result.redriven += 1
    return result


def redrive_queue(queues: DeadLetterQueues, source: EventSource, sqs: Any) -> RedriveResult:
    """Send each dead-lettered message back to its queue, then delete it from the DLQ."""
    target = queues.source_queue_url(source)
    result = RedriveResult()
    for message in list(queues.receive(source, hide_seconds=60)):
        sqs.send_message(QueueUrl=target, MessageBody=message["Body"],
                         MessageAttributes=message.get("MessageAttributes", {}))
        queues.delete(source, message)
        result.redriven += 1
    return result


def describe(source: EventSource, message: dict) -> dict:
    """One DLQ message as the runbook shows it."""
    body = json.loads(message["Body"])
    if source.table:
        batch, context = body["DDBStreamBatchInfo"], body["requestContext"]
        return {"condition": context["condition"], "invocations": context["approximateInvokeCount"],
                "at": body["timestamp"], "records": batch["batchSize"], "shard": batch["shardId"],
                "sequence": f"{batch['startSequenceNumber']}..{batch['endSequenceNumber']}",
                "first_arrival": batch["approximateArrivalOfFirstRecord"]}
    attributes = message.get("Attributes", {})
    return {"receives": attributes.get("ApproximateReceiveCount"),
            "first_sent": attributes.get("SentTimestamp"), "body": body}


# ---- the command ---------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from devstack.targets import add_target_arguments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_target_arguments(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="each source's dead-letter queue and its depth")
    names = [source.name for source in EVENT_SOURCES]
    show = commands.add_parser("show", help="the dead letters of one source (left in place)")
    show.add_argument("source", choices=names)
    show.add_argument("--limit", type=int, default=10)
    redrive = commands.add_parser("redrive", help="hand one source's dead letters back")
    redrive.add_argument("source", choices=names)
    return parser.parse_args(argv)


def queue_prefix(args: argparse.Namespace, environ: dict[str, str]) -> str:
    """The stack names its queues without a prefix; the local stack under TABLE_PREFIX."""
    return "" if args.stage else environ["TABLE_PREFIX"]


def main(argv: list[str] | None = None) -> int:
    from devstack.targets import enter_target

    args = parse_args(argv)
    environment = enter_target(args)
    if environment is None:
        return 2
    import boto3

    queues = DeadLetterQueues(boto3.client("sqs"), queue_prefix(args, environment))
    print(f"dead letters at {os.environ.get('AWS_ENDPOINT_URL') or 'AWS'} "
          f"(stage {os.environ.get('STAGE')})", file=sys.stderr)
    if args.command == "list":
        for source in EVENT_SOURCES:
            print(f"{source.name:14} {source.dead_letter_queue:32} {queues.depth(source)}")
        return 0
    source = event_source(args.source)
    if args.command == "show":
        return _show(queues, source, args.limit)
    return _redrive(queues, source)


def _show(queues: DeadLetterQueues, source: EventSource, limit: int) -> int:
    shown = []
    for message in queues.receive(source, hide_seconds=30):
        shown.append(message)
        print(json.dumps(describe(source, message), ensure_ascii=False))
        if len(shown) >= limit:
            break
    for message in shown:
        queues.release(source, message)
    print(f"{len(shown)} shown of {source.dead_letter_queue}", file=sys.stderr)
    return 0


def _redrive(queues: DeadLetterQueues, source: EventSource) -> int:
    import boto3

    if source.queue:
        result = redrive_queue(queues, source, boto3.client("sqs"))
    else:
        from devstack.config import ROOT
        from devstack.run import stream_handlers

        sys.path.insert(0, str(ROOT))
        import app as app_module

        handler = stream_handlers(app_module)[source.table]
        result = redrive_stream(queues, source, boto3.client("dynamodbstreams"), handler,
                                log=lambda line: print(line, file=sys.stderr))
    print(f"redriven {result.redriven}  failed {result.failed}  trimmed {result.trimmed}")
    return 0 if not (result.failed or result.trimmed) else 1


if __name__ == "__main__":
    raise SystemExit(main())
