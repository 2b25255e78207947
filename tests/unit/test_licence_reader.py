"""The verification page's lean licence read: item values, throttling, and a missing licence."""
from __future__ import annotations

import botocore.session
import pytest
from botocore.stub import Stubber

from chalicelib.adapters.licence_reader import DynamoLicenceReader, values_of_item
from chalicelib.adapters.licence_record import JSON_ATTRIBUTES
from chalicelib.errors import NotFound, ServiceUnavailable

ITEM = {"number": {"S": "ALX-EAST-2026-000123"}, "application_id": {"S": "app-1"},
        "service_code": {"S": "advertisement-first"}, "kind": {"S": "advertisement"},
        "district": {"S": "EAST"}, "holder": {"S": "citizen-1"},
        "holder_name": {"S": "محمد أحمد علي"}, "holder_mobile": {"S": "+201012345678"},
        "holder_national_id": {"S": "29001010201234"},
        "site": {"S": '{"lat": 31.2089, "lng": 29.9092, "address": "12 شارع فؤاد"}'},
        "details": {"S": '{"faces": 1}'}, "status": {"S": "active"},
        "valid_from": {"S": "2026-01-01"}, "valid_until": {"S": "2026-12-31"},
        "issued_at": {"S": "2026-01-01T10:00:00.000Z"}, "fines_capped": {"BOOL": True},
        "version": {"N": "3"}, "superseded_by": {"NULL": True}}


def reader_with(stub_answer) -> DynamoLicenceReader:
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    stub_answer(stubber)
    stubber.activate()
    return DynamoLicenceReader(client, "t-licences", lambda service, kind: False)


def test_json_attributes_are_the_models_json_attributes() -> None:
    from pynamodb.attributes import JSONAttribute

    from chalicelib.adapters.dynamo_models import LicenceModel

    assert JSON_ATTRIBUTES == {name for name, attribute in LicenceModel.get_attributes().items()
                               if isinstance(attribute, JSONAttribute)}


def test_item_values_are_plain_python() -> None:
    values = values_of_item(ITEM)
    assert values["site"]["lat"] == 31.2089 and values["details"] == {"faces": 1}
    assert values["version"] == 3 and values["fines_capped"] is True
    assert "superseded_by" not in values
    with pytest.raises(ValueError, match="unexpected type"):
        values_of_item({"number": {"SS": ["a"]}})


def test_one_eventually_consistent_get_item_reads_the_licence() -> None:
    expected = {"TableName": "t-licences", "Key": {"number": {"S": "ALX-EAST-2026-000123"}},
                "ConsistentRead": False}
    reader = reader_with(lambda s: s.add_response("get_item", {"Item": ITEM}, expected))
    licence = reader.get("ALX-EAST-2026-000123")
    assert licence.holder_name == "محمد أحمد علي" and licence.version == 3
    assert licence.fines == () and licence.superseded_by == ""


def test_missing_is_not_found_and_throttled_is_unavailable() -> None:
    with pytest.raises(NotFound):
        reader_with(lambda s: s.add_response("get_item", {})).get("ALX-EAST-2026-000999")
    throttled = reader_with(lambda s: s.add_client_error(
        "get_item", service_error_code="ProvisionedThroughputExceededException",
        http_status_code=400))
    with pytest.raises(ServiceUnavailable):
        throttled.get("ALX-EAST-2026-000123")
