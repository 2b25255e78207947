"""Public verification of a seal (`GET /v/{token}`) and the keys offline verifiers need.

Cost per verification: the signature is checked with public keys cached for the life of the
Lambda (deployed in the settings by infra/, else KMS GetPublicKey once per cold start), then ONE
eventually consistent GetItem reads the licence's live status. Nothing is written. Anything
wrong with the token — forged, truncated, garbled, unknown key, a number we never issued — gives
the NOT GENUINE view.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey

from chalicelib.domain.seal_codes import SealCodes
from chalicelib.domain.licences import Licence
from chalicelib.domain.replacement import is_replacement
from chalicelib.domain.seal import InvalidSeal, verify_seal
from chalicelib.domain.verification import VerificationView, mask_name, verdict_for
from chalicelib.errors import NotFound
from chalicelib.observability import logger
from chalicelib.ports import LicenceReader


def verify_token(token: str, public_keys: Mapping[str, EllipticCurvePublicKey],
                 codes: SealCodes, licences: LicenceReader, today: date) -> VerificationView:
    try:
        claims = verify_seal(token, public_keys, codes)
    except InvalidSeal as refused:
        logger.info("seal refused", extra={"reason": refused.reason})
        return VerificationView.not_genuine()
    try:
        licence = licences.get(claims.number)  # eventually consistent: half a read unit
    except NotFound:
        logger.warning("genuine seal of an unknown licence", extra={"number": claims.number})
        return VerificationView.not_genuine()
    return licence_view(licence, today)


def licence_view(licence: Licence, today: date) -> VerificationView:
    """The live state: a renewed licence's old seal shows the new term, a revocation at once."""
    valid_until = licence.valid_until_date()
    fines = [{"name": f"{f.name_ar} · {f.name_en}", "amount": f.amount_piasters}
             for f in licence.outstanding_fines]
    replaced_by = licence.superseded_by if is_replacement(licence.superseded_by) else ""
    return VerificationView(
        verdict=verdict_for(licence.status, valid_until, today, replaced_by), number=licence.number,
        kind=licence.kind, district=licence.district,
        valid_from=date.fromisoformat(licence.valid_from), valid_until=valid_until,
        lat=float(licence.site["lat"]), lng=float(licence.site["lng"]),
        holder_masked=mask_name(licence.holder_name),
        outstanding_fines_piasters=licence.outstanding_fines_piasters, fines=fines,
        status=licence.status, replaced_by=replaced_by or None)
