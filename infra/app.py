#!/usr/bin/env python3
"""CDK entry point: `cdk synth` / `cdk deploy` from infra/ run this file (see cdk.json)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The project root comes first so that `infra.*` resolves and Chalice's `import app` finds the
# Chalice app (the root app.py), not this file.
sys.path[:] = [str(PROJECT_ROOT)] + [p for p in sys.path
                                      if Path(p or ".").resolve() != PROJECT_ROOT / "infra"]

import aws_cdk as cdk  # noqa: E402

from infra.edge import EDGE_REGION, RukhsaEdgeStack, edge_stack_name  # noqa: E402
from infra.stack import RukhsaConfig, RukhsaStack  # noqa: E402


def main() -> None:
    app = cdk.App()
    config = RukhsaConfig.from_context(app, default_app_dir=PROJECT_ROOT)
    # CloudFront's web ACL must be created in us-east-1: a stack of its own there, deployed
    # first (docs/deployment.md, "Two stacks").
    edge = RukhsaEdgeStack(
        app, edge_stack_name(config.stage), config=config,
        description=f"Rukhsa CloudFront web ACL ({config.stage})",
        env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=EDGE_REGION),
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=True),
    )
    main = RukhsaStack(
        app, f"Rukhsa-{config.stage}",
        config=config,
        description=f"Rukhsa licensing platform ({config.stage})",
        # Environment-agnostic unless the deployer's CLI supplies an account and region.
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=True),
    )
    main.add_stack_dependency(edge, "the distribution uses the edge stack's web ACL")
    app.synth()


if __name__ == "__main__":
    main()
