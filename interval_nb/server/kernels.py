"""Which kernel a run goes to; starting, watching and stopping the extension's kernels.

Lifecycle: :class:`KernelPool` starts kernels through ``serverapp.kernel_manager`` (so they
show in Lab's running kernels and work behind a kernel gateway), with the ``interval_nb`` comm
target registered at kernel start (``--ext=interval_nb.kernel_extension`` in the kernel argv),
and connects a :class:`~.link.KernelLink` to each. Idle kernels are stopped after the idle
timeout.

When the kernel goes away — it dies, is shut down (``DELETE /api/kernels/{id}``, Lab's Running
panel, the server's culler) or restarted (through the API, or by jupyter_client's restarter
after a crash) — its link is dropped at once: waiting requests fail, its runs are reported to
the owner (``interrupted``). The pool hears it from the kernel manager itself: the restarter's
``restart``/``dead`` callbacks and jupyter_server's ``kernel_actions`` events (``shutdown``,
``restart``); the watchdog (:meth:`KernelPool.check`) is the backstop. Then the kernel is
either shut down for good or, if it was restarted in place and the pool has no kernel, adopted:
a new link to the restarted process serves the next run. A restart under way is always
waited out first, so a restarted process can never outlive its kernel's entry in the manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..kernel_extension import EXTENSION
from .errors import ApiError
from .link import KernelLink, LinkMaker, UpdateHandler, maybe_await, settled

DeathHandler = Callable[[KernelLink, str], None]

KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"
"""jupyter_server's event for kernel starts, shutdowns and restarts (who ever asked for them)."""

REAP_ATTEMPTS = 3
"""Times a lost kernel is shut down again if it keeps coming back (a restart racing us)."""


def _is_gateway(manager: Any) -> bool:
    try:
        from jupyter_server.gateway.managers import GatewayMappingKernelManager
    except ImportError:
        return False
    return isinstance(manager, GatewayMappingKernelManager)


