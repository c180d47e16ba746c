"""The CodeDeploy deployment group over the `live` alias, and its pre-traffic hook function."""

from aws_cdk.assertions import Match

from infra.pre_traffic import ENV_TARGET_VERSION, HANDLER
from infra.release import HOOK_FILES
from tests.infra.conftest import Synthesized, without_bulk


def _hook(app: Synthesized) -> dict:
    (hook,) = [
        r["Properties"]
        for r in app.resources("AWS::Lambda::Function").values()
        if r["Properties"].get("Handler") == HANDLER
    ]
    return hook


def test_canary_by_default_with_every_alarm_and_automatic_rollback(
    default_app: Synthesized,
) -> None:
    # Every alarm of the API; a failed bulk job says nothing about a new API version.
    alarm_ids = sorted(without_bulk(default_app.resources("AWS::CloudWatch::Alarm")))
    group = default_app.only("AWS::CodeDeploy::DeploymentGroup")
    assert group["DeploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    assert group["DeploymentStyle"] == {
        "DeploymentOption": "WITH_TRAFFIC_CONTROL",
        "DeploymentType": "BLUE_GREEN",
    }
    assert set(group["AutoRollbackConfiguration"]["Events"]) == {
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_REQUEST",
        "DEPLOYMENT_STOP_ON_ALARM",
    }
    assert group["AutoRollbackConfiguration"]["Enabled"] is True
    configured = group["AlarmConfiguration"]
    assert configured["Enabled"] is True
    assert sorted(a["Name"]["Ref"] for a in configured["Alarms"]) == alarm_ids


def test_all_at_once_is_selectable_for_dev(variant_app: Synthesized) -> None:
    variant_app.template.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {"DeploymentConfigName": "CodeDeployDefault.LambdaAllAtOnce"},
    )


def test_the_alias_is_moved_by_codedeploy_with_the_hook_before_traffic(
    default_app: Synthesized,
) -> None:
    (alias,) = without_bulk(default_app.resources("AWS::Lambda::Alias")).values()
    policy = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    (hook_id,) = [
        logical_id
        for logical_id, r in default_app.resources("AWS::Lambda::Function").items()
        if r["Properties"].get("Handler") == HANDLER
    ]
    assert policy["BeforeAllowTrafficHook"] == {"Ref": hook_id}
    assert "AfterAllowTrafficHook" not in policy


def test_the_hook_smoke_checks_the_new_version_and_may_invoke_only_it(
    default_app: Synthesized,
) -> None:
    (version_id,) = without_bulk(default_app.resources("AWS::Lambda::Version"))
    hook = _hook(default_app)
    assert hook["Runtime"] == "python3.13"
    assert hook["Environment"]["Variables"] == {ENV_TARGET_VERSION: {"Ref": version_id}}
    _grants(default_app, {"Action": "lambda:InvokeFunction", "Resource": {"Ref": version_id}})
    _grants(default_app, {"Action": "codedeploy:PutLifecycleEventHookExecutionStatus"})


def _grants(app: Synthesized, statement: dict) -> None:
    app.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like(statement)]),
                "Version": Match.any_value(),
            }
        },
    )


def test_the_hook_package_holds_the_smoke_check_and_nothing_else(
    default_app: Synthesized,
) -> None:
    packaged = {
        tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()))
        for folder in default_app.outdir.glob("asset.*")
        if (folder / "infra" / "pre_traffic.py").is_file()
    }
    assert packaged == {tuple(sorted(HOOK_FILES))}
