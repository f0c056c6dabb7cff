"""Bodies the API must refuse with 400 ``bad_request``, never 500: the fuzzer's findings.

Deep nesting (979 and 985 levels broke parsing or the relay to the kernel, 10,000 broke
parsing), unpaired surrogates (the kernel message packer could not encode them), ``NaN`` and
``Infinity`` (not JSON; a text input got ``"nan"``). The server cases use a live run so that
the request, had it been let through, would have reached the kernel; the run must still be
answerable afterwards, untouched.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from interval_nb.server.body import MAX_DEPTH, decode_body, nesting_depth
from interval_nb.server.errors import ApiError

from .helpers import Api

NO_REGISTRIES = {"actions": []}


def nested(depth: int, leaf: str = "1") -> str:
    """A body with every route's keys, nested ``depth`` levels in all (deepest in ``params``)."""
    inner = "[" * (depth - 2) + leaf + "]" * (depth - 2)
    return f'{{"params": {{"x": {inner}}}, "values": [], "prompt_id": "p", "component": 0}}'


def refusal(raw: bytes | str) -> str:
    """The message of the 400 ``decode_body`` gives ``raw`` (fails if it accepts it)."""
    with pytest.raises(ApiError) as caught:
        decode_body(raw.encode() if isinstance(raw, str) else raw)
    assert (caught.value.status_code, caught.value.code) == (400, "bad_request")
    return caught.value.message


# -- the decoder alone -----------------------------------------------------------------------


def test_depth_is_limited_and_counted_without_recursion() -> None:
    assert nesting_depth(nested(MAX_DEPTH)) == MAX_DEPTH
    assert decode_body(nested(MAX_DEPTH).encode())["values"] == []
    assert f"at most {MAX_DEPTH}" in refusal(nested(MAX_DEPTH + 1))
    for depth in (979, 985, 10_000, 1_000_000):
        assert f"nests {depth} levels" in refusal(nested(depth))
    # Brackets in strings are text, not nesting; escaped quotes do not end a string.
    assert nesting_depth('{"a": "[[[{{{\\"[[[", "b": ["]]]"]}') == 2
    assert decode_body(b'{"a": "' + b"[" * 5000 + b'"}') == {"a": "[" * 5000}


