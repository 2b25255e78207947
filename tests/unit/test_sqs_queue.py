"""The SQS adapters answer a refusing or unreachable SQS as ServiceUnavailable (a 503 in a
request, a failed batch in a stream or queue worker), and leave a deployment's faults alone."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from chalicelib.adapters.sqs_queue import SqsDelayQueue, SqsTaskQueue
from chalicelib.errors import ServiceUnavailable


class RefusingSqs:
    """Stands in for the botocore client: raises what it is given, counts the calls."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def send_message(self, **_: object) -> dict:
        self.calls += 1
        raise self.error

    send_message_batch = send_message


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "SendMessage")


@pytest.mark.parametrize("error", [
    client_error("ThrottlingException"), client_error("RequestThrottled"),
    client_error("InternalError"), client_error("AWS.SimpleQueueService.ServiceUnavailable"),
    EndpointConnectionError(endpoint_url="https://sqs.eu-central-1.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://sqs.eu-central-1.amazonaws.com")],
    ids=["throttled", "request-throttled", "internal", "unavailable", "unreachable", "timeout"])
def test_a_refusing_or_unreachable_sqs_is_a_503_not_a_500(error):
    # GIVEN SQS still refusing after the SDK's retries WHEN either queue sends
    for queue, send in ((SqsDelayQueue(RefusingSqs(error), "url"), lambda q: q.send({"t": 1})),
                        (SqsTaskQueue(RefusingSqs(error), "url"), lambda q: q.send_all([{"t": 1}]))):
        # THEN the caller is told to come back shortly, the SDK's error kept as the cause
        with pytest.raises(ServiceUnavailable) as raised:
            send(queue)
        assert raised.value.status == 503 and raised.value.__cause__ is error


def test_a_deployment_fault_is_not_disguised_as_a_busy_service():
    # GIVEN a queue that does not exist (a wrong URL, a missing grant is alike)
    missing = client_error("AWS.SimpleQueueService.NonExistentQueue")
    # THEN the SDK's error propagates as it is: a fault to fix, not to retry
    with pytest.raises(ClientError):
        SqsDelayQueue(RefusingSqs(missing), "url").send({"t": 1})
