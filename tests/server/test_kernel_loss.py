"""A real ``jupyter server`` loses its actions kernel every way it can, and carries on.

Each test starts a server subprocess, leaves a run waiting for input, makes the kernel go
away (SIGKILL, ``DELETE /api/kernels/{id}``, the server's culler, ``POST …/restart``, the
restarter after a crash), then checks that the waiting run hibernated with the reason (still
``awaiting_input`` on the same prompt) and that answering it wakes it by replay in a new
kernel and finishes it; that a new run works end to end; and that exactly the kernels the
server lists are running: no kernel process outlives its entry (found by the connection file
on its command line). A run that was not waiting (busy in a step) is ``interrupted``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from . import test_real_servers as real
from .helpers import Process, free_port, http

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

# The real-server fixtures (isolated Jupyter dirs, the sample actions as my_actions.py; every
# server stopped with its kernels at teardown) and the launcher, shared with that module.
home = real.home
servers = real.servers
TOKEN = real.TOKEN

T = TypeVar("T")

PATIENCE = 60
"""Seconds a state may take to arrive before the test gives up (generous: shared CI cores)."""

QUIET = "--IntervalNB.kernel_check_interval=3600"
"""The watchdog looks once at start and then sleeps: only the kernel manager's signals act."""


def wait_for(what: str, probe: Callable[[], T | None]) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + PATIENCE
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"never saw {what}; last: {last!r}")


class Served:
    """A server subprocess with the sample actions, and what a test asks of it."""

    def __init__(self, home: dict[str, Any], servers: list[Process], *extra: str) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.runtime = Path(home["tmp"]) / "runtime"
        self.process = real.jupyter_server(home, port, "server", *extra)
        servers.append(self.process)
        self.process.wait_for(f"{self.base}/api/status?token={TOKEN}")

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """A call to the interval API."""
        return http(method, f"{self.base}/interval/api/{path}", TOKEN, body)

    def start(self, slug: str, **params: Any) -> dict[str, Any]:
        """Start a run and return it once it waits for input."""
        status, body = self.api("POST", f"actions/{slug}/runs", {"params": params})
        assert status == 201, body
        run = body["run"]
        assert run["status"] == "awaiting_input", run
        return run  # type: ignore[no-any-return]

    def answer(self, run: dict[str, Any], *values: Any) -> tuple[int, Any]:
        """Answer the run's waiting prompt."""
        body = {"prompt_id": run["prompt"]["id"], "values": list(values), "choice": None}
        return self.api("POST", f"runs/{run['id']}/answer", body)

    def run(self, run_id: str) -> dict[str, Any]:
        """``GET runs/{id}``."""
        status, body = self.api("GET", f"runs/{run_id}")
        assert status == 200, body
        return body["run"]  # type: ignore[no-any-return]

    def events(self, run_id: str) -> list[dict[str, Any]]:
        """The run's journal."""
        status, body = self.api("GET", f"runs/{run_id}/events")
        assert status == 200, body
        return body["events"]  # type: ignore[no-any-return]

    def kernel_ids(self) -> set[str]:
        """The kernels the server lists (what Lab's Running panel shows)."""
        status, kernels = http("GET", f"{self.base}/api/kernels", TOKEN)
        assert status == 200, kernels
        return {k["id"] for k in kernels}

    def kernel_processes(self) -> dict[str, int]:
        """Kernel id → pid of every live kernel process of this server, by its connection file."""
        found: dict[str, int] = {}
        for proc in psutil.process_iter(["pid", "cmdline", "status"]):
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            for arg in proc.info["cmdline"] or ():
                path = Path(arg)
                if path.parent == self.runtime and path.name.startswith("kernel-"):
                    found[path.stem.removeprefix("kernel-")] = proc.info["pid"]
        return found

    def settled_kernels(self, most: int = 1) -> dict[str, int]:
        """Wait until the running kernel processes are exactly the listed kernels (≤ ``most``)."""

        def consistent() -> tuple[dict[str, int]] | None:
            processes, listed = self.kernel_processes(), self.kernel_ids()
            return (processes,) if set(processes) == listed and len(listed) <= most else None

        [processes] = wait_for("the running kernels to be exactly the listed ones", consistent)
        return processes


def the_kernel(served: Served) -> tuple[str, int]:
    """The one actions kernel, and its process."""
    [(kernel_id, pid)] = served.settled_kernels().items()
    return kernel_id, pid