def test_unpaired_surrogates_are_refused_in_keys_and_values() -> None:
    assert "$.params.name" in refusal(r'{"params": {"name": "\ud800"}}')
    assert "$.values[1]" in refusal(r'{"values": ["ok", "a\udfff"]}')
    assert "in a key of $.params" in refusal(r'{"params": {"\udc00": 1}}')
    assert "surrogate" in refusal(r'{"prompt_id": "\ud83d"}')
    # A pair is one character (😀), and fine.
    assert decode_body(rb'{"q": "\ud83d\ude00"}') == {"q": "\U0001f600"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    assert f"{constant} is not JSON" in refusal(f'{{"values": [{constant}]}}')


def test_other_strictness() -> None:
    assert "too large" in refusal('{"values": [1e999]}')  # would parse as inf
    assert "appears twice" in refusal('{"prompt_id": "a", "prompt_id": "b"}')
    assert "not UTF-8" in refusal(b'{"q": "\xed\xa0\x80"}')  # a surrogate as raw bytes
    assert "JSON object" in refusal("[1, 2]")
    assert "not valid JSON" in refusal('{"values": [1, 2')
    assert decode_body(b"") == {} and decode_body(None) == {}


def test_a_deep_body_at_the_size_limit_is_refused_without_recursing() -> None:
    assert "nests 10485760 levels" in refusal(b"[" * (10 * 1024 * 1024))


# -- through the server, with a live run -----------------------------------------------------


async def start(api: Api, slug: str) -> dict[str, Any]:
    status, body = await api("POST", "actions", slug, "runs", body={}, params={"wait": "10"})
    assert status == 201 and body["run"]["status"] == "awaiting_input", body
    return body["run"]  # type: ignore[no-any-return]


async def refused(api: Api, path: tuple[str, ...], raw: str) -> str:
    status, body = await api("POST", *path, raw=raw.encode(), params={"wait": "0"})
    assert (status, body["error"]["code"]) == (400, "bad_request"), (path, raw[:80], body)
    return str(body["error"]["message"])


async def finish_greet(api: Api, run: dict[str, Any]) -> None:
    """Answer the greet run correctly: it must still be waiting for exactly that."""
    body = {"prompt_id": run["prompt"]["id"], "values": ["Ana"], "choice": None}
    status, reply = await api("POST", "runs", run["id"], "answer", body=body)
    assert status == 200, reply
    assert reply["run"]["status"] == "completed"
    assert reply["run"]["result"] == "Hello, Ana! (run by alice)"


@pytest.mark.kernel
async def test_deep_bodies_on_every_post_route_are_400(api: Api) -> None:
    run = await start(api, "greet")
    routes = [
        ("actions", "greet", "runs"),
        ("runs", run["id"], "answer"),
        ("runs", run["id"], "cancel"),
        ("runs", run["id"], "query"),
        ("runs", run["id"], "search"),
        ("runs", run["id"], "draft"),
    ]
    for depth in (979, 985, 10_000):
        for path in routes:
            message = await refused(api, path, nested(depth))
            assert f"nests {depth} levels deep; at most {MAX_DEPTH}" in message
    # Values nested 979 deep in a well-formed answer (what used to parse, then fail).
    deep = "[" * 977 + '"x"' + "]" * 977
    await refused(api, ("runs", run["id"], "answer"), _answer(run, f"[{deep}]"))
    await finish_greet(api, run)
    status, page = await api("GET", "runs", params={"action": "greet"})
    assert status == 200
    assert page["total"] == 1  # none of the refused starts made a run


def _answer(run: dict[str, Any], values: str, prompt_id: str | None = None) -> str:
    pid = json.dumps(run["prompt"]["id"]) if prompt_id is None else prompt_id
    return f'{{"prompt_id": {pid}, "values": {values}, "choice": null}}'


@pytest.mark.kernel
async def test_unpaired_surrogates_are_400_and_reach_no_kernel(api: Api) -> None:
    run = await start(api, "greet")
    message = await refused(api, ("actions", "greet", "runs"), r'{"params": {"who": "\ud800"}}')
    assert "surrogate in $.params.who" in message
    message = await refused(api, ("runs", run["id"], "answer"), _answer(run, r'["An\ud800a"]'))
    assert "surrogate in $.values[0]" in message
    pid = json.dumps(run["prompt"]["id"])[:-1] + r'\udfff"'
    message = await refused(api, ("runs", run["id"], "answer"), _answer(run, '["Ana"]', pid))
    assert "surrogate in $.prompt_id" in message
    query = f'{{"prompt_id": {pid}, "component": 0, "request_id": 1}}'
    assert "$.prompt_id" in await refused(api, ("runs", run["id"], "query"), query)
    await finish_greet(api, run)

    desk = await start(api, "desk")  # to its io.search: answer the table with no rows
    status, body = await api(
        "POST",
        "runs",
        desk["id"],
        "answer",
        body={"prompt_id": desk["prompt"]["id"], "values": [[]]},
    )
    assert status == 200 and body["run"]["prompt"]["components"][0]["kind"] == "search", body
    desk = body["run"]
    search = f'{{"prompt_id": {json.dumps(desk["prompt"]["id"])}, "component": 0, '
    message = await refused(api, ("runs", desk["id"], "search"), search + r'"query": "\ud800"}')
    assert "surrogate in $.query" in message
    status, body = await api(
        "POST", "runs", desk["id"], "search", body={**json.loads(search + '"query": "07"}')}
    )
    assert status == 200 and [r["label"] for r in body["reply"]["results"]] == ["Person 07"]
    status, body = await api("POST", "runs", desk["id"], "cancel")
    assert status == 200 and body["run"]["status"] == "cancelled"


@pytest.mark.kernel
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_never_reach_a_text_input(api: Api, constant: str) -> None:
    run = await start(api, "greet")
    message = await refused(api, ("runs", run["id"], "answer"), _answer(run, f"[{constant}]"))
    assert f"{constant} is not JSON" in message
    status, body = await api("GET", "runs", run["id"])
    assert status == 200
    assert body["run"]["prompt"]["attempt"] == run["prompt"]["attempt"]  # nothing was judged
    await finish_greet(api, run)


# -- query strings, forged ids, the stream (no kernel needed) --------------------------------


@pytest.mark.parametrize("interval_config", [NO_REGISTRIES])
async def test_bad_query_strings_are_400(api: Api) -> None:
    cases: list[tuple[tuple[str, ...], dict[str, Any]]] = [
        (("runs",), {"limit": "1" * 5000}),  # beyond Python's int digit limit
        (("runs",), {"offset": "-1"}),
        (("runs",), {"offset": "1e3"}),
        (("runs",), {"status": "Completed"}),
        (("runs",), {"action": b"\xff"}),  # not UTF-8 once percent-decoded
        (("runs",), {"user": b"\xed\xa0\x80"}),  # a surrogate, UTF-8 style
        (("actions", "greet", "runs"), {"wait": "nan"}),
        (("actions", "greet", "runs"), {"wait": "1e999"}),
        (("actions", "greet", "runs"), {"wait": "-0.5"}),
        (("runs", "r1", "cancel"), {"wait": b"\xff"}),
    ]
    for path, params in cases:
        method = "GET" if path == ("runs",) else "POST"
        status, body = await api(method, *path, params=params)
        assert (status, body["error"]["code"]) == (400, "bad_request"), (path, params, body)
        assert body["error"]["message"]
    status, body = await api("GET", "runs", params={"action": "\u0000x" * 100, "user": "é" * 500})
    assert (status, body["total"]) == (200, 0)


@pytest.mark.parametrize("interval_config", [NO_REGISTRIES])
async def test_forged_run_ids_are_404_or_400(http_server_client: Any, jp_base_url: str) -> None:
    api = f"{jp_base_url}interval/api"
    forged = ["a" * 64, "a" * 65, "..", "%2e%2e", "%00", "%ff", "%ed%a0%80", "r1%2fx", "é", "-"]
    for run_id in forged:
        for suffix in ("", "/events", "/stream"):
            response = await http_server_client.fetch(
                f"{api}/runs/{run_id}{suffix}",
                headers={"Authorization": "token alice-token"},
                raise_error=False,
            )
            assert response.code in (400, 404), (run_id, suffix, response.code)
