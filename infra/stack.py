"""RukhsaStack: everything Rukhsa needs in one AWS account and region.

Shared data comes from `resources.py` (tables, bucket lifecycle, seal key, SMS settings, roles)
and `functions.py` (least privilege per function). The Chalice app is packaged by Chalice's own
CDK construct (`chalice package` -> SAM template -> CfnInclude) and then adjusted here: one role,
one log group, one environment per function; event sources pointed at the real streams/queues.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import (
    Annotations,
    CfnOutput,
    CfnResource,
    CustomResource,
    Duration,
    Fn,
    RemovalPolicy,
    Stack,
    aws_apigateway as apigw,
    aws_cloudwatch as cloudwatch,
    aws_cloudwatch_actions as cw_actions,
    aws_cognito as cognito,
    aws_dynamodb as dynamodb,
    aws_iam as iam,
    aws_kms as kms,
    aws_lambda as lambda_,
    aws_logs as logs,
    aws_s3 as s3,
    aws_secretsmanager as secretsmanager,
    aws_sns as sns,
    aws_sns_subscriptions as subscriptions,
    aws_sqs as sqs,
    aws_wafv2 as wafv2,
    custom_resources as cr,
)
from constructs import Construct

from chalicelib import metrics
from chalicelib.domain.verification import Verdict
from infra import waf
from infra.edge import EDGE_REGION, EDGE_WEB_ACL_PARAMETER
from infra.functions import FUNCTIONS, QUEUES, FunctionAccess, function_name_of_handler
from infra.gateway_responses import sam_gateway_responses
from infra.site import EDGE_HEADER, Site
from infra.resources import (
    FILES_BUCKET_CORS_METHODS,
    FILES_BUCKET_LIFECYCLE_DAYS,
    SEAL_KEY_SPEC,
    SEAL_KEY_USAGE,
    EVENT_SOURCES,
    SMS_ATTRIBUTES,
    STAFF_ROLES,
    TABLES,
    EventSource,
    Table,
)

SEAL_KEY_ALIAS = "alias/rukhsa-seal"
# Where Cognito's managed login sends the browser back with the code (web/src/pages/AuthCallback).
AUTH_CALLBACK_PATH = "/auth/callback"
SEAL_PUBLIC_KEY_HANDLER = Path(__file__).with_name("seal_public_key.py")
LOG_RETENTION = logs.RetentionDays.ONE_YEAR
# Alarm thresholds: 1 % of requests answered 5xx for 10 minutes; 20 refused gateway callbacks in
# 5 minutes (a gateway retries a refused callback a few times; 20 is several payments' worth).
API_5XX_RATE = 0.01
WEBHOOK_401_SPIKE = 20
WEBHOOK_UNAUTHORIZED = "WebhookUnauthorized"
# Cognito operations (its API names them in the X-Amz-Target header) that send an SMS to the
# number given: a sign-up's or a resent confirmation code, a password reset code, an SMS MFA
# code, and a signed-in user's code for a new number.
SMS_SENDING_OPERATIONS = ("SignUp", "ResendConfirmationCode", "ForgotPassword", "InitiateAuth",
                          "GetUserAttributeVerificationCode")
# Stream handlers read their stream ARN from the environment when app.py is imported, both at
# package time (here) and at every cold start. Packaging gets a placeholder that is replaced below.
STREAM_ENV = {"applications": "APPLICATIONS_STREAM_ARN", "payments": "PAYMENTS_STREAM_ARN",
              "licences": "LICENCES_STREAM_ARN"}
PLACEHOLDER_STREAM = "arn:aws:dynamodb:eu-central-1:000000000000:table/{}/stream/placeholder"
# Settings that only the local stack may use; a Chalice config leaking them to AWS fails the synth.
LOCAL_ONLY_SETTINGS = ("LOCAL_JWT_SECRET", "SANDBOX_ENABLED", "DEV_TOKENS_ENABLED", "CATALOGUE_DIR",
                       "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


@dataclass(frozen=True)
class Throttle:
    rate: float
    burst: int


@dataclass(frozen=True)
class RukhsaConfig:
    """Deploy-time choices, read from CDK context (`cdk.json` or `-c key=value`)."""

    stage: str
    app_dir: Path
    public_base_url: str
    verify_base_url: str
    gateway_secret_name: str
    alarm_email: str = ""
    api_throttle: Throttle = Throttle(rate=50, burst=100)
    verify_throttle: Throttle = Throttle(rate=20, burst=40)
    keys_throttle: Throttle = Throttle(rate=5, burst=10)
    # AWS WAF rate-based rules: requests per client IP in any 5 minutes. Generous, because
    # Egyptian mobile networks put many people behind one carrier-grade NAT address.
    waf_api_limit: int = 1500
    waf_verify_limit: int = 300
    # The same on the user pool (Cognito's own API): every operation, and the operations that
    # send an SMS (sign-up, resend, forgot password, sign-in) where SMS pumping costs money.
    waf_auth_limit: int = 500
    waf_sms_limit: int = 50
    # The CloudFront web ACL's ARN (Rukhsa-<stage>-edge, us-east-1); empty: read at deploy
    # time from the SSM parameter that stack writes.
    edge_web_acl_arn: str = ""
    # A custom domain for the distribution: an ACM certificate in us-east-1 for the host of
    # public_base_url. Empty: the distribution's own *.cloudfront.net name.
    certificate_arn: str = ""
    # Cognito domain prefixes: <prefix> for citizens, <prefix>-staff for staff (each must be
    # free in the region).
    auth_domain_prefix: str = "rukhsa"
    # The built web app; absent at synth time: only /config.json is deployed (infra/site.py).
    web_dist: Path | None = None

    @property
    def table_prefix(self) -> str:
        return f"rukhsa-{self.stage}-"

    @classmethod
    def from_context(cls, scope: Construct, default_app_dir: Path) -> "RukhsaConfig":
        def ctx(key: str, default: str = "") -> str:
            value = scope.node.try_get_context(f"rukhsa:{key}")
            return default if value is None else str(value)

        stage = ctx("stage", "prod")
        public = ctx("publicBaseUrl").rstrip("/")
        if not public.startswith("https://"):
            raise ValueError("context rukhsa:publicBaseUrl must be an https:// URL")
        return cls(
            stage=stage,
            app_dir=Path(ctx("appDir", str(default_app_dir))).resolve(),
            public_base_url=public,
            verify_base_url=ctx("verifyBaseUrl", public).rstrip("/"),
            gateway_secret_name=ctx("gatewaySecretName", f"rukhsa/{stage}/gateways"),
            alarm_email=ctx("alarmEmail"),
            api_throttle=Throttle(float(ctx("apiRate", "50")), int(ctx("apiBurst", "100"))),
            verify_throttle=Throttle(float(ctx("verifyRate", "20")), int(ctx("verifyBurst", "40"))),
            keys_throttle=Throttle(float(ctx("keysRate", "5")), int(ctx("keysBurst", "10"))),
            waf_api_limit=int(ctx("wafApiLimit", "1500")),
            waf_verify_limit=int(ctx("wafVerifyLimit", "300")),
            waf_auth_limit=int(ctx("wafAuthLimit", "500")),
            waf_sms_limit=int(ctx("wafSmsLimit", "50")),
            edge_web_acl_arn=ctx("edgeWebAclArn"),
            certificate_arn=ctx("certificateArn"),
            auth_domain_prefix=ctx("authDomainPrefix", f"rukhsa-{stage}"),
            web_dist=Path(ctx("webDist", str(default_app_dir / "web" / "dist"))).resolve(),
        )


def skip_checkov(resource: Any, *checks: tuple[str, str]) -> None:
    """Record a justified checkov skip in the resource's Metadata, next to the resource."""
    cfn = resource if isinstance(resource, CfnResource) else resource.node.default_child
    cfn.add_metadata("checkov", {"skip": [{"id": i, "comment": why} for i, why in checks]})


class RukhsaStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: RukhsaConfig,
                 **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.data_key = self._data_key()
        self.tables = {t.logical_name: self._table(t) for t in TABLES}
        self.logs_bucket = self._logs_bucket()
        self.files_bucket = self._files_bucket()
        self.seal_key = self._seal_key()
        # The signing key first, then any kept only to verify older seals (README: rotation).
        self.seal_keys = [self.seal_key]
        self.seal_public_keys = self._seal_public_keys(self.seal_keys)
        self.alarm_topic = self._alarm_topic()
        self.queues, self.dead_letter_queues = self._queues()
        self.edge_secret = self._edge_secret()
        self.site = self._site()
        self.user_pool, self.user_pool_client = self._citizen_pool()
        self.staff_pool, self.staff_client = self._staff_pool()
        self._user_pool_web_acl([self.user_pool, self.staff_pool])
        CfnOutput(self, "CitizenUserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "StaffUserPoolId", value=self.staff_pool.user_pool_id)
        self._sms_settings()
        self.chalice = self._chalice_app()
        self.site.deploy(self._runtime_config())
        self._business_alarms()
        self.dashboard = self._dashboard()

    # ---- encryption -----------------------------------------------------------------------
    def _data_key(self) -> kms.Key:
        """One customer managed key for data at rest: tables, files, queues, logs, topics."""
        key = kms.Key(
            self, "DataKey",
            alias=f"alias/rukhsa-{self.config.stage}-data",
            description="Rukhsa data at rest",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # CloudWatch Logs, CloudWatch alarms (to the encrypted topic) and SNS use the key as
        # services, so the key policy must name them; IAM grants cover the functions.
        key.add_to_resource_policy(iam.PolicyStatement(
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                     "kms:Describe*"],
            principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")],
            resources=["*"],
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                    f"arn:{self.partition}:logs:{self.region}:{self.account}:*"}},
        ))
        key.add_to_resource_policy(iam.PolicyStatement(
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            resources=["*"],
        ))
        return key

    # ---- DynamoDB -------------------------------------------------------------------------
    def _table(self, spec: Table) -> dynamodb.Table:
        def attribute(name: str) -> dynamodb.Attribute:
            kind = spec.attributes.get(name, "S")
            return dynamodb.Attribute(
                name=name,
                type=dynamodb.AttributeType.NUMBER if kind == "N" else dynamodb.AttributeType.STRING,
            )

        table = dynamodb.Table(
            self, f"{spec.logical_name.capitalize()}Table",
            table_name=f"{self.config.table_prefix}{spec.logical_name}",
            partition_key=attribute(spec.hash_key),
            sort_key=attribute(spec.range_key) if spec.range_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.data_key,
            stream=dynamodb.StreamViewType[spec.stream] if spec.stream else None,
            time_to_live_attribute=spec.ttl_attribute,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=attribute(index.hash_key),
                sort_key=attribute(index.range_key) if index.range_key else None,
                projection_type=dynamodb.ProjectionType[index.projection],
                non_key_attributes=list(index.include) or None,
            )
        return table

    # ---- S3 -------------------------------------------------------------------------------
    def _logs_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self, "AccessLogsBucket",
            # S3 server access logging can only deliver to SSE-S3 buckets.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(
                expiration=Duration.days(400), noncurrent_version_expiration=Duration.days(30))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        skip_checkov(
            bucket,
            ("CKV_AWS_18", "this is the access-log sink; logging it would log its own writes"),
            ("CKV_AWS_145", "S3 server access logging only delivers to SSE-S3 (AES256) buckets"),
        )
        return bucket

    def _files_bucket(self) -> s3.Bucket:
        rules = [
            s3.LifecycleRule(
                id=f"expire-{prefix.strip('/').replace('/', '-')}",
                prefix=prefix,
                expiration=Duration.days(days),
                noncurrent_version_expiration=Duration.days(1),
            )
            for prefix, days in FILES_BUCKET_LIFECYCLE_DAYS.items()
        ]
        rules.append(s3.LifecycleRule(
            id="tidy", abort_incomplete_multipart_upload_after=Duration.days(1),
            noncurrent_version_expiration=Duration.days(90)))
        return s3.Bucket(
            self, "FilesBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.data_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=rules,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="files/",
            # Browsers upload attachments and photos (presigned POST) and fetch files with
            # presigned URLs.
            cors=[s3.CorsRule(
                allowed_methods=[s3.HttpMethods[method] for method in FILES_BUCKET_CORS_METHODS],
                allowed_origins=[self.config.public_base_url],
                allowed_headers=["*"],
                max_age=3000,
            )],
            removal_policy=RemovalPolicy.RETAIN,
        )

    # ---- KMS seal key ---------------------------------------------------------------------
    def _seal_key(self) -> kms.Key:
        key = kms.Key(
            self, "SealKey",
            alias=SEAL_KEY_ALIAS,
            description="Signs the QR seals of Rukhsa licences",
            key_spec=kms.KeySpec[SEAL_KEY_SPEC],
            key_usage=kms.KeyUsage[SEAL_KEY_USAGE],
            # A deleted seal key would make every issued licence unverifiable.
            removal_policy=RemovalPolicy.RETAIN,
        )
        skip_checkov(key, ("CKV_AWS_7", "asymmetric signing keys cannot rotate automatically; "
                                        "rotation = new key first in SEAL_KEY_IDS (docs/deployment.md)"))
        return key

    def _seal_public_keys(self, keys: list[kms.Key]) -> list[str]:
        """Each seal key's public half (base64 DER), read from KMS at deploy time by
        infra/seal_public_key.py, so that verifications need no KMS call."""
        role = iam.Role(self, "SealPublicKeyReaderRole",
                        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        description="reads the seal keys' public halves for the functions")
        for key in keys:
            key.grant(role, "kms:GetPublicKey")
        log_group = logs.LogGroup(self, "SealPublicKeyReaderLogs", retention=LOG_RETENTION,
                                  encryption_key=self.data_key,
                                  removal_policy=RemovalPolicy.DESTROY)
        log_group.grant_write(role)
        reader = lambda_.Function(
            self, "SealPublicKeyReader",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline(SEAL_PUBLIC_KEY_HANDLER.read_text()),
            role=role,
            timeout=Duration.seconds(30),
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
        )
        reader.node.add_dependency(role)
        reader.node.default_child.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
        skip_checkov(
            reader,
            ("CKV_AWS_115", "runs once per deploy; reserved concurrency would only take quota"),
            ("CKV_AWS_116", "invoked synchronously by CloudFormation, which reports failures"),
            ("CKV_AWS_117", "calls only the regional KMS API; no VPC resources"),
            ("CKV_AWS_173", "it has no environment variables"),
        )
        public_keys = []
        for key in keys:
            public_key = CustomResource(self, f"{key.node.id}PublicKey",
                                        service_token=reader.function_arn,
                                        resource_type="Custom::SealPublicKey",
                                        properties={"KeyId": key.key_arn})
            public_key.node.add_dependency(role)
            public_keys.append(public_key.get_att_string("PublicKey"))
        return public_keys

    # ---- alarms ---------------------------------------------------------------------------
    def _alarm_topic(self) -> sns.Topic:
        topic = sns.Topic(self, "AlarmTopic", master_key=self.data_key, enforce_ssl=True)
        if self.config.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(self.config.alarm_email))
        return topic

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, description: str,
               threshold: float = 1, evaluation_periods: int = 1) -> None:
        alarm = cloudwatch.Alarm(
            self, construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))

    # ---- SQS ------------------------------------------------------------------------------
    def _queues(self) -> tuple[dict[str, sqs.Queue], dict[str, sqs.Queue]]:
        """The app's queues, and one dead-letter queue per event source (EVENT_SOURCES):
        a queue's redrive policy and a stream's on-failure destination lead there."""
        dead = {source.name: self._dead_letter_queue(source) for source in EVENT_SOURCES}
        queues: dict[str, sqs.Queue] = {}
        for source in EVENT_SOURCES:
            if not source.queue:
                continue
            visibility, max_receives = QUEUES[source.queue]
            # Named as the app's `@app.on_sqs_message(queue=...)` names it: the app may look it up.
            queues[source.queue] = sqs.Queue(
                self, f"{_camel(source.queue)}Queue",
                queue_name=source.queue,
                encryption=sqs.QueueEncryption.KMS, encryption_master_key=self.data_key,
                enforce_ssl=True,
                visibility_timeout=Duration.seconds(visibility),
                dead_letter_queue=sqs.DeadLetterQueue(queue=dead[source.name],
                                                      max_receive_count=max_receives),
            )
        return queues, dead

    def _dead_letter_queue(self, source: EventSource) -> sqs.Queue:
        name = source.dead_letter_queue
        dlq = sqs.Queue(
            self, f"{_camel(name.removesuffix('-dlq'))}DeadLetters",
            queue_name=name,
            encryption=sqs.QueueEncryption.KMS, encryption_master_key=self.data_key,
            enforce_ssl=True, retention_period=Duration.days(14),
        )
        what = (f"{source.table} stream batches that failed {source.max_retries} retries or "
                f"aged past {source.max_record_age_seconds} s" if source.table else
                f"{source.queue} messages received {source.max_retries} times")
        self._alarm(
            f"{_camel(name.removesuffix('-dlq'))}DeadLettersAlarm",
            dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(5)),
            f"{name} holds {what}: inspect and redrive with "
            f"python -m devstack.deadletters --stage {self.config.stage} show {source.name} "
            "(docs/dead-letters.md)",
        )
        return dlq

    # ---- Cognito --------------------------------------------------------------------------
    # Two user pools, because MFA is a pool's setting: citizens sign in passwordless with an SMS
    # one-time code (Cognito's choice-based sign-in, which a pool that requires MFA refuses),
    # staff with a password and a TOTP authenticator, always. The API tells them apart by the
    # issuer (chalicelib/auth.py): the citizens' pool can only give the citizen role.
    def _citizen_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self, "UserPool",
            user_pool_name=f"rukhsa-{self.config.stage}",
            self_sign_up_enabled=True,  # citizens register themselves with their mobile
            sign_in_aliases=cognito.SignInAliases(phone=True),
            auto_verify=cognito.AutoVerifiedAttrs(phone=True),
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(required=False, mutable=True)),
            # Choice-based sign-in (USER_AUTH): a one-time code by SMS. Cognito insists that
            # passwords stay an allowed first factor; the portal's client offers only the code.
            sign_in_policy=cognito.SignInPolicy(allowed_first_auth_factors=cognito
                                                .AllowedFirstAuthFactors(password=True,
                                                                         sms_otp=True)),
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_digits=True, require_lowercase=True,
                require_uppercase=False, require_symbols=False),
            mfa=cognito.Mfa.OFF,  # the code is the factor; MFA would refuse passwordless
            account_recovery=cognito.AccountRecovery.PHONE_ONLY_WITHOUT_MFA,
            # Threat protection (the Plus plan) blocks sign-ins it rates high risk and sign-ins
            # with known-compromised passwords: one of the defences against SMS pumping
            # (docs/deployment.md, "SMS pumping"). Passwordless needs Essentials or Plus.
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        sms_role = pool.node.try_find_child("smsRole")
        if sms_role is not None:
            skip_checkov(sms_role, (
                "CKV_AWS_111", "Cognito sends sign-in codes by SMS to phone numbers, which have "
                               "no ARN; the trust policy is bound to this pool by sts:ExternalId"))
        writable = cognito.ClientAttributes().with_standard_attributes(
            fullname=True, phone_number=True)
        client = pool.add_client(
            "AppClient",
            user_pool_client_name="rukhsa-portal",
            generate_secret=False,  # a public client (the browser), with PKCE
            auth_flows=cognito.AuthFlow(user=True),  # ALLOW_USER_AUTH: choice-based sign-in
            o_auth=self._oauth(cognito.OAuthScope.PHONE),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            read_attributes=writable.with_standard_attributes(phone_number_verified=True),
            write_attributes=writable,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            # The web app renews the hour-long ID token with the refresh token while the citizen
            # is active (web/src/lib/renewal.ts; a day idle ends it). The refresh token lives only
            # in the tab's sessionStorage, so this is the cap for one tab kept in use: longer than
            # staff's, as a citizen's token reaches only their own records and every new sign-in
            # costs an SMS code. No refresh-token rotation: Cognito rotates only through its
            # GetTokensFromRefreshToken API, not the OAuth token endpoint the web app uses.
            refresh_token_validity=Duration.days(30),
        )
        self._managed_login(pool, client, "Citizens", self.config.auth_domain_prefix)
        return pool, client

    def _staff_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self, "StaffUserPool",
            user_pool_name=f"rukhsa-{self.config.stage}-staff",
            self_sign_up_enabled=False,  # staff are invited by an administrator
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(required=True, mutable=True)),
            custom_attributes={"district": cognito.StringAttribute(min_len=1, max_len=64,
                                                                   mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_digits=True, require_lowercase=True,
                require_uppercase=False, require_symbols=False,
                temp_password_validity=Duration.days(3)),
            # Password + an authenticator app, always; set up at the first sign-in in managed
            # login. No SMS: nothing for SMS pumping here, no code to intercept.
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for role in STAFF_ROLES:
            cognito.CfnUserPoolGroup(self, f"{role.capitalize()}Group",
                                     user_pool_id=pool.user_pool_id, group_name=role,
                                     description=f"Rukhsa {role}s")
        # Staff may not write their own district: only admins set it (AdminUpdateUserAttributes).
        writable = cognito.ClientAttributes().with_standard_attributes(fullname=True)
        client = pool.add_client(
            "StaffClient",
            user_pool_client_name="rukhsa-staff",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),  # the password never leaves the page
            o_auth=self._oauth(cognito.OAuthScope.EMAIL),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            read_attributes=writable.with_standard_attributes(email=True)
                                    .with_custom_attributes("district"),
            write_attributes=writable,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            # A working day (a shift and its overtime): the web app renews the ID token while the
            # officer or clerk is active (an hour idle ends it), never past this; the next day
            # starts with a password and the authenticator, and a lost laptop's session ends.
            refresh_token_validity=Duration.hours(12),
        )
        self._managed_login(pool, client, "Staff", f"{self.config.auth_domain_prefix}-staff")
        return pool, client

    def _oauth(self, scope: cognito.OAuthScope) -> cognito.OAuthSettings:
        """Authorization code (the web app adds PKCE) back to the public origin: the
        distribution's custom domain. (Not the distribution's own name: the functions' COGNITO
        audience names the client, the distribution's API origin the functions: a cycle.)"""
        origin = self.config.public_base_url
        return cognito.OAuthSettings(
            flows=cognito.OAuthFlows(authorization_code_grant=True),
            scopes=[cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE, scope],
            callback_urls=[f"{origin}{AUTH_CALLBACK_PATH}"],
            logout_urls=[f"{origin}/"])

    def _managed_login(self, pool: cognito.UserPool, client: cognito.UserPoolClient,
                       name: str, prefix: str) -> None:
        """The pool's Cognito domain with managed login (v2), branded with Cognito's own
        style (the page's language follows the `lang` the web app passes)."""
        pool.add_domain(f"{name}Domain",
                        cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix),
                        managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN)
        cognito.CfnManagedLoginBranding(self, f"{name}LoginBranding",
                                        user_pool_id=pool.user_pool_id,
                                        client_id=client.user_pool_client_id,
                                        use_cognito_provided_values=True)

    def _login_domain(self, prefix: str) -> str:
        return f"https://{prefix}.auth.{self.region}.amazoncognito.com"

    def _issuer(self, pool: cognito.UserPool) -> str:
        return f"https://cognito-idp.{self.region}.{self.url_suffix}/{pool.user_pool_id}"

    def _user_pool_web_acl(self, pools: list[cognito.UserPool]) -> wafv2.CfnWebACL:
        """SMS pumping: a script signs up (or asks codes for) premium-rate numbers and the
        account pays for every text. AWS WAF on the user pool limits each client IP on every
        operation and more tightly on those that send an SMS. A limit per phone number cannot
        be a WAF rule: Cognito does not pass usernames or phone numbers to WAF, and rate-based
        keys cannot read the body; per number there are Cognito's own per-user code quotas,
        and the SNS monthly spend limit (SMS_ATTRIBUTES) caps the bill."""
        operations = "|".join(SMS_SENDING_OPERATIONS)
        sms_operations = wafv2.CfnWebACL.StatementProperty(
            regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
                regex_string=rf"^AWSCognitoIdentityProviderService\.({operations})$",
                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                    single_header={"Name": "x-amz-target"}),
                text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(
                    priority=0, type="NONE")]))
        # Cognito answers its API's blocked requests itself (a custom response reaches only a
        # managed login page), so these rules block plainly.
        block = wafv2.CfnWebACL.RuleActionProperty(block={})
        acl = wafv2.CfnWebACL(
            self, "UserPoolWebAcl", scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=waf.visibility("rukhsa-auth"),
            rules=[waf.known_bad_inputs(),
                   waf.rate_per_ip("sms-per-ip", 1, self.config.waf_sms_limit, block,
                                   sms_operations),
                   waf.rate_per_ip("auth-per-ip", 2, self.config.waf_auth_limit, block)])
        for pool in pools:
            wafv2.CfnWebACLAssociation(self, f"{pool.node.id}WebAclAssociation",
                                       resource_arn=pool.user_pool_arn, web_acl_arn=acl.attr_arn)
        self._web_acl_logging(acl, "auth", "UserPoolWebAcl")
        return acl

    # ---- the public front: CloudFront (infra/site.py) --------------------------------------
    def _edge_secret(self) -> secretsmanager.Secret:
        """The header value CloudFront adds to what it sends the API and the API stage's web
        ACL requires; generated by Secrets Manager, never written in the repository."""
        secret = secretsmanager.Secret(
            self, "EdgeOriginSecret",
            description="CloudFront -> API Gateway origin header (rukhsa edge-only rule)",
            encryption_key=self.data_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48),
            removal_policy=RemovalPolicy.DESTROY)
        skip_checkov(secret, ("CKV2_AWS_57", "a shared value between two of the stack's own "
                                             "resources (CloudFront, WAF), read at deploy time; "
                                             "rotate by changing it and running cdk deploy"))
        return secret

    def _site(self) -> Site:
        config = self.config
        domain = config.public_base_url.removeprefix("https://").split("/")[0]
        site = Site(
            self, "Site", stage=config.stage, api_stage=self._api_gateway_stage(),
            logs_bucket=self.logs_bucket, web_acl_arn=self._edge_web_acl_arn(),
            edge_secret=self.edge_secret.secret_value.unsafe_unwrap(),
            # The QR image and paper copies are presigned URLs of the files bucket.
            file_origins=(f"https://{self.files_bucket.bucket_regional_domain_name}",),
            # oidc-client-ts exchanges the code at each pool's token endpoint.
            sign_in_origins=(self._login_domain(config.auth_domain_prefix),
                             self._login_domain(f"{config.auth_domain_prefix}-staff")),
            web_dist=config.web_dist, domain_name=domain,
            certificate_arn=config.certificate_arn)
        if not config.certificate_arn:
            Annotations.of(site).add_warning_v2(
                "rukhsa:no-custom-domain",
                "no rukhsa:certificateArn: the distribution answers only at its *.cloudfront.net "
                "name, while QR links, sign-in callbacks and the files bucket's CORS name "
                "publicBaseUrl (docs/deployment.md, \"Custom domain\")")
        return site

    def _edge_web_acl_arn(self) -> str:
        """The CloudFront web ACL lives in us-east-1 (infra/edge.py); its ARN comes from the
        context when given, else from the SSM parameter the edge stack writes there, read at
        deploy time (the edge stack deploys first: app.py makes this stack depend on it)."""
        if self.config.edge_web_acl_arn:
            return self.config.edge_web_acl_arn
        name = EDGE_WEB_ACL_PARAMETER.format(stage=self.config.stage)
        call = cr.AwsSdkCall(
            service="SSM", action="getParameter", parameters={"Name": name},
            region=EDGE_REGION,
            physical_resource_id=cr.PhysicalResourceId.of(f"rukhsa-edge-web-acl-{self.config.stage}"))
        reader = cr.AwsCustomResource(
            self, "EdgeWebAclArn", on_create=call, on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(
                actions=["ssm:GetParameter"],
                resources=[f"arn:{self.partition}:ssm:{EDGE_REGION}:{self.account}:parameter{name}"])]),
            install_latest_aws_sdk=False,
            log_group=logs.LogGroup(self, "EdgeWebAclArnLogs", retention=LOG_RETENTION,
                                    encryption_key=self.data_key,
                                    removal_policy=RemovalPolicy.DESTROY),
        )
        return reader.get_response_field("Parameter.Value")

    def _runtime_config(self) -> dict[str, Any]:
        """/config.json: how the web app signs people in here (web/src/lib/runtimeConfig.ts).
        The local stack's front answers `{"auth": {"mode": "local"}}` instead."""
        def pool(user_pool: cognito.UserPool, client: cognito.UserPoolClient,
                 prefix: str) -> dict[str, str]:
            return {"issuer": self._issuer(user_pool), "domain": self._login_domain(prefix),
                    "clientId": client.user_pool_client_id}

        prefix = self.config.auth_domain_prefix
        return {"auth": {"mode": "cognito",
                         "citizens": pool(self.user_pool, self.user_pool_client, prefix),
                         "staff": pool(self.staff_pool, self.staff_client, f"{prefix}-staff")}}

    # ---- SNS SMS --------------------------------------------------------------------------
    def _sms_settings(self) -> None:
        call = cr.AwsSdkCall(
            service="SNS", action="setSMSAttributes",
            parameters={"attributes": dict(SMS_ATTRIBUTES)},
            physical_resource_id=cr.PhysicalResourceId.of("rukhsa-sms-attributes"),
        )
        resource = cr.AwsCustomResource(
            self, "SmsAttributes",
            on_create=call, on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(
                # SetSMSAttributes is account-wide: it has no resource to scope to.
                actions=["sns:SetSMSAttributes"], resources=["*"])]),
            install_latest_aws_sdk=False,
            log_group=logs.LogGroup(self, "SmsAttributesLogs", retention=LOG_RETENTION,
                                    encryption_key=self.data_key,
                                    removal_policy=RemovalPolicy.DESTROY),
        )
        # The provider function is CDK's singleton; its properties are not ours to set.
        provider = self.node.try_find_child("AWS679f53fac002430cb0da5b7982bd2287")
        if provider is not None:
            # CDK's Function adds a DependsOn its role that the role's GetAtt already implies.
            provider.node.default_child.add_metadata(
                "cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
            skip_checkov(
                provider,
                ("CKV_AWS_115", "runs once per deploy; reserved concurrency would only take quota"),
                ("CKV_AWS_116", "invoked synchronously by CloudFormation, which reports failures"),
                ("CKV_AWS_117", "calls only the public SNS API; no VPC resources"),
                ("CKV_AWS_173", "its environment holds no secrets"),
            )
        del resource

    # ---- Chalice app ----------------------------------------------------------------------
    def _chalice_app(self) -> Any:
        from chalice.cdk import Chalice  # imports aws_cdk; kept here so tests can import data

        from infra.bytecode import add_bytecode

        class CompiledChalice(Chalice):
            """Chalice's construct, its package given bytecode before CDK stages it as an
            asset (infra/bytecode.py: no cold start compiles our sources)."""

            def _package_app(self) -> None:
                super()._package_app()
                add_bytecode(Path(self._sam_package_dir) / "deployment.zip")

        for logical, variable in STREAM_ENV.items():
            os.environ.setdefault(variable, PLACEHOLDER_STREAM.format(logical))
        os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION",
                                                                    "eu-central-1"))
        chalice = CompiledChalice(
            self, "App",
            source_dir=str(self.config.app_dir),
            stage_config={
                "api_gateway_stage": self._api_gateway_stage(),
                # Roles are ours (one per function); Chalice's single shared role is not made.
                "manage_iam_role": False,
                "iam_role_arn": "arn:aws:iam::000000000000:role/replaced-per-function",
                "autogen_policy": False,
            },
        )
        functions = self._packaged_functions(chalice)
        unknown = sorted(set(functions.values()) - set(FUNCTIONS))
        if unknown:
            raise ValueError(f"functions {unknown} have no row in infra/functions.py FUNCTIONS")
        for logical_id, name in functions.items():
            self._configure_function(chalice, logical_id, name, FUNCTIONS[name])
        self._configure_api(chalice)
        return chalice

    def _api_gateway_stage(self) -> str:
        """The API Gateway stage named for this stage in the app's .chalice/config.json."""
        config_file = self.config.app_dir / ".chalice" / "config.json"
        stages = json.loads(config_file.read_text()).get("stages", {})
        return stages.get(self.config.stage, {}).get("api_gateway_stage", "api")

    @staticmethod
    def _packaged_functions(chalice: Any) -> dict[str, str]:
        """Logical id -> function name, read from the SAM template Chalice packaged."""
        # `_sam_package_dir` is where the pinned Chalice (1.34) writes `sam.json`.
        template = json.loads((Path(chalice._sam_package_dir) / "sam.json").read_text())
        functions = {}
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            leaked = set(resource["Properties"].get("Environment", {}).get("Variables", {}))
            if leaked & set(LOCAL_ONLY_SETTINGS):
                raise ValueError(f"{logical_id} gets local-only settings "
                                 f"{sorted(leaked & set(LOCAL_ONLY_SETTINGS))} from "
                                 ".chalice/config.json; keep them under the local stage")
            functions[logical_id] = function_name_of_handler(resource["Properties"]["Handler"])
        return functions

    def _configure_function(self, chalice: Any, logical_id: str, name: str,
                            access: FunctionAccess) -> None:
        function_name = self._function_name(name)
        log_group = logs.LogGroup(
            self, f"{logical_id}Logs",
            log_group_name=f"/aws/lambda/{function_name}",
            retention=LOG_RETENTION,
            encryption_key=self.data_key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        role = self._function_role(logical_id, function_name, access, log_group)
        cfn = chalice.get_resource(logical_id)
        cfn.add_override("Properties.FunctionName", function_name)
        cfn.add_override("Properties.Role", role.role_arn)
        cfn.add_override("Properties.MemorySize", access.memory_mb)
        cfn.add_override("Properties.Timeout", access.timeout_seconds)
        cfn.add_override("Properties.Tracing", "Active")
        cfn.add_override("Properties.KmsKeyArn", self.data_key.key_arn)
        cfn.add_override("Properties.Environment.Variables", self._environment(access))
        cfn.add_override("Properties.LoggingConfig", {"LogGroup": log_group.log_group_name,
                                                      "LogFormat": "JSON"})
        # The role is referenced; its policy is not, yet event source mappings need it at create.
        cfn.node.add_dependency(role.node.find_child("DefaultPolicy"))
        self._point_event_sources(cfn, logical_id, access)
        skip_checkov(
            cfn,
            ("CKV_AWS_117", "uses only regional AWS APIs (DynamoDB, S3, KMS, SQS, SNS) and the "
                            "payment gateways' public HTTPS APIs; a VPC would add NAT cost only"),
            ("CKV_AWS_115", "no reserved concurrency: it would carve the account's pool; queue "
                            "consumers are capped with the event source's MaximumConcurrency"),
            ("CKV_AWS_116", "not invoked asynchronously except by EventBridge schedules, which "
                            "retry and raise the Errors alarm; queue consumers have SQS DLQs"),
        )
        self._alarm(
            f"{logical_id}ErrorsAlarm",
            cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors",
                              dimensions_map={"FunctionName": function_name},
                              statistic="Sum", period=Duration.minutes(5)),
            f"{function_name} raised errors",
        )

    def _point_event_sources(self, cfn: Any, logical_id: str, access: FunctionAccess) -> None:
        """Chalice wrote placeholder stream ARNs and account-relative queue ARNs; use ours."""
        if access.stream:
            source = self._stream_source(access.stream)
            prefix = f"Properties.Events.{logical_id}DynamodbEventSource.Properties"
            cfn.add_override(f"{prefix}.Stream", self.tables[access.stream].table_stream_arn)
            cfn.add_override(f"{prefix}.BisectBatchOnFunctionError", source.bisect_on_error)
            cfn.add_override(f"{prefix}.MaximumRetryAttempts", source.max_retries)
            cfn.add_override(f"{prefix}.MaximumRecordAgeInSeconds",
                             source.max_record_age_seconds)
            # What still fails is described (shard, sequence numbers) in the source's DLQ.
            cfn.add_override(f"{prefix}.DestinationConfig", {"OnFailure": {
                "Type": "SQS",
                "Destination": self.dead_letter_queues[source.name].queue_arn}})
            cfn.add_override(f"{prefix}.StartingPosition", "TRIM_HORIZON")
        if access.consumes:
            prefix = f"Properties.Events.{logical_id}SqsEventSource.Properties"
            cfn.add_override(f"{prefix}.Queue", self.queues[access.consumes].queue_arn)
            cfn.add_override(f"{prefix}.ScalingConfig", {"MaximumConcurrency": 5})
            cfn.add_override(f"{prefix}.FunctionResponseTypes", ["ReportBatchItemFailures"])

    @staticmethod
    def _stream_source(table: str) -> EventSource:
        return next(source for source in EVENT_SOURCES if source.table == table)

    def _environment(self, access: FunctionAccess) -> dict[str, Any]:
        env: dict[str, Any] = {
            "STAGE": self.config.stage,
            "TABLE_PREFIX": self.config.table_prefix,
            "FILES_BUCKET": self.files_bucket.bucket_name,
            "SEAL_KEY_IDS": Fn.join(",", [key.key_arn for key in self.seal_keys]),
            "SEAL_PUBLIC_KEYS": Fn.join(",", self.seal_public_keys),
            "VERIFY_BASE_URL": self.config.verify_base_url,
            "PUBLIC_BASE_URL": self.config.public_base_url,
            "AUTH_MODE": "cognito",
            "COGNITO_ISSUER": self._issuer(self.user_pool),
            "COGNITO_AUDIENCE": self.user_pool_client.user_pool_client_id,
            "COGNITO_STAFF_ISSUER": self._issuer(self.staff_pool),
            "COGNITO_STAFF_AUDIENCE": self.staff_client.user_pool_client_id,
            "NIGHTLY_QUEUE_URL": self.queues["rukhsa-nightly"].queue_url,
            "SMS_QUEUE_URL": self.queues["rukhsa-sms"].queue_url,
            "STATUS_LIST_QUEUE_URL": self.queues["rukhsa-status-list"].queue_url,
            # app.py reads these when it is imported, in every function.
            **{variable: self.tables[logical].table_stream_arn
               for logical, variable in STREAM_ENV.items()},
        }
        if access.gateway_secrets:
            # CloudFormation dynamic references: the values live only in Secrets Manager.
            secret = self.config.gateway_secret_name
            for variable, json_key in (("PAYMOB_HMAC_SECRET", "paymob_hmac_secret"),
                                       ("FAWRY_SECURITY_KEY", "fawry_security_key"),
                                       ("FAWRY_MERCHANT_CODE", "fawry_merchant_code"),
                                       ("PAYMOB_API_KEY", "paymob_api_key"),
                                       ("PAYMOB_INTEGRATION_ID", "paymob_integration_id"),
                                       ("PAYMOB_OWNER_ID", "paymob_owner_id"),
                                       ("PAYMOB_IFRAME_ID", "paymob_iframe_id")):
                env[variable] = f"{{{{resolve:secretsmanager:{secret}:SecretString:{json_key}}}}}"
        return env

    def _function_role(self, logical_id: str, function_name: str, access: FunctionAccess,
                       log_group: logs.LogGroup) -> iam.Role:
        role = iam.Role(
            self, f"{logical_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"least privilege for {function_name}",
        )
        log_group.grant_write(role)  # its own log group only
        role.add_to_policy(iam.PolicyStatement(
            # X-Ray's write API has no resource-level permissions.
            actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]))
        self.data_key.grant_decrypt(role)  # environment variables are encrypted with it
        for logical in access.reads:
            self.tables[logical].grant_read_data(role)
        for logical in access.writes:
            self.tables[logical].grant_read_write_data(role)
        for logical in access.appends:
            table = self.tables[logical]
            table.grant(role, "dynamodb:PutItem", "dynamodb:DescribeTable")
            self.data_key.grant_encrypt_decrypt(role)
        if access.stream:
            self.tables[access.stream].grant_stream_read(role)
            # Lambda sends the on-failure record to the DLQ with the function's role.
            self.dead_letter_queues[self._stream_source(access.stream).name] \
                .grant_send_messages(role)
        if access.consumes:
            self.queues[access.consumes].grant_consume_messages(role)
        for queue in access.sends_to:
            self.queues[queue].grant_send_messages(role)
        if access.signs_seals:
            self.seal_key.grant(role, "kms:Sign")
        if access.signs_seals or access.reads_public_key:
            for key in self.seal_keys:
                key.grant(role, "kms:GetPublicKey", "kms:DescribeKey")
        if access.files == "read":
            self.files_bucket.grant_read(role)
        elif access.files == "readwrite":
            self.files_bucket.grant_read_write(role)
        if access.sends_sms:
            self._grant_sms(role)
        return role

    @staticmethod
    def _grant_sms(role: iam.Role) -> None:
        # Publishing to a phone number has no resource ARN; deny every topic so the grant
        # cannot be used to publish elsewhere.
        role.add_to_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))
        role.add_to_policy(iam.PolicyStatement(
            effect=iam.Effect.DENY, actions=["sns:Publish"],
            resources=["arn:aws:sns:*:*:*"]))
        skip_checkov(role.node.find_child("DefaultPolicy"), (
            "CKV_AWS_111", "sns:Publish to phone numbers has no resource ARN; a Deny on every "
                           "topic ARN in the same policy confines it to SMS"))

    def _configure_api(self, chalice: Any) -> None:
        api = chalice.get_resource("RestAPI")
        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=LOG_RETENTION,
                                    encryption_key=self.data_key,
                                    removal_policy=RemovalPolicy.RETAIN)
        self._api_gateway_logging_role()
        api.add_override("Properties.EndpointConfiguration", "REGIONAL")
        api.add_override("Properties.TracingEnabled", True)
        api.add_override("Properties.AccessLogSetting", {
            "DestinationArn": access_logs.log_group_arn,
            "Format": json.dumps({
                "requestId": "$context.requestId", "ip": "$context.identity.sourceIp",
                "method": "$context.httpMethod", "path": "$context.resourcePath",
                "status": "$context.status", "latencyMs": "$context.responseLatency",
                "at": "$context.requestTime"}),
        })
        api.add_override("Properties.MethodSettings", [
            self._method_setting("/*", "*", self.config.api_throttle),
            # Public, unauthenticated and scraped by scanners: tighter limits per stage, on
            # the GET and on the HEAD that answers beside it.
            *(self._method_setting(path, method, throttle)
              for path, throttle in (("/~1v~1{token}", self.config.verify_throttle),
                                     ("/~1V~1{token}", self.config.verify_throttle),
                                     ("/~1s~1{code}", self.config.verify_throttle),
                                     ("/~1v1~1keys", self.config.keys_throttle))
              for method in ("GET", "HEAD")),
        ])
        # What API Gateway answers itself (unknown path 404, throttled 429, ...) in the error
        # contract with nosniff; part of the API definition, so each change is redeployed.
        api.add_override("Properties.GatewayResponses", sam_gateway_responses())
        skip_checkov(api, ("CKV_AWS_120", "responses are per-user or per-token and must be "
                                          "fresh (licence status); caching would serve stale data"))
        self._web_acl()
        # 5XXError's Average is the share of requests answered 5xx.
        self._alarm("ApiServerErrorsAlarm", self._api_metric("5XXError", "Average"),
                    f"more than {API_5XX_RATE:.0%} of REST API requests answered 5xx, "
                    "two periods of 5 minutes running", threshold=API_5XX_RATE,
                    evaluation_periods=2)
        self._webhook_refusals(access_logs)

    @staticmethod
    def _api_metric(name: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(namespace="AWS/ApiGateway", metric_name=name,
                                 dimensions_map={"ApiName": "rukhsa"}, statistic=statistic,
                                 period=Duration.minutes(5))

    def _webhook_refusals(self, access_logs: logs.LogGroup) -> None:
        """Gateway callbacks refused 401 (bad signature or HMAC), counted from the API's access
        log: a spike is a misconfigured secret or someone forging payments."""
        logs.MetricFilter(
            self, "WebhookUnauthorizedFilter",
            log_group=access_logs,
            metric_namespace=metrics.NAMESPACE,
            metric_name=WEBHOOK_UNAUTHORIZED,
            filter_pattern=logs.FilterPattern.all(
                logs.FilterPattern.string_value("$.status", "=", "401"),
                logs.FilterPattern.string_value("$.path", "=", "/v1/webhooks/*")),
            metric_value="1",
            default_value=0,
        )
        self._alarm("WebhookUnauthorizedAlarm", self._webhook_refusal_metric(),
                    f"{WEBHOOK_401_SPIKE} or more gateway callbacks refused 401 in 5 minutes: "
                    "check the gateway secrets (docs/gateways.md) and the access log",
                    threshold=WEBHOOK_401_SPIKE)

    @staticmethod
    def _webhook_refusal_metric() -> cloudwatch.Metric:
        return cloudwatch.Metric(namespace=metrics.NAMESPACE, metric_name=WEBHOOK_UNAUTHORIZED,
                                 statistic="Sum", period=Duration.minutes(5))

    # ---- business metrics: alarms and the dashboard (docs/metrics.md) -----------------------
    def _app_metric(self, name: str, breakdown: tuple[str, str] | None = None,
                    period: Duration = Duration.minutes(5),
                    labelled: bool = True) -> cloudwatch.Metric:
        """One of chalicelib/metrics.py's metrics, as the app writes it (EMF). An alarm's metric
        has no label (a label turns it into a metric-math alarm)."""
        dimensions = {"stage": self.config.stage}
        if breakdown is not None:
            dimensions[breakdown[0]] = breakdown[1]
        label = f"{name} {breakdown[1]}" if breakdown else name
        return cloudwatch.Metric(namespace=metrics.NAMESPACE, metric_name=name,
                                 dimensions_map=dimensions, statistic="Sum", period=period,
                                 label=label if labelled else None)

    def _function_errors(self, name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/Lambda", metric_name="Errors", statistic="Sum",
            dimensions_map={"FunctionName": self._function_name(name)},
            period=Duration.minutes(5), label=f"{name} errors")

    def _business_alarms(self) -> None:
        self._alarm("SweeperRedrivesAlarm",
                    self._app_metric(metrics.SWEEPER_REDRIVES, period=Duration.minutes(15),
                                     labelled=False),
                    "the sweeper re-drove stalled work: an event was lost or dead-lettered; "
                    "see the sweeper's log (docs/sweeper.md) and the dead-letter queues")
        # Night task failures: the nightly_worker's own Errors alarm (_configure_function), and
        # its dead letters' depth alarm (rukhsa-nightly-dlq).

    def _dashboard(self) -> cloudwatch.Dashboard:
        dlq_depth = [dlq.metric_approximate_number_of_messages_visible(
            period=Duration.minutes(5), label=name) for name, dlq in self.dead_letter_queues.items()]
        dead_letters = [dlq.metric_number_of_messages_sent(
            period=Duration.minutes(5), label=name) for name, dlq in self.dead_letter_queues.items()]
        by = {kind: ("kind", kind) for kind in ("payment", "application", "sms")}
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"rukhsa-{self.config.stage}")
        graph = cloudwatch.GraphWidget
        dashboard.add_widgets(
            graph(title="Dead-letter queues: messages waiting", left=dlq_depth, width=12),
            graph(title="Dead letters arriving (per source)", left=dead_letters, width=12))
        dashboard.add_widgets(
            graph(title="REST API: share of 5xx / 4xx", width=8,
                  left=[self._api_metric("5XXError", "Average"),
                        self._api_metric("4XXError", "Average")]),
            graph(title="REST API: requests", width=8, left=[self._api_metric("Count", "Sum")]),
            graph(title="Gateway callbacks refused 401", width=8,
                  left=[self._webhook_refusal_metric()]))
        dashboard.add_widgets(
            graph(title="Licences issued", width=8,
                  left=[self._app_metric(metrics.LICENCES_ISSUED)]),
            graph(title="Payments: accepted / duplicate / flagged", width=8,
                  left=[self._app_metric(metrics.PAYMENTS_ACCEPTED),
                        self._app_metric(metrics.PAYMENTS_DUPLICATE),
                        self._app_metric(metrics.PAYMENTS_FLAGGED)]),
            graph(title="Verifications by verdict", width=8,
                  left=[self._app_metric(metrics.VERIFICATIONS, ("verdict", verdict.value))
                        for verdict in Verdict]))
        dashboard.add_widgets(
            graph(title="Sweeper: re-drives / failures by kind", width=8,
                  left=[self._app_metric(metrics.SWEEPER_REDRIVES, kind) for kind in by.values()],
                  right=[self._app_metric(metrics.SWEEPER_FAILURES, kind) for kind in by.values()]),
            graph(title="Nightly: function errors", width=8,
                  left=[self._function_errors("nightly"), self._function_errors("nightly_worker")]),
            graph(title="Notifications (SMS): sent / failed / delayed", width=8,
                  left=[self._app_metric(name, ("channel", "sms")) for name in
                        (metrics.NOTIFICATIONS_SENT, metrics.NOTIFICATIONS_FAILED,
                         metrics.NOTIFICATIONS_DELAYED)]))
        return dashboard

    def _function_name(self, name: str) -> str:
        return f"rukhsa-{self.config.stage}-{name.replace('_', '-')}"

    def _web_acl(self) -> wafv2.CfnWebACL:
        """The API stage answers only what comes through CloudFront: a request without the
        edge's secret header (infra/site.py EDGE_HEADER) went round the edge's web ACL and
        its per-client limits (infra/edge.py), and is refused 403 with the API's bilingual
        body. Per-IP limits cannot live here: behind CloudFront every request comes from
        CloudFront's addresses."""
        not_via_edge = wafv2.CfnWebACL.StatementProperty(
            not_statement=wafv2.CfnWebACL.NotStatementProperty(
                statement=wafv2.CfnWebACL.StatementProperty(
                    byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                            single_header={"Name": EDGE_HEADER.lower()}),
                        positional_constraint="EXACTLY",
                        search_string=self.edge_secret.secret_value.unsafe_unwrap(),
                        text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(
                            priority=0, type="NONE")]))))
        body = json.dumps({"error": {
            "code": "forbidden",
            "message_ar": "هذا العنوان لا يستقبل الطلبات مباشرة؛ استخدم عنوان البوابة",
            "message_en": "This address takes no direct requests; use the portal's address"}},
            ensure_ascii=False)
        refused = wafv2.CfnWebACL.RuleActionProperty(block=wafv2.CfnWebACL.BlockActionProperty(
            custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                response_code=403, custom_response_body_key="not_via_edge",
                response_headers=[wafv2.CfnWebACL.CustomHTTPHeaderProperty(
                    name="X-Content-Type-Options", value="nosniff")])))
        acl = wafv2.CfnWebACL(
            self, "ApiWebAcl", scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=waf.visibility("rukhsa-api"),
            custom_response_bodies={"not_via_edge": wafv2.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON", content=body)},
            rules=[wafv2.CfnWebACL.RuleProperty(
                       name="edge-only", priority=0, action=refused, statement=not_via_edge,
                       visibility_config=waf.visibility("edge-only")),
                   waf.known_bad_inputs(priority=1)])
        # `RestAPI.Stage` is SAM's reference to the stage it generates (and a dependency on it).
        stage_arn = Fn.sub("arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/"
                           "${RestAPI}/stages/${RestAPI.Stage}")
        wafv2.CfnWebACLAssociation(self, "ApiWebAclAssociation", resource_arn=stage_arn,
                                   web_acl_arn=acl.attr_arn)
        self._web_acl_logging(acl, "api", "ApiWebAcl")
        return acl

    def _web_acl_logging(self, acl: wafv2.CfnWebACL, part: str, construct_id: str) -> None:
        """Blocked requests only (what an abuse report needs), to a log group WAF requires to be
        named aws-waf-logs-*."""
        name = f"aws-waf-logs-rukhsa-{self.config.stage}-{part}"
        group = logs.LogGroup(self, f"{construct_id}Logs", log_group_name=name,
                              retention=LOG_RETENTION, encryption_key=self.data_key,
                              removal_policy=RemovalPolicy.RETAIN)
        logging = wafv2.CfnLoggingConfiguration(
            self, f"{construct_id}Logging", resource_arn=acl.attr_arn,
            # WAF wants the group's ARN without the ":*" that the Arn attribute ends with.
            log_destination_configs=[Fn.sub(
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" + name)],
            logging_filter={"DefaultBehavior": "DROP", "Filters": [{
                "Behavior": "KEEP", "Requirement": "MEETS_ANY",
                "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}]}]})
        logging.node.add_dependency(group)

    @staticmethod
    def _method_setting(path: str, method: str, throttle: Throttle) -> dict[str, Any]:
        return {"ResourcePath": path, "HttpMethod": method,
                "ThrottlingRateLimit": throttle.rate, "ThrottlingBurstLimit": throttle.burst,
                "MetricsEnabled": True, "LoggingLevel": "ERROR", "DataTraceEnabled": False}

    def _api_gateway_logging_role(self) -> None:
        """API Gateway writes execution/access logs through one account-level role."""
        role = iam.Role(
            self, "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
        )
        apigw.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
