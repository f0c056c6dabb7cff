"""The harness proves it reproduces JupyterLab 4.6's wire conditions.

JupyterLab 4.6 sends widget comm messages on a kernel subshell (``commsOverSubshells:
perCommTarget``). On ipykernel 7.0–7.3 the widget's handler then runs on the subshell's thread,
and a stock handler that resolves a Future there never wakes the main loop (ipykernel #1510).
If the headless frontend did not reproduce this, every other kernel test could pass while the
package hangs in a real Lab. These tests use plain ipywidgets only, no interval_nb.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from .conftest import start_frontend, stop_frontend
from .frontend import HeadlessFrontend, pid_alive

pytestmark = [pytest.mark.kernel, pytest.mark.asyncio(loop_scope="module")]

PROBE = """
import threading
import ipywidgets
THREADS = []
probe = ipywidgets.Button(description="probe")
probe.on_msg(lambda widget, content, buffers: THREADS.append(threading.current_thread().name))
print(probe.model_id)
"""


async def test_widget_handlers_run_where_lab_would_run_them(
    fe: HeadlessFrontend, kernel_id: str
) -> None:
    comm_id = (await fe.execute(PROBE)).stdout.strip()
    assert comm_id in fe.models and fe.models[comm_id]["_model_name"] == "ButtonModel"

    on_subshell = await fe.send_custom(comm_id, {"event": "probe"}, subshell=True)
    await fe.wait_idle(on_subshell, 10)
    fe.use_subshells = False
    on_main = await fe.send_custom(comm_id, {"event": "probe"}, subshell=True)
    await fe.wait_idle(on_main, 10)
    fe.use_subshells = True
    threads = (await fe.execute("print(*THREADS, sep='|')")).stdout.strip().split("|")

    assert [s["subshell_id"] for s in fe.sent if s["msg_id"] in (on_subshell, on_main)] == [
        fe.subshell_id,
        None,
    ]
    if kernel_id == "ik-6.29":
        # No subshells: messages run on the main thread.
        assert not fe.supports_subshells and fe.subshell_id is None
        assert threads == ["MainThread", "MainThread"]
    elif fe.ipykernel_version >= (7, 4):
        # 7.4 routes a comm's messages back to the thread that last published on it (main).
        assert fe.supports_subshells and fe.subshell_id
        assert threads == ["MainThread", "MainThread"]
    else:
        # ipykernel 7.0–7.3: the condition of #1510, exactly as in JupyterLab 4.6.
        assert fe.supports_subshells and fe.subshell_id
        assert threads[0] != "MainThread", threads
        assert threads[1] == "MainThread"


STOCK_WAITER = """
import asyncio
import ipywidgets

button = ipywidgets.Button(description="waiting")
clicked = asyncio.get_running_loop().create_future()
button.on_click(lambda _b: clicked.done() or clicked.set_result("clicked"))  # the stock pattern

async def waiter():
    button.description = await clicked

task = asyncio.ensure_future(waiter())
print(button.model_id)
"""


async def test_stock_handler_hangs_on_7_3_subshell_like_issue_1510(
    fe: HeadlessFrontend, kernel_id: str
) -> None:
    """A Future resolved in a stock click handler: resolved at once on 7.4 and 6.29, but on 7.3
    (message on a subshell) the waiting task sleeps until something else wakes the main loop."""
    comm_id = (await fe.execute(STOCK_WAITER)).stdout.strip()
    mark = len(fe.iopub)
    click = await fe.send_custom(comm_id, {"event": "click"})
    await fe.wait_idle(click, 10)

    def resolved(_models: object) -> bool:
        return fe.models[comm_id].get("description") == "clicked"

    if kernel_id == "ik-7.3":
        await asyncio.sleep(3)
        assert not resolved(None), (
            "expected the #1510 hang: the task resumed without the main loop waking"
        )
        assert len([m for m in fe.iopub[mark:] if m["msg_type"] == "execute_input"]) == 0
        await fe.execute("pass")  # any shell message on the main thread wakes the loop
        await fe.wait_for(resolved, 10, what="the task to resume after a cell ran")
    else:
        await fe.wait_for(
            resolved, 3, what="the task to resume on the click alone", comm_id=comm_id
        )


async def test_own_session_restart_and_shutdown_leave_nothing_behind() -> None:
    """Two frontends on one kernel never steal each other's replies; restart and shutdown
    leave no kernel process and no temp kernelspec dir behind."""
    fe = await start_frontend("ik-7.4", name="lifecycle")
    other = HeadlessFrontend("second-client")
    try:
        # A second client on the same kernel, with its own Session (as Lab + an extension would be).
        await other.attach(fe)
        assert other.session.session != fe.session.session  # type: ignore[union-attr]
        results = await asyncio.gather(
            *(
                client.execute(f"print({i})", timeout=20)
                for i, client in enumerate([fe, other, fe, other])
            )
        )
        assert [r.stdout.strip() for r in results] == ["0", "1", "2", "3"]
        await other.shutdown()
        assert await fe.is_alive(), "an attached frontend must not stop the owner's kernel"

        tmpdir = fe._tmpdir
        assert tmpdir is not None and os.path.isdir(tmpdir)
        first_pid = fe.kernel_pids[0]
        await fe.execute("import ipywidgets; w = ipywidgets.IntSlider()")
        assert fe.models
        await fe.restart()
        assert not pid_alive(first_pid)
        assert fe.models == {} and fe.subshell_id is None
        assert (await fe.execute("print('back')")).stdout.strip() == "back"
        assert len(fe.kernel_pids) == 2
    finally:
        await other.shutdown()
        await stop_frontend(fe)
    assert not any(pid_alive(pid) for pid in fe.kernel_pids)
    assert not os.path.exists(tmpdir)
