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
from infra.resources import (EVENT_SOURCES, FILES_BUCKET_LIFECYCLE_DAYS, ROLES, SEAL_KEY_SPEC,
                             SMS_ATTRIBUTES, TABLES)

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CHECKOV_VENV = INFRA / ".checkov-venv"
STACK = "Rukhsa-prod"
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
    started = time.monotonic()
    result = subprocess.run(
        [str(cli), "synth", "--no-version-reporting", "--no-notices", "--lookups=false",
         "--quiet", "--output", str(out), "-c", f"rukhsa:appDir={app_dir}"],
        cwd=INFRA, env=_offline_env(), capture_output=True, text=True, timeout=900,
    )
    seconds = time.monotonic() - started
    shutil.rmtree(INFRA / "chalice.out", ignore_errors=True)  # packaging scratch, copied to out
    assert result.returncode == 0, f"cdk synth failed:\n{result.stdout}\n{result.stderr}"
    template_path = out / f"{STACK}.template.json"
    return Synth(out=out, template=json.loads(template_path.read_text()),
                 template_path=template_path, seconds=seconds, app_dir=app_dir)


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


def test_waf_limits_each_client_ip_and_tighter_on_the_qr_routes(synth: Synth) -> None:
    """GIVEN the stack WHEN synthesised THEN a regional web ACL on the API stage blocks a client
    IP over its rate (429, Retry-After, the API's bilingual error body), with a stricter limit
    on /v/{token}, /V/{token} and /s/{code}, and logs what it blocks."""
    import re

    acl_id = "ApiWebAcl"
    assert synth.resources[acl_id]["Type"] == "AWS::WAFv2::WebACL"
    props = synth.resources[acl_id]["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
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
    # AND it is associated with the API's stage (SAM's RestAPI.Stage, so after the stage exists)
    (association,) = _attached_to(synth, "AWS::WAFv2::WebACLAssociation", "WebACLArn", acl_id)
    assert "${RestAPI.Stage}" in association["ResourceArn"]["Fn::Sub"]
    (logging,) = _attached_to(synth, "AWS::WAFv2::LoggingConfiguration", "ResourceArn", acl_id)
    assert "-api" in logging["LogDestinationConfigs"][0]["Fn::Sub"]


def _attached_to(synth: Synth, kind: str, prop: str, logical_id: str) -> list[dict[str, Any]]:
    """The properties of every resource of `kind` whose `prop` refers to `logical_id`."""
    return [r["Properties"] for r in synth.of_type(kind).values()
            if _ref_id(r["Properties"][prop]) == logical_id]


def test_cognito_sms_sign_up_and_sign_in_are_protected_from_sms_pumping(synth: Synth) -> None:
    """GIVEN issue 18 item 4 WHEN synthesised THEN the user pool enforces threat protection for
    standard (SRP) sign-in, and a regional web ACL on the pool blocks a client IP over its rate
    on every Cognito operation and, more tightly, on those that send an SMS."""
    import re

    (pool_id, pool), = synth.of_type("AWS::Cognito::UserPool").items()
    assert pool["Properties"]["UserPoolTier"] == "PLUS"
    assert pool["Properties"]["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    acl_id = "UserPoolWebAcl"
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
    # AND it is associated with the pool (by its ARN) and logs what it blocks
    (association,) = _attached_to(synth, "AWS::WAFv2::WebACLAssociation", "WebACLArn", acl_id)
    assert association["ResourceArn"] == {"Fn::GetAtt": [pool_id, "Arn"]}
    (logging,) = _attached_to(synth, "AWS::WAFv2::LoggingConfiguration", "ResourceArn", acl_id)
    assert "-auth" in logging["LogDestinationConfigs"][0]["Fn::Sub"]


def test_cognito_pool_has_the_roles_and_a_district_attribute(synth: Synth) -> None:
    """GIVEN ROLES WHEN synthesised THEN one group per role and a custom `district` attribute."""
    groups = {g["Properties"]["GroupName"] for g in synth.of_type("AWS::Cognito::UserPoolGroup")
              .values()}
    assert groups == set(ROLES)
    pool = next(iter(synth.of_type("AWS::Cognito::UserPool").values()))["Properties"]
    assert any(a["Name"] == "district" for a in pool["Schema"])
    client = next(iter(synth.of_type("AWS::Cognito::UserPoolClient").values()))["Properties"]
    assert "custom:district" not in client["WriteAttributes"]  # only admins set a district


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
    resource = next(iter(synth.of_type("Custom::AWS").values()))["Properties"]
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
         str(synth.template_path)], capture_output=True, text=True, timeout=600)
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


def test_checkov_finds_no_failed_check(synth: Synth) -> None:
    """GIVEN the template WHEN checkov scans it THEN every check passes or is skipped with a
    reason (in the resource's Metadata or infra/checkov-skips.txt)."""
    checkov = _ensure_checkov()
    command = [str(checkov), "-f", str(synth.template_path), "--framework", "cloudformation",
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
    assert report["summary"]["passed"] >= len(synth.resources)  # it really scanned the stack


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
