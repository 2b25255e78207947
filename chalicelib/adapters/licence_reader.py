"""The verification page's one read of a licence: a bare botocore GetItem, without PynamoDB.

`GET /v/{token}` is the public, hottest route, and its cold start is measured (issue 8): the
PynamoDB models and PynamoDB's own botocore session cost it tens of milliseconds before its one
read. The item is the one `licence_store` writes through `LicenceModel`; `licence_record` maps
it for both, so the two readers agree.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from chalicelib.adapters.dynamo_errors import THROTTLED
from chalicelib.adapters.licence_record import (JSON_ATTRIBUTES, AccruesByRule,
                                                licence_from_values)
from chalicelib.domain.licences import Licence
from chalicelib.errors import NotFound, ServiceUnavailable
from chalicelib.ports import LicenceReader


def values_of_item(item: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Plain values of a DynamoDB item of the licences table (S, N, BOOL and NULL only)."""
    values: dict[str, Any] = {}
    for name, typed in item.items():
        (kind, raw), = typed.items()
        if kind == "S":
            values[name] = json.loads(raw) if name in JSON_ATTRIBUTES else raw
        elif kind == "N":
            values[name] = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        elif kind == "BOOL":
            values[name] = bool(raw)
        elif kind != "NULL":
            raise ValueError(f"licence attribute {name} has the unexpected type {kind}")
    return values


class DynamoLicenceReader(LicenceReader):
    def __init__(self, dynamodb_client: Any, table_name: str,
                 accrues_by_rule: AccruesByRule) -> None:
        self._client = dynamodb_client
        self._table_name = table_name
        self._accrues_by_rule = accrues_by_rule

    def get(self, number: str) -> Licence:
        """Eventually consistent: a verification pays half a read unit."""
        from botocore.exceptions import ClientError

        try:
            answer = self._client.get_item(TableName=self._table_name,
                                           Key={"number": {"S": number}}, ConsistentRead=False)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in THROTTLED:
                raise ServiceUnavailable() from error
            raise
        if "Item" not in answer:
            raise NotFound(message_en="licence not found", message_ar="الرخصة غير موجودة",
                           code="licence_not_found")
        return licence_from_values(values_of_item(answer["Item"]), self._accrues_by_rule)
