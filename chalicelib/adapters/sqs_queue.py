"""SQS as the nightly job's task queue: one small JSON message per task."""
from __future__ import annotations

import json
from typing import Any, Mapping

from chalicelib.ports import TaskQueue

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
