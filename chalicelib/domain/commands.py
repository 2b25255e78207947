"""What callers ask the use cases to do, as plain values.

The API parses and type-checks request bodies (chalicelib/api/schemas.py) and converts them to
these (chalicelib/api/commands.py); use cases take these, so they never depend on the HTTP edge
and unit tests build them directly. Values are as received: the use cases validate meaning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class ApplicantInput:
    name: str
    national_id: str
    mobile: str


@dataclass(frozen=True)
class SiteInput:
    lat: float
    lng: float
    address: str


@dataclass(frozen=True)
class NewApplication:
    service_code: str
    district: str
    applicant: ApplicantInput
    site: SiteInput
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    decision: str  # "approve" | "reject"
    reason: Optional[str] = None


@dataclass(frozen=True)
class Amendment:
    """A citizen's corrections to a returned application; None leaves a part as it was."""

    applicant: Optional[ApplicantInput] = None
    site: Optional[SiteInput] = None
    details: Optional[Mapping[str, Any]] = None
    note: Optional[str] = None

    @property
    def amended(self) -> list[str]:
        """The parts this amendment changes, in a fixed order (for the audit record)."""
        return [name for name in ("applicant", "site", "details")
                if getattr(self, name) is not None]


@dataclass(frozen=True)
class DocumentUpload:
    slot: str
    content_type: str


@dataclass(frozen=True)
class InspectionBooking:
    scheduled_for: str  # ISO 8601 with a zone; the use case parses it
    inspector: str


@dataclass(frozen=True)
class InspectionResult:
    result: str  # "passed" | "failed"
    notes: str = ""
