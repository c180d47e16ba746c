"""The handler's container image: one build that the API and the bulk jobs both run.

`architecture` (a setting) is mapped here, once, to what Lambda and Docker each call it.
"""

from collections.abc import Sequence
from typing import Final, NamedTuple

from aws_cdk import IgnoreMode
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_lambda as lambda_

from infra.settings import Architecture, Settings
from scripts.paths import REPO_ROOT

DOCKERFILE: Final = "handler/Dockerfile"
# The image copies `handler/` as a package, so the build context is the repository root;
# Docker-style patterns keep everything else (virtualenvs, node_modules, datasets,
# cdk.out itself) out of the staged context so synth stays fast and the hash stable.
IMAGE_CONTEXT_EXCLUDE: Final = ("*", "!handler", "handler/**/__pycache__", "handler/**/*.pyc")


class Target(NamedTuple):
    """One `architecture` setting as the function and the image build spell it."""

    function: lambda_.Architecture
    platform: ecr_assets.Platform


TARGETS: Final[dict[Architecture, Target]] = {
    "x86_64": Target(lambda_.Architecture.X86_64, ecr_assets.Platform.LINUX_AMD64),
    "arm64": Target(lambda_.Architecture.ARM_64, ecr_assets.Platform.LINUX_ARM64),
}


def function_architecture(settings: Settings) -> lambda_.Architecture:
    """What a function running `image_code(settings)` must declare."""
    return TARGETS[settings.architecture].function


def image_code(settings: Settings, cmd: Sequence[str] | None = None) -> lambda_.DockerImageCode:
    """The handler's image; `cmd` names another entry point in it (one build, one asset)."""
    return lambda_.DockerImageCode.from_image_asset(
        str(REPO_ROOT),
        file=DOCKERFILE,
        exclude=list(IMAGE_CONTEXT_EXCLUDE),
        ignore_mode=IgnoreMode.DOCKER,
        platform=TARGETS[settings.architecture].platform,
        build_args={"BASE_IMAGE": settings.base_image},
        cmd=list(cmd) if cmd else None,
    )