def comes_back(served: Served, run: dict[str, Any], reason: str, since: float) -> None:
    """The waiting run hibernated (same prompt, ``reason`` journaled), and an answer wakes
    it by replay and finishes it.

    Prints how long the hibernation took after the kernel went away (``since``, a
    ``time.monotonic()``) and how long the waking answer took: figures for the record, not
    assertions (shared CI cores).
    """
    asleep = wait_for(
        "the run hibernated", lambda: (r := served.run(run["id"]))["hibernated"] and r
    )
    print(f"\n[kernel loss] {reason!r}: run hibernated {time.monotonic() - since:.2f} s after")
    assert asleep["status"] == "awaiting_input"
    assert asleep["prompt"]["id"] == run["prompt"]["id"]
    journal = served.events(run["id"])
    assert [e["event"] for e in journal] == ["started", "prompt_shown", "hibernated"]
    assert journal[-1]["reason"] == reason
    woke = time.monotonic()
    status, body = served.answer(run, "Ada")
    print(f"[kernel loss] the answer that woke it took {time.monotonic() - woke:.2f} s")
    assert status == 200, body
    assert body["run"]["status"] == "completed" and not body["run"]["hibernated"]
    assert body["run"]["result"].startswith("Hello, Ada!")
    events = [e["event"] for e in served.events(run["id"])]
    assert events[2:] == ["hibernated", "resumed", "replayed", "answered", "completed"], events


def works_again(served: Served) -> str:
    """A new run goes end to end; returns the kernel that serves it (the only one)."""
    run = served.start("greet")
    status, body = served.answer(run, "Grace")
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"].startswith("Hello, Grace!")
    kernel_id, _pid = the_kernel(served)
    return kernel_id


def gone(pid: int) -> bool:
    """Whether a process has ended and been reaped."""
    return not psutil.pid_exists(pid)


def test_sigkill_of_the_actions_kernel(home: dict[str, Any], servers: list[Process]) -> None:
    served = Served(home, servers, "--IntervalNB.kernel_check_interval=0.2")
    run = served.start("greet")
    _, pid = the_kernel(served)

    lost = time.monotonic()
    psutil.Process(pid).kill()

    # Whoever notices first (the watchdog or jupyter_client's restarter), the reason says died.
    wait_for("the run hibernated", lambda: served.run(run["id"])["hibernated"])
    reason = served.events(run["id"])[-1]["reason"]
    assert reason in ("the kernel died", "the kernel died and was restarted")
    comes_back(served, run, reason, lost)
    works_again(served)
    wait_for("the killed kernel reaped", lambda: gone(pid))


def test_sigkill_with_the_restarter_winning(home: dict[str, Any], servers: list[Process]) -> None:
    # With the watchdog asleep, jupyter_client's restarter restarts the crashed kernel in
    # place; the restarted process becomes the actions kernel instead of running beside it.
    served = Served(home, servers, QUIET)
    run = served.start("greet")
    kernel_id, pid = the_kernel(served)

    lost = time.monotonic()
    psutil.Process(pid).kill()

    comes_back(served, run, "the kernel died and was restarted", lost)
    assert works_again(served) == kernel_id
    _, new_pid = the_kernel(served)
    assert new_pid != pid
    wait_for("the killed kernel reaped", lambda: gone(pid))


def test_shutdown_through_the_kernels_api(home: dict[str, Any], servers: list[Process]) -> None:
    # The watchdog busy too: it used to fail on jupyter_server's 404 for the removed kernel.
    served = Served(home, servers, "--IntervalNB.kernel_check_interval=0.2")
    run = served.start("greet")
    kernel_id, pid = the_kernel(served)

    lost = time.monotonic()
    status, _ = http("DELETE", f"{served.base}/api/kernels/{kernel_id}", TOKEN)
    assert status == 204

    comes_back(served, run, "the kernel was shut down", lost)
    assert works_again(served) != kernel_id
    wait_for("the old kernel gone", lambda: gone(pid))
    log = served.process.log.read_text()
    assert "watchdog pass failed" not in log and "Kernel does not exist" not in log


def test_restart_through_the_kernels_api(home: dict[str, Any], servers: list[Process]) -> None:
    served = Served(home, servers, QUIET)
    run = served.start("greet")
    kernel_id, pid = the_kernel(served)

    lost = time.monotonic()
    status, body = http("POST", f"{served.base}/api/kernels/{kernel_id}/restart", TOKEN)
    assert status == 200, body  # Lab's restart gets its answer: the kernel is not taken away

    comes_back(served, run, "the kernel was restarted", lost)
    assert works_again(served) == kernel_id  # the restarted kernel serves the next run
    wait_for("the old process gone", lambda: gone(pid))


def test_culling_by_the_server(home: dict[str, Any], servers: list[Process]) -> None:
    # The extension's own client is not a websocket connection, so the culler counts the
    # actions kernel as unconnected and culls it once it has been quiet for the timeout.
    served = Served(
        home,
        servers,
        QUIET,
        "--IntervalNB.preload_kernel=False",  # no kernel culled before the run starts
        "--MappingKernelManager.cull_idle_timeout=4",
        "--MappingKernelManager.cull_interval=1",
    )
    run = served.start("greet")
    kernel_id, pid = the_kernel(served)
    wait_for("the culler to shut the kernel down", lambda: kernel_id not in served.kernel_ids())
    lost = time.monotonic()

    comes_back(served, run, "the kernel was shut down", lost)
    run = served.start("greet")
    status, body = served.answer(run, "Grace")
    assert status == 200 and body["run"]["status"] == "completed", body
    # The new kernel is culled in its turn once idle: at most one, and no orphans, throughout.
    assert kernel_id not in served.settled_kernels()
    wait_for("the culled kernel gone", lambda: gone(pid))


