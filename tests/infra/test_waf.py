"""`-c waf=true`: a web ACL in its own us-east-1 stack, attached to the site's distribution."""

import json

from aws_cdk.assertions import Template

from infra import names
from infra.waf import CLOUDFRONT_REGION, IP_REPUTATION, KNOWN_BAD_INPUTS
from tests.infra.conftest import WAF_CONTEXT, Synthesized


def _limits(app: Synthesized) -> Template:
    (template,) = app.other_templates
    assert template.name == f"{names.client_limits_stack_name(WAF_CONTEXT['stage'])}.template.json"
    return Template.from_json(json.loads(template.read_text()))


def test_no_web_acl_unless_asked(default_app: Synthesized) -> None:
    assert default_app.other_templates == []
    assert default_app.resources("Custom::AWS") == {}


def test_the_acl_is_cloudfront_scoped_with_a_per_ip_rate_and_two_managed_groups(
    waf_app: Synthesized,
) -> None:
    (acl,) = _limits(waf_app).find_resources("AWS::WAFv2::WebACL").values()
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    assert props["DefaultAction"] == {"Allow": {}}
    rate, reputation, bad_inputs = sorted(props["Rules"], key=lambda rule: rule["Priority"])
    assert rate["Statement"] == {
        "RateBasedStatement": {
            "AggregateKeyType": "IP",
            "Limit": int(WAF_CONTEXT["wafRateLimit"]),
            "EvaluationWindowSec": 300,
        }
    }
    assert rate["Action"] == {"Block": {}}
    # Known exploit patterns (Log4j's JNDI lookups among them), blocked by the group's own rules.
    for group, name in ((reputation, IP_REPUTATION), (bad_inputs, KNOWN_BAD_INPUTS)):
        assert group["Statement"] == {
            "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": name}
        }
        assert group["OverrideAction"] == {"None": {}}
        assert group["VisibilityConfig"]["MetricName"] == name


def test_the_acl_stack_is_in_us_east_1_and_deploys_first(waf_app: Synthesized) -> None:
    manifest = json.loads((waf_app.outdir / "manifest.json").read_text())
    name = names.client_limits_stack_name(WAF_CONTEXT["stage"])
    assert manifest["artifacts"][name]["environment"].endswith(f"/{CLOUDFRONT_REGION}")
    assert name in manifest["artifacts"][waf_app.stack.stack_name]["dependencies"]


def test_the_distribution_takes_the_arn_the_acl_stack_published(waf_app: Synthesized) -> None:
    parameter = names.web_acl_parameter(WAF_CONTEXT["stage"])
    limits = _limits(waf_app)
    (acl_id,) = limits.find_resources("AWS::WAFv2::WebACL")
    limits.has_resource_properties(
        "AWS::SSM::Parameter",
        {"Name": parameter, "Type": "String", "Value": {"Fn::GetAtt": [acl_id, "Arn"]}},
    )
    (reader_id,) = waf_app.resources("Custom::AWS")
    reader = waf_app.resources("Custom::AWS")[reader_id]["Properties"]
    call = json.dumps(reader["Create"])
    assert '\\"action\\":\\"getParameter\\"' in call
    assert parameter in call
    assert CLOUDFRONT_REGION in call
    config = waf_app.only("AWS::CloudFront::Distribution")["DistributionConfig"]
    assert config["WebACLId"] == {"Fn::GetAtt": [reader_id, "Parameter.Value"]}
