"""Names that the stack publishes and the scripts look up, defined once.

The deploy scripts read the stack's outputs by these names, so a rename here
reaches both sides at once.
"""

from typing import Final

STACK_NAME_PREFIX: Final = "SentimentService"

OUTPUT_API_URL: Final = "ApiUrl"
# The HTTP API's own execute-api URL: not behind CloudFront or the web ACL (docs/deploy.md).
OUTPUT_DIRECT_API_URL: Final = "DirectApiUrl"
OUTPUT_DASHBOARD: Final = "DashboardName"
OUTPUT_ALARM_TOPIC: Final = "AlarmTopicArn"
OUTPUT_SITE_URL: Final = "SiteUrl"
OUTPUT_SITE_BUCKET: Final = "SiteBucketName"
OUTPUT_DISTRIBUTION_ID: Final = "SiteDistributionId"


def stack_name(stage: str) -> str:
    """The CloudFormation stack name for one stage, e.g. `SentimentService-dev`."""
    return f"{STACK_NAME_PREFIX}-{stage}"


def client_limits_stack_name(stage: str) -> str:
    """The us-east-1 stack holding the stage's web ACL (`-c waf=true`)."""
    return f"{stack_name(stage)}-ClientLimits"


def web_acl_parameter(stage: str) -> str:
    """The SSM parameter (in us-east-1) through which the site's stack finds its web ACL."""
    return f"/{stack_name(stage)}/web-acl-arn"


def page_config(api_url: str) -> dict[str, str]:
    """The page's `config.json` (FRONTEND_CONFIG_FILE): where to send predictions."""
    return {"apiBaseUrl": api_url}
