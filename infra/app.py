"""The CDK app that `cdk.json` runs: settings from context, the stacks, cdk-nag checks."""

import os

from aws_cdk import App, Environment

from infra import names
from infra.nag import check
from infra.settings import read_settings
from infra.stack import SentimentStack
from infra.waf import CLOUDFRONT_REGION, ClientLimitsStack


def build(app: App) -> SentimentStack:
    """Add the stack (and its web ACL's stack with `waf=true`) and the AwsSolutions checks."""
    settings = read_settings(app)
    parameter = names.web_acl_parameter(settings.stage) if settings.waf else None
    limits = None
    if parameter:
        limits = ClientLimitsStack(
            app,
            names.client_limits_stack_name(settings.stage),
            rate_limit=settings.waf_rate_limit,
            parameter_name=parameter,
            env=Environment(
                account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=CLOUDFRONT_REGION
            ),
        )
    stack = SentimentStack(
        app, names.stack_name(settings.stage), settings=settings, web_acl_parameter=parameter
    )
    if limits:
        stack.add_stack_dependency(limits, "the site reads the web ACL's ARN from its stack")
    check(app)
    return stack


if __name__ == "__main__":
    app = App()
    build(app)
    app.synth()
