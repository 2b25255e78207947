"""The one validated settings entry. Read from the environment once, at cold start."""
from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping

AUTH_MODES = ("cognito", "local")


class SettingsError(RuntimeError):
    """A required setting is missing or malformed: the function must not start."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    files_bucket: str
    seal_key_ids: tuple[str, ...]
    """KMS key ids (or aliases) allowed to verify seals; the first one signs new seals."""
    verify_base_url: str
    public_base_url: str
    auth_mode: str
    seal_public_keys: tuple[str, ...] = ()
    """The seal keys' public halves (base64 DER, in SEAL_KEY_IDS order), written at deploy time
    from KMS by infra/; with them a verification needs no KMS call. Empty: ask KMS."""
    cognito_issuer: str = ""
    cognito_audience: str = ""
    """The citizens' user pool (passwordless SMS sign-in) and its portal app client."""
    cognito_staff_issuer: str = ""
    cognito_staff_audience: str = ""
    """The staff's user pool (password + MFA) and its console app client; empty: one pool
    holds everyone and the `cognito:groups` claim alone gives the role."""
    local_jwt_secret: str = ""
    sms_sender_id: str = "Rukhsa"
    paymob_hmac_secret: str = ""
    fawry_security_key: str = ""
    fawry_merchant_code: str = ""
    sandbox_enabled: bool = False
    dev_tokens_enabled: bool = False
    sms_queue_url: str = ""
    """The SMS retry queue's URL in AWS; empty locally, where it is looked up by name."""
    quiet_hours: str = "21:00-09:00"
    """QUIET_HOURS: Cairo hours in which no notification is delivered ('HH:MM-HH:MM', or 'off')."""
    short_link_host: str = ""
    """SHORT_LINK_HOST: the host SMS links name (`<host>/s/<code>`, no scheme); empty: the
    verification base URL's host and path."""
    status_list_queue_url: str = ""
    """The status list's rebuild queue's URL in AWS; empty locally (looked up by name)."""
    catalogue_dir: str = ""
    """CATALOGUE_DIR: a directory holding catalogue.json and districts.json to use instead of
    the packaged chalicelib/data, for tests and the local stack only (refused on any other stage)."""
    applications_per_hour: int = 10
    payment_attempts_per_hour: int = 10
    paper_copies_per_hour: int = 10
    """Per citizen (per caller for paper copies), over any sliding hour: 429 beyond."""
    sms_resend_interval_seconds: int = 600
    """One SMS resend per licence in any window of this many seconds."""
    sweep_after_minutes: int = 10
    """SWEEP_AFTER_MINUTES: how long work must have stalled before the sweeper re-drives it
    (streams and queues finish in seconds; their own retries take a few minutes)."""
    extra: Mapping[str, str] = field(default_factory=dict)

    def table_name(self, logical_name: str) -> str:
        return f"{self.table_prefix}{logical_name}"


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"missing required setting {name}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes")


