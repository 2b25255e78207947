"""The CDK app synthesises offline, builds what infra/resources.py describes, and lints clean.

One `cdk synth` per session (the `synth` fixture). It installs what is missing first:
- Python: `pip install -r infra/requirements.txt` into the running interpreter (aws-cdk-lib,
  constructs, cfn-lint), only when a pinned version is not already there;
- the pinned CDK CLI: `npm ci` in infra/ when infra/node_modules has no `cdk`;
- checkov: an isolated virtualenv at infra/.checkov-venv from infra/requirements-checkov.txt
  (checkov pins an old boto3 and packaging that would break the app's own pins).
Nothing reaches AWS: no credentials, no lookups, no version reporting, notices or telemetry.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import time
import venv
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from infra.functions import FUNCTIONS, QUEUES, function_name_of_handler
from infra.site_files import API_PATHS, app_files, spa_function_code
from infra.web_headers import content_security_policy
from infra.resources import (EVENT_SOURCES, FILES_BUCKET_LIFECYCLE_DAYS, SEAL_KEY_SPEC,
                             SMS_ATTRIBUTES, STAFF_ROLES, TABLES)

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CHECKOV_VENV = INFRA / ".checkov-venv"
STACK = "Rukhsa-prod"
EDGE_STACK = "Rukhsa-prod-edge"
ISSUING_FUNCTIONS = {name for name, access in FUNCTIONS.items() if access.signs_seals}


# ---- installation ---------------------------------------------------------------------------
def _pins(requirements: Path) -> dict[str, str]:
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip()] = version.strip()
    return pins


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _ensure_python_tools() -> None:
    pins = _pins(INFRA / "requirements.txt")
    if all(_installed(name) == version for name, version in pins.items()):
        return
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(INFRA / "requirements.txt")], check=True)


def _ensure_cdk_cli() -> Path:
    cli = INFRA / "node_modules" / ".bin" / "cdk"
    if not cli.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install the pinned aws-cdk CLI (infra/package.json)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=INFRA, check=True)
    return cli


def _ensure_checkov() -> Path:
    checkov = CHECKOV_VENV / "bin" / "checkov"
    wanted = _pins(INFRA / "requirements-checkov.txt")["checkov"]
    stamp = CHECKOV_VENV / "installed-version"
    if checkov.exists() and stamp.exists() and stamp.read_text() == wanted:
        return checkov
    venv.EnvBuilder(with_pip=True, clear=True).create(CHECKOV_VENV)
    subprocess.run([str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", "-r",
                    str(INFRA / "requirements-checkov.txt")], check=True)
    stamp.write_text(wanted)
    return checkov


# ---- synthesis ------------------------------------------------------------------------------
def _offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("CDK_DEFAULT_ACCOUNT",)}
    env.update({
        # The CDK app runs with this interpreter (cdk.json says `python app.py`).
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "AWS_EC2_METADATA_DISABLED": "true",  # no credential probing of an instance endpoint
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_DEFAULT_REGION": "eu-central-1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
    })
    return env


@dataclass
class Synth:
    out: Path
    template: dict[str, Any]
    template_path: Path
    seconds: float
    app_dir: Path
    edge: dict[str, Any]
    edge_path: Path
    web_dist: Path

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template["Resources"]

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == kind}

    def functions(self) -> dict[str, dict[str, Any]]:
        """Function name (as in infra/functions.py) -> its packaged SAM resource."""
        return {function_name_of_handler(r["Properties"]["Handler"]): r
                for r in self.of_type("AWS::Serverless::Function").values()}


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    _ensure_python_tools()
    cli = _ensure_cdk_cli()
    app_dir = ROOT  # the stack deploys the project's own app.py
    out = tmp_path_factory.mktemp("cdk.out")
    # A built web app of its own, so the synth is the same whether or not web/dist is built.
    web_dist = tmp_path_factory.mktemp("dist")
    (web_dist / "assets").mkdir()
    (web_dist / "index.html").write_text("<!doctype html><title>portal</title>")
    (web_dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    (web_dist / "robots.txt").write_text("")
    started = time.monotonic()
    result = subprocess.run(
        [str(cli), "synth", "--no-version-reporting", "--no-notices", "--lookups=false",
         "--quiet", "--output", str(out), "-c", f"rukhsa:appDir={app_dir}",
         "-c", f"rukhsa:webDist={web_dist}"],
        cwd=INFRA, env=_offline_env(), capture_output=True, text=True, timeout=900,
    )
    seconds = time.monotonic() - started
    shutil.rmtree(INFRA / "chalice.out", ignore_errors=True)  # packaging scratch, copied to out
    assert result.returncode == 0, f"cdk synth failed:\n{result.stdout}\n{result.stderr}"
    template_path = out / f"{STACK}.template.json"
    edge_path = out / f"{EDGE_STACK}.template.json"
    return Synth(out=out, template=json.loads(template_path.read_text()),
                 template_path=template_path, seconds=seconds, app_dir=app_dir,
                 edge=json.loads(edge_path.read_text()), edge_path=edge_path, web_dist=web_dist)


def _ref_id(value: Any) -> str:
    """The logical id inside {"Ref": id} or {"Fn::GetAtt": [id, attr]}."""
    if "Ref" in value:
        return value["Ref"]
    return value["Fn::GetAtt"][0]


def _table_ids(synth: Synth) -> dict[str, str]:
    return {r["Properties"]["TableName"].removeprefix("rukhsa-prod-"): logical
            for logical, r in synth.of_type("AWS::DynamoDB::Table").items()}


def _statements_of_role(synth: Synth, role_id: str) -> list[dict[str, Any]]:
    statements = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if any(_ref_id(r) == role_id for r in policy["Properties"]["Roles"]):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    actions: set[str] = set()
    for statement in statements:
        if statement["Effect"] != "Allow":
            continue
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
    return actions


# ---- tests that need no synthesis -----------------------------------------------------------
def test_function_table_names_only_known_tables_and_queues() -> None:
    """GIVEN the least-privilege table WHEN read THEN every table and queue it names exists."""
    tables = {t.logical_name for t in TABLES}
    for name, access in FUNCTIONS.items():
        named = set(access.reads) | set(access.writes) | set(access.appends)
        named |= {access.stream} if access.stream else set()
        assert named <= tables, f"{name} names unknown tables {named - tables}"
        assert set(access.sends_to) | ({access.consumes} - {None}) <= set(QUEUES), name


def test_handler_names_map_to_function_names() -> None:
    """GIVEN Chalice handler strings WHEN mapped THEN the REST handler is `api_handler`."""
    assert function_name_of_handler("app.app") == "api_handler"
    assert function_name_of_handler("app.nightly_worker") == "nightly_worker"


def test_app_files_are_index_config_and_the_public_folder_even_without_a_build() -> None:
    """GIVEN no web/dist WHEN the app's root files are listed THEN index.html, config.json and
    what web/public holds: the SPA function never sends those to index.html."""
    files = app_files(None)
    assert {"/index.html", "/config.json", "/inspect.webmanifest", "/inspect-sw.js"} <= set(files)
    assert not any(name.startswith("/assets") for name in files)


# ---- the synthesised template ---------------------------------------------------------------
def test_tables_come_from_resources_with_pitr_encryption_streams_indexes_ttl(synth: Synth) -> None:
    """GIVEN infra/resources.py TABLES WHEN synthesised THEN each is a table built from it."""
    tables = _table_ids(synth)
    assert set(tables) == {t.logical_name for t in TABLES}
    for spec in TABLES:
        props = synth.resources[tables[spec.logical_name]]["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert props["SSESpecification"]["SSEType"] == "KMS"
        keys = {k["AttributeName"]: k["KeyType"] for k in props["KeySchema"]}
        assert keys[spec.hash_key] == "HASH"
        assert (keys.get(spec.range_key) == "RANGE") if spec.range_key else len(keys) == 1
        indexes = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes", [])}
        assert set(indexes) == {i.name for i in spec.indexes}
        for index in spec.indexes:
            schema = {k["AttributeName"]: k["KeyType"] for k in indexes[index.name]["KeySchema"]}
            assert schema[index.hash_key] == "HASH"
            assert indexes[index.name]["Projection"]["ProjectionType"] == index.projection
        stream = props.get("StreamSpecification", {}).get("StreamViewType")
        assert stream == spec.stream
        ttl = props.get("TimeToLiveSpecification")
        assert (ttl == {"AttributeName": spec.ttl_attribute, "Enabled": True}
                if spec.ttl_attribute else ttl is None)
        assert synth.resources[tables[spec.logical_name]]["DeletionPolicy"] == "Retain"


def test_files_bucket_is_private_encrypted_versioned_tls_only_and_expires_prefixes(
        synth: Synth) -> None:
    """GIVEN the files bucket WHEN synthesised THEN public access is blocked, KMS SSE, TLS only."""
    buckets = {k: v for k, v in synth.of_type("AWS::S3::Bucket").items()
               if k.startswith("FilesBucket")}
    assert len(buckets) == 1
    bucket_id, bucket = next(iter(buckets.items()))
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True,
        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert props["VersioningConfiguration"]["Status"] == "Enabled"
    assert "DestinationBucketName" in props["LoggingConfiguration"]
    expiring = {r["Prefix"]: r["ExpirationInDays"]
                for r in props["LifecycleConfiguration"]["Rules"] if "Prefix" in r}
    assert expiring == FILES_BUCKET_LIFECYCLE_DAYS
    policies = [p for p in synth.of_type("AWS::S3::BucketPolicy").values()
                if _ref_id(p["Properties"]["Bucket"]) == bucket_id]
    denies = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]
              if s["Effect"] == "Deny"]
    assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def test_seal_key_is_an_asymmetric_signing_key_with_its_alias(synth: Synth) -> None:
    """GIVEN the seal key WHEN synthesised THEN ECC_NIST_P256 SIGN_VERIFY, aliased, retained."""
    keys = {k: v for k, v in synth.of_type("AWS::KMS::Key").items()
            if v["Properties"].get("KeySpec") == SEAL_KEY_SPEC}
    assert len(keys) == 1
    key_id, key = next(iter(keys.items()))
    assert key["Properties"]["KeyUsage"] == "SIGN_VERIFY"
    assert key["DeletionPolicy"] == "Retain"
    aliases = [a["Properties"]["AliasName"] for a in synth.of_type("AWS::KMS::Alias").values()
               if _ref_id(a["Properties"]["TargetKeyId"]) == key_id]
    assert aliases == ["alias/rukhsa-seal"]


def test_stream_handlers_read_the_real_table_streams(synth: Synth) -> None:
    """GIVEN placeholder stream ARNs at package time WHEN synthesised THEN the tables' streams."""
    tables = _table_ids(synth)
    functions = synth.functions()
    for name, access in FUNCTIONS.items():
        if not access.stream or name not in functions:
            continue  # not in app.py (yet)
        events = [e for e in functions[name]["Properties"]["Events"].values()
                  if e["Type"] == "DynamoDB"]
        assert len(events) == 1, name
        stream = events[0]["Properties"]["Stream"]
        assert stream == {"Fn::GetAtt": [tables[access.stream], "StreamArn"]}, name
    # Every function imports app.py, which reads the stream ARNs: all get the real ones.
    for name, function in functions.items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["APPLICATIONS_STREAM_ARN"] == {
            "Fn::GetAtt": [tables["applications"], "StreamArn"]}, name
        assert env["PAYMENTS_STREAM_ARN"] == {"Fn::GetAtt": [tables["payments"], "StreamArn"]}
        assert env["LICENCES_STREAM_ARN"] == {"Fn::GetAtt": [tables["licences"], "StreamArn"]}


