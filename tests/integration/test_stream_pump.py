"""The local stack's stream pump delivers DynamoDB Streams records as Lambda would; the
provisioner gives every table the stream infra/resources.py gives it."""
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


def test_provisioning_turns_on_a_stream_its_table_was_made_without(stack):
    """An emulator provisioned before a table had its stream (the licences table's came with its
    status notices) gets it, as the stack's update gives it in AWS."""
    import uuid
    from dataclasses import replace

    import boto3

    from devstack.provision import provision, table_request
    from infra.resources import table

    # GIVEN a stage whose licences table was made with no stream
    prefix = f"old{uuid.uuid4().hex[:6]}-"
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(**table_request(replace(table("licences"), stream=None),
                                          f"{prefix}licences"))
    # WHEN the stage is provisioned again
    streams = provision(prefix, f"{prefix}files", f"alias/{prefix}seal")
    # THEN the table has its stream, with both images, and the pump is told where it is
    described = dynamodb.describe_table(TableName=f"{prefix}licences")["Table"]
    assert described["StreamSpecification"] == {"StreamEnabled": True,
                                                 "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert streams["licences"] == described["LatestStreamArn"]
    assert set(streams) == {"applications", "payments", "licences"}