class KernelPool:
    """Which kernel a run or a listing goes to; starting, watching and stopping kernels.

    ``shared``: one kernel for every run (started on first use, replaced when it dies).
    ``per_run``: a new kernel for each run, shut down when the run ends; a listing starts a
    spare kernel that the next run takes.
    """

    def __init__(
        self,
        manager: Any,
        *,
        kernel_name: str,
        per_run: bool,
        open_data: Mapping[str, Any],
        env: Mapping[str, str],
        start_timeout: float,
        request_timeout: float,
        idle_timeout: float,
        max_kernels: int,
        log: logging.Logger,
        on_update: UpdateHandler,
        on_dead: DeathHandler,
    ) -> None:
        self.manager = manager
        self.kernel_name = kernel_name
        self.per_run = per_run
        self.open_data = dict(open_data)
        self.env = dict(env)
        self.start_timeout = start_timeout
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.max_kernels = max_kernels
        self.log = log
        self.make = LinkMaker(manager, log, on_update, request_timeout)
        self.on_dead = on_dead
        self.links: dict[str, KernelLink] = {}
        self._shared: KernelLink | None = None
        self._spare: KernelLink | None = None
        self._starting: asyncio.Task[KernelLink] | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        self._disposals: set[asyncio.Task[None]] = set()
        """Lost kernels being disposed of (:meth:`_dispose`)."""
        self._events: Any = None
        """The event logger whose ``kernel_actions`` events we listen to."""

    async def for_listing(self) -> KernelLink:
        """A kernel that can list the actions (the shared one, or the per-run spare)."""
        if not self.per_run:
            return await self._shared_link()
        if self._spare is None or not self._spare.alive:
            await self._losses_settled()
        if self._spare is None or not self._spare.alive:
            link = await self._start_once()
            if link.dedicated:  # a run took the kernel while we waited for it
                return link
            self._spare = link
        return self._spare

    async def for_run(self) -> KernelLink:
        """The kernel the next run goes to."""
        if not self.per_run:
            return await self._shared_link()
        if self._spare is None or not self._spare.alive:
            await self._losses_settled()
        link, self._spare = self._spare, None
        if (link is None or not link.alive) and self._starting is not None:
            link = await self._start_once()  # a spare on its way (or a restarted kernel)
            if self._spare is link:
                self._spare = None
            if link.dedicated:
                link = None
        if link is None or not link.alive:
            if sum(1 for li in self.links.values() if li.alive) >= self.max_kernels:
                raise ApiError(
                    503,
                    "too_many_kernels",
                    f"{self.max_kernels} runs already have their own kernel "
                    "(IntervalNB.max_kernels); try again when one ends",
                )
            link = await self.start()
        link.dedicated = True
        return link

    async def _shared_link(self) -> KernelLink:
        if self._shared is None or not self._shared.alive:
            await self._losses_settled()
        if self._shared is None or not self._shared.alive:
            self._shared = await self._start_once()
        return self._shared

    async def _losses_settled(self) -> None:
        # A kernel just lost may come back (restarted in place) as the next kernel: wait until
        # that is decided rather than start another one beside it.
        if self._disposals:
            await asyncio.wait(list(self._disposals))

    async def _start_once(self) -> KernelLink:
        # Concurrent first requests share one kernel start instead of starting several.
        if self._starting is None:
            self._starting = asyncio.create_task(self.start())
        task = self._starting
        try:
            return await asyncio.shield(task)
        finally:
            if task.done() and self._starting is task:
                self._starting = None

    async def start(self) -> KernelLink:
        """Start a kernel and connect to it (raises :class:`ApiError` 503 if it cannot)."""
        return await self._connect(await self._launch())

    async def _launch(self) -> str:
        # A local kernel's env replaces the server's; a gateway adds what we pass to its own
        # KERNEL_* variables (and logs the kwargs: pass nothing else).
        env = self.env if _is_gateway(self.manager) else {**os.environ, **self.env}
        try:
            kernel_id = await maybe_await(
                self.manager.start_kernel(
                    kernel_name=self.kernel_name,
                    path="",
                    env=env,
                    extra_arguments=[f"--ext={EXTENSION}"],
                )
            )
        except Exception as exc:
            self.log.error("interval_nb: could not start a %r kernel: %s", self.kernel_name, exc)
            raise ApiError(
                503,
                "kernel_start_failed",
                f"could not start a {self.kernel_name!r} kernel: {type(exc).__name__}: {exc}",
            ) from None
        return str(kernel_id)

    async def _connect(self, kernel_id: str) -> KernelLink:
        """Connect a new link to a running kernel (one just started, or one restarted)."""
        link = self.make.link(kernel_id)
        self.links[kernel_id] = link
        self._watch_restarts(link)
        try:
            hello = await link.connect(self.open_data, self.start_timeout)
            self._listen(link.kernel)
        except BaseException as exc:
            self.log.error("interval_nb: kernel %s unusable: %s", kernel_id, exc)
            if self.links.get(kernel_id) is link:
                self._drop(link)
            link.fail("the kernel failed to start")
            await link.close()
            await self._reap(link)
            raise
        for error in hello.get("errors", []):
            self.log.error(
                "interval_nb: cannot load actions from %s: %s", error["registry"], error["message"]
            )
        self.log.info(
            "interval_nb: kernel %s ready with %d actions", kernel_id, len(hello["actions"])
        )
        return link

    # -- hearing that a kernel went away ---------------------------------------------------
    def _watch_restarts(self, link: KernelLink) -> None:
        # The restarter calls these just before it restarts a crashed kernel ("restart") or
        # when it gives up ("dead"); either way the runs in the old process are gone.
        def on_restart() -> None:
            self._spawn(self.lost(link, "the kernel died and was restarted"))

        def on_dead() -> None:
            self._spawn(self.lost(link, "the kernel died"))

        for callback, event in ((on_restart, "restart"), (on_dead, "dead")):
            try:
                self.manager.add_restart_callback(link.kernel_id, callback, event)
            except Exception:  # gateway managers may not support callbacks: the watchdog covers
                return
            link.restart_callbacks.append((callback, event))

    def _unwatch_restarts(self, link: KernelLink) -> None:
        # A kernel restarted in place keeps its restarter: the old link's callbacks must go.
        for callback, event in link.restart_callbacks:
            with contextlib.suppress(Exception):
                self.manager.remove_restart_callback(link.kernel_id, callback, event)
        link.restart_callbacks.clear()

    def _listen(self, kernel: Any) -> None:
        """Follow jupyter_server's kernel action events (shutdowns and restarts by anyone)."""
        logger = getattr(kernel, "event_logger", None)
        if self._events is not None or not hasattr(logger, "add_listener"):
            return
        assert logger is not None
        logger.add_listener(schema_id=KERNEL_ACTIONS, listener=self._on_kernel_action)
        self._events = logger

    async def _on_kernel_action(self, logger: Any, schema_id: str, data: Mapping[str, Any]) -> None:
        """An event listener: a shutdown or restart of one of our kernels loses its link."""
        link = self.links.get(str(data.get("kernel_id")))
        if link is None or data.get("status") != "success":
            return
        if data.get("action") == "shutdown":
            self._spawn(self.lost(link, "the kernel was shut down"))
        elif data.get("action") == "restart" and (link.pid is None or link.restarted()):
            # (A link adopted after this very restart already talks to the new process.)
            self._spawn(self.lost(link, "the kernel was restarted"))

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def lost(self, link: KernelLink, reason: str) -> None:
        """Drop a kernel that went away: fail its requests, report its runs, then dispose of it.

        Idempotent: the first of the signals (restarter, event, watchdog) wins.
        """
        if self.links.get(link.kernel_id) is not link:
            return
        self._drop(link)
        self.log.warning("interval_nb: kernel %s lost: %s", link.kernel_id, reason)
        link.fail(reason)
        self.on_dead(link, reason)
        disposal = asyncio.ensure_future(self._dispose(link))
        self._disposals.add(disposal)
        disposal.add_done_callback(self._disposals.discard)
        await disposal

    def _drop(self, link: KernelLink) -> None:
        """Forget a link: no request or run goes to it any more."""
        if self.links.get(link.kernel_id) is link:
            del self.links[link.kernel_id]
        if self._shared is link:
            self._shared = None
        if self._spare is link:
            self._spare = None
        link.alive = False
        self._unwatch_restarts(link)

    async def _dispose(self, link: KernelLink) -> None:
        """A lost kernel: adopt it if it was restarted in place and is wanted, else stop it."""
        await link.close()
        if link.pid is None or link.kernel is None:  # a gateway kernel: nothing to wait for
            await self._shutdown_kernel(link.kernel_id)
            return
        await settled(link.kernel, self.start_timeout)
        if self._wants_kernel() and await self._restarted_in_place(link):
            self.log.info("interval_nb: using restarted kernel %s", link.kernel_id)
            self._adopt(link.kernel_id)
            return
        await self._reap(link)

    def _wants_kernel(self) -> bool:
        if self._starting is not None:
            return False
        return self._spare is None if self.per_run else self._shared is None

    async def _restarted_in_place(self, link: KernelLink) -> bool:
        try:
            if self.manager.get_kernel(link.kernel_id) is not link.kernel:
                return False
            return bool(await maybe_await(link.kernel.is_alive()))
        except Exception:
            return False

    def _adopt(self, kernel_id: str) -> None:
        """Connect to a restarted kernel as the next kernel (a fresh one if that fails)."""

        async def connect() -> KernelLink:
            try:
                return await self._connect(kernel_id)
            except ApiError:
                return await self.start()

        def done(task: asyncio.Task[KernelLink]) -> None:
            if self._starting is task:
                self._starting = None
            if task.cancelled() or task.exception() is not None:
                return
            link = task.result()
            if not link.alive or link.dedicated:
                return
            if self.per_run and self._spare is None:
                self._spare = link
            elif not self.per_run and self._shared is None:
                self._shared = link

        task = asyncio.create_task(connect())
        task.add_done_callback(done)
        self._starting = task

    async def _reap(self, link: KernelLink) -> None:
        """Shut a lost kernel down for good, even if a restart brings it back meanwhile."""
        kernel = link.kernel
        if link.pid is None or kernel is None:
            await self._shutdown_kernel(link.kernel_id)
            return
        for _ in range(REAP_ATTEMPTS):
            await settled(kernel, self.start_timeout)
            if link.kernel_id in self.manager:
                await self._shutdown_kernel(link.kernel_id)
                continue
            try:
                alive = bool(await maybe_await(kernel.is_alive()))
            except Exception:
                alive = False
            if not alive:
                return
            # Restarted after the manager let it go: no one but us can still stop it.
            self.log.warning("interval_nb: stopping kernel %s restarted behind us", link.kernel_id)
            with contextlib.suppress(Exception):
                await maybe_await(kernel.shutdown_kernel(now=True))
        self.log.error("interval_nb: kernel %s keeps coming back", link.kernel_id)

    async def release(self, link: KernelLink, run_id: str) -> None:
        """A run ended: a dedicated kernel with nothing left to do is shut down."""
        link.runs.discard(run_id)
        if link.dedicated and not link.runs and self.links.get(link.kernel_id) is link:
            # The run's last update can overtake the reply to the answer that ended it.
            await link.settle(self.request_timeout)
            if link.runs or self.links.get(link.kernel_id) is not link:
                return
            self._drop(link)
            await link.close()
            await self._shutdown_kernel(link.kernel_id)

    async def check(self) -> None:
        """Watchdog pass: drop lost kernels; stop kernels idle past the idle timeout.

        The backstop for the kernel manager's signals (a gateway sends none).
        """
        for link in list(self.links.values()):
            if not link.ready:
                continue  # still connecting: connect() watches the kernel itself
            try:
                reason = await link.lost_because()
            except Exception as exc:
                self.log.warning("interval_nb: cannot check kernel %s: %s", link.kernel_id, exc)
                continue
            if reason is not None:
                self._spawn(self.lost(link, reason))
            elif (
                self.idle_timeout > 0
                and not link.runs
                and time.monotonic() - link.last_used > self.idle_timeout
            ):
                self.log.info("interval_nb: stopping idle kernel %s", link.kernel_id)
                self._drop(link)
                await link.close()
                await self._shutdown_kernel(link.kernel_id)

    async def _shutdown_kernel(self, kernel_id: str) -> None:
        try:
            if kernel_id in self.manager:
                await maybe_await(self.manager.shutdown_kernel(kernel_id, now=True))
        except Exception as exc:
            self.log.debug("interval_nb: shutting down kernel %s: %s", kernel_id, exc)

    async def shutdown(self) -> None:
        """Close every link and shut its kernel down (server stop)."""
        if self._events is not None:
            self._events.remove_listener(schema_id=KERNEL_ACTIONS, listener=self._on_kernel_action)
            self._events = None
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)
        if self._starting is not None:  # e.g. adopting a restarted kernel
            await asyncio.wait([self._starting], timeout=self.start_timeout)
        for link in list(self.links.values()):
            self._drop(link)
            await link.close()
            await self._shutdown_kernel(link.kernel_id)
        self.links.clear()
        self._shared = self._spare = None
