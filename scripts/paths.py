"""Where a checkout keeps what never reaches the image: defined once for every tool that runs from one.

The Lambda image holds `handler/` alone, where only `handler.inference.paths.MODEL_DIR` is real;
`convert.paths` adds the pipeline's evidence and reports under `REPO_ROOT`.
"""

from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
HANDLER_DIR: Final = REPO_ROOT / "handler"
FRONTEND_DIR: Final = REPO_ROOT / "frontend"
REQUIREMENTS: Final = HANDLER_DIR / "requirements.txt"
