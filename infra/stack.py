"""The stack: the site and the API on one CloudFront origin, alarms, dashboard and roll-outs."""

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from constructs import Construct

from infra import names
from infra.api import SentimentApi
from infra.bulk import BulkJobs
from infra.dashboard import ServiceDashboard
from infra.log_groups import give_providers_log_groups
from infra.model import shipped_model_version
from infra.monitoring import Monitoring, Watched
from infra.release import Release
from infra.settings import Settings
from infra.site import StaticSite
from infra.waf import WebAclArn
from scripts.paths import FRONTEND_DIR


class SentimentStack(Stack):
    """Site first, because the function's allowed origins name the site's origin."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        frontend_dir: Path = FRONTEND_DIR,
        web_acl_parameter: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.web_acl = (
            WebAclArn(self, "WebAclArn", parameter_name=web_acl_parameter)
            if web_acl_parameter
            else None
        )
        self.site = StaticSite(
            self, "Site", web_acl_arn=self.web_acl.value if self.web_acl else None
        )
        self.api = SentimentApi(
            self,
            "Api",
            settings=settings,
            allowed_origins=[self.site.origin, *settings.extra_allowed_origins],
        )
        self.site.serve_api(self.api.domain_name)
        self.page = self.site.publish(frontend_dir, names.page_config(self.site.origin))
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            watched=Watched(
                alias=self.api.alias,
                stage=self.api.stage,
                function_logs=self.api.function_logs,
                timeout=Duration.seconds(settings.timeout_seconds),
                # The model this deploy ships: the canary's alarm and the model panels follow it.
                model_version=shipped_model_version(),
            ),
            alarm_email=settings.alarm_email,
        )
        self.dashboard = ServiceDashboard(
            self,
            "Dashboard",
            watched=self.monitoring.watched,
            unexpected=self.monitoring.unexpected,
        )
        self.bulk = BulkJobs(self, "Bulk", settings=settings, topic=self.monitoring.topic)
        self.dashboard.dashboard.add_widgets(*self.bulk.widgets)
        self.release = Release(
            self,
            "Release",
            alias=self.api.alias,
            deployment=settings.deployment,
            alarms=list(self.monitoring.alarms.values()),
        )
        self.providers = give_providers_log_groups(self)

        for name, value, description in (
            (names.OUTPUT_API_URL, self.site.origin, "Base URL of the prediction API (CloudFront)"),
            (names.OUTPUT_DIRECT_API_URL, self.api.url, "The HTTP API itself, without CloudFront"),
            (names.OUTPUT_SITE_URL, self.site.url, "The page"),
            (names.OUTPUT_SITE_BUCKET, self.site.bucket.bucket_name, "Bucket behind the page"),
            (
                names.OUTPUT_DISTRIBUTION_ID,
                self.site.distribution.distribution_id,
                "The page's and the API's distribution",
            ),
            (
                names.OUTPUT_DASHBOARD,
                self.dashboard.dashboard.dashboard_name,
                "CloudWatch dashboard",
            ),
            (names.OUTPUT_ALARM_TOPIC, self.monitoring.topic.topic_arn, "SNS topic of every alarm"),
        ):
            CfnOutput(self, name, value=value, description=description)
