"""The local stack's stream pump delivers DynamoDB Streams records as Lambda would."""
import os

import pytest

from tests.integration.test_applications_api import VALID

pytestmark = pytest.mark.integration


def test_pump_delivers_each_change_once_in_lambda_shape(stack, citizen):
    from devstack.streams import StreamPump

    # GIVEN a pump on the applications stream with a recording handler, drained of history
    stream_arn = os.environ["APPLICATIONS_STREAM_ARN"]
    received = []
    pump = StreamPump({"applications": lambda event, context: received.extend(event["Records"])},
                      {"applications": stream_arn}, stack.prefix)
    pump.pump_until_quiet()
    received.clear()
    # WHEN a citizen creates and cancels an application
    created = stack.call("POST", "/v1/applications", citizen, VALID).json
    stack.call("POST", f"/v1/applications/{created['id']}/cancel", citizen)
    delivered = pump.pump_until_quiet()
    # THEN both changes arrive, in order, shaped like Lambda's DynamoDB event records
    mine = [r for r in received if r["dynamodb"]["Keys"]["id"]["S"] == created["id"]]
    assert [r["eventName"] for r in mine] == ["INSERT", "MODIFY"]
    assert mine[1]["dynamodb"]["OldImage"]["status"]["S"] == "submitted"
    assert mine[1]["dynamodb"]["NewImage"]["status"]["S"] == "cancelled"
    assert all(r["eventSource"] == "aws:dynamodb" and r["eventSourceARN"] == stream_arn for r in mine)
    assert delivered >= 2
    # AND nothing is delivered twice
    assert pump.pump_until_quiet() == 0


def test_a_failing_handler_gets_the_same_batch_again(stack, citizen):
    from devstack.streams import StreamPump

    stream_arn = os.environ["APPLICATIONS_STREAM_ARN"]
    calls = []

    def flaky(event, context):
        calls.append([r["eventID"] for r in event["Records"]])
        if len(calls) == 1:
            raise RuntimeError("transient")

    failures = []
    pump = StreamPump({"applications": lambda e, c: None}, {"applications": stream_arn},
                      stack.prefix, on_failure=failures.append)
    pump.pump_until_quiet()
    pump._handlers = {stream_arn: flaky}
    stack.call("POST", "/v1/applications", citizen, VALID)
    pump.pump_once()
    # Lambda semantics: the failed batch is retried, nothing is skipped or dead-lettered
    assert len(calls) == 2 and calls[1] == calls[0]
    assert [str(e) for e in failures] == ["transient"] and pump.dead_lettered == 0
