"""Payment gateway adapters and the one factory that picks them by name.

Settings beyond the typed ones are read from `Settings.extra` (see docs/gateways.md):
paymob_api_key, paymob_integration_id, paymob_callback_integration_ids, paymob_owner_id,
paymob_iframe_id, paymob_base_url, fawry_base_url, fawry_return_url.
"""
from __future__ import annotations

from chalicelib.errors import NotFound
from chalicelib.ports import PaymentGateway
from chalicelib.settings import Settings

GATEWAY_NAMES = ("paymob", "fawry", "sandbox")


def _not_configured(name: str) -> NotFound:
    return NotFound(message_en=f"Payment gateway {name} is not available",
                    message_ar="بوابة الدفع هذه غير متاحة", code="gateway_not_found")


def _paymob(settings: Settings) -> PaymentGateway:
    from chalicelib.adapters.gateways.paymob import PAYMOB_BASE_URL, PaymobGateway

    if not settings.paymob_hmac_secret:
        raise _not_configured("paymob")
    extra = settings.extra
    return PaymobGateway(hmac_secret=settings.paymob_hmac_secret,
                         api_key=extra.get("paymob_api_key", ""),
                         integration_id=extra.get("paymob_integration_id", ""),
                         iframe_id=extra.get("paymob_iframe_id", ""),
                         owner_id=extra.get("paymob_owner_id", ""),
                         callback_integration_ids=extra.get("paymob_callback_integration_ids", ""),
                         base_url=extra.get("paymob_base_url", PAYMOB_BASE_URL))


def _fawry(settings: Settings) -> PaymentGateway:
    from chalicelib.adapters.gateways.fawry import FAWRY_BASE_URL, FawryGateway

    if not (settings.fawry_security_key and settings.fawry_merchant_code):
        raise _not_configured("fawry")
    extra = settings.extra
    return FawryGateway(merchant_code=settings.fawry_merchant_code,
                        security_key=settings.fawry_security_key,
                        return_url=extra.get("fawry_return_url",
                                             f"{settings.public_base_url}/payments/fawry/return"),
                        base_url=extra.get("fawry_base_url", FAWRY_BASE_URL))


def _sandbox(settings: Settings) -> PaymentGateway:
    from chalicelib.adapters.gateways.sandbox import SandboxGateway

    # The sandbox exists only where settings enable it (the local stage only: load_settings refuses it elsewhere).
    if not settings.sandbox_enabled or not settings.paymob_hmac_secret:
        raise _not_configured("sandbox")
    return SandboxGateway(secret=settings.paymob_hmac_secret,
                          public_base_url=settings.public_base_url)


_BUILDERS = {"paymob": _paymob, "fawry": _fawry, "sandbox": _sandbox}


def gateway_for(name: str, settings: Settings) -> PaymentGateway:
    """The adapter for a gateway name from the URL or request body; NotFound if unknown,
    unconfigured, or (sandbox) not enabled."""
    builder = _BUILDERS.get(name) if isinstance(name, str) else None
    if builder is None:
        raise _not_configured(str(name)[:32])
    return builder(settings)