def test_restart_with_a_kernel_per_run(home: dict[str, Any], servers: list[Process]) -> None:
    # The waiting run of a restarted per-run kernel hibernates; no kernel is left behind.
    served = Served(home, servers, QUIET, "--IntervalNB.kernels=per_run")
    run = served.start("greet")
    kernel_id, pid = the_kernel(served)

    lost = time.monotonic()
    status, body = http("POST", f"{served.base}/api/kernels/{kernel_id}/restart", TOKEN)
    assert status == 200, body

    comes_back(served, run, "the kernel was restarted", lost)
    # The woken run had a kernel of its own, shut down when it ended.
    assert served.settled_kernels(most=0) == {}
    fresh = served.start("greet")
    assert len(served.kernel_ids()) == 1
    status, body = served.answer(fresh, "Grace")
    assert status == 200 and body["run"]["status"] == "completed", body
    # Its run over, the run's kernel is shut down: none left, and no process behind.
    assert served.settled_kernels(most=0) == {}
    wait_for("the old process gone", lambda: gone(pid))


# -- durable runs: side effects once, a changed action, a server restart, a busy run --------


def ledger(home: dict[str, Any]) -> list[str]:
    """The lines the ``payout`` action's side effect wrote (one per payment)."""
    path = Path(home["root"]) / "payouts.txt"
    return path.read_text().splitlines() if path.exists() else []


def test_a_step_done_before_a_sigkill_is_not_done_again(
    home: dict[str, Any], servers: list[Process]
) -> None:
    served = Served(home, servers, "--IntervalNB.kernel_check_interval=0.2")
    run = served.start("payout")
    status, body = served.answer(run, 25)
    assert status == 200 and body["run"]["prompt"]["components"][0]["label"] == "Note", body
    note = body["run"]
    assert len(ledger(home)) == 1
    _, pid = the_kernel(served)
    psutil.Process(pid).kill()

    asleep = wait_for(
        "the run hibernated", lambda: (r := served.run(run["id"]))["hibernated"] and r
    )
    assert asleep["prompt"]["id"] == note["prompt"]["id"]
    status, body = served.answer(note, "paid")
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"] == {"receipt": f"tx-{run['id']}", "note": "paid"}
    assert ledger(home) == [f"{run['id']} 25"]  # replay returned the journaled receipt


def test_a_changed_action_stops_the_woken_run_with_the_difference(
    home: dict[str, Any], servers: list[Process]
) -> None:
    served = Served(home, servers, "--IntervalNB.kernel_check_interval=0.2")
    run = served.start("payout")
    status, body = served.answer(run, 25)
    assert status == 200, body
    source = Path(home["root"]) / "my_actions.py"
    source.write_text(
        source.read_text().replace('io.input.number("Amount", min=1)', 'io.input.text("Sum")')
    )
    _, pid = the_kernel(served)
    psutil.Process(pid).kill()
    wait_for("the run hibernated", lambda: served.run(run["id"])["hibernated"])

    status, body = served.answer(body["run"], "paid")
    assert (status, body["error"]["code"]) == (409, "not_waiting"), body
    ended = served.run(run["id"])
    assert ended["status"] == "interrupted"
    assert ended["error"]["message"] == (
        'the action changed since this run started: prompt 1 was input.number "Amount", '
        'now input.text "Sum"'
    )
    assert len(ledger(home)) == 1  # the step was never reached again


def test_waiting_runs_survive_a_server_restart(
    home: dict[str, Any], servers: list[Process]
) -> None:
    first = Served(home, servers)
    run = first.start("greet")
    first.process.stop()
    servers.remove(first.process)
    assert first.kernel_processes() == {}

    second = Served(home, servers)
    asleep = second.run(run["id"])
    assert asleep["hibernated"] and asleep["status"] == "awaiting_input"
    assert asleep["prompt"]["id"] == run["prompt"]["id"]
    assert second.events(run["id"])[-1]["reason"] == "the server stopped"
    status, body = second.answer(run, "Ada")
    assert status == 200 and body["run"]["status"] == "completed", body
    assert body["run"]["result"].startswith("Hello, Ada!")


def test_a_run_busy_when_its_kernel_dies_is_interrupted(
    home: dict[str, Any], servers: list[Process]
) -> None:
    served = Served(home, servers, "--IntervalNB.kernel_check_interval=0.2")
    run = served.start("freeze")
    body = {"prompt_id": run["prompt"]["id"], "values": ["yes"], "choice": None}
    status, _ = served.api("POST", f"runs/{run['id']}/answer?wait=0", body)
    assert status == 200
    wait_for("the run busy", lambda: served.run(run["id"])["status"] == "running")
    _, pid = the_kernel(served)
    psutil.Process(pid).kill()

    ended = wait_for(
        "the run interrupted",
        lambda: (r := served.run(run["id"]))["status"] == "interrupted" and r,
    )
    assert ended["error"]["message"].startswith("the kernel died")
    assert not ended["hibernated"] and ended["prompt"] is None
