"""AWS WAF pieces shared by the regional web ACLs (API stage, user pools; infra/stack.py) and
the edge web ACL in front of CloudFront (infra/edge.py)."""
from __future__ import annotations

import json
from typing import Any

from aws_cdk import aws_wafv2 as wafv2

RATE_LIMITED_BODY_KEY = "rate_limited"
# The API's error contract (bilingual, Arabic first), as every answer of the gateway itself.
RATE_LIMITED_BODY = json.dumps({"error": {
    "code": "rate_limited",
    "message_ar": "طلبات كثيرة من عنوانك، حاول مرة أخرى بعد خمس دقائق",
    "message_en": "Too many requests from your address; try again in five minutes"}},
    ensure_ascii=False)
# The public QR routes: /v/{token}, /V/{token}, /s/{code}. The URI WAF sees may carry the API
# stage (/v1/v/...) on the regional API or not (at the edge, and behind a custom domain).
QR_ROUTE_PATTERN = r"^(/[A-Za-z0-9_-]+)?/[vVs]/[^/]+/?$"


def visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True)


def rate_per_ip(name: str, priority: int, limit: int, action: wafv2.CfnWebACL.RuleActionProperty,
                scope_down: Any = None) -> wafv2.CfnWebACL.RuleProperty:
    """Over `limit` requests from one source IP in any 5 minutes: `action` (a block)."""
    return wafv2.CfnWebACL.RuleProperty(
        name=name, priority=priority, visibility_config=visibility(name), action=action,
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                aggregate_key_type="IP", limit=limit, evaluation_window_sec=300,
                scope_down_statement=scope_down)))


def known_bad_inputs(priority: int = 0) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name="known-bad-inputs", priority=priority, visibility_config=visibility("known-bad-inputs"),
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name="AWSManagedRulesKnownBadInputsRuleSet")))


def rate_limited_action() -> wafv2.CfnWebACL.RuleActionProperty:
    """Block with 429, Retry-After and the API's bilingual error body (RATE_LIMITED_BODY_KEY)."""
    limited = wafv2.CfnWebACL.CustomResponseProperty(
        response_code=429, custom_response_body_key=RATE_LIMITED_BODY_KEY,
        response_headers=[
            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value="300"),
            # as every answer of the gateway itself (infra/gateway_responses.py)
            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="X-Content-Type-Options",
                                                     value="nosniff")])
    return wafv2.CfnWebACL.RuleActionProperty(
        block=wafv2.CfnWebACL.BlockActionProperty(custom_response=limited))


def rate_limited_bodies() -> dict[str, wafv2.CfnWebACL.CustomResponseBodyProperty]:
    return {RATE_LIMITED_BODY_KEY: wafv2.CfnWebACL.CustomResponseBodyProperty(
        content_type="APPLICATION_JSON", content=RATE_LIMITED_BODY)}


def qr_routes() -> wafv2.CfnWebACL.StatementProperty:
    return wafv2.CfnWebACL.StatementProperty(
        regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
            regex_string=QR_ROUTE_PATTERN,
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(
                priority=0, type="NONE")]))
