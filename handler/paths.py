"""Where the service finds its files, defined once for every package that needs a path.

The Lambda image holds `handler/` alone, so there only `MODEL_DIR` points at something real;
`FRONTEND_DIR` is for the local server, and `REPO_ROOT` is where a checkout's other paths start
(`convert.paths` holds those that never reach the image).
"""

from pathlib import Path
from typing import Final

from handler import constants

HANDLER_DIR: Final = Path(__file__).resolve().parent
MODEL_DIR: Final = HANDLER_DIR / "model"
REPO_ROOT: Final = HANDLER_DIR.parent
FRONTEND_DIR: Final = REPO_ROOT / "frontend"
REQUIREMENTS: Final = HANDLER_DIR / "requirements.txt"
SHIPPED_MANIFEST: Final = MODEL_DIR / constants.MANIFEST_FILE
