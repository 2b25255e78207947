"""SQS as the nightly job's task queue: one small JSON message per task."""
from __future__ import annotations

import json
from typing import Any, Mapping

from chalicelib.ports import DelayQueue, TaskQueue

SQS_BATCH = 10


class SqsTaskQueue(TaskQueue):
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send_all(self, tasks: "list[Mapping[str, object]]") -> int:
        sent = 0
        for start in range(0, len(tasks), SQS_BATCH):
            chunk = tasks[start:start + SQS_BATCH]
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
        self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(task, sort_keys=True),
                               DelaySeconds=max(0, min(int(delay_seconds), self.MAX_DELAY_SECONDS)))
