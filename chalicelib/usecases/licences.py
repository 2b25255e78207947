"""Licences as their holder, their district's officers and admins see them; the paper copy."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

from chalicelib.authorization import Resource, authorize, district_in_scope
from chalicelib.domain.catalogue import Catalogue
from chalicelib.domain import notifications as notices, replacement
from chalicelib.domain.issuance import RESEND_EVENT, mask_national_id
from chalicelib.domain.licences import REVOKED, Licence
from chalicelib.domain.seal import verify_url
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.domain.printing import PaperLicence
from chalicelib.ports import FileStore, LicenceStore, Notifications, Page, PaperCopyRenderer
from chalicelib.usecases.bounds import PAPER_COPY, SMS_RESEND, Bounds
from chalicelib.usecases.issuance import notify_licence

if TYPE_CHECKING:  # types only: these modules pull pydantic and PyJWT into every worker
    from chalicelib.auth import Principal

QR_URL_SECONDS = 300  # the QR link is for showing or downloading now, not for sharing
PDF_URL_SECONDS = 900


def licence_resource(licence: Licence) -> Resource:
    return Resource(owner=licence.holder, district=licence.district, kind="licence")


def readable_licence(number: str, caller: Principal, licences: LicenceStore,
                     action: str = "licence.read") -> Licence:
    """The licence if the matrix lets the caller do `action` on it (chalicelib/authorization.py):
    another holder's licence is indistinguishable from a missing one."""
    authorize(caller, action)
    licence = licences.get(number, consistent=True)  # NotFound: licence_not_found
    authorize(caller, action, licence_resource(licence))
    return licence


def list_licences(caller: Principal, limit: int, cursor: Optional[str], licences: LicenceStore,
                  district: Optional[str] = None) -> Page:
    """A citizen's own licences; an officer's district; an admin names the district."""
    authorize(caller, "licence.list")
    if caller.role == "citizen":
        return licences.list_by_holder(caller.owner_key, limit, cursor)
    listed = district_in_scope(caller, "licence.list", district)
    if not listed:
        raise ValidationFailed(fields={"district": "حدد الحي / admins name the district to list"})
    return licences.list_by_district(listed, limit, cursor)


def licence_links(licence: Licence, files: FileStore,
                  verify_base_url: str) -> tuple[Optional[str], Optional[str]]:
    """The seal's verification URL and a short-lived URL of its QR image (None until sealed)."""
    sealed = verify_url(verify_base_url, licence.seal_token) if licence.seal_token else None
    qr_png = files.presigned_get_url(licence.qr_key, QR_URL_SECONDS) if licence.qr_key else None
    return sealed, qr_png


def paper_copy(licence: Licence, catalogue: Catalogue, files: FileStore, verify_base_url: str,
               render_pdf: PaperCopyRenderer, caller: Principal, bounds: Bounds,
               now: datetime, notifications: Notifications) -> str:
    """Render the A4 copy (docs/paper-copy.md), store it, return a presigned URL to it, and
    tell the holder by SMS once per licence state (printing the same licence again is silent:
    each SMS costs money)."""
    if licence.status == REVOKED:
        raise Conflict(code="licence_revoked", message_en="a revoked licence has no paper copy",
                       message_ar="لا تصدر نسخة ورقية لرخصة ملغاة")
    replacement.check_not_replaced(licence)
    if not (licence.seal_token and licence.qr_key):
        raise Conflict(code="licence_not_sealed", message_en="this licence has no e-seal yet",
                       message_ar="لم يصدر ختم إلكتروني لهذه الرخصة بعد")
    kind_ar, kind_en = catalogue.kind_names().get(licence.kind, (licence.kind, licence.kind))
    district_ar, district_en = catalogue.district_names().get(
        licence.district, (licence.district, licence.district))
    paper = PaperLicence(
        number=licence.number, kind_ar=kind_ar, kind_en=kind_en, district_ar=district_ar,
        district_en=district_en, holder_name=licence.holder_name,
        holder_national_id_masked=mask_national_id(licence.holder_national_id),
        site_address=str(licence.site.get("address", "")), lat=float(licence.site["lat"]),
        lng=float(licence.site["lng"]), valid_from=date.fromisoformat(licence.valid_from),
        valid_until=licence.valid_until_date(), status=licence.status,
        issued_at=datetime.fromisoformat(licence.issued_at.replace("Z", "+00:00")),
        verify_url=verify_url(verify_base_url, licence.seal_token))
    with bounds.spending(PAPER_COPY, caller.sub, now):  # a PDF render and an S3 object each
        pdf = render_pdf.render(paper, files.get(licence.qr_key))
        key = f"paper-copies/{licence.number}/{now.strftime('%Y%m%dT%H%M%S%f')}.pdf"
        files.put(key, pdf, "application/pdf")
        notifications.notify(f"paper#{licence.number}#{licence.version}", notices.SMS,
                             licence.holder_mobile, notices.PAPER_COPY_READY,
                             {"number": licence.number})
    return files.presigned_get_url(key, PDF_URL_SECONDS)


def request_resend(licence: Licence, bounds: Bounds, notifications: Notifications,
                   short_link_host: str, now: datetime) -> dict:
    """Queue the licence SMS again through the outbox (owner or officer; the caller already
    checked access): one resend per licence in any sliding window of the configured length
    (SMS_RESEND_INTERVAL_SECONDS), else 429 + Retry-After."""
    if not licence.seal_token:
        raise Conflict(code="licence_not_sealed", message_en="this licence has no e-seal yet",
                       message_ar="لم يصدر ختم إلكتروني لهذه الرخصة بعد")
    replacement.check_not_replaced(licence)
    if not licence.holder_mobile:
        raise ValidationFailed(fields={"holder.mobile": "لا يوجد رقم محمول على الرخصة / no mobile number on the licence"})
    with bounds.spending(SMS_RESEND, licence.number, now):  # SMS costs money, whoever asks
        notify_licence(licence, RESEND_EVENT, notifications, short_link_host,
                       request_id=uuid.uuid4().hex)
    return {"queued": True, "number": licence.number}
