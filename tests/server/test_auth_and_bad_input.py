"""Every route refuses strangers; bad requests get clear JSON errors (no kernel needed)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from interval_nb.server.handlers import ApiHandler, NotFoundHandler, StreamHandler, routes

from .helpers import Api

NO_REGISTRIES = {"actions": []}


def _methods(handler: type) -> list[str]:
    if issubclass(handler, StreamHandler):
        return ["WS"]
    own = [c for c in handler.__mro__ if issubclass(c, ApiHandler) and c is not ApiHandler]
    methods = ("get", "post", "put", "patch", "delete")
    return [m.upper() for m in methods if any(m in vars(c) for c in own)]


def _concrete(pattern: str) -> list[str]:
    path = re.sub(r"\(\?P<run_id>[^)]*\)", "r123", pattern)
    path = re.sub(r"\(\?P<slug>[^)]*\)", "greet", path)
    path = re.sub(r"\(\?P<path>[^)]*\)\?", "/no/such/route", path)
    return [p for p in path.strip("/").split("/") if p]


ROUTES = [
    (route, method)
    for route, handler in routes()
    if handler is not NotFoundHandler
    for method in _methods(handler)
]
FALLBACK = [
    (route, method) for route, h in routes() if h is NotFoundHandler for method in _methods(h)
]
"""Any other path under the API: a JSON 404 for every method, once authenticated."""


def test_every_route_is_enumerated(jp_serverapp: Any) -> None:
    registered = {
        rule.matcher.regex.pattern
        for rule in jp_serverapp.web_app.default_router.rules[0].target.rules
        if "interval/api" in rule.matcher.regex.pattern
    }
    assert len(registered) == len(routes()) == 16
    assert routes()[-1][1] is NotFoundHandler  # last: it matches every path under the API
    assert {m for _r, m in ROUTES} == {"GET", "POST", "WS"}
    assert len(ROUTES) == 15  # each route serves one method
    assert {m for _r, m in FALLBACK} == {"GET", "POST", "PUT", "PATCH", "DELETE"}


async def _call(
    jp_fetch: Any, jp_ws_fetch: Any, route: str, method: str, headers: dict[str, str]
) -> int:
    parts = _concrete(route)
    try:
        if method == "WS":
            ws = await jp_ws_fetch(*parts, headers=headers)
            ws.close()
            return 101
        kwargs: dict[str, Any] = {"method": method, "headers": headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["body"] = json.dumps({"params": {}, "prompt_id": "x", "values": []})
        response = await jp_fetch(*parts, **kwargs)
        return int(response.code)
    except HTTPClientError as exc:
        return exc.code


@pytest.mark.parametrize("server_config", [{}, {"allow_unauthenticated_access": True}])
@pytest.mark.parametrize("interval_config", [NO_REGISTRIES])
async def test_every_route_rejects_a_missing_token_and_an_unauthorised_user(
    jp_fetch: Any, jp_ws_fetch: Any, server_config: dict[str, Any]
) -> None:
    # With allow_unauthenticated_access=True the server itself lets anonymous requests
    # through: only the handlers' own @web.authenticated / @ws_authenticated stop them.
    for route, method in ROUTES + FALLBACK:
        no_token = await _call(jp_fetch, jp_ws_fetch, route, method, {"Authorization": ""})
        assert no_token == 403, (route, method)
        mallory = await _call(
            jp_fetch, jp_ws_fetch, route, method, {"Authorization": "token mallory-token"}
        )
        assert mallory == 403, (route, method)
        alice = await _call(jp_fetch, jp_ws_fetch, route, method, {})
        assert alice != 403, (route, method)  # the same request with the right token gets in


@pytest.mark.parametrize("interval_config", [{**NO_REGISTRIES, "max_body_size": 1000}])
async def test_bad_requests_get_json_errors(api: Api) -> None:
    cases: list[tuple[str, tuple[str, ...], dict[str, Any], int, str]] = [
        ("POST", ("actions", "greet", "runs"), {"raw": b"{not json"}, 400, "bad_request"),
        ("POST", ("actions", "greet", "runs"), {"raw": b"[1, 2]"}, 400, "bad_request"),
        ("POST", ("actions", "greet", "runs"), {"body": {"params": [1]}}, 400, "bad_request"),
        ("POST", ("actions", "greet", "runs"), {"raw": b" " * 2000}, 413, "too_large"),
        ("POST", ("actions", "nope", "runs"), {"body": {}}, 404, "not_found"),
        ("POST", ("actions", "nope", "runs"), {"params": {"wait": "soon"}}, 400, "bad_request"),
        ("GET", ("runs", "r404"), {}, 404, "not_found"),
        ("GET", ("runs", "r404", "events"), {}, 404, "not_found"),
        (
            "POST",
            ("runs", "r404", "answer"),
            {"body": {"prompt_id": "p", "values": []}},
            404,
            "not_found",
        ),
        ("POST", ("runs", "r404", "cancel"), {}, 404, "not_found"),
        ("POST", ("runs", "r404", "query"), {"body": {"prompt_id": "p"}}, 404, "not_found"),
        ("POST", ("runs", "r404", "search"), {"raw": b"[]"}, 400, "bad_request"),
        ("POST", ("runs", "r404", "answer"), {"raw": b"{"}, 400, "bad_request"),
        ("GET", ("runs",), {"params": {"limit": "many"}}, 400, "bad_request"),
        # Paths no route matches get the API's JSON 404 rather than the server's HTML page.
        ("GET", ("runs", "r" * 65), {}, 404, "not_found"),
        ("POST", ("runs", "r 1", "answer"), {"body": {}}, 404, "not_found"),
        ("POST", ("actions", "é" * 60, "runs"), {"body": {}}, 404, "not_found"),
        ("GET", ("nothing", "here"), {}, 404, "not_found"),
    ]
    for method, path, kwargs, status, code in cases:
        got, body = await api(method, *path, **kwargs)
        assert (got, body["error"]["code"]) == (status, code), (method, path, kwargs, body)
        assert body["error"]["message"]
    status, body = await api("GET", "actions")
    assert (status, body) == (200, {"actions": [], "errors": []})
    status, body = await api("GET", "runs")
    assert (status, body["total"]) == (200, 0)


@pytest.mark.parametrize("interval_config", [NO_REGISTRIES])
async def test_stream_of_an_unknown_run_is_a_404(jp_ws_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as caught:
        await jp_ws_fetch("interval", "api", "runs", "r404", "stream")
    assert caught.value.code == 404


@pytest.mark.parametrize("interval_config", [{"kernel_name": "no-such-kernel"}])
async def test_a_kernel_that_cannot_start_is_a_clear_error_and_no_stuck_run(
    api: Api, kernel_ids: Any
) -> None:
    for _ in range(2):  # a failed start is not remembered as "starting"
        status, body = await api("POST", "actions", "greet", "runs")
        assert (status, body["error"]["code"]) == (503, "kernel_start_failed")
        assert "no-such-kernel" in body["error"]["message"]
    status, body = await api("GET", "actions")
    assert status == 503
    status, body = await api("GET", "runs")
    assert body["total"] == 0 and kernel_ids() == []


@pytest.fixture
def broken_kernel(jp_data_dir: Path) -> str:
    spec = Path(jp_data_dir) / "kernels" / "broken"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", "import sys; sys.exit(3)", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "broken", "language": "python"})
    )
    return "broken"


@pytest.mark.kernel
@pytest.mark.parametrize("interval_config", [{"kernel_name": "broken"}])
async def test_a_kernel_that_dies_while_starting_is_a_clear_error(
    broken_kernel: str, api: Api, kernel_ids: Any
) -> None:
    status, body = await api("POST", "actions", "greet", "runs")
    assert (status, body["error"]["code"]) == (503, "kernel_start_failed")
    assert "exited while starting" in body["error"]["message"]
    assert kernel_ids() == []
