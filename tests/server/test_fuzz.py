"""A seeded fuzzer: thousands of malformed requests to the API, and never one 5xx.

It drives a real Jupyter server (in-process, with the extension) and a real actions kernel
over one keep-alive HTTP connection. Every POST route (start, answer, cancel, query, search,
draft) gets malformed bodies: deep nesting, unpaired surrogates, NaN/Infinity, huge strings,
wrong types at every key, forged and other runs' prompt ids, random bytes, truncated JSON,
bodies that are not objects, duplicate keys, unicode edge cases, and answers of the wrong
shape for every component kind (first a sweep of every wrong value of every kind, then at
random). GET routes get forged run ids and bad query strings, the stream gets junk messages.
Every response must be below 500, and every 4xx the API's JSON error. Afterwards every run not
ended must still take a correct answer and complete, and the streams opened before the junk
must report it.

Requests carry ``?wait=10`` (or a malformed ``wait``): refused requests return at once, and an
accepted one returns as soon as its run shows the next prompt or ends, so what the fuzzer
learns from each response, and so the next requests it makes, does not depend on timing. The
seed is printed; set ``INTERVAL_NB_FUZZ_SEED`` to replay a run.
"""

from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

pytestmark = pytest.mark.kernel

SEED = int(os.environ.get("INTERVAL_NB_FUZZ_SEED", "20260601"))
POST_REQUESTS = 5000
GET_REQUESTS = 400
TERMINAL = ("completed", "failed", "cancelled", "interrupted")
KEPT_LIVE = ("greet", "refund", "desk", "every_kind", "progress")
"""Actions the fuzzer keeps one waiting run of, so every component kind is always answerable."""
STARTED = (*KEPT_LIVE, "hop", "boom", "no-such-action", "%", "é" * 30, "a/b")
"""Slugs the fuzzer starts (not ``freeze``: a correct answer blocks the kernel on purpose)."""

FUZZ_ACTIONS = '''
"""Every answerable component kind in one prompt, for the API fuzzer."""

from typing import Any

import interval_nb as inb

actions = inb.Actions()
ROWS = [{"id": i, "name": f"Row {i:02d}"} for i in range(12)]


def find(query: str) -> list[dict[str, Any]]:
    return [r for r in ROWS if query.lower() in str(r["name"]).lower()]


@actions.action
async def every_kind(io: Any, ctx: Any) -> str:
    await io.display.grid("Cards", data=ROWS, page_size=4)
    answer = await io.group(
        io.input.text("Text", max_length=40),
        io.input.email("Email"),
        io.input.number("Number", min=0, max=10, decimals=2),
        io.input.slider("Slider", min=0, max=10, step=2),
        io.input.boolean("Boolean"),
        io.input.url("Url"),
        io.input.date("Date"),
        io.input.time("Time"),
        io.input.datetime("Datetime"),
        io.input.rich_text("Rich"),
        io.select.single("Single", options=["a", "b"]),
        io.select.multiple("Multiple", options=[{"label": "A", "value": 1}, {"label": "B", "value": 2}]),
        io.select.table("Rows", data=ROWS, page_size=5),
        io.search("Find", on_search=find, render_result=lambda r: r["name"]),
        io.input.file("File", allowed_extensions=[".txt"]),
    ).with_choices(["Go", "Stop"])
    if not await io.confirm("Sure?"):
        return "declined"
    return f"{answer.choice} with {len(answer.value)} values"
'''

FILE = {"name": "notes.txt", "type": "text/plain", "base64": "aGVsbG8="}

CORRECT: dict[str, Callable[[dict[str, Any]], Any]] = {
    "input.text": lambda c: "Ana",
    "input.email": lambda c: "ana@example.com",
    "input.number": lambda c: 5,
    "input.slider": lambda c: 4,
    "input.boolean": lambda c: True,
    "input.url": lambda c: "https://example.com/x",
    "input.date": lambda c: "2026-01-31",
    "input.time": lambda c: "14:30",
    "input.datetime": lambda c: "2026-01-31T14:30",
    "input.rich_text": lambda c: "<p>hi</p>",
    "select.single": lambda c: c["props"]["options"][0]["value"],
    "select.multiple": lambda c: [c["props"]["options"][0]["value"]],
    "select.table": lambda c: [c["props"]["initial"]["rows"][0]["key"]],
    "input.file": lambda c: [FILE],
    "confirm": lambda c: True,
}
"""A value each kind accepts (``search`` needs the key of a result it offered: see below)."""

