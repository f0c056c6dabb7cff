"""P7: durable runs on the server — hibernated runs' memory, waking by replay, kernel loss.

Each part starts its own ``jupyter server`` (127.0.0.1, token, its own Jupyter dirs and run
history) with one action registry, drives it over keep-alive HTTP (``--concurrency``
requests in flight), stops it, and prints figures against a baseline measured in the same run:

1. **Memory of N waiting runs** (``--runs``, default 10,000). Server A keeps waiting runs in
   their kernel (``hibernate_after=0``); server B lets them hibernate (``hibernate_after=5``,
   watchdog every 0.5 s). On each: 200 runs started and finished (warm code paths, the
   kernel's bounded history of finished runs full), the actions kernel's memory (B0), N runs
   started and all awaiting input; on A the memory then (B1), on B once all N are listed
   ``hibernated`` and the kernel's RSS has settled (B2). Per run: (B1 − B0) / N awake,
   (B2 − B0) / N hibernated, their ratio. Goal: what a hibernated run keeps in the kernel ≤ 1
   KiB: the Python objects still allocated per run. The RSS is printed beside it: after the
   first batch (freed memory the allocator keeps) and what a second batch adds once that room
   is there to reuse (fragmentation; it varies from run to run). Memory is read as
   the RSS as it is (psutil), then in the kernel after ``gc.collect()`` and glibc's
   ``malloc_trim(0)``: the RSS, the bytes in pymalloc's allocated blocks (the Python objects
   the kernel holds) and ``sys.getallocatedblocks()``, by a second kernel client executing a
   small function. pymalloc gives an arena back only once all of it is empty, so the RSS
   stays near its peak after the runs go; a second batch of N runs started and hibernated on
   server B shows what a hibernated run adds once that room is reused.
2. **Waking a run with 20 answered prompts** (``--wakes`` runs, default 10). An action asks
   ``Step 0``, ``Step 1``, …; 20 answers through ``POST runs/{id}/answer`` (each returns the
   run with the next prompt) give the awake baseline, as do 3 answers after the wake. Then
   the run hibernates (``hibernate_after=1``; the script waits until ``GET runs/{id}`` says so
   and its journal holds the ``hibernated`` event) and the next answer is timed: claim, replay
   of the 20 answers in the kernel, the answer, the next prompt. Goal: wake p50 ≤ 5× the awake
   answer p50. The same two cycles over the ``interval_nb`` comm straight to the kernel (a
   second client: answer → next prompt; ``resume`` of a hibernated run → its prompt again →
   answer → next prompt) show the kernel's share.
3. **Kernel loss with waiting runs** (``--lost``, default 1,000). The runs wait for input,
   the actions kernel is SIGKILLed; timed until every one is listed ``awaiting_input``,
   ``hibernated`` on the same prompt id, then until answering all of them (waking each by
   replay in the kernel the server adopts or starts) has completed every one; each journal
   must hold ``hibernated`` and one ``resumed``. Default ``kernel_check_interval``: the kernel
   manager's restarter usually reports the loss first.

Run: ``python benchmarks/p7_durable.py [--runs N] [--lost N] [--wakes N] [--parts 123]``
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import http.client
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TypeVar

import psutil
from _harness import serve, timing_line, wait_for
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.blocking.client import BlockingKernelClient

T = TypeVar("T")

STEPS = 30
ANSWERED = 20
WARM_RUNS = 200
"""Runs finished before B0: more than the kernel's history of finished runs (100) holds."""

ACTIONS = f"""
import interval_nb as inb

actions = inb.Actions()


@actions.action
async def waits(io, ctx):
    name = await io.input.text("Name")
    return f"hello {{name}}"


@actions.action
async def steps(io, ctx):
    for i in range({STEPS}):
        await io.input.text(f"Step {{i}}")
    return "done"
"""

PROBE = """
def _p7_pymalloc_bytes():
    import os, re, sys, tempfile
    with tempfile.TemporaryFile("w+") as out:  # CPython prints these stats on the C stderr
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        found = re.search(r"bytes in allocated blocks\\s*=\\s*([\\d,]+)", out.read())
    return int(found.group(1).replace(",", "")) if found else -1

def _p7_probe():
    import ctypes, gc, sys
    from interval_nb.runtime import registry
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return {
        "rss_kib": rss,
        "objects_kib": _p7_pymalloc_bytes() / 1024,
        "blocks": sys.getallocatedblocks(),
        "live": len(registry.live_runs()),
    }
"""