def test_licence_status_notices_come_from_the_licences_stream(synth: Synth) -> None:
    """GIVEN status notices and status-list rebuild requests queued from the licences stream
    WHEN synthesised THEN its consumer reads that stream, may send to the SMS queue, the status
    list's queue and its own DLQ, and writes only the `once` table (the rebuild's debounce
    claim); no other function asks for the rebuild."""
    tables = _table_ids(synth)
    queues = {q["Properties"]["QueueName"]: k for k, q in synth.of_type("AWS::SQS::Queue").items()}
    consumer = synth.functions()["on_licence_change"]
    [event] = [e["Properties"] for e in consumer["Properties"]["Events"].values()
               if e["Type"] == "DynamoDB"]
    assert event["Stream"] == {"Fn::GetAtt": [tables["licences"], "StreamArn"]}
    assert event["StartingPosition"] == "TRIM_HORIZON"
    statements = _statements_of_role(synth, _ref_id(consumer["Properties"]["Role"]))
    sends = {_ref_id(r) for s in statements if "sqs:SendMessage" in _actions([s])
             for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])}
    assert sends == {queues["rukhsa-sms"], queues["rukhsa-status-list"],
                     queues["rukhsa-licences-dlq"]}
    written = {_ref_id(r) for s in statements if "dynamodb:PutItem" in _actions([s])
               for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])}
    assert written == {tables["once"]}
    askers = {name for name, access in FUNCTIONS.items() if "rukhsa-status-list" in access.sends_to}
    assert askers == {"on_licence_change"}


