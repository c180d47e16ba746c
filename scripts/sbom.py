"""Write handler/sbom.cdx.json: a CycloneDX SBOM of the Python packages the Lambda image installs.

The image's packages are the lines of handler/requirements.txt (exported from the lock) whose
markers hold on the image's Python 3.13 on Linux; the SBOM lists exactly those, with their hashes.
`make sbom` runs this; tests/handler/test_image.py checks the file matches requirements.txt.
"""

import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

from scripts.paths import HANDLER_DIR, REPO_ROOT, REQUIREMENTS

SBOM = HANDLER_DIR / "sbom.cdx.json"
# The Lambda base image: CPython 3.13 on Amazon Linux 2023 (x86_64 or arm64: same pins).
IMAGE_MARKERS = {"python_version": "3.13", "python_full_version": "3.13.0", "sys_platform": "linux"}


def image_requirements(text: str) -> str:
    """The requirement entries (with their hash lines) that apply inside the image."""
    kept, keep = [], False
    for line in text.splitlines():
        if not line.startswith((" ", "\t", "#")) and line.strip():
            requirement = Requirement(line.rstrip(" \\"))
            keep = requirement.marker is None or requirement.marker.evaluate(IMAGE_MARKERS)
        if keep:
            kept.append(line)
    return "\n".join(kept) + "\n"


def main(out: Path = SBOM) -> int:
    result = subprocess.run(
        [sys.executable, "-m", "cyclonedx_py", "requirements", "-", "--output-reproducible",
         "--pyproject", str(REPO_ROOT / "pyproject.toml"), "-o", str(out)],
        input=image_requirements(REQUIREMENTS.read_text()), text=True, check=False,
    )  # fmt: skip
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