TOKEN = "p7-" + uuid.uuid4().hex


def line(label: str, values_ms: list[float]) -> str:
    """``label  p50 … p90 … (n=…)``."""
    return timing_line(label, values_ms, width=46, digits=8)


def verdict(ok: bool) -> str:
    """``OK`` or ``MISSED``."""
    return "OK" if ok else "MISSED"


class _Connection(threading.local):
    conn: http.client.HTTPConnection | None = None


class Api:
    """Keep-alive HTTP to one server: one connection per calling thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.headers = {"Authorization": f"token {TOKEN}", "Content-Type": "application/json"}
        self._local = _Connection()

    def _conn(self) -> http.client.HTTPConnection:
        conn = self._local.conn
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self._local.conn = conn
        return conn

    def raw(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request to ``path`` (from the server's root); GETs retry once on a closed socket."""
        data = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=self.headers)
                response = conn.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                self._local.conn = None
                if method != "GET" or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A call to the interval API."""
        return self.raw(method, f"/interval/api/{path}", body)

    def start(self, slug: str, params: dict[str, Any]) -> dict[str, Any]:
        """Start a run; it must reply 201 (the run as it is after the default wait)."""
        status, body = self.call("POST", f"actions/{slug}/runs", {"params": params})
        if status != 201:
            raise RuntimeError(f"start {slug}: {status} {body}")
        return body["run"]  # type: ignore[no-any-return]

    def answer(self, run: dict[str, Any], value: str) -> tuple[int, Any]:
        """Answer ``run``'s waiting prompt with one text value."""
        body = {"prompt_id": run["prompt"]["id"], "values": [value], "choice": None}
        return self.call("POST", f"runs/{run['id']}/answer", body)

    def run(self, run_id: str) -> dict[str, Any]:
        """``GET runs/{id}``."""
        status, body = self.call("GET", f"runs/{run_id}")
        if status != 200:
            raise RuntimeError(f"GET run {run_id}: {status} {body}")
        return body["run"]  # type: ignore[no-any-return]

    def waiting(self, total: int) -> list[dict[str, Any]]:
        """Every run listed ``awaiting_input`` (pages of 500, newest first)."""
        runs: list[dict[str, Any]] = []
        while True:
            query = f"runs?status=awaiting_input&limit=500&offset={len(runs)}"
            status, page = self.call("GET", query)
            if status != 200:
                raise RuntimeError(f"GET {query}: {status} {page}")
            runs += page["runs"]
            if not page["runs"] or len(runs) >= min(total, page["total"]):
                return runs


def in_parallel(
    work: Callable[[int], T], count: int, concurrency: int, progress: str = ""
) -> list[T]:
    """``work(i)`` for every ``i < count``, ``concurrency`` at once (results in order)."""
    results: list[Any] = [None] * count
    with ThreadPoolExecutor(concurrency, thread_name_prefix="p7-http") as pool:
        futures = {pool.submit(work, i): i for i in range(count)}
        for done, future in enumerate(as_completed(futures), 1):
            results[futures[future]] = future.result()
            if progress and done % 1000 == 0:
                print(f"    {progress}: {done}/{count}", flush=True)
    return results


class Server:
    """A ``jupyter server`` subprocess with the P7 actions, in its own directories."""

    def __init__(self, parent: Path, name: str, *extra: str) -> None:
        self.server = serve(parent / name, "p7_actions", ACTIONS, TOKEN, *extra)
        self.runtime = self.server.runtime
        self.api = Api(self.server.port)

    def ready(self) -> None:
        """Wait for the server and its actions kernel (the first ``GET actions``)."""
        self.server.wait_until_up()
        status, listing = self.api.call("GET", "actions")
        if status != 200 or not listing["actions"]:
            raise RuntimeError(f"GET actions: {status} {listing}")

    def kernel(self) -> tuple[str, int]:
        """The actions kernel's id and pid (found by its connection file on its command line)."""

        def found() -> tuple[str, int] | None:
            status, kernels = self.api.raw("GET", "/api/kernels")
            ids = {k["id"] for k in kernels} if status == 200 else set()
            for proc in psutil.process_iter(["pid", "cmdline", "status"]):
                if proc.info["status"] == psutil.STATUS_ZOMBIE:
                    continue
                for arg in proc.info["cmdline"] or ():
                    path = Path(arg)
                    kernel_id = path.stem.removeprefix("kernel-")
                    if path.parent == self.runtime and kernel_id in ids:
                        return kernel_id, int(proc.info["pid"])
            return None

        return wait_for("the actions kernel's process", found, 0.2)

    def probe(self) -> Probe:
        """A second client of the actions kernel, to read what it holds."""
        kernel_id, pid = self.kernel()
        return Probe(self.runtime / f"kernel-{kernel_id}.json", pid)

    def stop(self) -> None:
        """Stop the server and its kernels."""
        self.server.stop()


