"""RukhsaEdgeStack: the AWS WAF web ACL in front of the CloudFront distribution.

A web ACL for CloudFront (scope CLOUDFRONT) can only be created in us-east-1, whatever region
the rest of Rukhsa lives in, so it is a stack of its own, `Rukhsa-<stage>-edge`, pinned to
us-east-1. It publishes its ARN in an SSM parameter there (EDGE_WEB_ACL_PARAMETER); the main
stack reads that parameter at deploy time (infra/stack.py `_edge_web_acl_arn`) and depends on
this stack, so `cdk deploy --all` deploys the edge first (docs/deployment.md).

Per-client limits live here, at the edge, because only the edge sees the client's address: the
API behind CloudFront sees CloudFront's. Over a limit: 429 with Retry-After and the API's
bilingual error body.
"""
from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Fn, RemovalPolicy, Stack, aws_logs as logs, aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import waf

EDGE_REGION = "us-east-1"
EDGE_WEB_ACL_PARAMETER = "/rukhsa/{stage}/edge-web-acl-arn"


def edge_stack_name(stage: str) -> str:
    return f"Rukhsa-{stage}-edge"


class RukhsaEdgeStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: Any,
                 **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = config.stage
        limited = waf.rate_limited_action()
        self.web_acl = wafv2.CfnWebACL(
            self, "EdgeWebAcl", scope="CLOUDFRONT",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=waf.visibility("rukhsa-edge"),
            custom_response_bodies=waf.rate_limited_bodies(),
            rules=[waf.known_bad_inputs(),
                   waf.rate_per_ip("verify-per-ip", 1, config.waf_verify_limit, limited,
                                   waf.qr_routes()),
                   waf.rate_per_ip("api-per-ip", 2, config.waf_api_limit, limited)])
        self._logging(stage)
        ssm.StringParameter(
            self, "EdgeWebAclArnParameter",
            parameter_name=EDGE_WEB_ACL_PARAMETER.format(stage=stage),
            string_value=self.web_acl.attr_arn,
            description="ARN of the CloudFront web ACL, read by the main Rukhsa stack")
        CfnOutput(self, "EdgeWebAclArn", value=self.web_acl.attr_arn)

    def _logging(self, stage: str) -> None:
        """Blocked requests only, to a log group WAF requires to be named aws-waf-logs-*."""
        name = f"aws-waf-logs-rukhsa-{stage}-edge"
        group = logs.LogGroup(self, "EdgeWebAclLogs", log_group_name=name,
                              retention=logs.RetentionDays.ONE_YEAR,
                              removal_policy=RemovalPolicy.RETAIN)
        group.node.default_child.add_metadata("checkov", {"skip": [{
            "id": "CKV_AWS_158",
            "comment": "holds only blocked requests' metadata (IP, URI, rule); CloudWatch Logs "
                       "encrypts it at rest, and the stack's customer managed key lives in the "
                       "main region, not us-east-1"}]})
        logging = wafv2.CfnLoggingConfiguration(
            self, "EdgeWebAclLogging", resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[Fn.sub(
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" + name)],
            logging_filter={"DefaultBehavior": "DROP", "Filters": [{
                "Behavior": "KEEP", "Requirement": "MEETS_ANY",
                "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}]}]})
        logging.node.add_dependency(group)