def test_queue_consumers_read_encrypted_tls_only_queues_with_dead_letters(synth: Synth) -> None:
    """GIVEN the SQS handlers WHEN synthesised THEN they read our queues, each with a DLQ."""
    queues = synth.of_type("AWS::SQS::Queue")
    by_name = {q["Properties"]["QueueName"]: k for k, q in queues.items()}
    functions = synth.functions()
    for name in QUEUES:
        queue = queues[by_name[name]]["Properties"]
        assert "KmsMasterKeyId" in queue
        dead = queue["RedrivePolicy"]["deadLetterTargetArn"]
        assert _ref_id(dead) == by_name[f"{name}-dlq"]
    for name, access in FUNCTIONS.items():
        if access.consumes and name in functions:
            event = next(e for e in functions[name]["Properties"]["Events"].values()
                         if e["Type"] == "SQS")
            assert event["Properties"]["Queue"] == {"Fn::GetAtt": [by_name[access.consumes], "Arn"]}
    tls_only = [s for p in synth.of_type("AWS::SQS::QueuePolicy").values()
                for s in p["Properties"]["PolicyDocument"]["Statement"]
                if s["Effect"] == "Deny" and s.get("Condition") == {
                    "Bool": {"aws:SecureTransport": "false"}}]
    assert len(tls_only) == len(queues)


def test_every_event_source_dead_letters_after_bounded_retries(synth: Synth) -> None:
    """GIVEN EVENT_SOURCES WHEN synthesised THEN each stream source bisects, retries a bounded
    number of times, drops nothing older than its age but sends it to its own DLQ (which the
    function may write); each queue redrives to its own DLQ after its receives; every DLQ is
    encrypted, kept 14 days, and alarmed."""
    queues = synth.of_type("AWS::SQS::Queue")
    by_name = {q["Properties"]["QueueName"]: k for k, q in queues.items()}
    functions = synth.functions()
    alarmed = {_ref_id(d["Value"]) for a in synth.of_type("AWS::CloudWatch::Alarm").values()
               for d in a["Properties"].get("Dimensions", [])
               if d["Name"] == "QueueName"}
    for source in EVENT_SOURCES:
        dlq_id = by_name[source.dead_letter_queue]
        dlq = queues[dlq_id]["Properties"]
        assert "KmsMasterKeyId" in dlq and dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert dlq_id in alarmed, source.name
        if source.queue:
            policy = queues[by_name[source.queue]]["Properties"]["RedrivePolicy"]
            assert _ref_id(policy["deadLetterTargetArn"]) == dlq_id
            assert policy["maxReceiveCount"] == source.max_retries
            continue
        consumer = next(name for name, access in FUNCTIONS.items()
                        if access.stream == source.table)
        event = next(e for e in functions[consumer]["Properties"]["Events"].values()
                     if e["Type"] == "DynamoDB")["Properties"]
        assert event["BisectBatchOnFunctionError"] is True
        assert event["MaximumRetryAttempts"] == source.max_retries == 5
        assert event["MaximumRecordAgeInSeconds"] == source.max_record_age_seconds == 3600
        assert event["DestinationConfig"]["OnFailure"]["Type"] == "SQS"
        assert event["DestinationConfig"]["OnFailure"]["Destination"] == {
            "Fn::GetAtt": [dlq_id, "Arn"]}
        statements = _statements_of_role(synth, _ref_id(functions[consumer]["Properties"]["Role"]))
        sends = [s for s in statements if "sqs:SendMessage" in _actions([s])]
        targets = {_ref_id(r) for s in sends
                   for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])}
        assert dlq_id in targets, consumer


def test_each_function_has_its_own_least_privilege_role(synth: Synth) -> None:
    """GIVEN infra/functions.py WHEN synthesised THEN one role per function; Sign only issuers."""
    functions = synth.functions()
    assert "api_handler" in functions and set(functions) <= set(FUNCTIONS)
    roles = {name: _ref_id(f["Properties"]["Role"]) for name, f in functions.items()}
    assert len(set(roles.values())) == len(roles)
    for name, role in roles.items():
        actions = _actions(_statements_of_role(synth, role))
        assert ("kms:Sign" in actions) == (name in ISSUING_FUNCTIONS), name
        assert ("sns:Publish" in actions) == FUNCTIONS[name].sends_sms, name
        assert not any(a.endswith(":*") or a == "*" for a in actions), (name, actions)
    api = _actions(_statements_of_role(synth, roles["api_handler"]))
    assert "kms:GetPublicKey" in api and "kms:Sign" not in api
    if "nightly" in roles:
        nightly = _actions(_statements_of_role(synth, roles["nightly"]))
        assert "dynamodb:PutItem" not in nightly  # it only plans and fans out
        assert "sqs:SendMessage" in nightly


def test_environment_points_at_the_stack_and_references_secrets(synth: Synth) -> None:
    """GIVEN the settings the app reads WHEN synthesised THEN every function gets them; gateway
    secrets are Secrets Manager references in the two functions that need them only."""
    required = {"STAGE", "TABLE_PREFIX", "FILES_BUCKET", "SEAL_KEY_IDS", "VERIFY_BASE_URL",
                "PUBLIC_BASE_URL", "AUTH_MODE", "COGNITO_ISSUER", "COGNITO_AUDIENCE"}
    for name, function in synth.functions().items():
        env = function["Properties"]["Environment"]["Variables"]
        assert required <= set(env), name
        assert env["AUTH_MODE"] == "cognito" and env["TABLE_PREFIX"] == "rukhsa-prod-"
        secret = env.get("PAYMOB_HMAC_SECRET")
        assert (secret is not None) == FUNCTIONS[name].gateway_secrets, name
        if secret is not None:
            assert secret.startswith("{{resolve:secretsmanager:rukhsa/prod/gateways:")
        assert "LOCAL_JWT_SECRET" not in env
        assert function["Properties"]["Tracing"] == "Active"
        assert "KmsKeyArn" in function["Properties"]


def test_every_function_logs_to_its_own_retained_log_group(synth: Synth) -> None:
    """GIVEN the functions WHEN synthesised THEN each has a log group with retention."""
    groups = synth.of_type("AWS::Logs::LogGroup")
    for name, function in synth.functions().items():
        group = groups[_ref_id(function["Properties"]["LoggingConfig"]["LogGroup"])]
        assert group["Properties"]["RetentionInDays"] == 365, name
        assert group["Properties"]["LogGroupName"] == (
            f"/aws/lambda/{function['Properties']['FunctionName']}")


