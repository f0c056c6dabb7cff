"""The one error the API raises: an HTTP status, a machine-readable code and a message.

Handlers render it as ``{"error": {"code", "message", ...details}}``.
"""

from __future__ import annotations

from typing import Any

from tornado import web


class ApiError(web.HTTPError):
    """An API error: ``status`` (HTTP), ``code`` (stable, machine-readable) and ``message``."""

    def __init__(self, http_status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(http_status, "%s", message)
        self.code = code
        self.message = message
        self.details = details


CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    500: "internal",
    503: "unavailable",
}
"""The code of an error raised as a plain ``HTTPError`` (by tornado or jupyter_server)."""