class Probe:
    """Reads the actions kernel's memory: its RSS as is, and what it holds after a GC."""

    def __init__(self, connection_file: Path, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.client.execute(PROBE, store_history=False, reply=True, timeout=60)

    def rss_kib(self) -> int:
        """The kernel's RSS now, untouched."""
        return int(self.process.memory_info().rss // 1024)

    def held(self) -> dict[str, float]:
        """After ``gc.collect()`` + ``malloc_trim(0)``: ``rss_kib``, ``objects_kib`` (bytes in
        pymalloc's allocated blocks / 1024), ``blocks`` (``sys.getallocatedblocks()``) and
        ``live`` runs."""
        reply = self.client.execute(
            "", store_history=False, user_expressions={"p": "_p7_probe()"}, reply=True, timeout=120
        )
        found = reply["content"]["user_expressions"]["p"]
        if found.get("status") != "ok":
            raise RuntimeError(f"probe failed: {found}")
        return ast.literal_eval(found["data"]["text/plain"])  # type: ignore[no-any-return]

    def close(self) -> None:
        """Disconnect (the kernel goes on)."""
        self.client.stop_channels()


# -- 1. memory -------------------------------------------------------------------------------


def warm(api: Api, count: int, concurrency: int) -> None:
    """Start and finish ``count`` runs."""

    def one(i: int) -> None:
        run = api.start("waits", {"warm": i})
        status, body = api.answer(run, "w")
        if status != 200 or body["run"]["status"] != "completed":
            raise RuntimeError(f"warm run: {status} {body}")

    in_parallel(one, count, concurrency)


def start_waiting(api: Api, count: int, concurrency: int) -> list[dict[str, Any]]:
    """Start ``count`` runs of ``waits``; each must be awaiting input."""

    def one(i: int) -> dict[str, Any]:
        run = api.start("waits", {"i": i})
        if run["status"] != "awaiting_input":
            raise RuntimeError(f"run {i} is {run['status']}: {run}")
        return run

    return in_parallel(one, count, concurrency, progress="runs awaiting input")


def settled(probe: Probe) -> int:
    """Wait until the kernel's RSS stops moving (two readings a second apart within 256 KiB)."""
    last = [probe.rss_kib()]

    def steady() -> int | None:
        time.sleep(1)
        now = probe.rss_kib()
        before, last[0] = last[0], now
        return now if abs(now - before) <= 256 else None

    return wait_for("the kernel's RSS to settle", steady, 0)


def asleep(server: Server, probe: Probe, runs: list[dict[str, Any]]) -> None:
    """Wait until ``runs`` (the newest) are all listed hibernated and the kernel's RSS settled.

    The watchdog lets runs go in the order they started: the last one is watched alone (the
    full listing, 20 pages for 10,000 runs, would compete with the watchdog for the store).
    """
    ids = {r["id"] for r in runs}
    last = runs[-1]["id"]

    def all_listed() -> bool:
        if not server.api.run(last)["hibernated"]:
            return False
        listed = server.api.waiting(len(ids))
        return sum(1 for r in listed if r["id"] in ids and r["hibernated"]) == len(ids)

    wait_for(f"{len(ids)} runs hibernated", all_listed, 0.5)
    settled(probe)


def memory_pass(parent: Path, n: int, concurrency: int, hibernate: bool) -> list[dict[str, float]]:
    """B0, then N waiting runs (awake, or once all hibernated): the kernel's memory.

    When they hibernate, a second batch of N follows (and hibernates): what it adds is the
    cost of a hibernated run in a kernel whose allocator already has room from the first.
    Returns B0, then one reading per batch: ``rss`` as is, ``held`` (after gc + trim),
    ``objects_kib`` (pymalloc's allocated blocks), ``blocks``, ``live`` runs, and ``s`` since
    the batch's first start.
    """
    extra = (
        ["--IntervalNB.hibernate_after=5", "--IntervalNB.kernel_check_interval=0.5"]
        if hibernate
        else ["--IntervalNB.hibernate_after=0"]
    )
    server = Server(parent, "hibernating" if hibernate else "awake", *extra)
    probe: Probe | None = None
    readings: list[dict[str, float]] = []
    try:
        server.ready()
        warm(server.api, WARM_RUNS, concurrency)
        probe = server.probe()
        b0 = probe.held()
        readings.append({"rss": b0["rss_kib"], "held": b0["rss_kib"], **b0, "s": 0.0})
        for _batch in range(2 if hibernate else 1):
            t0 = time.perf_counter()
            runs = start_waiting(server.api, n, concurrency)
            if hibernate:
                asleep(server, probe, runs)
            reading: dict[str, float] = {"s": time.perf_counter() - t0, "rss": probe.rss_kib()}
            held = probe.held()
            reading.update(held=held["rss_kib"], **held)
            readings.append(reading)
    finally:
        if probe is not None:
            probe.close()
        server.stop()
    return readings


def per_run(after: dict[str, float], before: dict[str, float], n: int) -> dict[str, float]:
    """KiB (``rss``, ``held``, ``objects_kib``) and Python ``blocks`` added per run."""
    return {key: (after[key] - before[key]) / n for key in ("rss", "held", "objects_kib", "blocks")}


def part_memory(parent: Path, n: int, concurrency: int) -> bool:
    """Part 1: KiB per awaiting run, awake and hibernated."""
    print(f"P7.1  kernel memory of {n:,} runs awaiting input (B0 = after {WARM_RUNS} runs)")
    b0, b1 = memory_pass(parent, n, concurrency, hibernate=False)
    print(
        f"  awake (hibernate_after=0): started in {b1['s']:.1f} s; B0 {b0['rss'] / 1024:.0f} MiB;"
        f" {b1['live']:.0f} live runs in the kernel",
        flush=True,
    )
    c0, c1, c2 = memory_pass(parent, n, concurrency, hibernate=True)
    print(
        f"  hibernated (hibernate_after=5): all listed hibernated {c1['s']:.1f} s after the first"
        f" start (second batch {c2['s']:.1f} s); B0 {c0['rss'] / 1024:.0f} MiB; "
        f"{c1['live']:.0f}, {c2['live']:.0f} live runs in the kernel"
    )
    awake, first, second = per_run(b1, b0, n), per_run(c1, c0, n), per_run(c2, c1, n)
    print(f"  {'added per run':<32}{'awake':>10}{'hibernated':>12}{'ratio':>9}{'2nd batch':>12}")
    for label, key in (
        ("RSS as is (psutil), KiB", "rss"),
        ("RSS after gc + malloc_trim, KiB", "held"),
        ("Python objects (pymalloc), KiB", "objects_kib"),
        ("Python blocks allocated", "blocks"),
    ):
        ratio = first[key] / awake[key] if awake[key] > 0 else float("nan")
        print(
            f"  {label:<32}{awake[key]:>10.2f}{first[key]:>12.2f}{ratio:>8.3f}×{second[key]:>12.2f}"
        )
    print(
        f"  RSS the first wave leaves behind: {first['held']:.2f} KiB a run — freed memory the"
        " allocator keeps (pymalloc returns a 1 MiB arena only when all of it is empty), reused"
        " by the next runs: see the 2nd batch column"
    )
    ok = first["objects_kib"] <= 1 and c1["live"] == c2["live"] == 0
    print(
        f"  kernel memory a hibernated run keeps: {first['objects_kib']:.2f} KiB of Python"
        f" objects still allocated per run   goal ≤ 1 KiB   {verdict(ok)}"
    )
    print(
        f"  RSS a second wave of hibernated runs adds: {second['held']:.2f} KiB a run (the"
        " allocator's fragmentation: it varies from run to run)",
        flush=True,
    )
    return ok


# -- 2. waking -------------------------------------------------------------------------------


def answered(api: Api, run: dict[str, Any], value: str, step: int) -> tuple[dict[str, Any], float]:
    """Answer ``run``; the reply must carry prompt ``Step {step}``. Returns it and the ms."""
    t0 = time.perf_counter()
    status, body = api.answer(run, value)
    elapsed = (time.perf_counter() - t0) * 1000
    after = body.get("run") if isinstance(body, dict) else None
    prompt = (after or {}).get("prompt") or {"components": [{"label": None}]}
    if status != 200 or prompt["components"][0]["label"] != f"Step {step}":
        raise RuntimeError(f"answer to {run['id']} expecting Step {step}: {status} {body}")
    return after, elapsed  # type: ignore[return-value]


def journaled(api: Api, run_id: str) -> None:
    """Wait until the history holds ``run_id``'s hibernation (its ``hibernated`` event).

    ``GET`` says ``hibernated`` as soon as the server lets the run go, before the history is
    written; a run woken in between is dropped from the server's live runs when that write
    completes (its wake then waits out ``request_timeout`` and it can no longer be answered
    here), so the benchmark wakes runs only once the history holds their hibernation.
    """

    def written() -> bool:
        status, journal = api.call("GET", f"runs/{run_id}/events")
        return status == 200 and "hibernated" in [e["event"] for e in journal["events"]]

    wait_for(f"the hibernation of {run_id} in the history", written)


def wake_once(api: Api, i: int) -> tuple[list[float], float]:
    """One ``steps`` run: 20 answers awake, hibernation, the waking answer, 3 more awake."""
    run = api.start("steps", {"i": i})
    awake: list[float] = []
    for k in range(ANSWERED):
        run, ms = answered(api, run, f"a{k}", k + 1)
        if k >= 2:  # the first answers of a run warm its path
            awake.append(ms)

    def hibernated() -> dict[str, Any] | None:
        now = api.run(run["id"])
        return now if now["hibernated"] else None

    asleep = wait_for(f"run {run['id']} to hibernate", hibernated)
    journaled(api, run["id"])
    if asleep["status"] != "awaiting_input" or asleep["prompt"]["id"] != run["prompt"]["id"]:
        raise RuntimeError(f"hibernated on another prompt: {asleep}")
    run, wake_ms = answered(api, run, "woken", ANSWERED + 1)
    for k in range(3):
        run, ms = answered(api, run, f"b{k}", ANSWERED + 2 + k)
        awake.append(ms)
    status, journal = api.call("GET", f"runs/{run['id']}/events")
    resumed = [e["event"] for e in journal["events"]].count("resumed")
    if status != 200 or resumed != 1:
        raise RuntimeError(f"run {run['id']} resumed {resumed} times: {journal}")
    api.call("POST", f"runs/{run['id']}/cancel")
    return awake, wake_ms


class KernelComm:
    """A second client of the actions kernel, on its own ``interval_nb`` comm (no server)."""

    def __init__(self, connection_file: Path) -> None:
        self.client = AsyncKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.comm_id = uuid.uuid4().hex
        self.received: list[dict[str, Any]] = []

    async def open(self, registries: list[str]) -> None:
        """Connect, open the comm with ``registries`` and wait for the hello."""
        self.client.start_channels()
        probes: set[str] = set()
        ready = False
        while not ready:  # IOPub slow joiner: wait until our subscription is live
            probes.add(self.client.kernel_info())
            deadline = time.monotonic() + 0.5
            while time.monotonic() < deadline and not ready:
                with contextlib.suppress(Exception):
                    msg = await self.client.get_iopub_msg(timeout=0.1)
                    ready = msg["parent_header"].get("msg_id") in probes
        data = {"type": "open", "registries": registries, "entry_points": False}
        content = {"comm_id": self.comm_id, "target_name": "interval_nb", "data": data}
        self.client.shell_channel.send(self.client.session.msg("comm_open", content))
        await self.next(lambda d: d["type"] == "hello")

    def send(self, data: dict[str, Any]) -> str:
        """Send one request; returns its ``request_id``."""
        request_id = uuid.uuid4().hex
        content = {"comm_id": self.comm_id, "data": {**data, "request_id": request_id}}
        self.client.shell_channel.send(self.client.session.msg("comm_msg", content))
        return request_id

    async def request(self, data: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its reply (it must be ``ok``)."""
        request_id = self.send(data)
        reply = await self.next(lambda d: d.get("request_id") == request_id)
        if not reply.get("ok"):
            raise RuntimeError(f"{data['type']} refused: {reply}")
        return reply

    async def next(self, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first message on our comm that ``match``es (earlier ones are kept)."""
        for i, kept in enumerate(self.received):
            if match(kept):
                return self.received.pop(i)
        while True:
            msg = await self.client.get_iopub_msg(timeout=60)
            content = msg["content"]
            if msg["msg_type"] != "comm_msg" or content.get("comm_id") != self.comm_id:
                continue
            data: dict[str, Any] = content["data"]
            if match(data):
                return data
            self.received.append(data)

    async def prompt(self, run_id: str, ignore: str | None = None) -> str:
        """The id of the next prompt ``run_id`` waits on (other than ``ignore``)."""
        found = await self.next(
            lambda d: (
                d.get("run_id") == run_id
                and d.get("status") == "awaiting_input"
                and bool(d.get("prompt"))
                and d["prompt"]["id"] != ignore
            )
        )
        return str(found["prompt"]["id"])

    async def answer(self, run_id: str, prompt_id: str, value: str) -> str:
        """Answer the waiting prompt; returns the next prompt's id once it is shown."""
        request_id = self.send(
            {
                "type": "answer",
                "run_id": run_id,
                "prompt_id": prompt_id,
                "values": [value],
                "choice": None,
                "by": "p7",
            }
        )
        following = await self.prompt(run_id, ignore=prompt_id)
        reply = await self.next(lambda d: d.get("request_id") == request_id)
        if not reply.get("accepted"):
            raise RuntimeError(f"answer refused: {reply}")
        return following

    def close(self) -> None:
        """Close the comm and disconnect (the kernel goes on)."""
        self.client.shell_channel.send(
            self.client.session.msg("comm_close", {"comm_id": self.comm_id, "data": {}})
        )
        self.client.stop_channels()


async def comm_cycles(connection_file: Path, runs: int) -> tuple[list[float], list[float]]:
    """In the kernel: answer → next prompt (awake), and resume → same prompt → answer → next."""
    comm = KernelComm(connection_file)
    await comm.open(["p7_actions:actions"])
    awake: list[float] = []
    wakes: list[float] = []
    try:
        for i in range(runs):
            reply = await comm.request({"type": "start", "action": "steps", "params": {"c": i}})
            run_id = reply["run"]["run_id"]
            prompt = await comm.prompt(run_id)
            for k in range(ANSWERED):
                t0 = time.perf_counter()
                prompt = await comm.answer(run_id, prompt, f"a{k}")
                if k >= 2:
                    awake.append((time.perf_counter() - t0) * 1000)
            await comm.request({"type": "hibernate", "run_id": run_id})
            t0 = time.perf_counter()
            await comm.request({"type": "resume", "run_id": run_id})
            again = await comm.prompt(run_id)
            if again != prompt:
                raise RuntimeError(f"resumed on prompt {again}, not {prompt}")
            await comm.answer(run_id, prompt, "woken")
            wakes.append((time.perf_counter() - t0) * 1000)
            await comm.request({"type": "cancel", "run_id": run_id, "by": "p7"})
            comm.received.clear()
    finally:
        comm.close()
    return awake, wakes


def part_wake(parent: Path, wakes: int) -> bool:
    """Part 2: the waking answer of a run with 20 answered prompts, against awake answers."""
    print(f"P7.2  waking a run with {ANSWERED} answered prompts ({wakes} runs, hibernate_after=1)")
    server = Server(
        parent, "waking", "--IntervalNB.hibernate_after=1", "--IntervalNB.kernel_check_interval=0.2"
    )
    try:
        server.ready()
        awake: list[float] = []
        woken: list[float] = []
        for i in range(wakes):
            times, wake_ms = wake_once(server.api, i)
            awake += times
            woken.append(wake_ms)
        kernel_id, _pid = server.kernel()
        connection = server.runtime / f"kernel-{kernel_id}.json"
        comm_awake, comm_wakes = asyncio.run(comm_cycles(connection, wakes))
    finally:
        server.stop()
    print(line("API: answer → next prompt (awake)", awake))
    print(line(f"API: answer waking the run → prompt {ANSWERED + 1}", woken))
    ratio = statistics.median(woken) / statistics.median(awake)
    ok = ratio <= 5
    print(
        f"  ratio (p50)                                    {ratio:6.2f}×   goal ≤ 5×   {verdict(ok)}"
    )
    print(line("kernel comm: answer → next prompt", comm_awake))
    print(line("kernel comm: resume → prompt → answer → next", comm_wakes))
    print(
        f"  the kernel's share of a wake ≈ {statistics.median(comm_wakes):.1f} ms of "
        f"{statistics.median(woken):.1f} ms",
        flush=True,
    )
    return ok


# -- 3. kernel loss --------------------------------------------------------------------------


def part_lost(parent: Path, n: int, concurrency: int) -> bool:
    """Part 3: SIGKILL the kernel of ``n`` waiting runs; time hibernation, then waking them all."""
    print(f"P7.3  {n:,} runs awaiting input when their kernel is SIGKILLed")
    server = Server(parent, "lost", "--IntervalNB.hibernate_after=0")
    api = server.api
    try:
        server.ready()
        runs = start_waiting(api, n, concurrency)
        prompts = {r["id"]: r["prompt"]["id"] for r in runs}
        _kernel_id, pid = server.kernel()
        t0 = time.perf_counter()
        os.kill(pid, signal.SIGKILL)

        def all_hibernated() -> bool:
            return n == sum(
                1
                for r in api.waiting(n)
                if r["hibernated"] and prompts.get(r["id"]) == (r["prompt"] or {}).get("id")
            )

        wait_for(f"all {n} runs hibernated on their prompt", all_hibernated, 0.1)
        asleep_s = time.perf_counter() - t0
        journaled(api, runs[-1]["id"])  # one transaction writes them all

        def wake(i: int) -> tuple[bool, float]:
            t = time.perf_counter()
            status, body = api.answer(runs[i], "late")
            ok = status == 200 and body["run"]["result"] == "hello late"
            return ok, (time.perf_counter() - t) * 1000

        t1 = time.perf_counter()
        woken = in_parallel(wake, n, concurrency, progress="answered")
        woken_s = time.perf_counter() - t1
        new_pid = server.kernel()[1]
        journals = in_parallel(lambda i: api.call("GET", f"runs/{runs[i]['id']}/events"), n, 8)
    finally:
        server.stop()
    completed = sum(ok for ok, _ms in woken)
    replayed = sum(
        1
        for _status, j in journals
        if [e["event"] for e in j["events"]].count("resumed") == 1
        and "hibernated" in [e["event"] for e in j["events"]]
    )
    print(f"  SIGKILL → all {n:,} listed awaiting_input, hibernated, same prompt: {asleep_s:.2f} s")
    print(
        f"  answering all (waking each by replay, {concurrency} in flight) → "
        f"{completed:,}/{n:,} completed in {woken_s:.2f} s = {woken_s / n * 1000:.2f} ms per run"
        f" ({n / woken_s:.0f}/s); kernel pid {pid} → {new_pid}"
    )
    print(line("one waking answer → completed (latency)", [ms for _ok, ms in woken]))
    ok = completed == n and replayed == n
    print(
        f"  journals: {replayed:,}/{n:,} with 'hibernated' then one 'resumed'   "
        f"{'OK' if ok else f'LOST {n - min(completed, replayed)}'}",
        flush=True,
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="waiting runs for part 1")
    parser.add_argument("--lost", type=int, default=1_000, help="waiting runs for part 3")
    parser.add_argument("--wakes", type=int, default=10, help="runs woken in part 2")
    parser.add_argument("--concurrency", type=int, default=50, help="HTTP requests in flight")
    parser.add_argument("--parts", default="123", help="which parts to run, e.g. 13")
    args = parser.parse_args()

    ok = True
    with tempfile.TemporaryDirectory(prefix="inb-p7-") as tmp_name:
        tmp = Path(tmp_name)
        if "1" in args.parts:
            ok = part_memory(tmp, args.runs, args.concurrency) and ok
        if "2" in args.parts:
            ok = part_wake(tmp, args.wakes) and ok
        if "3" in args.parts:
            ok = part_lost(tmp, args.lost, args.concurrency) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
