"""Shapes of the back office's request bodies (the shared ones live in schemas.py)."""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, StrictBool, StrictStr

from chalicelib.api.schemas import ApplicantIn, Details, SiteIn, Strict


class ResubmitIn(Strict):
    """What a citizen corrected; anything left out stays as it was."""

    applicant: Optional[ApplicantIn] = None
    site: Optional[SiteIn] = None
    details: Optional[Details] = None
    note: Optional[StrictStr] = Field(default=None, max_length=1000)


class DocumentIn(Strict):
    slot: StrictStr = Field(max_length=64)
    content_type: StrictStr = Field(max_length=100)


class InspectionIn(Strict):
    scheduled_for: StrictStr = Field(max_length=40)
    inspector: StrictStr = Field(min_length=2, max_length=200)


class InspectionResultIn(Strict):
    result: Literal["passed", "failed"]
    notes: StrictStr = Field(default="", max_length=2000)


class PhotoIn(Strict):
    content_type: StrictStr = Field(max_length=100)


class RolloutIn(Strict):
    live: StrictBool
