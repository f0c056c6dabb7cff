"""A headless Jupyter frontend that speaks the widget protocol the way JupyterLab 4.6 does.

:class:`HeadlessFrontend` starts a real kernel with :class:`jupyter_client.AsyncKernelManager`
and then behaves on the wire like JupyterLab's widget manager (@jupyter-widgets/jupyterlab-manager
8, ipywidgets 8 protocol):

- ``execute()`` sends ``execute_request`` with ``metadata.cellId`` (as a notebook cell does)
  and collects the outputs addressed to it;
- every ``jupyter.widget`` model is tracked from IOPub (``comm_open`` / ``update`` /
  ``echo_update`` / ``comm_close``), so tests read widget state exactly as the page would;
- widget messages (``custom``, ``update``) go on the shell channel **on a kernel subshell**
  when the kernel supports subshells, as JupyterLab 4.6 does by default
  (``commsOverSubshells: perCommTarget``): one subshell is created per frontend with a
  ``create_subshell_request`` on the control channel and its id goes into the header of every
  widget comm message. This is the condition of ipykernel #1510 (handlers running on a
  subshell thread on ipykernel 7.0–7.3).

Extra kernels for other ipykernel versions live in venvs made by :func:`ensure_kernel_env`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.session import Session

WIDGET_TARGET = "jupyter.widget"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
OUTPUT_TYPES = (
    "stream",
    "display_data",
    "execute_result",
    "error",
    "update_display_data",
    "clear_output",
)

DEFAULT_TIMEOUT = 30.0
RECV_RECHECK_SECONDS = 0.25


class FrontendError(AssertionError):
    """The kernel did not do what the frontend waited for (timeout, death, bad reply)."""


class KernelDied(FrontendError):
    """The kernel process is gone."""


# ------------------------------------------------------------------------------------------
# Kernel environments (one venv per ipykernel version, built once and reused)
# ------------------------------------------------------------------------------------------


def _runtime_requirements() -> tuple[str, ...]:
    """The package's own dependencies, ipykernel left to the env.

    Read from the checkout's pyproject.toml (the kernels import the package from the checkout),
    or from the installed metadata where tomllib is missing (Python 3.10), so a new dependency
    reaches the extra kernel envs without anyone remembering to add it here (the env's marker
    then records new requirements and the env is rebuilt).
    """
    try:
        import tomllib
    except ImportError:  # Python 3.10
        from importlib.metadata import requires

        listed = [r for r in requires("interval_nb") or [] if "extra ==" not in r]
    else:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        listed = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return tuple(r for r in listed if not r.lower().startswith("ipykernel"))


ENV_REQUIREMENTS = _runtime_requirements()
_MARKER = ".interval_nb-test-env.json"


def kernel_envs_root() -> Path:
    """Where extra kernel venvs live: ``$INTERVAL_NB_TEST_KERNELS`` or the user cache dir."""
    configured = os.environ.get("INTERVAL_NB_TEST_KERNELS")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "interval_nb" / "test-kernels"


def _env_python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_kernel_env(
    ipykernel_version: str, *, root: Path | None = None, log: Callable[[str], None] = print
) -> str:
    """Return the python of a venv with ``ipykernel==<version>`` and the widget stack.

    The venv is created once (``python -m venv`` + ``pip install``) and reused while its marker
    file records a completed install of the same requirements; concurrent callers are serialised
    by a file lock. Raises :class:`RuntimeError` with pip's output when it cannot be created
    (e.g. no network to the package index).
    """
    root = root or kernel_envs_root()
    root.mkdir(parents=True, exist_ok=True)
    env_dir = root / f"ipykernel-{ipykernel_version}"
    requirements = [f"ipykernel=={ipykernel_version}", *ENV_REQUIREMENTS]
    wanted = {"requirements": requirements, "python": list(sys.version_info[:2])}
    python = _env_python(env_dir)

    def complete() -> bool:
        try:
            return python.exists() and json.loads((env_dir / _MARKER).read_text()) == wanted
        except (OSError, ValueError):
            return False

    if complete():
        return str(python)
    with open(root / f".ipykernel-{ipykernel_version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if complete():
            return str(python)
        log(f"creating kernel env {env_dir} ({' '.join(requirements)}) ...")
        started = time.monotonic()
        shutil.rmtree(env_dir, ignore_errors=True)
        steps = [
            [sys.executable, "-m", "venv", str(env_dir)],
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "-q",
                *requirements,
            ],
            [
                str(python),
                "-c",
                "import ipykernel, ipywidgets, anywidget, markdown_it; print(ipykernel.__version__)",
            ],
        ]
        for cmd in steps:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=900,
                env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONPATH": ""},
            )
            if proc.returncode != 0:
                raise RuntimeError(
                    f"could not create the ipykernel {ipykernel_version} test env in {env_dir}: "
                    f"`{' '.join(cmd)}` exited {proc.returncode} (the package index must be reachable "
                    f"the first time; set INTERVAL_NB_TEST_KERNELS to reuse envs elsewhere)\n"
                    f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-3000:]}"
                )
        found = proc.stdout.strip()
        if found != ipykernel_version:
            raise RuntimeError(
                f"{env_dir}: pip installed ipykernel {found!r}, wanted {ipykernel_version}"
            )
        (env_dir / _MARKER).write_text(json.dumps(wanted))
        log(f"created {env_dir} in {time.monotonic() - started:.0f}s")
        return str(python)


# ------------------------------------------------------------------------------------------
# Executions
# ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Execution:
    """One ``execute_request`` and everything the kernel sent back for it."""

    msg_id: str
    code: str
    cell_id: str | None
    sent_at: float
    reply_future: asyncio.Future[dict[str, Any]]
    idle: asyncio.Event
    outputs: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """IOPub output messages whose parent is this request (``msg_type`` + ``content``)."""

    @property
    def done(self) -> bool:
        return self.reply_future.done() and self.idle.is_set()

    @property
    def reply(self) -> dict[str, Any]:
        """The ``execute_reply`` content (only once done)."""
        return self.reply_future.result()

    @property
    def status(self) -> str:
        return str(self.reply.get("status"))

    @property
    def error(self) -> dict[str, Any] | None:
        """``{"ename", "evalue", "traceback"}`` if the cell failed."""
        if self.reply.get("status") == "ok":
            return None
        return {k: self.reply.get(k) for k in ("ename", "evalue", "traceback")}

    def text(self, name: str = "stdout") -> str:
        return "".join(
            o["content"]["text"]
            for o in self.outputs
            if o["msg_type"] == "stream" and o["content"].get("name") == name
        )

    @property
    def stdout(self) -> str:
        return self.text("stdout")

    @property
    def stderr(self) -> str:
        return self.text("stderr")

    @property
    def displays(self) -> list[dict[str, Any]]:
        """The mime bundles of ``display_data`` / ``execute_result`` outputs, in order."""
        return [
            o["content"]["data"]
            for o in self.outputs
            if o["msg_type"] in ("display_data", "execute_result")
        ]

    @property
    def widget_model_ids(self) -> list[str]:
        """Model ids of the widget views this cell displayed, in order."""
        return [d[WIDGET_VIEW_MIME]["model_id"] for d in self.displays if WIDGET_VIEW_MIME in d]

    def describe(self) -> str:
        lines = [
            f"cell {self.cell_id!r} msg_id={self.msg_id}",
            "code:",
            *("  | " + ln for ln in self.code.splitlines()),
        ]
        if self.reply_future.done():
            lines.append(f"reply: {_short(self.reply)}")
        else:
            lines.append("reply: <none yet>")
        lines.append(f"idle seen: {self.idle.is_set()}")
        for o in self.outputs:
            lines.append(f"output {o['msg_type']}: {_short(o['content'], 800)}")
        return "\n".join(lines)


def _short(value: Any, limit: int = 2000) -> str:
    text = json.dumps(value, default=repr, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


def _clean_state(state: Mapping[str, Any], limit: int = 600) -> dict[str, Any]:
    """A widget state fit for an error message (no ES module/CSS source, long values cut)."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if key in ("_esm", "_css"):
            out[key] = f"<{len(value) if isinstance(value, str) else '?'} chars>"
            continue
        text = json.dumps(value, default=repr)
        out[key] = value if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"
    return out


