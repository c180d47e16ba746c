"""The prediction API: the handler's container image on Lambda behind an HTTP API.

API Gateway calls the `live` alias, never `$LATEST`, so CodeDeploy (infra/release.py) decides
which version answers. CORS is the app's alone (handler/api/app.py): the page reaches the API through
its own CloudFront origin under /v1/*, and a preflight from an extra origin reaches the app.
"""

import json
from collections.abc import Sequence
from typing import Final

import jsii
from aws_cdk import Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from constructs import Construct

from handler.constants import (
    BATCH_PATH,
    ENV_ALLOWED_ORIGINS,
    ENV_LOG_LEVEL,
    HEALTH_PATH,
    MODEL_PATH,
    PREDICT_PATH,
)
from infra.image import function_architecture, image_code
from infra.log_groups import expiring_log_group, function_role_and_logs
from infra.nag import acknowledge
from infra.settings import Settings

LIVE_ALIAS: Final = "live"
# Routes named here get their own route key in the access log; anything else (docs, preflights,
# unknown paths) reaches the app through $default and is logged as "$default".
ROUTES: Final = (
    (PREDICT_PATH, apigwv2.HttpMethod.POST),
    (BATCH_PATH, apigwv2.HttpMethod.POST),
    (HEALTH_PATH, apigwv2.HttpMethod.GET),
    (MODEL_PATH, apigwv2.HttpMethod.GET),
)

# HTTP API context variables (not the REST API's set, which AccessLogFormat's presets use).
# The route key, not the path: a path can carry anything a client typed. No client IP: behind
# CloudFront it is an edge's address, and the service keeps no personal data (docs/security.md).
# integrationRequestId is the Lambda request id, which joins a line to the function's logs; the
# function logs requestId as its correlation_id.
ACCESS_LOG_FIELDS: Final = {
    "requestId": "$context.requestId",
    "integrationRequestId": "$context.integration.requestId",
    "requestTime": "$context.requestTime",
    "method": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
}


class SentimentApi(Construct):
    """The function, its `live` alias and the HTTP API; `url` is the base of `/v1/predict`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        allowed_origins: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.role, function_logs = function_role_and_logs(self, "Function")
        self.function = lambda_.DockerImageFunction(
            self,
            "Function",
            code=image_code(settings),
            architecture=function_architecture(settings),
            memory_size=settings.memory_mb,
            timeout=Duration.seconds(settings.timeout_seconds),
            reserved_concurrent_executions=settings.reserved_concurrency,
            role=self.role,
            log_group=function_logs,
            environment={
                ENV_ALLOWED_ORIGINS: ",".join(allowed_origins),
                ENV_LOG_LEVEL: "INFO",
            },
        )
        self.function_logs = function_logs
        # A new version whenever the image or the configuration changes; CodeDeploy moves the
        # alias to it (the first deployment creates the alias on it directly).
        self.alias = lambda_.Alias(
            self, "Live", alias_name=LIVE_ALIAS, version=self.function.current_version
        )

        integration = HttpLambdaIntegration("Predict", self.alias)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=Stack.of(self).stack_name,
            description="Movie-review sentiment predictions",
            create_default_stage=False,
            default_integration=integration,
        )
        acknowledge(
            self.http_api,
            {
                "AwsSolutions-APIG4": "Public, anonymous predictions are the product; abuse is "
                "bounded by the stage's rate and burst limits, the optional per-IP web ACL and "
                "optional reserved concurrency.",
            },
        )
        for path, method in ROUTES:
            self.http_api.add_routes(path=path, methods=[method], integration=integration)
        access_logs = expiring_log_group(self, "AccessLogs")
        # The default stage is created by hand because only HttpStage takes throttling
        # and access-log settings.
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=settings.throttle_rate_limit,
                burst_limit=settings.throttle_burst_limit,
            ),
            access_log_settings=_AccessLogSettings(access_logs),
        )
        # The $default stage serves at the root, so the endpoint is the base URL.
        self.url: str = self.http_api.api_endpoint
        # What CloudFront needs to reach it: the host without the scheme.
        self.domain_name: str = (
            f"{self.http_api.http_api_id}.execute-api.{Stack.of(self).region}."
            f"{Stack.of(self).url_suffix}"
        )


# jsii passes interfaces by reference, so the settings must be a registered implementation;
# a plain dict or an unregistered subclass fails to serialise.
@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS))