def test_api_is_throttled_and_tighter_on_verification_and_keys(synth: Synth) -> None:
    """GIVEN the REST API WHEN synthesised THEN stage throttling, tighter for the QR's
    public routes (/v/{token}, /V/{token}, the SMS short link /s/{code}) and /v1/keys."""
    api = synth.resources["RestAPI"]["Properties"]
    settings = {(m["ResourcePath"], m["HttpMethod"]): m for m in api["MethodSettings"]}
    default = settings[("/*", "*")]
    for path, method in itertools.product(
            ("/~1v~1{token}", "/~1V~1{token}", "/~1s~1{code}", "/~1v1~1keys"), ("GET", "HEAD")):
        tight = settings[(path, method)]
        assert tight["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert tight["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    assert api["TracingEnabled"] is True
    assert "DestinationArn" in api["AccessLogSetting"]


def test_the_gateway_answers_in_the_error_contract_with_nosniff(synth: Synth) -> None:
    """GIVEN the REST API WHEN synthesised THEN what API Gateway answers itself is the bilingual
    envelope with nosniff: an unknown path 404 (not 403 "Missing Authentication Token"),
    throttling 429, and every other 4xx/5xx."""
    responses = synth.resources["RestAPI"]["Properties"]["GatewayResponses"]
    assert {"MISSING_AUTHENTICATION_TOKEN", "RESOURCE_NOT_FOUND", "THROTTLED", "QUOTA_EXCEEDED",
            "REQUEST_TOO_LARGE", "WAF_FILTERED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    statuses = {kind: response.get("StatusCode") for kind, response in responses.items()}
    assert statuses["MISSING_AUTHENTICATION_TOKEN"] == "404" and statuses["THROTTLED"] == "429"
    assert statuses["DEFAULT_4XX"] is None and statuses["DEFAULT_5XX"] is None  # keep AWS's
    for kind, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["X-Content-Type-Options"] == "'nosniff'", kind
        error = json.loads(response["ResponseTemplates"]["application/json"])["error"]
        assert set(error) == {"code", "message_ar", "message_en"}, kind
        assert any("\u0600" <= c <= "\u06ff" for c in error["message_ar"]), kind
        assert "$" not in response["ResponseTemplates"]["application/json"]  # no VTL to evaluate
    not_found = json.loads(responses["MISSING_AUTHENTICATION_TOKEN"]["ResponseTemplates"]
                           ["application/json"])["error"]
    assert not_found["code"] == "not_found"
    assert responses["THROTTLED"]["ResponseParameters"]["Headers"]["Retry-After"] == "'1'"


def test_the_edge_web_acl_limits_each_client_ip_and_tighter_on_the_qr_routes(
        synth: Synth) -> None:
    """GIVEN the edge stack (us-east-1) WHEN synthesised THEN a CLOUDFRONT web ACL blocks a
    client IP over its rate (429, Retry-After, the API's bilingual error body), with a stricter
    limit on /v/{token}, /V/{token} and /s/{code}, logs what it blocks, and publishes its ARN in
    the SSM parameter the main stack reads."""
    import re

    resources = synth.edge["Resources"]
    (acl_id, acl), = [(k, v) for k, v in resources.items() if v["Type"] == "AWS::WAFv2::WebACL"]
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT" and props["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in props["Rules"]}
    verify = rules["verify-per-ip"]["Statement"]["RateBasedStatement"]
    everything = rules["api-per-ip"]["Statement"]["RateBasedStatement"]
    assert verify["AggregateKeyType"] == everything["AggregateKeyType"] == "IP"
    assert "ScopeDownStatement" not in everything
    assert 10 <= verify["Limit"] < everything["Limit"]
    pattern = re.compile(verify["ScopeDownStatement"]["RegexMatchStatement"]["RegexString"])
    for path in ("/v/eyJhbGciOi.abc", "/v1/v/eyJ.abc", "/V/TOKEN", "/s/Ab3dE", "/v1/s/Ab3dE"):
        assert pattern.match(path), path
    for path in ("/v1/applications", "/v1/keys", "/v1/licences/ALX-1/sms", "/v/", "/v/a/b"):
        assert not pattern.match(path), path
    for name in ("verify-per-ip", "api-per-ip"):
        response = rules[name]["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 429
        headers = {h["Name"]: h["Value"] for h in response["ResponseHeaders"]}
        assert headers == {"Retry-After": "300", "X-Content-Type-Options": "nosniff"}
        body = json.loads(props["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
        assert body["error"]["message_ar"] and body["error"]["message_en"]
    (logging,) = [r["Properties"] for r in resources.values()
                  if r["Type"] == "AWS::WAFv2::LoggingConfiguration"]
    assert logging["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert "-edge" in logging["LogDestinationConfigs"][0]["Fn::Sub"]
    (parameter,) = [r["Properties"] for r in resources.values()
                    if r["Type"] == "AWS::SSM::Parameter"]
    assert parameter["Name"] == "/rukhsa/prod/edge-web-acl-arn"
    assert parameter["Value"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    # AND the stacks' manifest pins the edge stack to us-east-1, deployed before the main stack
    manifest = json.loads((synth.out / "manifest.json").read_text())["artifacts"]
    assert manifest[EDGE_STACK]["environment"].endswith("/us-east-1")
    assert EDGE_STACK in manifest[STACK]["dependencies"]


def test_the_api_stage_refuses_what_did_not_come_through_the_edge(synth: Synth) -> None:
    """GIVEN the regional web ACL on the API stage WHEN synthesised THEN it blocks (403, the
    bilingual body) every request without the secret header that CloudFront adds to what it
    sends the API, the secret being one Secrets Manager value for both."""
    props = synth.resources["ApiWebAcl"]["Properties"]
    assert props["Scope"] == "REGIONAL"
    rules = {rule["Name"]: rule for rule in props["Rules"]}
    edge_only = rules["edge-only"]
    assert edge_only["Priority"] == 0
    match = edge_only["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-rukhsa-edge"}}
    assert match["PositionalConstraint"] == "EXACTLY"
    response = edge_only["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 403
    body = json.loads(props["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
    assert any("\u0600" <= c <= "\u06ff" for c in body["error"]["message_ar"])
    (distribution,) = synth.of_type("AWS::CloudFront::Distribution").values()
    api_origin = next(o for o in distribution["Properties"]["DistributionConfig"]["Origins"]
                      if "CustomOriginConfig" in o)
    (header,) = api_origin["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Rukhsa-Edge"
    assert header["HeaderValue"] == match["SearchString"]  # the same dynamic reference
    assert "{{resolve:secretsmanager:" in json.dumps(header["HeaderValue"])
    (association,) = _attached_to(synth, "AWS::WAFv2::WebACLAssociation", "WebACLArn",
                                  "ApiWebAcl")
    assert "${RestAPI.Stage}" in association["ResourceArn"]["Fn::Sub"]


def _attached_to(synth: Synth, kind: str, prop: str, logical_id: str) -> list[dict[str, Any]]:
    """The properties of every resource of `kind` whose `prop` refers to `logical_id`."""
    return [r["Properties"] for r in synth.of_type(kind).values()
            if _ref_id(r["Properties"][prop]) == logical_id]


def _pools(synth: Synth) -> tuple[tuple[str, dict], tuple[str, dict]]:
    """(citizens' pool, staff's pool), each as (logical id, properties)."""
    pools = {v["Properties"]["UserPoolName"]: (k, v["Properties"])
             for k, v in synth.of_type("AWS::Cognito::UserPool").items()}
    assert set(pools) == {"rukhsa-prod", "rukhsa-prod-staff"}
    return pools["rukhsa-prod"], pools["rukhsa-prod-staff"]


def test_cognito_sms_sign_up_and_sign_in_are_protected_from_sms_pumping(synth: Synth) -> None:
    """GIVEN issue 18 item 4 WHEN synthesised THEN both user pools enforce threat protection,
    and a regional web ACL on each pool blocks a client IP over its rate on every Cognito
    operation and, more tightly, on those that send an SMS."""
    import re

    acl_id = "UserPoolWebAcl"
    for pool_id, pool in _pools(synth):
        assert pool["UserPoolTier"] == "PLUS"
        assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
        associations = _attached_to(synth, "AWS::WAFv2::WebACLAssociation", "WebACLArn", acl_id)
        assert {"Fn::GetAtt": [pool_id, "Arn"]} in [a["ResourceArn"] for a in associations]
    assert synth.resources[acl_id]["Type"] == "AWS::WAFv2::WebACL"
    props = synth.resources[acl_id]["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in props["Rules"]}
    sms = rules["sms-per-ip"]["Statement"]["RateBasedStatement"]
    everything = rules["auth-per-ip"]["Statement"]["RateBasedStatement"]
    assert sms["AggregateKeyType"] == everything["AggregateKeyType"] == "IP"
    assert "ScopeDownStatement" not in everything
    assert 10 <= sms["Limit"] < everything["Limit"]
    for name in ("sms-per-ip", "auth-per-ip"):
        assert "Block" in rules[name]["Action"], name
    match = sms["ScopeDownStatement"]["RegexMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-amz-target"}}
    pattern = re.compile(match["RegexString"])
    for operation in ("SignUp", "ResendConfirmationCode", "ForgotPassword", "InitiateAuth",
                      "GetUserAttributeVerificationCode"):
        assert pattern.match(f"AWSCognitoIdentityProviderService.{operation}"), operation
    for operation in ("ConfirmSignUp", "RespondToAuthChallenge", "GetUser", "SignUpX",
                      "RevokeToken"):
        assert not pattern.match(f"AWSCognitoIdentityProviderService.{operation}"), operation
    assert not pattern.match("XAWSCognitoIdentityProviderService.SignUp")
    # Cognito's WAF integration refuses a web ACL with the account-takeover managed rules.
    groups = [r["Statement"].get("ManagedRuleGroupStatement", {}).get("Name")
              for r in props["Rules"]]
    assert "AWSManagedRulesATPRuleSet" not in groups
    (logging,) = _attached_to(synth, "AWS::WAFv2::LoggingConfiguration", "ResourceArn", acl_id)
    assert "-auth" in logging["LogDestinationConfigs"][0]["Fn::Sub"]


def test_citizens_sign_in_passwordless_and_staff_with_password_and_mfa(synth: Synth) -> None:
    """GIVEN issues 15 and 16 WHEN synthesised THEN the citizens' pool signs in by mobile with
    an SMS one-time code (choice-based sign-in; MFA off, which passwordless needs) and lets
    citizens register; the staff's pool has no self sign-up, requires MFA (authenticator app,
    no SMS) and holds the staff groups and the district attribute."""
    (_, citizens), (staff_id, staff) = _pools(synth)
    assert citizens["UsernameAttributes"] == ["phone_number"]
    assert citizens["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == [
        "PASSWORD", "SMS_OTP"]
    assert citizens["MfaConfiguration"] == "OFF"
    assert citizens["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert staff["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert staff["MfaConfiguration"] == "ON"
    assert staff["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert any(a["Name"] == "district" for a in staff["Schema"])
    groups = {g["Properties"]["GroupName"]: _ref_id(g["Properties"]["UserPoolId"])
              for g in synth.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {role: staff_id for role in STAFF_ROLES}


def test_each_pool_has_a_public_pkce_client_on_managed_login_at_the_public_origin(
        synth: Synth) -> None:
    """GIVEN the two pools WHEN synthesised THEN each has one public app client (no secret)
    doing the authorization code grant back to the public origin's /auth/callback, the portal
    with choice-based sign-in (ALLOW_USER_AUTH) and the staff with SRP; a managed login (v2)
    domain and branding per pool; and the functions know both issuers and clients."""
    (citizens_id, _), (staff_id, _) = _pools(synth)
    clients = {_ref_id(c["Properties"]["UserPoolId"]): (k, c["Properties"])
               for k, c in synth.of_type("AWS::Cognito::UserPoolClient").items()}
    assert set(clients) == {citizens_id, staff_id}
    flows = {citizens_id: "ALLOW_USER_AUTH", staff_id: "ALLOW_USER_SRP_AUTH"}
    for pool_id, (client_id, client) in clients.items():
        assert client.get("GenerateSecret") in (None, False)
        assert client["AllowedOAuthFlows"] == ["code"]
        assert client["AllowedOAuthFlowsUserPoolClient"] is True
        assert "openid" in client["AllowedOAuthScopes"]
        assert client["CallbackURLs"] == ["https://rukhsa.example.gov.eg/auth/callback"]
        assert client["LogoutURLs"] == ["https://rukhsa.example.gov.eg/"]
        assert client["SupportedIdentityProviders"] == ["COGNITO"]
        assert flows[pool_id] in client["ExplicitAuthFlows"]
        assert not {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"} & set(
            client["ExplicitAuthFlows"])
        (branding,) = [b["Properties"] for b in synth.of_type(
            "AWS::Cognito::ManagedLoginBranding").values()
            if _ref_id(b["Properties"]["UserPoolId"]) == pool_id]
        assert _ref_id(branding["ClientId"]) == client_id
        assert branding["UseCognitoProvidedValues"] is True
    domains = {_ref_id(d["Properties"]["UserPoolId"]): d["Properties"]
               for d in synth.of_type("AWS::Cognito::UserPoolDomain").values()}
    assert domains[citizens_id]["Domain"] == "rukhsa-prod"
    assert domains[staff_id]["Domain"] == "rukhsa-prod-staff"
    assert all(d["ManagedLoginVersion"] == 2 for d in domains.values())
    assert "custom:district" not in clients[staff_id][1]["WriteAttributes"]  # admins set it
    for name, function in synth.functions().items():
        env = function["Properties"]["Environment"]["Variables"]
        assert _ref_id(env["COGNITO_AUDIENCE"]) == clients[citizens_id][0], name
        assert _ref_id(env["COGNITO_STAFF_AUDIENCE"]) == clients[staff_id][0], name
        assert citizens_id in json.dumps(env["COGNITO_ISSUER"])
        assert staff_id in json.dumps(env["COGNITO_STAFF_ISSUER"])


def test_app_clients_let_the_web_app_renew_sessions_for_a_bounded_time(synth: Synth) -> None:
    """GIVEN the two app clients WHEN synthesised THEN ID tokens last an hour and refresh tokens
    renew them (web/src/lib/renewal.ts) for a working day on the staff's client and longer on
    the citizens', through the OAuth token endpoint: refresh-token rotation stays off (Cognito
    rotates only through its GetTokensFromRefreshToken API)."""
    (citizens_id, _), (staff_id, _) = _pools(synth)
    clients = {_ref_id(c["Properties"]["UserPoolId"]): c["Properties"]
               for c in synth.of_type("AWS::Cognito::UserPoolClient").values()}

    def lasting(client: dict, kind: str) -> int:
        """A token's validity in minutes, whatever unit the template gives it in."""
        minutes_per = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 24 * 60}
        unit = client.get("TokenValidityUnits", {}).get(
            f"{kind}Token", "days" if kind == "Refresh" else "hours")
        return round(client[f"{kind}TokenValidity"] * minutes_per[unit])

    for client in clients.values():
        assert lasting(client, "Id") == lasting(client, "Access") == 60
        assert "ALLOW_REFRESH_TOKEN_AUTH" in client["ExplicitAuthFlows"]
        assert client.get("RefreshTokenRotation", {}).get("Feature", "DISABLED") == "DISABLED"
        assert client.get("EnableTokenRevocation", True) is True
    assert lasting(clients[staff_id], "Refresh") == 12 * 60  # a working day
    assert lasting(clients[citizens_id], "Refresh") == 30 * 24 * 60


def test_alarms_watch_every_dead_letter_queue_and_function(synth: Synth) -> None:
    """GIVEN DLQs and functions WHEN synthesised THEN each has an alarm with an action."""
    alarms = synth.of_type("AWS::CloudWatch::Alarm").values()
    dlq_alarms = [a for a in alarms if a["Properties"].get("Namespace") == "AWS/SQS"]
    error_alarms = [a for a in alarms if a["Properties"].get("MetricName") == "Errors"]
    assert len(dlq_alarms) == len(EVENT_SOURCES)
    assert len(error_alarms) == len(synth.functions())
    assert all(a["Properties"]["AlarmActions"] for a in alarms)


def test_alarms_on_5xx_rate_webhook_401s_night_failures_and_sweeper_redrives(synth: Synth) -> None:
    """GIVEN the observability of issue 13 WHEN synthesised THEN alarms, each with an action,
    watch the API's 5xx share, refused gateway callbacks (counted from the access log), the
    night's task failures and the sweeper's re-drives (the app's EMF metric, stage dimension)."""
    alarms = {k: a["Properties"] for k, a in synth.of_type("AWS::CloudWatch::Alarm").items()}

    def one(match) -> dict:
        found = [a for a in alarms.values() if match(a)]
        assert len(found) == 1, found
        assert found[0]["AlarmActions"]
        return found[0]

    rate = one(lambda a: a.get("MetricName") == "5XXError")
    assert (rate["Statistic"], rate["Threshold"], rate["EvaluationPeriods"]) == ("Average", 0.01, 2)
    refused = one(lambda a: a.get("MetricName") == "WebhookUnauthorized")
    assert refused["Namespace"] == "Rukhsa" and refused["Threshold"] == 20
    [metric_filter] = synth.of_type("AWS::Logs::MetricFilter").values()
    pattern = metric_filter["Properties"]["FilterPattern"]
    assert '$.status = "401"' in pattern and '$.path = "/v1/webhooks/*"' in pattern
    transform = metric_filter["Properties"]["MetricTransformations"][0]
    assert (transform["MetricNamespace"], transform["MetricName"]) == ("Rukhsa",
                                                                       "WebhookUnauthorized")
    access_log = synth.resources["RestAPI"]["Properties"]["AccessLogSetting"]["DestinationArn"]
    assert _ref_id(metric_filter["Properties"]["LogGroupName"]) == _ref_id(access_log)
    night = one(lambda a: a.get("MetricName") == "Errors" and a["Dimensions"][0]["Value"] ==
                "rukhsa-prod-nightly-worker")
    assert night["Threshold"] == 1
    sweeper = one(lambda a: a.get("MetricName") == "SweeperRedrives")
    assert sweeper["Namespace"] == "Rukhsa" and sweeper["Dimensions"] == [
        {"Name": "stage", "Value": "prod"}]
    assert "sweeper" in synth.functions()


def test_the_dashboard_shows_dead_letters_api_payments_verdicts_sweeper_night(synth: Synth) -> None:
    """GIVEN the stack WHEN synthesised THEN one dashboard graphs every DLQ, the API, the
    app's business metrics (as chalicelib/metrics.py names them) and the night."""
    [dashboard] = synth.of_type("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    from chalicelib import metrics
    for name in (metrics.LICENCES_ISSUED, metrics.PAYMENTS_ACCEPTED, metrics.PAYMENTS_DUPLICATE,
                 metrics.PAYMENTS_FLAGGED, metrics.VERIFICATIONS, metrics.SWEEPER_REDRIVES,
                 metrics.SWEEPER_FAILURES, metrics.NOTIFICATIONS_SENT,
                 metrics.NOTIFICATIONS_FAILED, metrics.NOTIFICATIONS_DELAYED,
                 "WebhookUnauthorized", "5XXError", "ApproximateNumberOfMessagesVisible",
                 "NumberOfMessagesSent", "rukhsa-prod-nightly-worker"):
        assert f'\\"{name}\\"' in body or name in body, name
    queues = {q["Properties"]["QueueName"]: k for k, q in synth.of_type("AWS::SQS::Queue").items()}
    for source in EVENT_SOURCES:
        assert queues[source.dead_letter_queue] in body, source.name
    for verdict in ("genuine_valid", "expired", "suspended", "revoked", "not_genuine"):
        assert verdict in body


def test_sms_attributes_are_set_by_a_custom_resource(synth: Synth) -> None:
    """GIVEN SMS_ATTRIBUTES WHEN synthesised THEN SNS.setSMSAttributes is called with them."""
    resource = next(r for r in synth.of_type("Custom::AWS").values()
                    if "setSMSAttributes" in json.dumps(r["Properties"]["Create"]))["Properties"]
    create = json.dumps(resource["Create"])
    assert '"action":"setSMSAttributes"' in create.replace(" ", "").replace("\\", "")
    for name, value in SMS_ATTRIBUTES.items():
        assert name in create and value in create


def test_lambda_package_carries_the_app_and_not_the_cdk(synth: Synth) -> None:
    """GIVEN the packaged deployment zip WHEN opened THEN app.py is there and aws_cdk is not."""
    zips = [z for z in synth.out.glob("asset.*.zip")
            if "app.py" in zipfile.ZipFile(z).namelist()]
    assert len(zips) == 1
    names = zipfile.ZipFile(zips[0]).namelist()
    assert not any(n.startswith(("aws_cdk/", "constructs/", "jsii/", "cfnlint/")) for n in names)


def test_cfn_lint_finds_nothing(synth: Synth) -> None:
    """GIVEN the template WHEN linted with cfn-lint (SAM transform included) THEN no findings."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())",
         str(synth.template_path), str(synth.edge_path)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def _checkov_skips() -> list[str]:
    lines = (INFRA / "checkov-skips.txt").read_text().splitlines()
    skips = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            check, _, reason = line.partition(" ")
            assert reason.strip(), f"checkov skip {check} needs a reason"
            skips.append(check)
    return skips


@pytest.mark.parametrize("which", ["main", "edge"])
def test_checkov_finds_no_failed_check(synth: Synth, which: str) -> None:
    """GIVEN each stack's template WHEN checkov scans it THEN every check passes or is skipped
    with a reason (in the resource's Metadata or infra/checkov-skips.txt)."""
    checkov = _ensure_checkov()
    path, template = ((synth.template_path, synth.template) if which == "main"
                      else (synth.edge_path, synth.edge))
    command = [str(checkov), "-f", str(path), "--framework", "cloudformation",
               "--output", "json", "--quiet", "--skip-download"]
    skips = _checkov_skips()
    if skips:
        command += ["--skip-check", ",".join(skips)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                            env={**_offline_env(), "BC_SKIP_MAPPING": "TRUE"})
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = [(f["check_id"], f["resource"]) for f in report["results"]["failed_checks"]]
    assert failed == [], failed
    # it really scanned the stack
    assert report["summary"]["passed"] + report["summary"]["skipped"] >= len(
        template["Resources"])
    for resource in template["Resources"].values():  # every skip says why
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip["comment"]) > 20, skip


def test_functions_get_the_seal_public_key_from_kms_at_deploy_time(synth: Synth) -> None:
    """GIVEN the seal key WHEN synthesised THEN a custom resource reads its public half with
    infra/seal_public_key.py, allowed GetPublicKey on that key only, and every function gets it
    as SEAL_PUBLIC_KEYS, so a verification cold start makes no KMS call."""
    seal_key = next(k for k, v in synth.of_type("AWS::KMS::Key").items()
                    if v["Properties"].get("KeySpec") == SEAL_KEY_SPEC)
    resources = synth.of_type("Custom::SealPublicKey")
    assert len(resources) == 1
    resource_id, resource = next(iter(resources.items()))
    assert resource["Properties"]["KeyId"] == {"Fn::GetAtt": [seal_key, "Arn"]}
    reader = synth.resources[_ref_id(resource["Properties"]["ServiceToken"])]["Properties"]
    assert reader["Code"]["ZipFile"] == (INFRA / "seal_public_key.py").read_text()
    assert reader["Handler"] == "index.handler"
    kms_statements = [s for s in _statements_of_role(synth, _ref_id(reader["Role"]))
                      if any(a.startswith("kms:") for a in _actions([s]))]
    assert [(_actions([s]), _ref_id(s["Resource"])) for s in kms_statements] == [
        ({"kms:GetPublicKey"}, seal_key)]
    for name, function in synth.functions().items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["SEAL_PUBLIC_KEYS"] == {"Fn::GetAtt": [resource_id, "PublicKey"]}, name


# ---- the public front: CloudFront (issue 15) ---------------------------------------------------
def _distribution(synth: Synth) -> dict[str, Any]:
    (distribution,) = synth.of_type("AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def _render(value: Any) -> str:
    """A CloudFormation string as text: the region as the tests synthesise it, any other
    reference as <ref>."""
    if isinstance(value, str):
        return value
    if value == {"Ref": "AWS::Region"}:
        return "eu-central-1"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_render(part) for part in parts)
    return "<ref>"


def test_the_distribution_serves_the_app_from_a_private_bucket_and_the_api_paths(
        synth: Synth) -> None:
    """GIVEN the distribution WHEN synthesised THEN the default behaviour is the private site
    bucket through origin access control; the API's paths (no /sandbox: it exists only locally)
    go to the API stage over HTTPS; HTTP redirects to HTTPS; the edge web ACL is attached, its
    ARN read at deploy time from the edge stack's SSM parameter in us-east-1; access is logged."""
    config = _distribution(synth)
    origins = {o["Id"]: o for o in config["Origins"]}
    default = config["DefaultCacheBehavior"]
    site = origins[default["TargetOriginId"]]
    assert "OriginAccessControlId" in site
    bucket_id = site["DomainName"]["Fn::GetAtt"][0]
    bucket = synth.resources[bucket_id]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    reads = [st for p in synth.of_type("AWS::S3::BucketPolicy").values()
             if _ref_id(p["Properties"]["Bucket"]) == bucket_id
             for st in p["Properties"]["PolicyDocument"]["Statement"] if st["Effect"] == "Allow"]
    assert [st["Principal"] for st in reads] == [{"Service": "cloudfront.amazonaws.com"}]
    assert "AWS:SourceArn" in json.dumps(reads[0]["Condition"])
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviours) == set(API_PATHS) and not any("sandbox" in p for p in behaviours)
    for path, behaviour in behaviours.items():
        api = origins[behaviour["TargetOriginId"]]
        assert api["DomainName"] == {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}."
                                                "${AWS::URLSuffix}"}
        assert api["OriginPath"] == "/v1"  # .chalice/config.json's prod api_gateway_stage
        assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
        assert ("POST" in behaviour["AllowedMethods"]) == (path == "/v1/*"), path
        assert "FunctionAssociations" not in behaviour  # an API 404 stays the API's
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    assert config["HttpVersion"] == "http2and3"
    assert "DomainName" in json.dumps(config["Logging"]["Bucket"])
    # AND DNS has the name to point the public domain at
    (distribution_id,) = synth.of_type("AWS::CloudFront::Distribution")
    assert synth.template["Outputs"]["DistributionDomainName"]["Value"] == {
        "Fn::GetAtt": [distribution_id, "DomainName"]}
    reader_id = config["WebACLId"]["Fn::GetAtt"][0]
    assert config["WebACLId"]["Fn::GetAtt"][1] == "Parameter.Value"
    reader = json.dumps(synth.resources[reader_id]["Properties"]["Create"])
    for expected in ("getParameter", "/rukhsa/prod/edge-web-acl-arn", "us-east-1"):
        assert expected in reader, expected


def test_the_api_is_cached_only_as_its_cache_control_says_and_per_authorization(
        synth: Synth) -> None:
    """GIVEN the API's behaviours WHEN synthesised THEN one cache policy with default and
    minimum TTL 0 (nothing without the API's Cache-Control; the verification page's max-age
    is honoured), Authorization and Accept in the key (so forwarded; authenticated answers are
    `private, no-store` and never stored), every query string; every other viewer header but
    Host forwarded."""
    config = _distribution(synth)
    (policy_id,) = {_ref_id(b["CachePolicyId"]) for b in config["CacheBehaviors"]}
    policy = synth.resources[policy_id]["Properties"]["CachePolicyConfig"]
    assert (policy["MinTTL"], policy["DefaultTTL"]) == (0, 0)
    assert policy["MaxTTL"] >= 3600  # the keys' and short links' hour
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist",
                                    "Headers": ["Authorization", "Accept"]}
    assert key["QueryStringsConfig"]["QueryStringBehavior"] == "all"
    assert key["CookiesConfig"]["CookieBehavior"] == "none"
    # Managed-AllViewerExceptHostHeader: API Gateway needs its own Host
    assert {b["OriginRequestPolicyId"] for b in config["CacheBehaviors"]} == {
        "b689b0a8-53d0-40ab-baf2-68738e2966ac"}
    web = synth.resources[_ref_id(config["DefaultCacheBehavior"]["CachePolicyId"])]
    assert web["Properties"]["CachePolicyConfig"]["MinTTL"] == 0


def test_security_headers_are_the_local_fronts_plus_hsts(synth: Synth) -> None:
    """GIVEN the response headers policies WHEN synthesised THEN the app's pages get exactly
    the CSP of infra/web_headers.py (the local front's), with the files bucket for images and
    the two login domains for the token exchange, plus HSTS, nosniff, DENY and same-origin;
    the API's paths get HSTS and nosniff but keep the API's own CSP and referrer policy."""
    config = _distribution(synth)
    web = synth.resources[_ref_id(config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"])]
    headers = web["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = _render(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert csp == content_security_policy(
        ("https://<ref>",),
        ("https://rukhsa-prod.auth.eu-central-1.amazoncognito.com",
         "https://rukhsa-prod-staff.auth.eu-central-1.amazoncognito.com"))
    # our own scripts and WebAssembly only (the inspector's QR decoder): no inline, no eval
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp
    assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["ContentSecurityPolicy"]["Override"] is True
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "same-origin"
    (api_id,) = {_ref_id(b["ResponseHeadersPolicyId"]) for b in config["CacheBehaviors"]}
    api = synth.resources[api_id]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"]
    assert "ContentSecurityPolicy" not in api
    assert api["StrictTransportSecurity"]["Override"] is True
    assert api["ReferrerPolicy"]["Override"] is False  # the verification page's no-referrer


def test_app_pages_fall_back_to_index_html_and_files_do_not(synth: Synth, tmp_path: Path) -> None:
    """GIVEN the default behaviour's viewer-request function WHEN run (node) on paths THEN app
    pages become /index.html and the app's files (assets, root files of the build and of
    web/public, config.json) are left alone."""
    config = _distribution(synth)
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    function = synth.resources[association["FunctionARN"]["Fn::GetAtt"][0]]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    code = function["FunctionCode"]
    assert code == spa_function_code(app_files(synth.web_dist))
    paths = {"/": "/index.html", "/licences/ALX-2026-000001": "/index.html",
             "/services/shop/apply/site": "/index.html", "/staff": "/index.html",
             "/auth/callback": "/index.html", "/assets/index-abc123.js": "/assets/index-abc123.js",
             "/assets/gone.js": "/assets/gone.js", "/config.json": "/config.json",
             "/robots.txt": "/robots.txt", "/inspect.webmanifest": "/inspect.webmanifest",
             "/index.html": "/index.html"}
    script = tmp_path / "run.js"
    script.write_text(code + "\nconst paths = " + json.dumps(list(paths)) + ";\n"
                      "console.log(JSON.stringify(paths.map((uri) => "
                      "handler({request: {uri: uri}}).uri)));\n")
    node = shutil.which("node")
    assert node, "node is needed (the CDK CLI runs on it)"
    result = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert dict(zip(paths, json.loads(result.stdout))) == paths


def test_the_web_app_and_its_runtime_config_are_deployed_into_the_site_bucket(
        synth: Synth) -> None:
    """GIVEN a built web app WHEN synthesised THEN hashed assets are deployed `immutable`, then
    the pages `no-cache` with /config.json written from the stack's values (both pools'
    issuers, login domains and app clients); old assets are kept (no prune)."""
    deployments = {k: v for k, v in synth.resources.items()
                   if v["Type"] == "Custom::CDKBucketDeployment"}
    assert len(deployments) == 2
    (assets_id, assets), = [(k, v["Properties"]) for k, v in deployments.items()
                            if v["Properties"].get("Include") == ["assets/*"]]
    (pages_id, pages), = [(k, v) for k, v in deployments.items() if k != assets_id]
    assert assets["SystemMetadata"]["cache-control"] == "public, max-age=31536000, immutable"
    assert pages["Properties"]["SystemMetadata"]["cache-control"] == "no-cache"
    assert pages["Properties"]["Exclude"] == ["assets/*"]
    assert assets["Prune"] is False and pages["Properties"]["Prune"] is False
    assert assets_id in pages["DependsOn"]
    # the asset CDK writes for Source.json_data: a folder with config.json alone
    (config_dir,) = [d for d in synth.out.glob("asset.*") if d.is_dir()
                     and [p.name for p in d.iterdir()] == ["config.json"]]
    markers = pages["Properties"]["SourceMarkers"][1]
    # Each deploy-time value stands as a marker in the file; CDK puts it there, JSON-quoted,
    # when it deploys. Filled here with the values rendered (references as <ref>).
    text = (config_dir / "config.json").read_text()
    for marker, value in markers.items():
        rendered = _render(value)
        text = text.replace(marker, rendered if rendered.startswith('"') else json.dumps(rendered))
    runtime = json.loads(text)
    assert runtime["auth"]["mode"] == "cognito"
    (citizens_id, _), (staff_id, _) = _pools(synth)
    raw = (config_dir / "config.json").read_text()
    for name, pool_id, prefix in (("citizens", citizens_id, "rukhsa-prod"),
                                  ("staff", staff_id, "rukhsa-prod-staff")):
        pool = runtime["auth"][name]
        assert pool["domain"] == f"https://{prefix}.auth.eu-central-1.amazoncognito.com"
        assert pool["issuer"] == "https://cognito-idp.eu-central-1.<ref>/<ref>"
        client = next(k for k, c in synth.of_type("AWS::Cognito::UserPoolClient").items()
                      if _ref_id(c["Properties"]["UserPoolId"]) == pool_id)
        section = raw[raw.index(f'"{name}"'):]
        client_marker = section[section.index('"clientId":') + 11:].split("}")[0]
        issuer_marker = section[section.index('"issuer":') + 9:].split(",")[0]
        assert client in json.dumps(markers[client_marker]), name
        assert pool_id in json.dumps(markers[issuer_marker]), name
