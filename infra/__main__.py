"""`python -m infra outputs | smoke`: the deploy chores that are not CloudFormation.

None of these imports aws-cdk, so each starts in well under a second. The page is published by the
stack's BucketDeployment only (`make deploy`); see docs/deploy.md.
"""

import argparse
import sys
from collections.abc import Sequence
from dataclasses import asdict

from infra import names
from infra.aws import client
from infra.errors import InfraError
from infra.outputs import StackOutputs, read_outputs
from infra.smoke import DEFAULT_TEXT, smoke_test

# What argparse itself exits with on a usage error; convert/ and bench/ use it for theirs too.
EXIT_USER_ERROR = 2
_OUTPUT_FIELDS = {
    names.OUTPUT_API_URL: "api_url",
    names.OUTPUT_SITE_URL: "site_url",
    names.OUTPUT_SITE_BUCKET: "bucket",
    names.OUTPUT_DISTRIBUTION_ID: "distribution_id",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; an InfraError becomes `error: ...` on stderr and exit status 2."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except InfraError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    return 0


def _outputs(args: argparse.Namespace) -> StackOutputs:
    cloudformation = client("cloudformation", args.region)
    return read_outputs(cloudformation, names.stack_name(args.stage))


def _show_outputs(args: argparse.Namespace) -> None:
    values = asdict(_outputs(args))
    for output, field in _OUTPUT_FIELDS.items():
        if args.get in (None, output):
            print(values[field] if args.get else f"{output}={values[field]}")


def _smoke(args: argparse.Namespace) -> None:
    if args.url:
        api_url, origin = args.url, None
    else:
        outputs = _outputs(args)
        api_url, origin = outputs.api_url, outputs.site_url.rstrip("/")
    prediction = smoke_test(api_url, text=args.text, origin=origin)
    print(f"ok: {prediction.label} ({prediction.probability:.3f}) from {api_url}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run: object, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--stage", default="dev", help="the stage deployed (default: dev)")
        sub.add_argument("--region", help="AWS region (default: from AWS_REGION or the profile)")
        sub.set_defaults(run=run)
        return sub

    shown = command("outputs", _show_outputs, "print the stack's outputs as NAME=value lines")
    shown.add_argument("--get", choices=sorted(_OUTPUT_FIELDS), help="print only this value")

    smoke = command("smoke", _smoke, "POST one review to the API and check the answer")
    smoke.add_argument("--url", help="API base URL (default: the stack's output)")
    smoke.add_argument("--text", default=DEFAULT_TEXT, help="the review to send")
    return parser


if __name__ == "__main__":
    sys.exit(main())