WRONG: dict[str, list[Any]] = {
    "input.text": [None, 7, True, [], {}, ["Ana"], "x" * 100_001, "\x00"],
    "input.email": ["ana", "@", "a@b", 1, [], {"email": "a@b.co"}, " " * 400],
    "input.number": ["ten", "1e999", "nan", "inf", 10**400, -(10**30), 3.14159, True, [5], {}],
    "input.slider": [3, 11, -2, "4.0000000001", 10**300, 1e308, False, None, "٤"],
    "input.boolean": ["true", 1, 0, [], {}, "false"],
    "input.url": ["example.com", "javascript:alert(1)", "http://", "file:///etc/passwd", 5],
    "input.date": ["2026-02-30", "31/01/2026", "x" * 41, 20260131, "2026-01-31T25:00", "\u0661"],
    "input.time": ["25:00", "14:60", "noon", 1430, ["14:30"]],
    "input.datetime": ["2026-01-31 14:30:99", "yesterday", {}, 1.5, "2026-13-01T00:00"],
    "input.rich_text": [1, [], {"html": "<p>"}, "<script>alert(1)</script>", "<p>" * 5000],
    "select.single": ["c", 0, None, ["a"], {"value": "a"}, {"label": "a"}],
    "select.multiple": [[1, 1], [3], 1, "1", [[1]], [{"value": 1}], [None]],
    "select.table": [
        ["999"],
        [0],
        "0",
        {"all_matching": 5},
        {"all_matching": "Row", "except": "0"},
        [["0"]],
        [{"key": "0"}],
        ["0", "0"],
    ],
    "search": ["r0", 0, ["r0"], {"key": "r0"}, None, "../../etc"],
    "input.file": [
        [{"name": "a.txt", "base64": "!!!"}],
        [{"name": "a.txt", "base64": 5}],
        [{"name": "a.exe", "base64": "aGk="}],
        [{"base64": "data:text/plain;base64,aGk="}],
        [{"name": ["a"], "type": {}, "size": -1, "base64": "aGk="}],
        [FILE, FILE],
        [{"name": "a.txt"}],
        "aGk=",
        [[FILE]],
    ],
    "confirm": ["yes", 1, None, [True]],
}
"""Values of the wrong shape or out of range, per component kind."""

UNICODE = [
    "\x00",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "\u202e",
    "e\u0301",
    "\U0001f600",
    "\r\n",
    "\u2028",
    "é",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\\",
    '"',
    "</script>",
]
SURROGATES = ["\\ud800", "\\udfff", "\\udbff", "\\ud83d", "\\ude00", "\\ud800\\ud800"]
CONSTANTS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1E400"]
RAW_BODIES = [
    b"\xff\xfe{\x00}\x00",  # UTF-16
    b"\xef\xbb\xbf{}",  # a UTF-8 BOM
    b'{"a": "\xc0\xaf"}',  # an overlong encoding
    b'{"a": "\xed\xa0\x80"}',  # a surrogate, as bytes
    b'{"a": "\xf4\x90\x80\x80"}',  # beyond U+10FFFF
    b"{\x00}",
    b'{"a": 1}\x00',
    b'{"a": 1} {"b": 2}',
    b"{'a': 1}",
    b'{"a": 01}',
    b'{"a": .5}',
    b'{"a": 1,}',
    b'{"a": undefined}',
    b"{/* c */}",
    b" \t\r\n",
    b'{"' + b"1" * 5000 + b'": ' + b"9" * 5000 + b"}",
    b'{"a": ' + b"9" * 4301 + b"}",
]


