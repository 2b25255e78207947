"""Shapes of request bodies. Types and unknown fields are checked here; meaning in domain/."""
from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import (BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt,
                      StrictStr)

# An application's details: the service's required_fields by name, scalar values only (their
# meaning is checked by domain/validation.py against the catalogue).
Details = dict[str, Union[StrictStr, StrictBool, StrictInt, StrictFloat, None]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ApplicantIn(Strict):
    name: StrictStr = Field(max_length=200)
    national_id: StrictStr = Field(max_length=40)
    mobile: StrictStr = Field(max_length=40)


class SiteIn(Strict):
    lat: StrictFloat | StrictInt
    lng: StrictFloat | StrictInt
    address: StrictStr = Field(max_length=500)


class ApplicationIn(Strict):
    service_code: StrictStr = Field(max_length=64)
    district: StrictStr = Field(max_length=32)
    applicant: ApplicantIn
    site: SiteIn
    details: Details = Field(default_factory=dict)


class OptionalReasonIn(Strict):
    reason: Optional[StrictStr] = Field(default=None, max_length=1000)


class DecisionIn(Strict):
    decision: Literal["approve", "reject"]
    reason: Optional[StrictStr] = Field(default=None, max_length=1000)


class PaymentIn(Strict):
    gateway: Literal["paymob", "fawry", "sandbox"]


class RefundIn(Strict):
    """What finance did at the gateway: its refund's id, and why."""
    refund_reference: StrictStr = Field(min_length=1, max_length=64,
                                        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
    note: StrictStr = Field(min_length=3, max_length=500, pattern=r"\S")


class DevTokenIn(Strict):
    role: Literal["citizen", "officer", "clerk", "admin"]
    sub: Optional[StrictStr] = Field(default=None, min_length=1, max_length=128)
    district: Optional[StrictStr] = Field(default=None, max_length=32)
    # Cognito's `name` (staff are shown by it) and a citizen's verified `phone_number`.
    name: Optional[StrictStr] = Field(default=None, min_length=1, max_length=120)
    mobile: Optional[StrictStr] = Field(default=None, max_length=40)


class CounterPaymentIn(Strict):
    method: Literal["cash", "card"]


class DrawerCloseIn(Strict):
    counted_piasters: StrictInt = Field(ge=0, le=10**10)


class PositionIn(Strict):
    lat: StrictFloat | StrictInt
    lng: StrictFloat | StrictInt
    accuracy_m: Optional[StrictFloat | StrictInt] = Field(
        default=None, description="The phone's reported accuracy, metres")


class ViolationPhotoIn(Strict):
    content_type: StrictStr = Field(max_length=100, description="image/jpeg, image/png or image/webp")


class ViolationIn(Strict):
    """A violation an inspector saw (docs/status-list.md, "Violation reports")."""

    kind: StrictStr = Field(max_length=32,
                            description="no_licence, expired_displayed, other_site or other")
    position: PositionIn
    note: StrictStr = Field(default="", max_length=2000)
    licence_number: Optional[StrictStr] = Field(default=None, max_length=40)
    observed_at: StrictStr = Field(max_length=40, description="ISO 8601 with a zone")
    idempotency_key: StrictStr = Field(max_length=64,
                                       description="Made by the device once per report")
    photos: list[ViolationPhotoIn] = Field(default_factory=list, max_length=4)
