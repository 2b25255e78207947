"""The nightly runbook command runs only where it is told to: --local, --stage or --endpoint."""
from __future__ import annotations

import pytest

from devstack.config import local_environment
from devstack.nightly import TargetError, main, parse_args, target_environment

STAGE_ENV = {"STAGE": "prod", "TABLE_PREFIX": "rukhsa-prod-", "AWS_REGION": "eu-central-1"}


def test_without_a_target_it_refuses_to_start(capsys: pytest.CaptureFixture) -> None:
    """GIVEN no --local, --stage or --endpoint WHEN run THEN it exits before touching anything."""
    with pytest.raises(SystemExit) as exited:
        main(["--date", "2026-11-24"])
    assert exited.value.code == 2
    assert "one of the arguments --local --stage --endpoint is required" in capsys.readouterr().err


def test_two_targets_are_refused() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--date", "2026-11-24", "--local", "--stage", "prod"])


def test_local_runs_against_the_local_stack_whatever_the_shell_says() -> None:
    args = parse_args(["--date", "2026-11-24", "--local"])
    env = target_environment(args, {**STAGE_ENV, "AWS_ENDPOINT_URL": "https://elsewhere"})
    local = local_environment()
    assert env["AWS_ENDPOINT_URL"] == local["AWS_ENDPOINT_URL"]
    assert env["STAGE"] == local["STAGE"] == "local"
    assert env["TABLE_PREFIX"] == local["TABLE_PREFIX"]


def test_a_stage_runs_with_that_stages_exported_settings_and_no_endpoint() -> None:
    args = parse_args(["--date", "2026-11-24", "--stage", "prod"])
    env = target_environment(args, STAGE_ENV)
    assert env == STAGE_ENV and "AWS_ENDPOINT_URL" not in env


@pytest.mark.parametrize("environ, complaint", [
    ({**STAGE_ENV, "AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}, "AWS_ENDPOINT_URL is set"),
    ({**STAGE_ENV, "STAGE": "local"}, "STAGE=local"),
    ({}, "STAGE=nothing"),
])
def test_a_stage_whose_environment_says_otherwise_is_refused(environ: dict, complaint: str) -> None:
    args = parse_args(["--date", "2026-11-24", "--stage", "prod"])
    with pytest.raises(TargetError, match=complaint):
        target_environment(args, environ)


def test_a_refused_target_exits_with_the_reason(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("STAGE", "local")
    assert main(["--date", "2026-11-24", "--stage", "prod"]) == 2
    assert "refused: --stage prod" in capsys.readouterr().err


def test_an_explicit_endpoint_is_used_with_the_environment_settings() -> None:
    args = parse_args(["--date", "2026-11-24", "--endpoint", "http://127.0.0.1:9999"])
    env = target_environment(args, STAGE_ENV)
    assert env == {**STAGE_ENV, "AWS_ENDPOINT_URL": "http://127.0.0.1:9999"}
