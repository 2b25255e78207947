"""Settings refuse a malformed environment at start-up instead of failing requests later."""
from __future__ import annotations

import base64

import pytest

from chalicelib.settings import SettingsError, load_settings

BASE = {"STAGE": "local", "TABLE_PREFIX": "t-", "FILES_BUCKET": "t-files",
        "SEAL_KEY_IDS": "alias/new,alias/old", "VERIFY_BASE_URL": "https://v.example/",
        "PUBLIC_BASE_URL": "https://p.example", "AUTH_MODE": "local",
        "LOCAL_JWT_SECRET": "x" * 32}
KEY = base64.b64encode(b"a DER public key").decode()
OTHER_KEY = base64.b64encode(b"another DER public key").decode()


def test_deployed_public_keys_are_read_in_key_order() -> None:
    settings = load_settings({**BASE, "SEAL_PUBLIC_KEYS": f"{KEY}, {OTHER_KEY}"})
    assert settings.seal_key_ids == ("alias/new", "alias/old")
    assert settings.seal_public_keys == (KEY, OTHER_KEY)
    assert settings.verify_base_url == "https://v.example"


def test_without_deployed_public_keys_verification_asks_kms() -> None:
    assert load_settings(BASE).seal_public_keys == ()


@pytest.mark.parametrize("value, complaint", [
    (KEY, "one public key per SEAL_KEY_IDS entry"),
    (f"{KEY},{KEY},{KEY}", "one public key per SEAL_KEY_IDS entry"),
    (f"{KEY},not base64!", "not base64"),
])
def test_public_keys_that_cannot_match_the_key_ids_are_refused(value: str, complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        load_settings({**BASE, "SEAL_PUBLIC_KEYS": value})


def test_another_catalogue_directory_is_for_tests_and_the_local_stack_only() -> None:
    """GIVEN CATALOGUE_DIR THEN a test stage takes it, and prod refuses to start with it."""
    assert load_settings(BASE).catalogue_dir == ""
    assert load_settings({**BASE, "CATALOGUE_DIR": "/tmp/catalogue"}).catalogue_dir == "/tmp/catalogue"
    prod = {**BASE, "STAGE": "prod", "AUTH_MODE": "cognito", "COGNITO_ISSUER": "https://i",
            "COGNITO_AUDIENCE": "a"}
    assert load_settings(prod).catalogue_dir == ""
    with pytest.raises(SettingsError, match="CATALOGUE_DIR"):
        load_settings({**prod, "CATALOGUE_DIR": "/tmp/catalogue"})


COGNITO = {**BASE, "AUTH_MODE": "cognito", "COGNITO_ISSUER": "https://cognito.example/pool",
           "COGNITO_AUDIENCE": "client-id"}
DEPLOYED_SPELLINGS = ["prod", "PROD", "Prod", " prod", "prod ", "production", "staging", "Staging",
                      "dev", "test", "Local", "LOCAL", "local-prod"]


@pytest.mark.parametrize("stage", DEPLOYED_SPELLINGS)
@pytest.mark.parametrize("convenience", [
    {"DEV_TOKENS_ENABLED": "true"}, {"SANDBOX_ENABLED": "1"}, {"SANDBOX_ENABLED": "yes"},
    {"AUTH_MODE": "local", "LOCAL_JWT_SECRET": "x" * 32}, {"CATALOGUE_DIR": "/tmp/catalogue"},
])
def test_every_stage_but_local_refuses_to_start_with_local_conveniences(stage, convenience):
    """GIVEN any stage other than exactly `local`, however spelled, WHEN dev tokens, the sandbox
    or local auth is enabled THEN the settings refuse (the function does not start)."""
    with pytest.raises(SettingsError, match="only the 'local' stage may enable"):
        load_settings({**COGNITO, "STAGE": stage, **convenience})


@pytest.mark.parametrize("stage", DEPLOYED_SPELLINGS)
def test_a_deployed_stage_starts_without_them(stage):
    assert load_settings({**COGNITO, "STAGE": stage}).stage == stage.strip()


def test_the_local_stage_may_enable_them():
    settings = load_settings({**BASE, "DEV_TOKENS_ENABLED": "true", "SANDBOX_ENABLED": "true"})
    assert (settings.dev_tokens_enabled, settings.sandbox_enabled, settings.auth_mode) == \
        (True, True, "local")


def test_quiet_hours_and_the_short_link_host_are_settings() -> None:
    # GIVEN no notification settings THEN 21:00-09:00 and the verification host
    settings = load_settings(BASE)
    assert (settings.quiet_hours, settings.short_link_host) == ("21:00-09:00", "v.example")
    # GIVEN both set THEN they are taken, the host without its scheme
    chosen = load_settings({**BASE, "QUIET_HOURS": "22:00-08:00",
                            "SHORT_LINK_HOST": "https://rukhsa.alexandria.eg/"})
    assert (chosen.quiet_hours, chosen.short_link_host) == ("22:00-08:00", "rukhsa.alexandria.eg")
    # GIVEN malformed quiet hours THEN the function does not start
    with pytest.raises(SettingsError, match="QUIET_HOURS"):
        load_settings({**BASE, "QUIET_HOURS": "night"})
def test_the_sweeper_waits_ten_minutes_unless_told_otherwise() -> None:
    assert load_settings(BASE).sweep_after_minutes == 10
    assert load_settings({**BASE, "SWEEP_AFTER_MINUTES": "3"}).sweep_after_minutes == 3


@pytest.mark.parametrize("value", ["0", "-5", "ten", "2.5"])
def test_a_sweeper_delay_that_is_not_a_positive_whole_number_is_refused(value) -> None:
    with pytest.raises(SettingsError, match="SWEEP_AFTER_MINUTES"):
        load_settings({**BASE, "SWEEP_AFTER_MINUTES": value})
