"""The S3 and SNS adapters against the emulator over HTTP."""
from __future__ import annotations

import boto3
import pytest
import requests

from chalicelib.adapters.s3_files import S3FileStore
from chalicelib.adapters.sns_sms import SnsSmsNotifier
from chalicelib.ports import SmsDeliveryFailed


@pytest.fixture
def files(stack) -> S3FileStore:
    from chalicelib.wiring import file_store

    return file_store()


def test_a_stored_file_reads_back_and_through_its_presigned_url(files) -> None:
    """GIVEN a stored PNG WHEN read directly and by presigned URL THEN both give the same bytes."""
    files.put("tests/adapters/one.png", b"\x89PNG-bytes", "image/png")
    assert files.get("tests/adapters/one.png") == b"\x89PNG-bytes"
    url = files.presigned_get_url("tests/adapters/one.png", expires_in_seconds=60)
    assert "Signature" in url or "X-Amz-Signature" in url
    assert requests.get(url, timeout=10).content == b"\x89PNG-bytes"


def test_a_presigned_post_pins_one_type_and_a_size_range(files) -> None:
    """GIVEN an upload slot WHEN made THEN its policy names the type and the byte range."""
    post = files.presigned_post("tests/adapters/doc.pdf", ("application/pdf",), 1024)
    assert post["fields"]["Content-Type"] == "application/pdf"
    with pytest.raises(ValueError):
        files.presigned_post("tests/adapters/doc.pdf", ("application/pdf", "image/png"), 1024)


def test_sms_is_published_and_a_refusal_becomes_a_delivery_failure(stack) -> None:
    """GIVEN SNS WHEN sending to a valid and to a malformed number THEN an id, then a failure."""
    notifier = SnsSmsNotifier(boto3.client("sns", region_name="eu-central-1"), "Rukhsa")
    assert notifier.send("+201001234567", "رخصتك جاهزة / Your licence is ready")
    with pytest.raises(SmsDeliveryFailed):
        notifier.send("not-a-number", "x")
