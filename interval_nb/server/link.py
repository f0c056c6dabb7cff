"""One kernel, one client, one comm: the relay between the server and a kernel's runs.

Lifecycle: :meth:`KernelLink.connect` opens a client with its *own* ``Session`` (two clients
sharing one ZMQ identity steal each other's replies), starts one task per channel it reads,
waits until its IOPub subscription is live (the slow-joiner problem), then opens a comm to the
``interval_nb`` target. If the kernel refuses the comm (a gateway kernel started without our
argv), the kernel extension is loaded with one ``execute()`` and the comm opened again. Then
:meth:`KernelLink.request` sends a request and awaits its reply, and every run update goes to
``on_update``. Only ``execute()``/``get_*_msg()`` and an awaitable-tolerant
``start_channels()`` are used, so the same code works with gateway clients.

The link also remembers which kernel *process* it talks to, so the pool can tell a kernel
that died, was shut down (it left the kernel manager) or was restarted (same id, another
process: the runs and the comm died with the old one) from one that is merely busy.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import inspect
import logging
import queue
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jupyter_client.session import Session
from tornado.web import HTTPError

from ..kernel_extension import EXTENSION
from ..protocol import REMOTE_TARGET, RemoteHello
from .errors import ApiError

LOAD_EXTENSION = (
    "__import__('interval_nb.kernel_extension', fromlist=['load_ipython_extension'])"
    ".load_ipython_extension()"
)
"""Loads the kernel extension silently and idempotently (``%load_ext`` prints when loaded)."""

UpdateHandler = Callable[["KernelLink", dict[str, Any]], None]

POLL = 0.5
"""Seconds a reader waits for one message before checking whether it should stop."""


async def maybe_await(value: Any) -> Any:
    """``await`` a value if it is awaitable (local and gateway managers differ here)."""
    if inspect.isawaitable(value):
        return await value
    return value


def kernel_gone(exc: BaseException) -> bool:
    """Whether ``exc`` is a kernel manager saying "no such kernel".

    jupyter_client raises ``KeyError``; jupyter_server's mapping manager a tornado
    ``HTTPError(404)``; both mean the kernel was shut down (or culled) and removed.
    """
    return isinstance(exc, KeyError) or (isinstance(exc, HTTPError) and exc.status_code == 404)


def kernel_pid(kernel: Any) -> int | None:
    """The process id of a local kernel (its provisioner's), ``None`` when not known here."""
    pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
    return pid if isinstance(pid, int) else None


def in_transition(kernel: Any) -> bool:
    """Whether a local kernel is being restarted or shut down right now.

    jupyter_client replaces ``KernelManager.ready`` with a pending future for the length of
    a start or shutdown (a restart is both, back to back). Only asked of local kernels.
    """
    ready = getattr(kernel, "ready", None)
    return isinstance(ready, (asyncio.Future, concurrent.futures.Future)) and not ready.done()


async def settled(kernel: Any, timeout: float) -> None:
    """Wait (at most ``timeout``) until a local kernel is not being restarted or shut down."""
    deadline = time.monotonic() + timeout
    while in_transition(kernel) and time.monotonic() < deadline:
        ready = kernel.ready
        waiter = ready if isinstance(ready, asyncio.Future) else asyncio.wrap_future(ready)
        # A restart resolves one future and installs the next: loop until none is pending.
        await asyncio.wait([waiter], timeout=max(0.0, deadline - time.monotonic()))


class KernelLink:
    """One kernel, one client with its own session, one comm to the ``interval_nb`` target."""

    def __init__(
        self,
        manager: Any,
        kernel_id: str,
        *,
        log: logging.Logger,
        on_update: UpdateHandler,
        request_timeout: float,
    ) -> None:
        self.manager = manager
        self.kernel_id = kernel_id
        self.log = log
        self.on_update = on_update
        self.request_timeout = request_timeout
        self.hello: RemoteHello | None = None
        self.runs: set[str] = set()
        """Ids of the unfinished runs started in this kernel through the extension."""
        self.dedicated = False
        """One kernel per run: shut down when its run ends."""
        self.alive = True
        self.ready = False
        """Connected: the comm is open and the kernel said hello."""
        self.last_used = time.monotonic()
        self.client: Any = None
        self.kernel: Any = None
        """The kernel manager's object for this kernel (it outlives restarts of the process)."""
        self.pid: int | None = None
        """The kernel process this link talks to (local kernels only)."""
        self.restart_callbacks: list[tuple[Callable[[], None], str]] = []
        """What the pool registered with the kernel's restarter for this link."""
        self._comm_id = uuid.uuid4().hex
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._probes: set[str] = set()
        self._iopub_ready = asyncio.Event()
        self._hello_event = asyncio.Event()
        self._comm_refused = asyncio.Event()
        self._shell_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    # -- connecting --------------------------------------------------------------------
    async def connect(
        self, open_data: Mapping[str, Any], timeout: float, *, load_extension: bool = False
    ) -> RemoteHello:
        """Open the client and the comm; returns the kernel's hello (actions and errors).

        ``load_extension``: load the kernel extension (it registers the comm target) before
        opening the comm, rather than after a refusal: a refused comm is closed on IOPub, which
        every frontend of a kernel shared with a notebook would report as an unknown comm.
        """
        deadline = time.monotonic() + timeout
        kernel = self.kernel = self.manager.get_kernel(self.kernel_id)
        self.pid = kernel_pid(kernel)
        session = Session(
            key=kernel.session.key,
            signature_scheme=kernel.session.signature_scheme,
            username="interval_nb",
        )
        self.client = kernel.client(session=session)
        await maybe_await(self.client.start_channels())
        self._tasks = [
            asyncio.create_task(self._read("iopub", self._on_iopub)),
            asyncio.create_task(self._read("shell", self._on_shell)),
        ]
        await self._wait_for_iopub(deadline)
        if load_extension:
            await self._execute(LOAD_EXTENSION, deadline)
        self._send_shell("comm_open", self._open_content(open_data))
        if not await self._wait_hello(deadline, refused_ok=True):
            # The target is missing (a gateway kernel started without our argv): load the
            # extension in the kernel, which is idle and ours, and open the comm again.
            self.log.info("interval_nb: loading %s in kernel %s", EXTENSION, self.kernel_id)
            await self._execute(f"%load_ext {EXTENSION}", deadline)
            self._comm_id = uuid.uuid4().hex
            self._comm_refused.clear()
            self._send_shell("comm_open", self._open_content(open_data))
            await self._wait_hello(deadline, refused_ok=False)
        assert self.hello is not None
        self.ready = True
        self.last_used = time.monotonic()
        return self.hello

    def _open_content(self, open_data: Mapping[str, Any]) -> dict[str, Any]:
        return {"comm_id": self._comm_id, "target_name": REMOTE_TARGET, "data": dict(open_data)}

    async def _wait_for_iopub(self, deadline: float) -> None:
        # IOPub is a PUB socket: until our subscription reaches the kernel, its messages are
        # lost. Ask for kernel_info until its status messages reach us.
        while not self._iopub_ready.is_set():
            self._probes.add(self._send_shell("kernel_info_request", {}))
            try:
                await asyncio.wait_for(self._iopub_ready.wait(), 0.25)
            except asyncio.TimeoutError:
                await self._check_start(deadline, "to answer")

    async def _wait_hello(self, deadline: float, *, refused_ok: bool) -> bool:
        while not self._hello_event.is_set():
            if self._comm_refused.is_set():
                if refused_ok:
                    return False
                raise ApiError(
                    503,
                    "kernel_unavailable",
                    f"kernel {self.kernel_id} has no {REMOTE_TARGET!r} comm target: is "
                    "interval_nb installed in the kernel's environment?",
                )
            waits = [
                asyncio.create_task(self._hello_event.wait()),
                asyncio.create_task(self._comm_refused.wait()),
            ]
            _, pending = await asyncio.wait(
                waits, timeout=0.25, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if not self._hello_event.is_set() and not self._comm_refused.is_set():
                await self._check_start(deadline, "to open the interval_nb comm")
        return True

    async def _check_start(self, deadline: float, what: str) -> None:
        if not await self.is_alive():
            raise ApiError(
                503,
                "kernel_start_failed",
                f"kernel {self.kernel_id} exited while starting; see the server log",
            )
        if time.monotonic() > deadline:
            raise ApiError(
                503,
                "kernel_start_failed",
                f"kernel {self.kernel_id} took too long {what} (IntervalNB.kernel_start_timeout)",
            )

    async def _execute(self, code: str, deadline: float) -> None:
        msg_id = self.client.execute(code, silent=True, store_history=False)
        waiter = asyncio.get_running_loop().create_future()
        self._shell_waiters[msg_id] = waiter
        try:
            reply = await asyncio.wait_for(waiter, max(0.1, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            raise ApiError(
                503, "kernel_start_failed", f"kernel {self.kernel_id} did not run {code!r}"
            ) from None
        finally:
            self._shell_waiters.pop(msg_id, None)
        if reply.get("content", {}).get("status") != "ok":
            content = reply.get("content", {})
            raise ApiError(
                503,
                "kernel_start_failed",
                f"kernel {self.kernel_id} could not load {EXTENSION}: "
                f"{content.get('ename')}: {content.get('evalue')}",
            )

    # -- messages ----------------------------------------------------------------------
    def _send_shell(self, msg_type: str, content: dict[str, Any]) -> str:
        msg = self.client.session.msg(msg_type, content)
        msg["channel"] = "shell"  # a gateway routes by it (ZMQ clients ignore it)
        self.client.shell_channel.send(msg)
        return str(msg["header"]["msg_id"])

    async def _read(self, channel_name: str, handle: Callable[[dict[str, Any]], None]) -> None:
        channel = getattr(self.client, f"{channel_name}_channel")
        get = getattr(self.client, f"get_{channel_name}_msg")
        while not self._stopping:
            try:
                if isinstance(channel, queue.Queue):
                    # A gateway channel: a queue fed by a thread. Its own get_msg() spins the
                    # event loop while it waits, so block in a worker thread instead.
                    msg = await asyncio.to_thread(channel.get, True, POLL)
                else:
                    msg = await get(timeout=POLL)
            except queue.Empty:
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not self._stopping:
                    self.log.warning(
                        "interval_nb: %s channel of kernel %s failed: %s",
                        channel_name,
                        self.kernel_id,
                        exc,
                    )
                    await asyncio.sleep(POLL)
                continue
            try:
                handle(msg)
            except Exception:
                self.log.exception("interval_nb: could not handle a kernel message")

    def _on_shell(self, msg: dict[str, Any]) -> None:
        parent = (msg.get("parent_header") or {}).get("msg_id")
        waiter = self._shell_waiters.get(parent) if parent else None
        if waiter is not None and not waiter.done():
            waiter.set_result(msg)

    def _on_iopub(self, msg: dict[str, Any]) -> None:
        msg_type = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        content = msg.get("content") or {}
        if not self._iopub_ready.is_set():
            parent = (msg.get("parent_header") or {}).get("msg_id")
            if parent in self._probes or msg_type == "iopub_welcome":
                self._iopub_ready.set()
        if content.get("comm_id") != self._comm_id:
            return  # IOPub is broadcast: other clients' comms, cells, status...
        if msg_type == "comm_close":
            self._comm_refused.set()
            return
        if msg_type != "comm_msg":
            return
        data = content.get("data")
        if not isinstance(data, dict):
            return
        kind = data.get("type")
        if kind == "hello":
            self.hello = data  # type: ignore[assignment]
            self._hello_event.set()
        elif kind == "reply":
            future = self._pending.get(str(data.get("request_id")))
            if future is not None and not future.done():
                future.set_result(data)
        elif kind == "update":
            self.on_update(self, data)

    async def request(
        self, payload: Mapping[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Send one request over the comm and return the kernel's reply."""
        if not self.alive:
            raise ApiError(503, "kernel_unavailable", f"kernel {self.kernel_id} is gone")
        self.last_used = time.monotonic()
        request_id = uuid.uuid4().hex
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            self._send_shell(
                "comm_msg",
                {"comm_id": self._comm_id, "data": {**payload, "request_id": request_id}},
            )
            return await asyncio.wait_for(future, timeout or self.request_timeout)
        except asyncio.TimeoutError:
            raise ApiError(
                504,
                "kernel_timeout",
                f"kernel {self.kernel_id} did not answer in time: it may be busy running a "
                "long synchronous cell (IntervalNB.request_timeout)",
            ) from None
        finally:
            self._pending.pop(request_id, None)

    # -- health ------------------------------------------------------------------------
    async def is_alive(self) -> bool:
        """Whether the kernel still runs (asks the kernel manager; a removed kernel is not)."""
        if not self.alive:
            return False
        try:
            kernel = self.manager.get_kernel(self.kernel_id)
            return bool(await maybe_await(kernel.is_alive()))
        except Exception as exc:
            if not kernel_gone(exc):
                self.log.warning("interval_nb: cannot check kernel %s: %s", self.kernel_id, exc)
            return False

    async def lost_because(self) -> str | None:
        """Why this link's kernel can no longer serve its runs, or ``None`` if it can.

        The watchdog's question. A local kernel in the middle of a restart or shutdown is
        left alone: the kernel manager's own signal for it follows (or the next pass sees
        how it ended).
        """
        try:
            kernel = self.manager.get_kernel(self.kernel_id)
        except Exception as exc:
            if kernel_gone(exc):
                return "the kernel was shut down"
            raise
        if self.kernel is not None and kernel is not self.kernel:
            return "the kernel was replaced"
        if self.pid is not None and in_transition(kernel):
            return None
        if not await self.is_alive():
            return "the kernel died"
        if self.restarted():
            return "the kernel was restarted"
        return None

    def restarted(self) -> bool:
        """Whether the kernel now runs in another process than the one this link talks to."""
        now = kernel_pid(self.kernel)
        return self.pid is not None and now is not None and now != self.pid

    async def settle(self, timeout: float) -> None:
        """Wait (at most ``timeout``) until no request is waiting for its reply."""
        deadline = time.monotonic() + timeout
        while self._pending and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    def fail(self, reason: str) -> None:
        """Mark the link dead and fail every request waiting on it."""
        self.alive = False
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ApiError(503, "kernel_died", reason))

    async def close(self) -> None:
        """Stop reading and close the client's channels."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.client is not None:
            try:
                await maybe_await(self.client.stop_channels())
            except Exception as exc:
                self.log.debug("interval_nb: stopping channels: %s", exc)


@dataclass(frozen=True)
class LinkMaker:
    """How a server makes its links to kernels: one manager, one update handler, one timeout.

    The pool of the extension's own kernels and the guest kernels both make their links here,
    so a link to either kind of kernel is the same kind of link.
    """

    manager: Any
    """The server's kernel manager."""
    log: logging.Logger
    on_update: UpdateHandler
    """Where every run update of every link goes."""
    request_timeout: float
    """Seconds a request to a kernel may wait for its reply."""

    def link(self, kernel_id: str) -> KernelLink:
        """A new link to kernel ``kernel_id``, not yet connected."""
        return KernelLink(
            self.manager,
            kernel_id,
            log=self.log,
            on_update=self.on_update,
            request_timeout=self.request_timeout,
        )
