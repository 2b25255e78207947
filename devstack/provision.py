"""Create in the emulator what infra/ creates in AWS, from the same definitions."""
from __future__ import annotations

import json
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError

from infra.resources import (EVENT_SOURCES, FILES_BUCKET_CORS_METHODS, SEAL_KEY_SPEC, SEAL_KEY_USAGE, SMS_ATTRIBUTES, TABLES,
                             Table)


def table_request(table: Table, name: str) -> dict[str, Any]:
    keys = [{"AttributeName": table.hash_key, "KeyType": "HASH"}]
    if table.range_key:
        keys.append({"AttributeName": table.range_key, "KeyType": "RANGE"})
    request: dict[str, Any] = {
        "TableName": name, "KeySchema": keys, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t}
                                 for n, t in table.attributes.items()],
    }
    if table.indexes:
        request["GlobalSecondaryIndexes"] = [{
            "IndexName": index.name,
            "KeySchema": [{"AttributeName": index.hash_key, "KeyType": "HASH"}] + (
                [{"AttributeName": index.range_key, "KeyType": "RANGE"}] if index.range_key else []),
            "Projection": {"ProjectionType": index.projection,
                           **({"NonKeyAttributes": list(index.include)} if index.include else {})},
        } for index in table.indexes]
    if table.stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream}
    return request


def provision(table_prefix: str, bucket: str, seal_alias: str) -> dict[str, str]:
    """Idempotent: returns the stream ARNs by logical table name."""
    dynamodb = boto3.client("dynamodb")
    streams: dict[str, str] = {}
    existing = set(dynamodb.list_tables()["TableNames"])
    for table in TABLES:
        name = f"{table_prefix}{table.logical_name}"
        if name not in existing:
            dynamodb.create_table(**table_request(table, name))
            if table.ttl_attribute:
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                    "Enabled": True, "AttributeName": table.ttl_attribute})
        described = dynamodb.describe_table(TableName=name)["Table"]
        if table.stream and not described.get("StreamSpecification", {}).get("StreamEnabled"):
            # Made before its table had a stream (the licences table until its notices moved
            # there): turned on as the stack's update turns it on.
            described = dynamodb.update_table(TableName=name, StreamSpecification={
                "StreamEnabled": True, "StreamViewType": table.stream})["TableDescription"]
        if described.get("LatestStreamArn"):
            streams[table.logical_name] = described["LatestStreamArn"]
    _bucket(bucket)
    _seal_key(seal_alias)
    boto3.client("sns").set_sms_attributes(attributes=SMS_ATTRIBUTES)
    _queues(table_prefix)
    return streams


def _queues(table_prefix: str) -> None:
    """One dead-letter queue per event source; the app's queues redrive to theirs after the
    same number of receives as in AWS (infra/resources.py EVENT_SOURCES)."""
    sqs = boto3.client("sqs")
    for source in EVENT_SOURCES:
        dlq_url = sqs.create_queue(QueueName=f"{table_prefix}{source.dead_letter_queue}")["QueueUrl"]
        if not source.queue:
            continue  # a stream's dead letters are written by the local stream pump
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        redrive = {"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                                "maxReceiveCount": str(source.max_retries)})}
        name = f"{table_prefix}{source.queue}"
        try:
            sqs.create_queue(QueueName=name, Attributes=redrive)
        except ClientError as error:  # made by an older provisioner, without the policy
            if error.response["Error"]["Code"] not in ("QueueAlreadyExists",
                                                       "QueueNameExists"):
                raise
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            sqs.set_queue_attributes(QueueUrl=url, Attributes=redrive)


def _bucket(bucket: str) -> None:
    s3 = boto3.client("s3")
    try:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={
            "LocationConstraint": s3.meta.region_name})
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    # As in AWS (infra/stack.py): the web app's origin uploads straight to the bucket.
    origin = os.environ.get("PUBLIC_BASE_URL")
    if origin:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
            "AllowedMethods": list(FILES_BUCKET_CORS_METHODS), "AllowedOrigins": [origin],
            "AllowedHeaders": ["*"], "MaxAgeSeconds": 3000}]})


def _seal_key(alias: str) -> str:
    kms = boto3.client("kms")
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    if alias in aliases and aliases[alias]:
        return aliases[alias]
    key_id = kms.create_key(KeySpec=SEAL_KEY_SPEC, KeyUsage=SEAL_KEY_USAGE,
                            Description="Rukhsa licence seal (local)")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id


def seed(now_iso: str) -> None:
    """The catalogue's default rollout, written only where an admin has not set one."""
    from chalicelib.wiring import catalogue, rollout_store

    rollout_store().seed({s.code: s.default_districts for s in catalogue().services}, now_iso)
