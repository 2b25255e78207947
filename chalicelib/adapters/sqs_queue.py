"""SQS as the nightly job's task queue (one small JSON message per task) and as the delay queue of
the outbox and the status list's rebuild."""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

from chalicelib.errors import ServiceUnavailable
from chalicelib.ports import DelayQueue, TaskQueue

SQS_BATCH = 10
# SQS still refusing, or unreachable, after the SDK's own retries: the caller is told to come
# back (503 in a request; a stream or queue batch fails and is delivered again), never a 500.
# Any other error (a missing queue, a denied grant) is a fault of the deployment and stays one.
REFUSALS = frozenset({"ThrottlingException", "RequestThrottled", "ServiceUnavailable",
                      "InternalError", "InternalFailure", "AWS.SimpleQueueService.ServiceUnavailable"})


@contextmanager
def _refusals_as_unavailable() -> Iterator[None]:
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in REFUSALS:
            raise ServiceUnavailable() from error
        raise
    except (ConnectionError, HTTPClientError) as error:  # no connection, closed, timed out
        raise ServiceUnavailable() from error


class SqsTaskQueue(TaskQueue):
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send_all(self, tasks: "list[Mapping[str, object]]") -> int:
        sent = 0
        for start in range(0, len(tasks), SQS_BATCH):
            chunk = tasks[start:start + SQS_BATCH]
            with _refusals_as_unavailable():
                response = self._sqs.send_message_batch(QueueUrl=self._url, Entries=[
                    {"Id": str(n), "MessageBody": json.dumps(task, sort_keys=True)}
                    for n, task in enumerate(chunk)])
            if response.get("Failed"):
                raise RuntimeError(f"SQS refused {len(response['Failed'])} nightly tasks")
            sent += len(chunk)
        return sent


class SqsDelayQueue(DelayQueue):
    """One message per task, with SQS's per-message delay (at most 15 minutes)."""

    MAX_DELAY_SECONDS = 900

    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send(self, task: Mapping[str, object], delay_seconds: int = 0) -> None:
        with _refusals_as_unavailable():
            self._sqs.send_message(
                QueueUrl=self._url, MessageBody=json.dumps(task, sort_keys=True),
                DelaySeconds=max(0, min(int(delay_seconds), self.MAX_DELAY_SECONDS)))
