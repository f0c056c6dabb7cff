"""Table paging and type-ahead search over REST: the page's request, checked and relayed.

A page showing a run sends ``{"prompt_id", "component", "request_id", ...}`` to ``POST
runs/{id}/query`` (a table or grid page: ``offset``, ``page_size``, ``sort``, ``search``) or
``POST runs/{id}/search`` (``query``). The server checks the shape, relays it to the run's
kernel over the comm (whose own ``request_id`` pairs the reply with the request), and puts the
page's ``request_id`` back into the kernel's answer, which is then exactly the message a
notebook view gets: the page routes it by ``prompt_id``, ``component`` and ``request_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ApiError

KINDS = ("query", "search")
"""The page requests the API relays."""

_RESERVED = ("type", "run_id", "request_id", "by")
"""Keys of the comm request that the server sets, never the caller."""


def page_payload(kind: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """The comm request for ``body``, and the caller's ``request_id`` (400 if malformed)."""
    if kind not in KINDS:
        raise ApiError(400, "bad_request", f"unknown page request {kind!r}")
    prompt_id, component = body.get("prompt_id"), body.get("component")
    request_id = body.get("request_id")
    if not isinstance(prompt_id, str) or not prompt_id:
        raise ApiError(
            400,
            "bad_request",
            "prompt_id must be the id of the prompt or transcript entry showing the component",
        )
    if not isinstance(component, int) or isinstance(component, bool) or component < 0:
        raise ApiError(400, "bad_request", "component must be the component's index (0, 1, …)")
    if request_id is not None and (
        isinstance(request_id, bool) or not isinstance(request_id, (str, int, float))
    ):
        raise ApiError(400, "bad_request", "request_id must be a string or a number")
    if kind == "search" and not isinstance(body.get("query", ""), str):
        raise ApiError(400, "bad_request", "query must be a string")
    payload = {k: v for k, v in body.items() if k not in _RESERVED}
    return {**payload, "type": kind}, request_id


def page_reply(result: Any, request_id: Any) -> dict[str, Any]:
    """The kernel's answer to a page request, carrying the caller's ``request_id`` again."""
    if not isinstance(result, dict):
        raise ApiError(500, "kernel_error", "the kernel sent a malformed answer")
    return {**result, "request_id": request_id}
