"""Deliver SQS messages to the same Chalice handlers Lambda's event source mapping would call.

moto keeps queues but never invokes consumers; this pump receives messages and calls the
handler with a Lambda-shaped SQS event, one message per call (the app's batch size is 1).
A handler that raises leaves its message on the queue, as Lambda does; here it is visible again
at once (not after the visibility timeout), and the queue's redrive policy, provisioned from
infra/resources.py EVENT_SOURCES as in AWS, moves it to the dead-letter queue after the same
number of receives.
"""
from __future__ import annotations

import hashlib
import time
from typing import Any, Callable, Mapping

import boto3

from devstack.streams import LambdaContext

Handler = Callable[[dict, Any], Any]


class QueuePump:
    def __init__(self, handlers: Mapping[str, Handler], table_prefix: str,
                 on_failure: Callable[[Exception], None] = lambda error: None) -> None:
        """`handlers` by queue name (without the stage prefix), e.g. {"rukhsa-sms": app.sms_sender}."""
        self._sqs = boto3.client("sqs")
        self._on_failure = on_failure
        self.failures = 0
        self._queues = {}
        for name, handler in handlers.items():
            url = self._sqs.get_queue_url(QueueName=f"{table_prefix}{name}")["QueueUrl"]
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            self._queues[url] = (arn, handler)

    def pump_once(self) -> int:
        """Deliver every message visible now; return how many were handled."""
        handled = 0
        for url, (arn, handler) in self._queues.items():
            while True:
                messages = self._sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0,
                    AttributeNames=["All"]).get("Messages", [])
                if not messages:
                    break
                message = messages[0]
                try:
                    handler({"Records": [lambda_record(message, arn)]}, LambdaContext())
                except Exception as error:  # as Lambda: the message is received again
                    self.failures += 1
                    self._on_failure(error)
                    self._sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
                    continue
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                handled += 1
        return handled

    def run_forever(self, stop: Callable[[], bool], interval_seconds: float = 1.0,
                    on_error: Callable[[Exception], None] = lambda e: None) -> None:
        while not stop():
            try:
                self.pump_once()
            except Exception as error:  # a failing handler: the message is retried, as in AWS
                on_error(error)
            time.sleep(interval_seconds)


def lambda_record(message: dict, arn: str) -> dict:
    body = message["Body"]
    return {"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
            "body": body, "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": hashlib.md5(body.encode()).hexdigest(), "eventSource": "aws:sqs",
            "eventSourceARN": arn, "awsRegion": arn.split(":")[3]}
