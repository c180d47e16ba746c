"""`python -m scripts.serve`: the API and the page (frontend/) on one local origin, with uvicorn.

Not part of the Lambda image's entry point: uvicorn comes from the `local` dependency group, which
`make serve` installs beside the image's packages in .venv-serve.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from handler import constants
from handler.api.app import service_from_environment
from handler.api.middleware import ContainErrors
from handler.errors import StartupError
from scripts.paths import FRONTEND_DIR


class PageFiles(StaticFiles):
    """frontend/'s files, logged as one route ("/{file:path}") rather than as "(unmatched)".

    The request log names a request by the template of the route that matched (never by the raw
    URL, which can carry anything a client typed). A route puts itself in the scope; a mounted app
    does not, so this one does.
    """

    path = "/{file:path}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = self
        await super().__call__(scope, receive, send)


def add_frontend(app: FastAPI, frontend: Path = FRONTEND_DIR) -> bool:
    """Serve `frontend/` at `/`; returns False (and `/` stays a 404) when it has no index.html."""

    @app.get(f"/{constants.FRONTEND_CONFIG_FILE}", include_in_schema=False)
    def config() -> Response:
        path = frontend / constants.FRONTEND_CONFIG_FILE
        if path.is_file():
            return FileResponse(path)
        # Same origin as the API, so the page's requests use relative URLs.
        return JSONResponse({"apiBaseUrl": ""})

    if not (frontend / "index.html").is_file():
        return False
    # Mounted last, so the API's routes and /docs match first.
    app.mount("/", PageFiles(directory=frontend, html=True), name="frontend")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.serve",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "environment:\n"
            "  PORT                 the port when --port is not given (make serve passes it on)\n"
            f"  {constants.ENV_MODEL_DIR:<20} the model folder (default: handler/model)\n"
            f"  {constants.ENV_PREFIX}*          the service's other settings (docs/serving.md)"
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    parser.add_argument(
        "--port", type=int, default=None, help="port to listen on (default: $PORT, else 8000)"
    )
    args = parser.parse_args(argv)
    try:
        port = args.port if args.port is not None else int(os.environ.get("PORT", "8000"))
    except ValueError:
        parser.error("PORT must be a number")
    try:
        app = service_from_environment().app
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(
            f"The service needs a model folder ({constants.MANIFEST_FILE}, {constants.MODEL_FILE},"
            f" {constants.VOCAB_FILE}): handler/model/ by default, or ${constants.ENV_MODEL_DIR}.",
            file=sys.stderr,
        )
        return 2
    import uvicorn  # here, not at the top: the image does not install it and never runs this

    has_page = add_frontend(app)
    print(f"Serving on http://{args.host}:{port}/  (API docs: http://{args.host}:{port}/docs)")
    if not has_page:
        print(f"note: {FRONTEND_DIR / 'index.html'} not found: / answers 404, the API works")
    sys.stdout.flush()
    # Keep-alive longer than uvicorn's 5 s: a client that reuses a connection just as the server
    # drops it gets a reset (seen once in 20,000 requests of the load test).
    uvicorn.run(
        ContainErrors(app),
        host=args.host,
        port=port,
        access_log=False,
        log_level="warning",
        timeout_keep_alive=30,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
