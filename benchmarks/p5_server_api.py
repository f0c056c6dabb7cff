"""P5 (docs/architecture.md, "Measured goals"): run start → first prompt through the server API, and 100 concurrent runs.

Starts a real ``jupyter server`` (127.0.0.1, token) with one action registry, warms its
actions kernel, then measures in the same run:

1. the raw comm echo: a ping over the ``interval_nb`` comm target from a plain kernel client
   (its own session) to the same kernel, and back — the physical floor of one prompt hop;
2. ``POST actions/bench/runs`` → 201 whose body carries the first prompt (keep-alive HTTP);
3. 100 runs started at once through the API, then all answered at once: every run must
   complete, and the history must hold each run with its full journal.

Goal: (2) ≤ 3× (1) at p50; (3) all complete, nothing lost. Prints the figures.

    python benchmarks/p5_server_api.py [--samples 200] [--concurrent 100]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from _harness import serve, timing_line
from jupyter_client.asynchronous import AsyncKernelClient
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

ACTIONS = """
import interval_nb as inb

actions = inb.Actions()


@actions.action
async def bench(io, ctx):
    name = await io.input.text("Name")
    return f"hello {name}"
"""

TOKEN = "p5-" + uuid.uuid4().hex


class Api:
    """Keep-alive HTTP to the server (one connection, as a script with requests.Session)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"token {TOKEN}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body)
        self.conn.request(method, f"/interval/api/{path}", body=data, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null")


async def comm_echo(connection_file: Path, samples: int) -> list[float]:
    """Round trips of a ping over the interval_nb comm, from a client with its own session."""
    client = AsyncKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        probes: set[str] = set()
        ready = False
        while not ready:  # IOPub slow joiner: wait until our subscription is live
            probes.add(client.kernel_info())
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline and not ready:
                try:
                    msg = await client.get_iopub_msg(timeout=0.1)
                except Exception:
                    continue
                ready = msg["parent_header"].get("msg_id") in probes
        comm_id = uuid.uuid4().hex
        open_msg = client.session.msg(
            "comm_open",
            {
                "comm_id": comm_id,
                "target_name": "interval_nb",
                "data": {"registries": [], "entry_points": False},
            },
        )
        client.shell_channel.send(open_msg)

        async def comm_message(match: Any) -> dict[str, Any]:
            while True:
                msg = await client.get_iopub_msg(timeout=10)
                content = msg["content"]
                if msg["msg_type"] == "comm_msg" and content.get("comm_id") == comm_id:
                    data: dict[str, Any] = content["data"]
                    if match(data):
                        return data

        await comm_message(lambda d: d["type"] == "hello")
        times = []
        for i in range(samples + 20):
            request_id = f"ping{i}"
            msg = client.session.msg(
                "comm_msg", {"comm_id": comm_id, "data": {"type": "ping", "request_id": request_id}}
            )
            t0 = time.perf_counter()
            client.shell_channel.send(msg)
            await comm_message(lambda d, r=request_id: d.get("request_id") == r)
            if i >= 20:
                times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        client.stop_channels()


def start_to_prompt(api: Api, samples: int) -> list[float]:
    """POST start → response with the first prompt, on a warm kernel."""
    times = []
    for i in range(samples + 10):
        t0 = time.perf_counter()
        status, body = api.call("POST", "actions/bench/runs", {"params": {}})
        elapsed = (time.perf_counter() - t0) * 1000
        assert status == 201 and body["run"]["prompt"] is not None, body
        run = body["run"]
        status, done = api.call(
            "POST",
            f"runs/{run['id']}/answer",
            {"prompt_id": run["prompt"]["id"], "values": ["x"], "choice": None},
        )
        assert status == 200 and done["run"]["status"] == "completed", done
        if i >= 10:
            times.append(elapsed)
    return times


async def concurrent_runs(port: int, count: int) -> dict[str, Any]:
    """Start ``count`` runs at once, answer them all at once, check the history."""
    AsyncHTTPClient.configure(None, max_clients=count)
    http_client = AsyncHTTPClient()
    base = f"http://127.0.0.1:{port}/interval/api"
    headers = {"Authorization": f"token {TOKEN}", "Content-Type": "application/json"}

    async def call(method: str, path: str, body: Any = None) -> tuple[int, Any]:
        request = HTTPRequest(
            f"{base}/{path}",
            method=method,
            headers=headers,
            body=None if body is None else json.dumps(body),
            request_timeout=120,
        )
        response = await http_client.fetch(request, raise_error=False)
        return response.code, json.loads(response.body or b"null")

    t0 = time.perf_counter()
    started = await asyncio.gather(
        *[call("POST", "actions/bench/runs", {"params": {"i": i}}) for i in range(count)]
    )
    t_started = time.perf_counter() - t0
    runs = [body["run"] for status, body in started if status == 201]
    waiting = [r for r in runs if r["status"] == "awaiting_input"]
    t1 = time.perf_counter()
    answered = await asyncio.gather(
        *[
            call(
                "POST",
                f"runs/{r['id']}/answer",
                {
                    "prompt_id": r["prompt"]["id"],
                    "values": [f"n{r['params']['i']}"],
                    "choice": None,
                },
            )
            for r in waiting
        ]
    )
    t_answered = time.perf_counter() - t1
    completed = [b["run"] for s, b in answered if s == 200 and b["run"]["status"] == "completed"]
    # The newest `count` completed runs of the action, read from the store, are exactly ours.
    _status, history = await call("GET", f"runs?action=bench&status=completed&limit={count}")
    stored = {r["id"] for r in history["runs"]}
    journals = await asyncio.gather(*[call("GET", f"runs/{r['id']}/events") for r in runs])
    full = [
        j
        for s, j in journals
        if s == 200
        and [e["event"] for e in j["events"]]
        == ["started", "prompt_shown", "answered", "completed"]
    ]
    http_client.close()
    return {
        "started": len(runs),
        "waiting": len(waiting),
        "completed": len(completed),
        "start_s": t_started,
        "answer_s": t_answered,
        "in_history": len({r["id"] for r in runs} & stored),
        "full_journals": len(full),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="inb-p5-") as tmp_name:
        server = serve(Path(tmp_name), "bench_actions", ACTIONS, TOKEN)
        port = server.port
        try:
            server.wait_until_up()
            api = Api(port)
            t0 = time.perf_counter()
            status, listing = api.call("GET", "actions")
            assert status == 200 and listing["actions"], listing
            print(
                f"P5  server + actions kernel ready ({(time.perf_counter() - t0) * 1000:.0f} ms for the first GET actions)"
            )
            api_times = start_to_prompt(api, args.samples)
            kernel_id = json.loads(_get(port, "/api/kernels"))[0]["id"]
            echo = asyncio.run(comm_echo(server.runtime / f"kernel-{kernel_id}.json", args.samples))
            api_times += start_to_prompt(api, args.samples // 2)  # interleave: same conditions
            print(timing_line("raw comm echo (interval_nb ping)", echo))
            print(timing_line("API: POST start → 201 with first prompt", api_times))
            ratio = statistics.median(api_times) / statistics.median(echo)
            print(
                f"  ratio (p50)                                  {ratio:5.2f}×   goal ≤ 3×   {'OK' if ratio <= 3 else 'MISSED'}"
            )
            result = asyncio.run(concurrent_runs(port, args.concurrent))
            n = args.concurrent
            print(
                f"  {n} concurrent runs: started {result['started']}/{n} in {result['start_s']:.2f} s, "
                f"{result['waiting']} awaiting input; answered → completed {result['completed']}/{n} "
                f"in {result['answer_s']:.2f} s = {result['completed'] / result['answer_s']:.0f} answers/s"
            )
            lost = n - min(result["in_history"], result["full_journals"])
            print(
                f"  history: {result['in_history']}/{n} runs listed as completed, "
                f"{result['full_journals']}/{n} with the full journal (started, prompt_shown, "
                f"answered, completed)   {'OK' if lost == 0 else f'LOST {lost}'}"
            )
            ok = ratio <= 3 and result["completed"] == n and lost == 0
        finally:
            server.stop()
    return 0 if ok else 1


def _get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"token {TOKEN}"})
    return conn.getresponse().read()


if __name__ == "__main__":
    sys.exit(main())