def _set_path(state: dict[str, Any], path: list[Any], value: Any) -> None:
    target: Any = state
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


# ------------------------------------------------------------------------------------------
# The frontend
# ------------------------------------------------------------------------------------------


class HeadlessFrontend:
    """A JupyterLab-like frontend over ZMQ: executes cells, tracks widget models, answers widgets.

    >>> fe = HeadlessFrontend()
    >>> await fe.start(env={"PYTHONPATH": "/work/main"})          # doctest: +SKIP
    >>> ex = await fe.execute("import ipywidgets as w; w.IntSlider()", cell_id="c1")  # doctest: +SKIP
    >>> fe.models[ex.widget_model_ids[0]]["value"]                 # doctest: +SKIP
    """

    def __init__(self, name: str = "headless", *, default_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.name = name
        self.default_timeout = default_timeout
        self.km: AsyncKernelManager | None = None
        self.client: Any = None
        self.session: Session | None = None
        self.kernel_python: str | None = None
        self.kernel_info: dict[str, Any] = {}
        self.ipykernel_version: tuple[int, ...] = ()
        self.ipykernel_version_str = ""
        self.supports_subshells = False
        self.subshell_id: str | None = None
        self.use_subshells = True
        """Send widget messages on a subshell when the kernel has them (JupyterLab 4.6 default)."""

        self.models: dict[str, dict[str, Any]] = {}
        """Live widget models: comm_id → state (as the page's widget manager holds it)."""
        self.closed_models: dict[str, dict[str, Any]] = {}
        self.model_customs: dict[str, list[Any]] = {}
        """Custom messages kernel → page, per comm_id."""
        self.iopub: list[dict[str, Any]] = []
        """Every IOPub message received, in order, each with an extra ``received`` monotonic time."""
        self.sent: list[dict[str, Any]] = []
        """Every message this frontend sent: channel, msg_type, msg_id, subshell_id, content."""
        self.executions: dict[str, Execution] = {}
        self.unmatched_replies: list[dict[str, Any]] = []
        """Shell/control replies to requests this frontend never sent (should stay empty)."""

        self._tmpdir: str | None = None
        self._kernel_log: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._replies: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tick = asyncio.Event()
        self._pids: list[int] = []
        self._owner: HeadlessFrontend | None = None

    # -- lifecycle -------------------------------------------------------------------------
    async def start(
        self,
        kernel_python: str | None = None,
        env: Mapping[str, str] | None = None,
        *,
        timeout: float = 60.0,
    ) -> HeadlessFrontend:
        """Start a kernel running ``kernel_python`` (default: this interpreter) with ``env`` added."""
        if self.km is not None:
            raise RuntimeError("this frontend already has a kernel")
        self.kernel_python = kernel_python or sys.executable
        self._tmpdir = tempfile.mkdtemp(prefix=f"inb-frontend-{self.name}-")
        spec_dir = Path(self._tmpdir) / "kernels" / "inb-test"
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [
                        self.kernel_python,
                        "-m",
                        "ipykernel_launcher",
                        "-f",
                        "{connection_file}",
                    ],
                    "display_name": f"interval_nb test ({self.kernel_python})",
                    "language": "python",
                    "metadata": {"debugger": False},
                }
            )
        )
        ipython_dir = Path(self._tmpdir) / "ipython"
        ipython_dir.mkdir()
        ksm = KernelSpecManager(kernel_dirs=[str(Path(self._tmpdir) / "kernels")])
        self.km = AsyncKernelManager(
            kernel_name="inb-test",
            kernel_spec_manager=ksm,
            connection_file=str(Path(self._tmpdir) / "connection.json"),
        )
        self.km.shutdown_wait_time = 3.0
        self._kernel_log = open(Path(self._tmpdir) / "kernel.log", "w+b")  # noqa: SIM115 - closed in shutdown()
        kernel_env = {
            **os.environ,
            "IPYTHONDIR": str(ipython_dir),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            **(env or {}),
        }
        kernel_env.pop("JPY_PARENT_PID", None)
        await self.km.start_kernel(
            env=kernel_env, stdout=self._kernel_log, stderr=self._kernel_log, cwd=self._tmpdir
        )
        self._remember_pid()
        # Its OWN session: clients sharing a session id share a ZMQ identity and steal replies.
        self.session = Session(
            key=self.km.session.key,
            signature_scheme=self.km.session.signature_scheme,
            username=f"inb-{self.name}",
        )
        self.client = self.km.client(session=self.session)
        self.client.start_channels()
        self._start_readers()
        await self._wait_ready(timeout, f"kernel {self.kernel_python} did not become ready")
        await self._after_ready()
        return self

    async def attach(self, owner: HeadlessFrontend, *, timeout: float = 30.0) -> HeadlessFrontend:
        """Connect as a second frontend to ``owner``'s kernel, with its own Session.

        :meth:`shutdown` of an attached frontend only closes its channels; the kernel is the owner's.
        """
        if owner.km is None:
            raise FrontendError("the owner has no kernel")
        self._owner = owner
        self.km = owner.km
        self.session = Session(
            key=owner.km.session.key,
            signature_scheme=owner.km.session.signature_scheme,
            username=f"inb-{self.name}",
        )
        self.client = owner.km.client(session=self.session)
        self.client.start_channels()
        self._start_readers()
        await self._wait_ready(timeout, "the kernel did not answer the attached frontend")
        await self._after_ready()
        return self

    async def _wait_ready(self, timeout: float, problem: str) -> None:
        """Like ``KernelClient.wait_for_ready`` but through this frontend's own readers.

        (jupyter_client's version polls the sockets with separate pollers; mixing those with
        the readers' recv futures in one event loop lost a socket's wake-ups under load.)
        A kernel_info_request is repeated until its reply arrives AND its status message shows
        on IOPub (so IOPub is subscribed and nothing the kernel publishes next is missed).
        """
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FrontendError(f"{problem} within {timeout:.0f}s\n{self.kernel_log_tail()}")
            if self.km is not None and self._owner is None and not await self.km.is_alive():
                raise KernelDied(f"{problem}: the kernel died\n{self.kernel_log_tail()}")
            msg_id, fut = self._send_request("shell", "kernel_info_request", {})
            done, _ = await asyncio.wait({fut}, timeout=min(1.0, remaining))
            if not done:
                continue
            with contextlib.suppress(FrontendError):
                await self.wait_for_iopub(
                    lambda m, mid=msg_id: m.get("parent_header", {}).get("msg_id") == mid,
                    0.5,
                    what="IOPub subscription",
                )
                return

    def _remember_pid(self) -> None:
        provisioner = getattr(self.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None) or getattr(
            getattr(provisioner, "process", None), "pid", None
        )
        if pid:
            self._pids.append(int(pid))

    @property
    def kernel_pids(self) -> list[int]:
        """Every kernel process id this frontend started (including restarts)."""
        return list(self._pids)

    def _start_readers(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(
                self._read(self.client.iopub_channel, self._on_iopub), name=f"{self.name} iopub"
            ),
            loop.create_task(
                self._read(self.client.shell_channel, self._on_reply), name=f"{self.name} shell"
            ),
            loop.create_task(
                self._read(self.client.control_channel, self._on_reply), name=f"{self.name} control"
            ),
        ]

    async def _stop_readers(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    async def _after_ready(self) -> None:
        reply = await self.request("shell", "kernel_info_request", {}, timeout=30)
        self.kernel_info = reply
        self.supports_subshells = "kernel subshells" in (reply.get("supported_features") or [])
        self.subshell_id = None
        # kernel_info's implementation_version is IPython's: ask for ipykernel's own, silently
        # (a silent execute neither counts nor shows, like Lab's own kernel probes).
        probe = await self.request(
            "shell",
            "execute_request",
            {
                "code": "",
                "silent": True,
                "store_history": False,
                "allow_stdin": False,
                "stop_on_error": False,
                "user_expressions": {"v": "__import__('ipykernel').__version__"},
            },
            timeout=30,
        )
        text = (
            probe.get("user_expressions", {}).get("v", {}).get("data", {}).get("text/plain", "'0'")
        )
        self.ipykernel_version_str = text.strip("'\"")
        self.ipykernel_version = tuple(
            int("".join(c for c in p if c.isdigit()) or 0)
            for p in self.ipykernel_version_str.split(".")[:3]
        )

    async def restart(self, *, timeout: float = 60.0) -> None:
        """Restart the kernel: every model, output and the subshell are gone afterwards."""
        assert self.km is not None
        for fut in self._replies.values():
            fut.cancel()  # nobody may be waiting: an exception would be logged as never retrieved
        self._replies.clear()
        await self.km.restart_kernel(now=True)
        self._remember_pid()
        self.models.clear()
        self.closed_models.clear()
        self.model_customs.clear()
        self.executions.clear()
        await self._wait_ready(timeout, "the kernel did not come back after restart")
        await self._after_ready()

    async def shutdown(self) -> None:
        """Stop the kernel, the channels, the reader tasks and remove the temp kernelspec."""
        try:
            await self._stop_readers()
            if self.client is not None:
                self.client.stop_channels()
            if self.km is not None and self._owner is None:
                with contextlib.suppress(Exception):
                    if self.km.has_kernel:
                        await asyncio.wait_for(self.km.shutdown_kernel(now=False), 20)
                if self.km.has_kernel:
                    await self.km.shutdown_kernel(now=True)
                with contextlib.suppress(Exception):
                    self.km.context.destroy(linger=0)
        finally:
            for pid in self._pids:
                _kill_if_alive(pid)
            if self._kernel_log is not None:
                self._kernel_log.close()
                self._kernel_log = None
            if self._tmpdir is not None:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
                self._tmpdir = None
            self.km = None
            self.client = None

    async def __aenter__(self) -> HeadlessFrontend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.shutdown()

    async def is_alive(self) -> bool:
        return self.km is not None and bool(await self.km.is_alive())

    def kernel_log_tail(self, limit: int = 3000) -> str:
        if self._kernel_log is None:
            return ""
        self._kernel_log.flush()
        self._kernel_log.seek(0)
        text = self._kernel_log.read().decode("utf-8", "replace")
        self._kernel_log.seek(0, os.SEEK_END)
        return (
            f"--- kernel stdout/stderr (last {limit} chars) ---\n{text[-limit:]}"
            if text.strip()
            else ""
        )

    # -- reading ---------------------------------------------------------------------------
    async def _read(self, channel: Any, handle: Callable[[dict[str, Any]], None]) -> None:
        # A zmq.asyncio socket is woken through an edge-triggered FD. With several clients in one
        # event loop a wake-up was seen to get lost under CPU load: replies sat in the socket
        # (EVENTS & POLLIN) while the pending recv never resolved. So never wait blindly: if
        # nothing came for a moment, replace the pending recv with a fresh one, which pyzmq
        # starts by checking the socket directly. Costs nothing while messages flow.
        socket, session = channel.socket, self.session
        assert session is not None
        pending: asyncio.Future[Any] | None = None
        try:
            while True:
                if pending is None:
                    pending = socket.recv_multipart()
                done, _ = await asyncio.wait({pending}, timeout=RECV_RECHECK_SECONDS)
                if not done and pending.cancel():
                    pending = None
                    continue
                parts, pending = pending.result(), None
                _idents, frames = session.feed_identities(parts)
                msg = session.deserialize(frames)
                self._dispatch(msg, handle)
        finally:
            if pending is not None:
                pending.cancel()

    def _dispatch(self, msg: dict[str, Any], handle: Callable[[dict[str, Any]], None]) -> None:
        msg["received"] = time.monotonic()
        try:
            handle(msg)
        except Exception as exc:  # a harness bug must be loud, not a silent hang
            print(f"[{self.name}] error handling {msg.get('msg_type')}: {exc!r}", file=sys.stderr)
            raise
        finally:
            self._wake()

    def _wake(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    def _on_reply(self, msg: dict[str, Any]) -> None:
        parent_id = msg.get("parent_header", {}).get("msg_id")
        fut = self._replies.pop(parent_id, None)
        if fut is None:
            self.unmatched_replies.append(msg)
        elif not fut.done():
            fut.set_result(msg)

    def _on_iopub(self, msg: dict[str, Any]) -> None:
        self.iopub.append(msg)
        msg_type = msg["msg_type"]
        content = msg["content"]
        parent_id = msg.get("parent_header", {}).get("msg_id")
        execution = self.executions.get(parent_id) if parent_id else None
        if execution is not None:
            if msg_type in OUTPUT_TYPES:
                execution.outputs.append({"msg_type": msg_type, "content": content})
            elif msg_type == "status" and content.get("execution_state") == "idle":
                execution.idle.set()
        if msg_type == "comm_open" and content.get("target_name") == WIDGET_TARGET:
            data = content.get("data") or {}
            state = dict(data.get("state") or {})
            self._place_buffers(state, data.get("buffer_paths") or [], msg.get("buffers") or [])
            self.models[content["comm_id"]] = state
        elif msg_type == "comm_msg":
            comm_id = content.get("comm_id")
            data = content.get("data") or {}
            method = data.get("method")
            if comm_id in self.models:
                if method in ("update", "echo_update"):
                    state = dict(data.get("state") or {})
                    self._place_buffers(
                        state, data.get("buffer_paths") or [], msg.get("buffers") or []
                    )
                    self.models[comm_id].update(state)
                elif method == "custom":
                    self.model_customs.setdefault(comm_id, []).append(data.get("content"))
        elif msg_type == "comm_close":
            comm_id = content.get("comm_id")
            if comm_id in self.models:
                self.closed_models[comm_id] = self.models.pop(comm_id)

    @staticmethod
    def _place_buffers(state: dict[str, Any], paths: list[Any], buffers: list[Any]) -> None:
        for path, buf in zip(paths, buffers, strict=False):
            _set_path(state, list(path), bytes(buf))

    # -- sending ---------------------------------------------------------------------------
    def _send(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        *,
        metadata: dict[str, Any] | None = None,
        subshell_id: str | None = None,
        buffers: list[bytes] | None = None,
    ) -> dict[str, Any]:
        if self.client is None or self.session is None:
            raise FrontendError("the frontend has no kernel (not started, or shut down)")
        msg = self.session.msg(msg_type, content, metadata=metadata or {})
        if subshell_id is not None:
            msg["header"]["subshell_id"] = subshell_id
        if buffers:
            msg["buffers"] = buffers
        getattr(self.client, f"{channel}_channel").send(msg)
        self.sent.append(
            {
                "channel": channel,
                "msg_type": msg_type,
                "msg_id": msg["header"]["msg_id"],
                "subshell_id": subshell_id,
                "content": content,
                "time": time.monotonic(),
            }
        )
        return msg

    async def request(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        *,
        timeout: float | None = None,
        subshell_id: str | None = None,
    ) -> dict[str, Any]:
        """Send a request on ``shell`` or ``control`` and return its reply's content."""
        _msg_id, fut = self._send_request(channel, msg_type, content, subshell_id=subshell_id)
        reply = await self._await(fut, timeout, f"a reply to {msg_type} on {channel}")
        return dict(reply["content"])

    def _send_request(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        *,
        subshell_id: str | None = None,
    ) -> tuple[str, asyncio.Future[dict[str, Any]]]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        if self.session is None:
            raise FrontendError("the frontend has no kernel")
        msg = self.session.msg(msg_type, content)
        msg_id = str(msg["header"]["msg_id"])
        self._replies[msg_id] = fut
        if subshell_id is not None:
            msg["header"]["subshell_id"] = subshell_id
        getattr(self.client, f"{channel}_channel").send(msg)
        self.sent.append(
            {
                "channel": channel,
                "msg_type": msg_type,
                "msg_id": msg_id,
                "subshell_id": subshell_id,
                "content": content,
                "time": time.monotonic(),
            }
        )
        return msg_id, fut

    def count_sent(self, msg_type: str) -> int:
        return sum(1 for s in self.sent if s["msg_type"] == msg_type)

    # -- cells -----------------------------------------------------------------------------
    def submit(self, code: str, cell_id: str | None = None) -> Execution:
        """Send ``execute_request`` (with ``metadata.cellId`` when given) without waiting."""
        loop = asyncio.get_running_loop()
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        metadata = {"cellId": cell_id} if cell_id is not None else {}
        fut: asyncio.Future[dict[str, Any]] = loop.create_future()
        msg = (
            self.session.msg("execute_request", content, metadata=metadata)
            if self.session
            else None
        )
        if msg is None:
            raise FrontendError("the frontend has no kernel")
        msg_id = msg["header"]["msg_id"]
        execution = Execution(msg_id, code, cell_id, time.monotonic(), fut, asyncio.Event())
        self.executions[msg_id] = execution

        def on_reply(reply_fut: asyncio.Future[dict[str, Any]]) -> None:
            if fut.done():
                return
            if reply_fut.cancelled():
                fut.cancel()
            else:
                fut.set_result(reply_fut.result()["content"])

        raw: asyncio.Future[dict[str, Any]] = loop.create_future()
        raw.add_done_callback(on_reply)
        self._replies[msg_id] = raw
        self.client.shell_channel.send(msg)
        self.sent.append(
            {
                "channel": "shell",
                "msg_type": "execute_request",
                "msg_id": msg_id,
                "subshell_id": None,
                "content": content,
                "time": time.monotonic(),
            }
        )
        return execution

    async def wait_execution(
        self, execution: Execution, timeout: float | None = None, *, allow_error: bool = False
    ) -> Execution:
        """Wait for the reply and the final ``idle`` of a submitted cell."""
        timeout = self.default_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        await self._await(
            execution.reply_future, timeout, f"execute_reply of\n{execution.describe()}"
        )
        await self._await(
            asyncio.ensure_future(execution.idle.wait()),
            max(0.1, deadline - time.monotonic()),
            f"status idle after\n{execution.describe()}",
        )
        if not allow_error and execution.status != "ok":
            err = execution.error or {}
            tb = "\n".join(err.get("traceback") or [])
            raise FrontendError(
                f"cell failed: {err.get('ename')}: {err.get('evalue')}\n{_strip_ansi(tb)}\n"
                f"{execution.describe()}"
            )
        return execution

    async def execute(
        self,
        code: str,
        cell_id: str | None = None,
        *,
        timeout: float | None = None,
        allow_error: bool = False,
    ) -> Execution:
        """Execute a cell as JupyterLab does and wait for its reply and outputs."""
        return await self.wait_execution(
            self.submit(code, cell_id), timeout, allow_error=allow_error
        )

    async def evaluate(self, expression: str, *, timeout: float | None = None) -> Any:
        """Run ``print(json.dumps(<expression>))`` in a scratch cell and return the value."""
        ex = await self.execute(
            f"import json as _inb_json\nprint(_inb_json.dumps({expression}, default=repr))",
            timeout=timeout,
        )
        out = ex.stdout.strip().splitlines()
        if not out:
            raise FrontendError(f"no output evaluating {expression!r}\n{ex.describe()}")
        return json.loads(out[-1])

    # -- widgets ---------------------------------------------------------------------------
    async def ensure_subshell(self) -> str | None:
        """Create this frontend's one subshell (as JupyterLab does per comm target) if supported."""
        if not self.supports_subshells or not self.use_subshells:
            return None
        if self.subshell_id is None:
            reply = await self.request("control", "create_subshell_request", {}, timeout=20)
            if reply.get("status") != "ok" or not reply.get("subshell_id"):
                raise FrontendError(f"create_subshell_request failed: {reply}")
            self.subshell_id = str(reply["subshell_id"])
        return self.subshell_id

    async def _send_widget_msg(
        self,
        comm_id: str,
        data: dict[str, Any],
        *,
        subshell: bool,
        buffers: list[bytes] | None,
        check: bool,
    ) -> str:
        if check and comm_id not in self.models:
            closed = " (it was closed)" if comm_id in self.closed_models else ""
            raise FrontendError(
                f"no live widget model {comm_id}{closed}; known: {sorted(self.models)[:20]}"
            )
        subshell_id = await self.ensure_subshell() if subshell else None
        msg = self._send(
            "shell",
            "comm_msg",
            {"comm_id": comm_id, "data": data},
            subshell_id=subshell_id,
            buffers=buffers,
        )
        return str(msg["header"]["msg_id"])

    async def send_custom(
        self,
        comm_id: str,
        content: Any,
        *,
        subshell: bool = True,
        buffers: list[bytes] | None = None,
        check: bool = True,
    ) -> str:
        """Send ``model.send(content)`` from the page: a ``custom`` comm_msg; returns its msg_id.

        With ``subshell=True`` (JupyterLab 4.6 default) it travels on this frontend's subshell
        when the kernel supports subshells.
        """
        return await self._send_widget_msg(
            comm_id,
            {"method": "custom", "content": content},
            subshell=subshell,
            buffers=buffers,
            check=check,
        )

    async def send_update(
        self, comm_id: str, state: dict[str, Any], *, subshell: bool = True, check: bool = True
    ) -> str:
        """Sync changed state from the page (a user edited a stock widget); returns the msg_id."""
        if comm_id in self.models:
            self.models[comm_id].update(state)
        return await self._send_widget_msg(
            comm_id,
            {"method": "update", "state": state, "buffer_paths": []},
            subshell=subshell,
            buffers=None,
            check=check,
        )

    def find_models(self, **match: Any) -> dict[str, dict[str, Any]]:
        """Live models whose state has every ``key=value`` given (e.g. ``_model_name="AnyModel"``)."""
        return {
            cid: st
            for cid, st in self.models.items()
            if all(st.get(k) == v for k, v in match.items())
        }

    def model_of_run(self, run_id: str) -> tuple[str, dict[str, Any]]:
        """The (comm_id, state) of the RunView showing ``run_id``."""
        found = [(cid, st) for cid, st in self.models.items() if st.get("run_id") == run_id]
        if len(found) != 1:
            raise FrontendError(f"expected one live model for run {run_id!r}, found {len(found)}")
        return found[0]

    def iopub_for(self, comm_id: str, method: str | None = None) -> list[dict[str, Any]]:
        """IOPub ``comm_msg``s of one comm (optionally only one ``method``), in order."""
        return [
            m
            for m in self.iopub
            if m["msg_type"] == "comm_msg"
            and m["content"].get("comm_id") == comm_id
            and (method is None or (m["content"].get("data") or {}).get("method") == method)
        ]

    def comm_opens(self, since: int = 0) -> list[dict[str, Any]]:
        """``comm_open`` messages on IOPub from position ``since`` of :attr:`iopub`."""
        return [m for m in self.iopub[since:] if m["msg_type"] == "comm_open"]

    # -- waiting ---------------------------------------------------------------------------
    async def _await(self, fut: asyncio.Future[Any], timeout: float | None, what: str) -> Any:
        timeout = self.default_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                alive = await self.is_alive()
                raise FrontendError(
                    f"timed out after {timeout:.1f}s waiting for {what} (kernel alive: {alive})\n"
                    f"{self.kernel_log_tail()}"
                )
            done, _ = await asyncio.wait({fut}, timeout=min(remaining, 1.0))
            if done:
                if fut.cancelled():
                    raise FrontendError(f"gave up waiting for {what}: the kernel was restarted")
                return fut.result()
            await self._check_alive(what)

    async def _check_alive(self, what: str) -> None:
        if not await self.is_alive():
            raise KernelDied(f"the kernel died while waiting for {what}\n{self.kernel_log_tail()}")

    async def wait_for(
        self,
        predicate: Callable[[dict[str, dict[str, Any]]], Any],
        timeout: float | None = None,
        *,
        what: str = "a condition on widget state",
        comm_id: str | None = None,
    ) -> Any:
        """Wait until ``predicate(models)`` is truthy and return its value.

        On timeout raises :class:`FrontendError` with the state of ``comm_id`` (or of every
        RunView-like model) so the failure says what the page was showing.
        """
        timeout = self.default_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        last_alive_check = time.monotonic()
        while True:
            value = predicate(self.models)
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FrontendError(
                    f"timed out after {timeout:.1f}s waiting for {what}\n"
                    f"{self.dump(comm_id)}\n{self.kernel_log_tail()}"
                )
            tick = self._tick
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(tick.wait(), min(remaining, 0.5))
            if time.monotonic() - last_alive_check > 1.0:
                last_alive_check = time.monotonic()
                await self._check_alive(what)

    async def wait_for_model(
        self,
        comm_id: str,
        predicate: Callable[[dict[str, Any]], Any],
        timeout: float | None = None,
        *,
        what: str = "widget state",
    ) -> dict[str, Any]:
        """Wait until ``predicate(state)`` holds for the live model ``comm_id``; returns the state."""

        def check(models: dict[str, dict[str, Any]]) -> Any:
            state = models.get(comm_id)
            return state if state is not None and predicate(state) else None

        return await self.wait_for(
            check, timeout, what=f"{what} of model {comm_id}", comm_id=comm_id
        )  # type: ignore[no-any-return]

    async def wait_for_iopub(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float | None = None,
        *,
        since: int = 0,
        what: str = "an IOPub message",
    ) -> dict[str, Any]:
        """Wait for an IOPub message (from position ``since``) matching ``predicate``."""
        pos = since

        def check(_models: Any) -> Any:
            nonlocal pos
            while pos < len(self.iopub):
                msg = self.iopub[pos]
                pos += 1
                if predicate(msg):
                    return msg
            return None

        return await self.wait_for(check, timeout, what=what)  # type: ignore[no-any-return]

    async def wait_idle(self, msg_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait for the ``status: idle`` the kernel publishes after handling ``msg_id``."""
        return await self.wait_for_iopub(
            lambda m: (
                m["msg_type"] == "status"
                and m["content"].get("execution_state") == "idle"
                and m.get("parent_header", {}).get("msg_id") == msg_id
            ),
            timeout,
            what=f"idle after {msg_id}",
        )

    def dump(self, comm_id: str | None = None) -> str:
        """The state of one model, or of every model that looks like a RunView, for error messages."""
        if comm_id is not None:
            state = self.models.get(comm_id) or self.closed_models.get(comm_id)
            where = (
                "live"
                if comm_id in self.models
                else ("closed" if comm_id in self.closed_models else "unknown")
            )
            return f"model {comm_id} ({where}): {json.dumps(_clean_state(state or {}), indent=1, default=repr)}"
        runviews = {cid: _clean_state(st) for cid, st in self.models.items() if "run_id" in st}
        return (
            f"{len(self.models)} live models; RunView-like: "
            f"{json.dumps(runviews, indent=1, default=repr)[:8000]}"
        )


# ------------------------------------------------------------------------------------------
# interval_nb's RunView, as the page sees it
# ------------------------------------------------------------------------------------------

TERMINAL = ("completed", "failed", "cancelled", "interrupted")


class RunViewHandle:
    """One RunView model as the page holds it: read its state, answer prompts, cancel.

    Answers go out exactly as the view's ES module sends them: one ``custom`` message
    ``{"type": "answer", "prompt_id", "values", "choice"}`` (on the frontend's subshell).
    """

    def __init__(self, frontend: HeadlessFrontend, comm_id: str) -> None:
        self.fe = frontend
        self.comm_id = comm_id

    @property
    def state(self) -> dict[str, Any]:
        state = self.fe.models.get(self.comm_id)
        if state is None:
            state = self.fe.closed_models.get(self.comm_id)
        if state is None:
            raise FrontendError(f"no model {self.comm_id}")
        return state

    @property
    def run_id(self) -> str:
        return str(self.state.get("run_id"))

    @property
    def status(self) -> str:
        return str(self.state.get("status"))

    @property
    def prompt(self) -> dict[str, Any] | None:
        return self.state.get("prompt")  # type: ignore[no-any-return]

    async def wait(
        self,
        predicate: Callable[[dict[str, Any]], Any],
        timeout: float | None = None,
        *,
        what: str = "RunView state",
    ) -> dict[str, Any]:
        return await self.fe.wait_for_model(self.comm_id, predicate, timeout, what=what)

    async def wait_prompt(
        self,
        *,
        kind: str | None = None,
        not_id: str | None = None,
        with_error: bool = False,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Wait until the view shows a prompt (of ``kind``, other than ``not_id``, with an error)."""

        def ok(state: dict[str, Any]) -> bool:
            prompt = state.get("prompt")
            if not prompt or state.get("status") != "awaiting_input":
                return False
            if kind is not None and prompt["components"][0]["kind"] != kind:
                return False
            if not_id is not None and prompt["id"] == not_id:
                return False
            return not with_error or bool(
                prompt.get("error") or any(c.get("error") for c in prompt["components"])
            )

        what = f"a prompt (kind={kind}, not_id={not_id}, with_error={with_error})"
        state = await self.wait(ok, timeout, what=what)
        return state["prompt"]  # type: ignore[no-any-return]

    async def wait_status(self, *statuses: str, timeout: float | None = None) -> dict[str, Any]:
        return await self.wait(
            lambda s: s.get("status") in statuses, timeout, what=f"status in {statuses}"
        )

    async def send(self, content: Any, *, subshell: bool = True) -> str:
        return await self.fe.send_custom(self.comm_id, content, subshell=subshell)

    async def answer(
        self,
        *values: Any,
        choice: str | None = None,
        prompt_id: str | None = None,
        subshell: bool = True,
    ) -> str:
        """Answer the prompt shown now (or ``prompt_id``) with one raw value per component."""
        if prompt_id is None:
            prompt = self.prompt
            if prompt is None:
                raise FrontendError(
                    f"run {self.run_id} shows no prompt\n{self.fe.dump(self.comm_id)}"
                )
            prompt_id = prompt["id"]
        return await self.send(
            {"type": "answer", "prompt_id": prompt_id, "values": list(values), "choice": choice},
            subshell=subshell,
        )

    async def cancel(self, *, subshell: bool = True) -> str:
        return await self.send({"type": "cancel"}, subshell=subshell)


def run_view(frontend: HeadlessFrontend, execution: Execution, index: int = -1) -> RunViewHandle:
    """The RunView a cell displayed (its ``index``-th widget display), checked to be one."""
    ids = execution.widget_model_ids
    if not ids:
        raise FrontendError(f"the cell displayed no widget\n{execution.describe()}")
    comm_id = ids[index]
    state = frontend.models.get(comm_id)
    if state is None or state.get("_model_name") != "AnyModel" or not state.get("run_id"):
        raise FrontendError(f"model {comm_id} is not a RunView\n{frontend.dump(comm_id)}")
    return RunViewHandle(frontend, comm_id)


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _kill_if_alive(pid: int) -> None:
    import signal

    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0)


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def new_cell_id() -> str:
    return uuid.uuid4().hex


__all__ = [
    "DEFAULT_TIMEOUT",
    "TERMINAL",
    "Execution",
    "FrontendError",
    "HeadlessFrontend",
    "KernelDied",
    "RunViewHandle",
    "ensure_kernel_env",
    "kernel_envs_root",
    "new_cell_id",
    "pid_alive",
    "run_view",
]
