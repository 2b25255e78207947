"""The public front in AWS: one CloudFront distribution for the web app and the API.

The same origin as the local stack's front (devstack/front.py): the built web app (web/dist)
from a private bucket through origin access control, the API's paths to API Gateway, the
app's pages falling back to index.html, the same security headers (infra/web_headers.py).

- **Web app**: the default behaviour. A CloudFront function sends every path that is not one
  of the app's files (`/assets/...`, index.html, config.json, what web/public holds) to
  `/index.html`: the app routes in the browser. Only this behaviour has it, so an API 404
  stays the API's 404. Hashed assets are uploaded `immutable`, the rest `no-cache`.
- **API**: `/v1/*`, `/v/*`, `/V/*`, `/s/*`, `/openapi.json` to the API stage. The cache policy
  caches only what the API's own `Cache-Control` allows (default and minimum TTL 0): the
  verification page and keys are cached at the edge, authenticated answers (`private,
  no-store`) never; `Authorization` and `Accept` are in the cache key (so forwarded), and every
  other viewer header but Host goes to the origin. No `/sandbox/*`: the sandbox gateway exists
  only in the local stack (settings refuse it on any other stage).
- **Edge only**: CloudFront adds a secret header (EDGE_HEADER, from Secrets Manager) to what
  it sends the API; the API stage's regional web ACL refuses requests without it, so nobody
  goes round the edge's web ACL and its per-client limits (infra/edge.py).
- **Runtime config**: `/config.json`, written at deploy time from the stack's own values
  (the user pools' app clients and login domain), tells the app to sign in with Cognito.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from aws_cdk import (
    Annotations,
    CfnOutput,
    Duration,
    Fn,
    RemovalPolicy,
    Stack,
    aws_certificatemanager as acm,
    aws_cloudfront as cloudfront,
    aws_cloudfront_origins as origins,
    aws_s3 as s3,
    aws_s3_deployment as s3deploy,
)
from constructs import Construct

from infra.site_files import (API_PATHS, API_WRITE_PATHS, ASSETS_CACHE,  # noqa: F401
                              EDGE_HEADER, PAGES_CACHE, RUNTIME_CONFIG, app_files,
                              spa_function_code)
from infra.web_headers import HSTS_MAX_AGE_SECONDS, content_security_policy

class Site(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str, api_stage: str,
                 logs_bucket: s3.IBucket, web_acl_arn: str, edge_secret: str,
                 file_origins: tuple[str, ...], sign_in_origins: tuple[str, ...],
                 web_dist: Optional[Path], domain_name: str = "",
                 certificate_arn: str = "") -> None:
        super().__init__(scope, construct_id)
        self.stage = stage
        self.bucket = self._site_bucket(logs_bucket)
        self.edge_logs = self._edge_logs_bucket()
        self.web_dist = web_dist if web_dist and (web_dist / "index.html").is_file() else None
        web_headers = self._web_headers(file_origins, sign_in_origins)
        api_headers = self._api_headers()
        spa = cloudfront.Function(
            self, "AppPages",
            function_name=f"rukhsa-{stage}-app-pages",
            comment="app pages fall back to index.html (the app routes in the browser)",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(spa_function_code(app_files(self.web_dist))))
        api_origin = origins.HttpOrigin(
            Fn.sub("${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
            origin_path=f"/{api_stage}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            custom_headers={EDGE_HEADER: edge_secret})
        api_cache = self._api_cache_policy()
        certificate = (acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
                       if certificate_arn else None)
        self.distribution = cloudfront.Distribution(
            self, "Distribution",
            comment=f"rukhsa {stage}: web app and API, one origin",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=self._web_cache_policy(),
                response_headers_policy=web_headers,
                compress=True,
                function_associations=[cloudfront.FunctionAssociation(
                    function=spa, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)]),
            additional_behaviors={path: cloudfront.BehaviorOptions(
                origin=api_origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=(cloudfront.AllowedMethods.ALLOW_ALL if path in API_WRITE_PATHS
                                 else cloudfront.AllowedMethods.ALLOW_GET_HEAD),
                cache_policy=api_cache,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                response_headers_policy=api_headers,
                compress=True) for path in API_PATHS},
            web_acl_id=web_acl_arn,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # Europe, Middle East and Africa are in price class 200 (100 has no Middle East).
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,
            minimum_protocol_version=(cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
                                      if certificate else None),
            domain_names=[domain_name] if certificate else None,
            certificate=certificate,
            enable_logging=True,
            log_bucket=self.edge_logs,
            log_file_prefix="cloudfront/",
        )
        skips = [("CKV_AWS_310", "one origin per kind (bucket, API stage), both regional and "
                                 "multi-AZ; a failover origin group would need a second region")]
        if certificate is None:
            skips.append(("CKV_AWS_174", "no custom domain given (rukhsa:certificateArn): "
                                         "CloudFront's default certificate allows only its own "
                                         "TLS policy; with a certificate TLSv1.2_2021 is set"))
        _skip_checkov(self.distribution, *skips)
        # What DNS points the public domain at (CNAME or alias).
        CfnOutput(Stack.of(self), "DistributionDomainName",
                  value=self.distribution.distribution_domain_name)

    # ---- buckets ------------------------------------------------------------------------------
    def _site_bucket(self, logs_bucket: s3.IBucket) -> s3.Bucket:
        bucket = s3.Bucket(
            self, "SiteBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30))],
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix="site/",
            removal_policy=RemovalPolicy.RETAIN,
        )
        _skip_checkov(bucket, ("CKV_AWS_145", "the public web app's files, served to anyone by "
                                              "CloudFront; SSE-KMS would add a key policy for "
                                              "CloudFront and protect nothing secret"))
        return bucket

    def _edge_logs_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self, "EdgeLogsBucket",
            # CloudFront standard logs are written with an ACL: the bucket must accept ACLs,
            # and they can only go to SSE-S3 buckets.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(
                expiration=Duration.days(400), noncurrent_version_expiration=Duration.days(30))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        _skip_checkov(
            bucket,
            ("CKV_AWS_18", "this is CloudFront's access-log sink; logging it would log its writes"),
            ("CKV_AWS_145", "CloudFront standard logging only delivers to SSE-S3 buckets"))
        return bucket

    # ---- policies -----------------------------------------------------------------------------
    def _web_cache_policy(self) -> cloudfront.CachePolicy:
        """The app's files: as their Cache-Control says (assets a year, pages revalidated)."""
        return cloudfront.CachePolicy(
            self, "WebCachePolicy", cache_policy_name=f"rukhsa-{self.stage}-web",
            comment="the origin's Cache-Control; nothing but the path in the key",
            min_ttl=Duration.seconds(0), default_ttl=Duration.hours(1),
            max_ttl=Duration.days(365),
            enable_accept_encoding_gzip=True, enable_accept_encoding_brotli=True)

    def _api_cache_policy(self) -> cloudfront.CachePolicy:
        """The API's answers: cached only as long as the API's Cache-Control allows (nothing
        without one). Authorization in the key forwards it (CloudFront forwards it no other
        way) and keeps one caller's answer from another; authenticated answers say `private,
        no-store` anyway. Accept, because /v/{token} answers HTML or JSON (Vary: Accept)."""
        return cloudfront.CachePolicy(
            self, "ApiCachePolicy", cache_policy_name=f"rukhsa-{self.stage}-api",
            comment="honours the API's Cache-Control; default TTL 0",
            min_ttl=Duration.seconds(0), default_ttl=Duration.seconds(0),
            max_ttl=Duration.days(1),
            header_behavior=cloudfront.CacheHeaderBehavior.allow_list("Authorization", "Accept"),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.all(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            enable_accept_encoding_gzip=True, enable_accept_encoding_brotli=True)

    def _web_headers(self, file_origins: tuple[str, ...],
                     sign_in_origins: tuple[str, ...]) -> cloudfront.ResponseHeadersPolicy:
        return cloudfront.ResponseHeadersPolicy(
            self, "WebHeaders", response_headers_policy_name=f"rukhsa-{self.stage}-web",
            comment="the local front's headers (infra/web_headers.py) plus HSTS",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(file_origins,
                                                                    sign_in_origins),
                    override=True),
                strict_transport_security=self._hsts(),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.SAME_ORIGIN,
                    override=True)))

    def _api_headers(self) -> cloudfront.ResponseHeadersPolicy:
        """HSTS and nosniff everywhere; the API's own CSP and referrer policy (the verification
        page has its own, stricter ones) are kept, and set only where the API sets none."""
        return cloudfront.ResponseHeadersPolicy(
            self, "ApiHeaders", response_headers_policy_name=f"rukhsa-{self.stage}-api",
            comment="HSTS and nosniff; the API's own CSP and referrer policy kept",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=self._hsts(),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=False),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.SAME_ORIGIN,
                    override=False)))

    @staticmethod
    def _hsts() -> cloudfront.ResponseHeadersStrictTransportSecurity:
        return cloudfront.ResponseHeadersStrictTransportSecurity(
            access_control_max_age=Duration.seconds(HSTS_MAX_AGE_SECONDS),
            include_subdomains=True, preload=True, override=True)

    # ---- what is deployed into the bucket --------------------------------------------------
    def deploy(self, runtime_config: dict[str, Any]) -> None:
        """web/dist when it is built (hashed assets first, then the pages that name them), and
        /config.json from the stack's values. Without web/dist the synth still works (the
        tests, a machine without Node): only config.json is deployed, with a warning."""
        sources = [s3deploy.Source.json_data(RUNTIME_CONFIG, runtime_config)]
        assets = None
        if self.web_dist is not None:
            built = s3deploy.Source.asset(str(self.web_dist))
            assets = s3deploy.BucketDeployment(
                self, "WebAssets", destination_bucket=self.bucket, sources=[built],
                exclude=["*"], include=["assets/*"], prune=False,
                cache_control=[s3deploy.CacheControl.from_string(ASSETS_CACHE)],
                memory_limit=512)
            sources.insert(0, built)
        else:
            Annotations.of(self).add_warning_v2(
                "rukhsa:web-not-built",
                "web/dist is not built: only config.json is deployed. Run `make web` before "
                "`cdk deploy` (docs/deployment.md).")
        # Old hashed assets stay (prune off): a page loaded before the deploy still finds them.
        pages = s3deploy.BucketDeployment(
            self, "WebPages", destination_bucket=self.bucket, sources=sources,
            exclude=["assets/*"], prune=False,
            cache_control=[s3deploy.CacheControl.from_string(PAGES_CACHE)],
            memory_limit=512)
        if assets is not None:
            pages.node.add_dependency(assets)
        _skip_bucket_deployment_provider(Stack.of(self))


def _skip_checkov(resource: Any, *checks: tuple[str, str]) -> None:
    cfn = resource.node.default_child
    cfn.add_metadata("checkov", {"skip": [{"id": i, "comment": why} for i, why in checks]})


def _skip_bucket_deployment_provider(stack: Stack) -> None:
    """CDK's BucketDeployment runs one singleton function; its properties are not ours to set."""
    for child in stack.node.children:
        if child.node.id.startswith("Custom::CDKBucketDeployment"):
            # CDK's Function adds a DependsOn its role that the role's GetAtt already implies.
            child.node.default_child.add_metadata("cfn-lint",
                                                  {"config": {"ignore_checks": ["W3005"]}})
            _skip_checkov(
                child,
                ("CKV_AWS_115", "runs once per deploy; reserved concurrency would only take quota"),
                ("CKV_AWS_116", "invoked synchronously by CloudFormation, which reports failures"),
                ("CKV_AWS_117", "copies between S3 buckets over the public S3 API; no VPC"),
                ("CKV_AWS_173", "its environment holds no secrets"))
