"""The one stack: the static site, the API it calls, and the outputs the scripts read."""

from pathlib import Path
from typing import Any, Final

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra import names
from infra.api import REPO_ROOT, SentimentApi
from infra.nag import acknowledge_api, acknowledge_page_deployment, acknowledge_site
from infra.settings import Settings
from infra.site import StaticSite

FRONTEND_DIR: Final = REPO_ROOT / "frontend"


class SentimentStack(Stack):
    """Site first, because the API's CORS rule and environment name the site's origin."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        frontend_dir: Path = FRONTEND_DIR,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.site = StaticSite(self, "Site")
        self.api = SentimentApi(
            self,
            "Api",
            settings=settings,
            allowed_origins=[self.site.origin, *settings.extra_allowed_origins],
        )
        self.page = self.site.publish(frontend_dir, names.page_config(self.api.url))
        acknowledge_site(self.site)
        acknowledge_api(self.api)
        acknowledge_page_deployment(self.page, self.site.bucket)

        for name, value, description in (
            (names.OUTPUT_API_URL, self.api.url, "Base URL of the prediction API"),
            (names.OUTPUT_SITE_URL, self.site.url, "The page"),
            (names.OUTPUT_SITE_BUCKET, self.site.bucket.bucket_name, "Bucket behind the page"),
            (
                names.OUTPUT_DISTRIBUTION_ID,
                self.site.distribution.distribution_id,
                "Distribution to invalidate after publishing the page",
            ),
        ):
            CfnOutput(self, name, value=value, description=description)
