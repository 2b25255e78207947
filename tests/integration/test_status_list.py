"""The signed status list on the emulator: a suspension reaches it, a reinstatement leaves it.

GIVEN an issued licence WHEN an officer suspends it through the API THEN, once the licences
stream delivers the saved change, a delayed rebuild is queued, and the list the worker publishes
names it suspended and verifies against /v1/keys; reinstated, the next list no longer names it.
"""
from __future__ import annotations

import json
import os
import uuid

import boto3

from chalicelib.domain.status_list import verify_status_list
from devstack.queues import lambda_record
from tests.integration import backoffice_fixtures as fx
from tests.unit.test_status_list import key_from_jwk


def queue_of(stack):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{stack.prefix}rukhsa-status-list")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def delayed_requests(stack) -> int:
    sqs, url, _ = queue_of(stack)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)) + \
        int(attributes.get("ApproximateNumberOfMessages", 0))


def run_rebuild_worker(stack) -> dict:
    """Deliver the (delayed) rebuild request as Lambda would once its delay is over."""
    _, _, arn = queue_of(stack)  # what is queued is only a nudge: the build reads the index
    message = {"MessageId": str(uuid.uuid4()), "ReceiptHandle": "r",
               "Body": json.dumps({"task": "rebuild-status-list"})}
    return stack.app.status_list_worker({"Records": [lambda_record(message, arn)]}, None)


def fetched_list(stack):
    from chalicelib.wiring import catalogue

    keys = stack.call("GET", "/v1/keys").json
    public_keys = {jwk["kid"]: key_from_jwk(jwk) for jwk in keys["keys"]}
    response = stack.call("GET", "/v1/status-list")
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"].startswith("application/jose")
    assert "max-age=" in response.headers["Cache-Control"]
    return response, verify_status_list(response.body.decode() if isinstance(response.body, bytes)
                                        else response.body, public_keys, catalogue().seal_codes)


def test_a_suspension_reaches_the_signed_list_and_a_reinstatement_leaves_it(stack):
    licence = fx.licence("holder-status-list")
    officer = stack.token("officer", district="EAST")
    url = f"/v1/licences/{licence.number}"
    run_rebuild_worker(stack)  # a clean window: no claim held from earlier tests
    _, before = fetched_list(stack)
    assert before.status_of(licence.number) is None

    # WHEN an officer suspends it
    stack.streams.pump_until_quiet()
    queued = delayed_requests(stack)
    assert stack.call("POST", f"{url}/suspend", officer, {"reason": "unsafe wiring"}).status_code == 200
    # THEN the request itself asks nothing; once the licences stream hands over the saved
    # change, one delayed rebuild is on its way
    assert delayed_requests(stack) == queued
    stack.streams.pump_until_quiet()
    assert delayed_requests(stack) == queued + 1
    run_rebuild_worker(stack)
    response, after = fetched_list(stack)
    assert after.status_of(licence.number) == "suspended"
    assert after.issued_at >= before.issued_at
    # AND a verifier holding that version is told nothing changed
    etag = response.headers["ETag"]
    assert stack.call("GET", "/v1/status-list", headers={"If-None-Match": etag}).status_code == 304

    # WHEN reinstated THEN the next list no longer names it
    queued = delayed_requests(stack)
    assert stack.call("POST", f"{url}/reinstate", officer, {"reason": "repaired"}).status_code == 200
    stack.streams.pump_until_quiet()
    assert delayed_requests(stack) == queued + 1
    run_rebuild_worker(stack)
    _, reinstated = fetched_list(stack)
    assert reinstated.status_of(licence.number) is None
    assert stack.call("GET", "/v1/status-list", headers={"If-None-Match": etag}).status_code == 200


def test_the_backfill_lists_a_licence_saved_before_the_index_existed(stack, capsys):
    # GIVEN a revoked licence whose item lacks status_shard, as one saved before the index was
    from chalicelib.adapters.listed_licences import DynamoListedLicences
    from chalicelib.wiring import bound_settings, licence_store
    from devstack.backfill_status_list import main as backfill

    endpoint = os.environ["AWS_ENDPOINT_URL"]
    licence = fx.licence("holder-backfill", status="revoked")
    table = boto3.client("dynamodb", endpoint_url=endpoint, region_name=bound_settings().region)
    table.update_item(TableName=f"{stack.prefix}licences", Key={"number": {"S": licence.number}},
                      UpdateExpression="REMOVE status_shard")
    shard = licence.status_shard
    listed = DynamoListedLicences().listed  # what the builder reads
    assert licence.number not in {number for number, _, _ in listed(shard)}
    # WHEN the runbook command backfills the endpoint THEN the index lists it, unchanged
    assert backfill(["--endpoint", endpoint]) == 0
    assert ("revoked", "") in {(status, by) for number, status, by in listed(shard)
                               if number == licence.number}
    saved = licence_store().get(licence.number, consistent=True)
    assert (saved.status, saved.version) == ("revoked", licence.version + 1)
    assert "resaved" in capsys.readouterr().out
    # AND a second run changes nothing it should not (safe to rerun)
    assert backfill(["--endpoint", endpoint]) == 0
    assert licence_store().get(licence.number, consistent=True).status == "revoked"
