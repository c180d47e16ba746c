"""The opt-in web ACL (`-c waf=true`): a per-client rate limit and two AWS managed rule groups.

The IP-reputation list blocks addresses AWS has seen in attacks; the known-bad-inputs group blocks
request patterns of known exploits (Log4j's JNDI lookups among them) before they reach the app.

CloudFront only takes a web ACL made in us-east-1, so it lives in its own small stack there,
which writes the ACL's ARN to an SSM parameter in us-east-1; the site's stack (in any region) reads
it back with one SDK call at deploy time. That is what CDK's `crossRegionReferences` does, but its
reader is a provider function that cannot be given an expiring log group; this one can.
"""

from typing import Any, Final

from aws_cdk import Stack
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.log_groups import expiring_log_group
from infra.nag import BASIC_EXECUTION, LIBRARY_HANDLER, acknowledge, library_handler

CLOUDFRONT_REGION: Final = "us-east-1"
IP_REPUTATION: Final = "AWSManagedRulesAmazonIpReputationList"
KNOWN_BAD_INPUTS: Final = "AWSManagedRulesKnownBadInputsRuleSet"
# AWS's groups after our own rate rule (priority 0), in this order.
MANAGED_RULE_GROUPS: Final = (IP_REPUTATION, KNOWN_BAD_INPUTS)


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    # Sampled requests (kept by WAF for three hours) show what was blocked; docs/security.md.
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
    # `none`: the group's own actions (block) apply, not a count-only override.
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS", name=name
            )
        ),
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        visibility_config=_visibility(name),
    )


class ClientLimits(Construct):
    """A CloudFront-scoped web ACL; `arn` is what the distribution's WebACLId takes."""

    def __init__(self, scope: Construct, construct_id: str, *, rate_limit: int) -> None:
        super().__init__(scope, construct_id)
        rules: list[Any] = [
            wafv2.CfnWebACL.RuleProperty(
                name="RatePerClientIp",
                priority=0,
                # Requests from one IP in any 5-minute window, page and API together.
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP", limit=rate_limit, evaluation_window_sec=300
                    )
                ),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                visibility_config=_visibility("RatePerClientIp"),
            ),
            *(_managed(name, priority) for priority, name in enumerate(MANAGED_RULE_GROUPS, 1)),
        ]
        self.acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="CLOUDFRONT",
            description="Per-client rate limit and AWS managed rules for the sentiment page and API",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("SentimentClientLimits"),
            rules=rules,
        )
        self.arn: str = self.acl.attr_arn


class ClientLimitsStack(Stack):
    """The web ACL's own stack in us-east-1, for a site stack in any region."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rate_limit: int,
        parameter_name: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.limits = ClientLimits(self, "ClientLimits", rate_limit=rate_limit)
        ssm.StringParameter(
            self,
            "WebAclArn",
            parameter_name=parameter_name,
            string_value=self.limits.arn,
            description="ARN of the sentiment site's web ACL, read by the site's stack",
        )


class WebAclArn(Construct):
    """The ARN that a ClientLimitsStack published, read from us-east-1 at deploy time."""

    def __init__(self, scope: Construct, construct_id: str, *, parameter_name: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        parameter_arn = stack.format_arn(
            service="ssm",
            region=CLOUDFRONT_REGION,
            resource="parameter",
            resource_name=parameter_name.lstrip("/"),
        )
        call = cr.AwsSdkCall(
            service="SSM",
            action="getParameter",
            parameters={"Name": parameter_name},
            region=CLOUDFRONT_REGION,
            physical_resource_id=cr.PhysicalResourceId.of(parameter_name),
        )
        self.reader = cr.AwsCustomResource(
            self,
            "Reader",
            on_create=call,
            on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[parameter_arn]),
            install_latest_aws_sdk=False,
            log_group=expiring_log_group(self, "ReaderLogs"),
        )
        self.value: str = self.reader.get_response_field("Parameter.Value")
        role = self.reader.grant_principal
        assert isinstance(role, Construct)
        acknowledge(
            library_handler(role),
            {
                BASIC_EXECUTION: f"{LIBRARY_HANDLER}'s AwsCustomResource; the library attaches "
                "the policy; its logs go to the expiring group we give it.",
            },
        )
