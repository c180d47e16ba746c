"""Every error the service reports, and the HTTP status and code each one maps to.

Request errors carry their `status` and `code` (the contract's codes, docs/api-contract.md), so
the app turns any of them into the same small body: `{"error": {"code": ..., "message": ...}}`.
Messages are fixed phrases or name limits and fields; they never quote what the client sent.
Start-up errors are not HTTP errors: they stop the service before it answers anything.
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """Base of every error this service raises on purpose."""


class RequestError(ServiceError):
    """A request the service refuses or cannot answer; maps to one HTTP status and code."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    default_message: ClassVar[str] = "bad request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidJsonError(RequestError):
    status, code, default_message = 400, "invalid_json", "the request body is not valid JSON"


class NotFoundError(RequestError):
    status, code, default_message = 404, "not_found", "no such resource"


class MethodNotAllowedError(RequestError):
    status, code, default_message = 405, "method_not_allowed", "method not allowed here"


class PayloadTooLargeError(RequestError):
    status, code, default_message = 413, "payload_too_large", "the request body is too large"


class UnsupportedMediaTypeError(RequestError):
    status, code, default_message = (
        415,
        "unsupported_media_type",
        "the request body must be JSON (Content-Type: application/json)",
    )


class InvalidInputError(RequestError):
    status, code, default_message = 422, "validation_error", "the request is not valid"


class TooManySentencesError(InvalidInputError):
    """Per-sentence answers asked for more sentences than the limits allow; its own code, so a
    client can ask again for the whole text's answer alone."""

    code, default_message = "too_many_sentences", "too many sentences"


class CorsRefusedError(RequestError):
    status, code, default_message = 400, "cors_refused", "cross-origin request not allowed"


class ModelUnavailableError(RequestError):
    status, code, default_message = 503, "model_unavailable", "the model could not answer"


class InternalError(RequestError):
    """Never raised on purpose: the shape an unexpected failure is reported in."""

    status, code, default_message = 500, "internal_error", "internal error"


# The statuses Starlette raises by itself (routing, static files), as contract errors.
BY_STATUS: dict[int, type[RequestError]] = {
    cls.status: cls
    for cls in (
        InvalidJsonError,
        NotFoundError,
        MethodNotAllowedError,
        PayloadTooLargeError,
        UnsupportedMediaTypeError,
        InvalidInputError,
        ModelUnavailableError,
    )
}


class StartupError(ServiceError):
    """The service cannot start; the message names the setting or file at fault."""


class SettingsError(StartupError):
    """An environment variable holds a value the service cannot use."""


class ModelLoadError(StartupError):
    """The model folder is missing a file, or its files do not match the manifest."""


def error_body(error: RequestError) -> dict[str, dict[str, str]]:
    return {"error": {"code": error.code, "message": error.message}}
