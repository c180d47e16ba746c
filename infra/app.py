"""The CDK app that `cdk.json` runs: settings from context, one stack, cdk-nag checks."""

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra import names
from infra.settings import read_settings
from infra.stack import SentimentStack


def build(app: App) -> SentimentStack:
    """Add the stack and the AwsSolutions checks to `app`; tests build it the same way."""
    settings = read_settings(app)
    stack = SentimentStack(app, names.stack_name(settings.stage), settings=settings)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stack


if __name__ == "__main__":
    app = App()
    build(app)
    app.synth()