class Fuzzer:
    """Generates malformed requests from one seed, against the runs it knows of."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.runs: dict[str, dict[str, Any]] = {}
        """Every run seen in a response, as last seen."""

    # -- what the fuzzer knows ------------------------------------------------------------
    def learn(self, body: Any) -> None:
        """Remember the runs a response shows (a start, an answer, a 422, a cancel)."""
        if not isinstance(body, dict):
            return
        for run in (body.get("run"), (body.get("error") or {}).get("run")):
            if isinstance(run, dict) and isinstance(run.get("id"), str):
                self.runs[run["id"]] = run

    def waiting(self, slug: str | None = None) -> list[dict[str, Any]]:
        """The known runs waiting for an answer (of ``slug``)."""
        return [
            r
            for r in self.runs.values()
            if r.get("prompt") and r["status"] not in TERMINAL and slug in (None, r["action"])
        ]

    # -- values ----------------------------------------------------------------------------
    def text(self) -> str:
        rng = self.rng
        pick = rng.random()
        if pick < 0.3:
            return rng.choice(UNICODE) * rng.randint(1, 4)
        if pick < 0.4:
            return "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(0, 30)))
        return "".join(rng.choices(string.printable, k=rng.randint(0, 20)))

    def value(self, depth: int = 0) -> Any:
        """Any JSON value, of any type."""
        rng = self.rng
        kinds = ["null", "bool", "int", "float", "text", "big"]
        if depth < 3:
            kinds += ["list", "object"]
        kind = rng.choice(kinds)
        if kind == "null":
            return None
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "int":
            return rng.choice([0, -1, 1, 2**31, 2**53 + 1, -(2**63), rng.randint(-999, 999)])
        if kind == "float":
            return rng.choice([0.5, -0.0, 1e308, 5e-324, 1e-400, rng.uniform(-1e6, 1e6)])
        if kind == "big":
            return int("9" * rng.randint(20, 4000))
        if kind == "text":
            return self.text()
        if kind == "list":
            return [self.value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {self.text(): self.value(depth + 1) for _ in range(rng.randint(0, 4))}

    def prompt_id(self, run: dict[str, Any]) -> Any:
        """The right prompt id, another run's, a display's, or a forged one."""
        rng = self.rng
        own = (run.get("prompt") or {}).get("id", f"{run['id']}-p1")
        others = [r["prompt"]["id"] for r in self.waiting() if r["id"] != run["id"]]
        displays = [e["id"] for e in run.get("transcript") or []]
        options: list[Any] = [own] * 8 + [f"{run['id']}-p0", f"{run['id']}-p99", own + "x"]
        options += others[:3] + displays + ["", " ", own.upper(), own * 50, self.text()]
        return rng.choice(options)

    def sweep(self, run: dict[str, Any]) -> list[bytes]:
        """Answers to ``run``'s prompt with every wrong value of every kind, one at a time.

        The other values are right, except a ``search`` left empty (it needs an offered
        result), so that no answer of the sweep is accepted and each one is judged.
        """
        prompt = run["prompt"]
        base = [self._right_or_none(c) for c in prompt["components"]]
        bodies = []
        for index, component in enumerate(prompt["components"]):
            for wrong in WRONG.get(component["kind"], []):
                values = [*base[:index], wrong, *base[index + 1 :]]
                answer = {"prompt_id": prompt["id"], "values": values, "choice": "Go"}
                bodies.append(json.dumps(answer).encode())
        return bodies

    def kind_values(self, run: dict[str, Any]) -> list[Any]:
        """Values for the run's prompt with one or more of the wrong shape for its kind."""
        rng = self.rng
        components = (run.get("prompt") or {}).get("components") or []
        values = [self._right_or_none(c) for c in components]
        forced = rng.randrange(len(components)) if components else -1
        for index, component in enumerate(components):
            if index == forced or rng.random() < 0.4:
                wrong = WRONG.get(component["kind"], [self.value()])
                values[index] = rng.choice(wrong)
        if rng.random() < 0.15:
            values = values[: rng.randint(0, len(values))] + [None] * rng.randint(0, 2)
        return values

    def _right_or_none(self, component: dict[str, Any]) -> Any:
        make = CORRECT.get(component["kind"])
        return make(component) if make is not None else None

    # -- bodies ------------------------------------------------------------------------------
    def base(self, route: str, run: dict[str, Any]) -> dict[str, Any]:
        """A body of the route's shape for ``run`` (well formed, possibly wrong in content)."""
        rng = self.rng
        if route == "start":
            return {"params": {self.text(): self.value() for _ in range(rng.randint(0, 3))}}
        if route == "answer":
            choices = (run.get("prompt") or {}).get("choices") or []
            choice = rng.choice([None, "Go", "Stop", "Nope", 3] if choices else [None, None, "x"])
            return {
                "prompt_id": self.prompt_id(run),
                "values": self.kind_values(run),
                "choice": choice,
            }
        if route == "cancel":
            return {}
        if route == "draft":
            draft = {"values": self.kind_values(run), "scroll": self.value()}
            return {"prompt_id": self.prompt_id(run), "draft": draft}
        body: dict[str, Any] = {
            "prompt_id": self.prompt_id(run),
            "component": rng.choice([0, 0, 1, 12, 13, -1, 99, 2**40]),
            "request_id": rng.choice([1, "r-1", 2.5, None, 2**70]),
        }
        if route == "search":
            body["query"] = rng.choice(["", "Row", "0", "explode", self.text()])
        else:
            body.update(
                offset=rng.choice([0, 5, -1, 10**12, 1.5, "0"]),
                page_size=rng.choice([5, 0, -3, 1000, 10**9, "10"]),
                sort=rng.choice([None, {"column": "c1", "direction": "desc"}, {"column": "zz"}]),
                search=rng.choice([None, "", "Row 0", self.text()]),
            )
        return body

    def body(self, route: str, run: dict[str, Any], live: bool) -> tuple[str, bytes]:
        """``(mutation, raw body)``: a malformed or ill-typed body for ``route``."""
        rng = self.rng
        mutations = [
            "deep", "surrogate", "constant", "huge", "wrong_types", "wrong_types", "kind_values",
            "kind_values", "kind_values", "kind_values", "random_bytes", "truncated", "non_object", "duplicate", "unicode",
            "raw", "big_number", "extra_keys",
        ]  # fmt: skip
        mutation = rng.choice(mutations)
        body = self.base(route, run)
        if route == "cancel" and live and mutation in ("wrong_types", "kind_values", "unicode"):
            mutation = "truncated"  # any object cancels a live run: keep those rare (below)
        return mutation, getattr(self, f"_{mutation}")(route, body, run)

    def _keys(self, body: dict[str, Any]) -> list[str]:
        return list(body) or ["params", "prompt_id", "values", "x"]

    def _deep(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        depth = self.rng.choice([64, 65, 66, 100, 500, 960, 979, 985, 1000, 5000, 10_000])
        leaf = json.dumps(self.value(2))
        nested = "[" * depth + leaf + "]" * depth
        if self.rng.random() < 0.3:
            nested = '{"a":' * depth + leaf + "}" * depth
        key = self.rng.choice(self._keys(body))
        text = json.dumps({**body, key: "\x00MARK"}).replace('"\\u0000MARK"', nested)
        return text.encode()

    def _surrogate(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        text = json.dumps({**body, self.text(): "MARK"})
        lone = self.rng.choice(SURROGATES)
        if self.rng.random() < 0.5:  # inside one of the route's own values
            key = self.rng.choice(self._keys(body))
            text = json.dumps({**body, key: ["aMARKb", {"MARK": 1}]})
        return text.replace("MARK", lone, 1).encode()

    def _constant(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        key = self.rng.choice(self._keys(body))
        constant = self.rng.choice(CONSTANTS)
        where = self.rng.choice(["\x00M", ["\x00M"], {"v": "\x00M"}])
        return json.dumps({**body, key: where}).replace('"\\u0000M"', constant).encode()

    def _huge(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        size = self.rng.choice([70_000, 100_001, 300_000, 1_000_000])
        key = self.rng.choice(self._keys(body))
        big = self.rng.choice("aé😀<") * size
        if key == "values" and isinstance(body.get("values"), list) and body["values"]:
            body["values"][0] = big
        else:
            body[key] = big
        return json.dumps(body).encode()

    def _wrong_types(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        for key in self._keys(body):
            if self.rng.random() < 0.6:
                body[key] = self.value()
        if self.rng.random() < 0.3:
            body.pop(self.rng.choice(self._keys(body)), None)
        return json.dumps(body).encode()

    def _kind_values(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        body["values"] = self.kind_values(run)
        return json.dumps(body).encode()

    def _random_bytes(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        return self.rng.randbytes(self.rng.randint(1, 300))

    def _truncated(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        text = json.dumps({**body, "z": [1, {"y": "t"}]}).encode()
        return text[: self.rng.randint(1, len(text) - 1)]

    def _non_object(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        value = self.rng.choice([[], [body], "x", 1, -0.0, None, True, False, [[[]]]])
        return json.dumps(value).encode()

    def _duplicate(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        key = self.rng.choice(self._keys(body))
        return json.dumps(body)[:-1].encode() + f', "{key}": {{}}}}'.encode()

    def _unicode(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        key = self.rng.choice(self._keys(body))
        body[key] = self.rng.choice([self.text(), [self.text()], {self.text(): self.text()}])
        return json.dumps(body, ensure_ascii=self.rng.random() < 0.5).encode()

    def _raw(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        return self.rng.choice([*RAW_BODIES, b""])

    def _big_number(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        key = self.rng.choice(self._keys(body))
        number = self.rng.choice(["9" * 4300, "-" + "9" * 400, "1e308", "-0", "1e-400", "0.0e0"])
        value: Any = "\x00N"
        if key == "values":
            value = ["\x00N", *(body.get("values") or [])]
        return json.dumps({**body, key: value}).replace('"\\u0000N"', number).encode()

    def _extra_keys(self, route: str, body: dict[str, Any], run: dict[str, Any]) -> bytes:
        for key in ("type", "run_id", "request_id", "by", "user", "action", "__proto__", ""):
            if self.rng.random() < 0.4:
                body[key] = self.value(1)
        return json.dumps(body).encode()

    # -- requests ----------------------------------------------------------------------------
    def post(self) -> tuple[str, str, dict[str, str], bytes]:
        """``(mutation, path, query, body)`` of one POST request."""
        rng = self.rng
        route = rng.choice(["start", "answer", "answer", "cancel", "query", "search", "draft"])
        # A valid wait lets an accepted request answer with the run's next state, so what the
        # fuzzer learns, and so the requests it makes next, do not depend on timing.
        query = {"wait": rng.choice(["10"] * 30 + ["nan", "-1", "61", "1e999", "soon", ""])}
        if route == "start":
            slug = rng.choice(STARTED)
            mutation, raw = self.body("start", {"id": "x"}, live=False)
            if rng.random() < 0.04:  # now and then a well-formed start: a new run to fuzz
                mutation, raw = "valid", json.dumps(self.base("start", {"id": "x"})).encode()
            return mutation, f"actions/{quote(slug, safe='')}/runs", query, raw
        run, live = self._target()
        mutation, raw = self.body(route, run, live)
        if route == "cancel" and rng.random() < 0.01:
            mutation, raw = "valid", b"{}"
        return mutation, f"runs/{run['id']}/{route}", query, raw

    def _target(self) -> tuple[dict[str, Any], bool]:
        rng = self.rng
        waiting = self.waiting()
        pick = rng.random()
        if waiting and pick < 0.8:
            return rng.choice(waiting), True
        if pick < 0.9 and self.runs:
            return rng.choice(list(self.runs.values())), False  # maybe ended
        alphabet = string.ascii_letters + string.digits + "_-"
        forged = "".join(rng.choices(alphabet, k=rng.randint(1, 64)))
        return {"id": forged, "prompt": {"id": f"{forged}-p1"}}, False

    def get(self) -> tuple[str, dict[str, str]]:
        """``(path, query)`` of one GET request: forged ids, bad query strings."""
        rng = self.rng
        run, _live = self._target()
        pick = rng.random()
        if pick < 0.4:
            return rng.choice([f"runs/{run['id']}", f"runs/{run['id']}/events"]), {}
        if pick < 0.5:
            forged = rng.choice(["%00", "%ff", "%ed%a0%80", "..", "a" * 65, "%2F", "é", "x%20y"])
            return rng.choice([f"runs/{forged}", f"runs/{forged}/events"]), {}
        query = {
            name: rng.choice(
                [
                    "1", "0", "-1", "501", "1" * 5000, "nan", "1e3", "", " 7 ", "٣",
                    "completed", "awaiting_input", "Completed", self.text(), "%ff",
                ]
            )
            for name in ("action", "status", "user", "limit", "offset", "q")
            if rng.random() < 0.4
        }  # fmt: skip
        return "runs", query


def service_url(port: int, base_url: str) -> str:
    """The API's root in the test server."""
    return f"http://127.0.0.1:{port}{base_url}interval/api/"


@pytest.fixture
def interval_config(jp_root_dir: Path, sample_actions: str) -> dict[str, Any]:
    """The sample actions and one action asking every component kind at once."""
    (Path(jp_root_dir) / "inb_fuzz_actions.py").write_text(FUZZ_ACTIONS)
    return {"actions": [sample_actions, "inb_fuzz_actions:actions"]}


@pytest.fixture
async def client(
    http_server_client: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> Any:
    """One keep-alive connection to the server's API, as alice."""
    async with httpx.AsyncClient(
        base_url=service_url(jp_http_port, jp_base_url),
        headers=jp_auth_header,
        limits=httpx.Limits(max_connections=1),
        timeout=60,
    ) as http:
        yield http


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    query: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any]:
    """One request; the status and the JSON body (``None`` if the body is not JSON)."""
    url = httpx.URL(path, params=query or {})
    response = await client.request(method, url, content=raw)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None


async def start_run(client: httpx.AsyncClient, slug: str) -> dict[str, Any]:
    """A new run of ``slug``, waiting for its first answer."""
    status, body = await send(client, "POST", f"actions/{slug}/runs", {"wait": "10"}, b"{}")
    assert status == 201 and body["run"]["status"] == "awaiting_input", body
    return body["run"]  # type: ignore[no-any-return]


async def answer_correctly(client: httpx.AsyncClient, run: dict[str, Any]) -> dict[str, Any]:
    """Answer the run's prompts with values each kind accepts until the run ends."""
    for _ in range(8):
        if run["status"] in TERMINAL:
            return run
        prompt = run["prompt"]
        assert prompt is not None, run
        values = []
        for index, component in enumerate(prompt["components"]):
            if component["kind"] == "search":
                values.append(await offered_key(client, run["id"], prompt["id"], index))
            else:
                values.append(CORRECT.get(component["kind"], lambda c: None)(component))
        choices = prompt.get("choices") or []
        body = {"prompt_id": prompt["id"], "values": values, "choice": None}
        if choices:
            body["choice"] = choices[0]["value"]
        status, reply = await send(
            client, "POST", f"runs/{run['id']}/answer", {"wait": "10"}, json.dumps(body).encode()
        )
        assert status == 200, (run["id"], body, reply)
        run = reply["run"]
    return run


async def offered_key(client: httpx.AsyncClient, run_id: str, prompt_id: str, index: int) -> str:
    """The key of the first result a search offers for an empty query."""
    body = {"prompt_id": prompt_id, "component": index, "request_id": 1, "query": ""}
    status, reply = await send(
        client, "POST", f"runs/{run_id}/search", None, json.dumps(body).encode()
    )
    assert status == 200 and reply["reply"]["type"] == "search_result", reply
    return str(reply["reply"]["results"][0]["key"])


async def unfinished_runs(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every run of the server's history that has not ended, newest first."""
    unfinished: list[dict[str, Any]] = []
    offset = 0
    while True:
        query = {"limit": "500", "offset": str(offset)}
        status, page = await send(client, "GET", "runs", query)
        assert status == 200, page
        unfinished += [r for r in page["runs"] if r["status"] not in TERMINAL]
        offset += len(page["runs"])
        if not page["runs"] or offset >= page["total"]:
            return unfinished


async def with_prompt(jp_ws_fetch: Any, run: dict[str, Any]) -> dict[str, Any]:
    """``run`` once it shows a prompt or ends (followed on its stream, never polled)."""
    ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
    try:
        state = json.loads(await ws.read_message())["run"]
        while not state["prompt"] and state["status"] not in TERMINAL:
            update = json.loads(await ws.read_message())
            state.update({k: v for k, v in update.items() if k in ("status", "prompt")})
        return state  # type: ignore[no-any-return]
    finally:
        ws.close()


def is_error_json(body: Any) -> bool:
    """Whether ``body`` is the API's error shape with a code and a message."""
    error = body.get("error") if isinstance(body, dict) else None
    return (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
        and bool(error["message"])
    )


class Verdicts:
    """Every response's status, and what was wrong with the bad ones (with the request)."""

    def __init__(self) -> None:
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []
        self.kinds_refused: set[str] = set()
        """Component kinds a 422 named: the kernel judged a wrong answer of that kind."""

    def check(self, request: str, raw: bytes, status: int, body: Any) -> None:
        """Record one response: a 5xx, or a 4xx not in the API's error shape, is a failure."""
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 422 and is_error_json(body):
            self.kinds_refused.update(f["kind"] for f in body["error"].get("fields", []))
        if status >= 500 or (status >= 400 and not is_error_json(body)):
            shown = json.dumps(body)[:300] if body is not None else "(not JSON)"
            self.failures.append(
                f"{request} body={raw[:300]!r} ({len(raw)} bytes) → {status} {shown}"
            )


@pytest.fixture
def streams() -> Iterator[list[tuple[str, Any]]]:
    """``(run id, WebSocket)`` of the streams a test opens; closed at teardown."""
    opened: list[tuple[str, Any]] = []
    yield opened
    for _run_id, ws in opened:
        ws.close()


async def open_streams(jp_ws_fetch: Any, runs: list[dict[str, Any]], streams: list[Any]) -> None:
    """Open streams of ``runs``, each sent junk it must ignore (the stream is one-way)."""
    for run in runs:
        ws = await jp_ws_fetch("interval", "api", "runs", run["id"], "stream")
        assert json.loads(await ws.read_message())["type"] == "state"
        for junk in ("", "{", '{"type": "answer"}', "[" * 5000, "\U0001f600" * 1000):
            await ws.write_message(junk)
        await ws.write_message(bytes(range(256)), binary=True)
        streams.append((run["id"], ws))


async def fuzz(client: httpx.AsyncClient, fuzzer: Fuzzer, verdicts: Verdicts) -> None:
    """Send the POST and GET requests, keeping one waiting run of each kept action."""
    [every_kind] = fuzzer.waiting("every_kind")
    sweep = fuzzer.sweep(every_kind)
    for n, raw in enumerate(sweep):
        path, query = f"runs/{every_kind['id']}/answer", {"wait": "10"}
        status, body = await send(client, "POST", path, query, raw)
        verdicts.check(f"#{n} (sweep) POST {path}?{query}", raw, status, body)
        assert status in (400, 422), body  # refused: content that is not base64 is a 400
    for n in range(len(sweep), POST_REQUESTS):
        for slug in KEPT_LIVE:
            if not fuzzer.waiting(slug):
                fuzzer.learn({"run": await start_run(client, slug)})
        mutation, path, query, raw = fuzzer.post()
        status, body = await send(client, "POST", path, query, raw)
        verdicts.check(f"#{n} ({mutation}) POST {path}?{query}", raw, status, body)
        fuzzer.learn(body)
        if status == 409 and path.startswith("runs/"):  # e.g. cancelled: learn how it ended
            _status, body = await send(client, "GET", path.rsplit("/", 1)[0])
            fuzzer.learn(body)
    for n in range(GET_REQUESTS):
        path, query = fuzzer.get()
        status, body = await send(client, "GET", path, query)
        verdicts.check(f"#{POST_REQUESTS + n} GET {path}?{query}", b"", status, body)


async def test_thousands_of_malformed_requests_get_no_5xx_and_runs_survive(
    client: httpx.AsyncClient,
    jp_ws_fetch: Any,
    streams: list[tuple[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with capsys.disabled():
        print(f"\nAPI fuzzer seed: {SEED} (replay with INTERVAL_NB_FUZZ_SEED={SEED})")
    fuzzer = Fuzzer(SEED)
    for slug in KEPT_LIVE:
        fuzzer.learn({"run": await start_run(client, slug)})
    await open_streams(jp_ws_fetch, fuzzer.waiting()[:3], streams)
    verdicts = Verdicts()
    await fuzz(client, fuzzer, verdicts)

    assert not verdicts.failures, (
        f"{len(verdicts.failures)} bad responses (seed {SEED}; INTERVAL_NB_FUZZ_SEED replays):\n"
        + "\n".join(verdicts.failures[:40])
    )
    statuses = verdicts.statuses
    assert statuses.get(400, 0) > POST_REQUESTS // 2 and statuses.get(422, 0) > 0, statuses
    every_kind = {k for k in WRONG if k != "confirm"}  # the group of every_kind asks these
    assert verdicts.kinds_refused >= every_kind, every_kind - verdicts.kinds_refused
    with capsys.disabled():
        print(f"API fuzzer: {sum(statuses.values())} requests, statuses {sorted(statuses.items())}")

    # Every run not ended (the fuzzer's, and those hop redirected to) answers and completes.
    unfinished = await unfinished_runs(client)
    assert {r["action"] for r in unfinished} >= set(KEPT_LIVE), unfinished
    for run in unfinished:
        done = await answer_correctly(client, await with_prompt(jp_ws_fetch, run))
        assert done["status"] == "completed", (done["error"], done)
    for run_id, ws in streams:  # the junk did not break the streams: they saw their runs end
        update = json.loads(await ws.read_message())
        while update.get("status") not in TERMINAL:
            update = json.loads(await ws.read_message())
        _status, body = await send(client, "GET", f"runs/{run_id}")
        assert update["status"] == body["run"]["status"]
        assert await ws.read_message() is None  # closed by the server after the end