def load_settings(env: Mapping[str, str]) -> Settings:
    auth_mode = env.get("AUTH_MODE", "cognito")
    if auth_mode not in AUTH_MODES:
        raise SettingsError(f"AUTH_MODE must be one of {AUTH_MODES}")
    settings = Settings(
        stage=_required(env, "STAGE"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-central-1",
        table_prefix=_required(env, "TABLE_PREFIX"),
        files_bucket=_required(env, "FILES_BUCKET"),
        seal_key_ids=tuple(k for k in _required(env, "SEAL_KEY_IDS").split(",") if k),
        seal_public_keys=tuple(k.strip() for k in env.get("SEAL_PUBLIC_KEYS", "").split(",")
                               if k.strip()),
        verify_base_url=_required(env, "VERIFY_BASE_URL").rstrip("/"),
        public_base_url=_required(env, "PUBLIC_BASE_URL").rstrip("/"),
        auth_mode=auth_mode,
        cognito_issuer=env.get("COGNITO_ISSUER", ""),
        cognito_audience=env.get("COGNITO_AUDIENCE", ""),
        cognito_staff_issuer=env.get("COGNITO_STAFF_ISSUER", "").strip(),
        cognito_staff_audience=env.get("COGNITO_STAFF_AUDIENCE", "").strip(),
        local_jwt_secret=env.get("LOCAL_JWT_SECRET", ""),
        sms_sender_id=env.get("SMS_SENDER_ID", "Rukhsa"),
        paymob_hmac_secret=env.get("PAYMOB_HMAC_SECRET", ""),
        fawry_security_key=env.get("FAWRY_SECURITY_KEY", ""),
        fawry_merchant_code=env.get("FAWRY_MERCHANT_CODE", ""),
        sandbox_enabled=_flag(env, "SANDBOX_ENABLED"),
        dev_tokens_enabled=_flag(env, "DEV_TOKENS_ENABLED"),
        sms_queue_url=env.get("SMS_QUEUE_URL", ""),
        status_list_queue_url=env.get("STATUS_LIST_QUEUE_URL", ""),
        catalogue_dir=env.get("CATALOGUE_DIR", "").strip(),
        applications_per_hour=_positive_int(env, "APPLICATIONS_PER_HOUR", 10),
        payment_attempts_per_hour=_positive_int(env, "PAYMENT_ATTEMPTS_PER_HOUR", 10),
        paper_copies_per_hour=_positive_int(env, "PAPER_COPIES_PER_HOUR", 10),
        sms_resend_interval_seconds=_positive_int(env, "SMS_RESEND_INTERVAL_SECONDS", 600),
        quiet_hours=env.get("QUIET_HOURS", "21:00-09:00").strip(),
        short_link_host=_short_link_host(env),
        sweep_after_minutes=_positive_int(env, "SWEEP_AFTER_MINUTES", 10),
        extra=gateway_extra(env),
    )
    from chalicelib.domain.quiet_hours import QuietHours

    try:
        QuietHours.parse(settings.quiet_hours)
    except ValueError:
        raise SettingsError("QUIET_HOURS must read HH:MM-HH:MM (Cairo time) or off") from None
    for der in settings.seal_public_keys:
        try:
            base64.b64decode(der, validate=True)
        except binascii.Error:
            raise SettingsError("SEAL_PUBLIC_KEYS holds a value that is not base64") from None
    if settings.seal_public_keys and len(settings.seal_public_keys) != len(settings.seal_key_ids):
        raise SettingsError("SEAL_PUBLIC_KEYS must hold one public key per SEAL_KEY_IDS entry")
    if auth_mode == "cognito" and not (settings.cognito_issuer and settings.cognito_audience):
        raise SettingsError("AUTH_MODE=cognito needs COGNITO_ISSUER and COGNITO_AUDIENCE")
    if bool(settings.cognito_staff_issuer) != bool(settings.cognito_staff_audience):
        raise SettingsError("COGNITO_STAFF_ISSUER and COGNITO_STAFF_AUDIENCE go together")
    if auth_mode == "local" and len(settings.local_jwt_secret) < 32:
        raise SettingsError("AUTH_MODE=local needs LOCAL_JWT_SECRET of at least 32 characters")
    _refuse_local_conveniences(settings)
    return settings


# The one stage that may run the conveniences of the local stack. Compared exactly: `Local`,
# `PROD`, `staging` or any other spelling is a deployed stage.
LOCAL_STAGE = "local"


def _refuse_local_conveniences(settings: Settings) -> None:
    """Dev tokens, the sandbox gateway, local auth (a shared secret anyone can read in the
    repository) and another catalogue directory exist for the local stack only: any other stage
    refuses to start with them."""
    if settings.stage == LOCAL_STAGE:
        return
    enabled = [name for name, on in (("DEV_TOKENS_ENABLED", settings.dev_tokens_enabled),
                                     ("SANDBOX_ENABLED", settings.sandbox_enabled),
                                     ("AUTH_MODE=local", settings.auth_mode == "local"),
                                     # tests and the local stack only: AWS serves the packaged one
                                     ("CATALOGUE_DIR", bool(settings.catalogue_dir))) if on]
    if enabled:
        raise SettingsError(f"only the {LOCAL_STAGE!r} stage may enable {', '.join(enabled)}; "
                            f"stage {settings.stage!r} refuses to start")


def _short_link_host(env: Mapping[str, str]) -> str:
    host = env.get("SHORT_LINK_HOST", "").strip() or env.get("VERIFY_BASE_URL", "").strip()
    return host.split("://", 1)[-1].rstrip("/")


# Gateway settings beyond the typed ones (docs/gateways.md): environment name -> extra key.
GATEWAY_EXTRA = {"PAYMOB_API_KEY": "paymob_api_key", "PAYMOB_INTEGRATION_ID": "paymob_integration_id",
                 "PAYMOB_OWNER_ID": "paymob_owner_id",
                 "PAYMOB_CALLBACK_INTEGRATION_IDS": "paymob_callback_integration_ids",
                 "PAYMOB_IFRAME_ID": "paymob_iframe_id", "PAYMOB_BASE_URL": "paymob_base_url",
                 "FAWRY_BASE_URL": "fawry_base_url", "FAWRY_RETURN_URL": "fawry_return_url"}


def gateway_extra(env: Mapping[str, str]) -> dict[str, str]:
    return {key: env[name].strip() for name, key in GATEWAY_EXTRA.items() if env.get(name, "").strip()}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)
