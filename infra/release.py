"""Safe roll-outs: CodeDeploy shifts the `live` alias to a new version, after a smoke check.

Each deploy that changes the image (a retrained model) or the function's configuration makes a
new version. The pre-traffic hook invokes it directly with one review (infra/smoke.py); then
CodeDeploy moves 10% of the traffic for 5 minutes (by default) and the rest, and rolls back to the
old version if the hook fails or any alarm fires meanwhile.
"""

from collections.abc import Sequence
from typing import Final

from aws_cdk import Duration, IgnoreMode
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.log_groups import function_role_and_logs
from infra.nag import acknowledge, logical_id
from infra.pre_traffic import ENV_TARGET_VERSION, HANDLER
from infra.settings import Deployment
from scripts.paths import REPO_ROOT

DEPLOYMENT_CONFIGS: Final = {
    "canary": codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
    "linear": codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE,
    "all-at-once": codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
}
# The hook's package: infra/pre_traffic.py, the smoke check and the modules those import.
HOOK_FILES: Final = (
    "infra/__init__.py",
    "infra/pre_traffic.py",
    "infra/smoke.py",
    "infra/errors.py",
    "infra/names.py",
    "handler/__init__.py",
    "handler/constants.py",
)
HOOK_EXCLUDE: Final = (
    "*",
    "!infra",
    "infra/*",
    "!handler",
    "handler/*",
    *(f"!{f}" for f in HOOK_FILES),
)


class Release(Construct):
    """The deployment group over `alias`, its pre-traffic hook and its rollback alarms."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: lambda_.Alias,
        deployment: Deployment,
        alarms: Sequence[cloudwatch.IAlarm],
    ) -> None:
        super().__init__(scope, construct_id)
        self.hook_role, hook_logs = function_role_and_logs(self, "PreTrafficHook")
        self.pre_traffic_hook = lambda_.Function(
            self,
            "PreTrafficHook",
            description="Smoke-checks a new version before CodeDeploy sends it traffic",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler=HANDLER,
            code=lambda_.Code.from_asset(
                str(REPO_ROOT), exclude=list(HOOK_EXCLUDE), ignore_mode=IgnoreMode.DOCKER
            ),
            # A cold new version loads the model first; the smoke request itself takes milliseconds.
            timeout=Duration.seconds(60),
            memory_size=256,
            role=self.hook_role,
            log_group=hook_logs,
            environment={ENV_TARGET_VERSION: alias.version.function_arn},
        )
        alias.version.grant_invoke(self.hook_role)
        self.deployment_group = codedeploy.LambdaDeploymentGroup(
            self,
            "DeploymentGroup",
            alias=alias,
            deployment_config=DEPLOYMENT_CONFIGS[deployment],
            alarms=list(alarms),
            pre_hook=self.pre_traffic_hook,
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True, deployment_in_alarm=True
            ),
        )
        self._acknowledge()

    def _acknowledge(self) -> None:
        """CodeDeploy's role as aws-cdk-lib builds it, and the hook's runtime."""
        acknowledge(
            self.pre_traffic_hook,
            {
                "AwsSolutions-L1": "The hook runs on Python 3.13, the version the service's "
                "image and its tests use, so the smoke check it imports is tested on the runtime "
                "it runs on.",
            },
        )
        acknowledge(
            self.deployment_group,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSCodeDeployRoleForLambdaLimited]": "AWS's own policy for CodeDeploy on "
                "Lambda: it may update aliases and read alarms, and invoke only functions named "
                "CodeDeployHook_* (ours is granted separately); a hand-written copy would drift "
                "from what CodeDeploy needs.",
                f"AwsSolutions-IAM5[Resource::<{logical_id(self.pre_traffic_hook)}.Arn>:*]": (
                    "CodeDeploy invokes the pre-traffic hook, which aws-cdk-lib grants on the "
                    "function and its versions; one function only."
                ),
            },
        )
