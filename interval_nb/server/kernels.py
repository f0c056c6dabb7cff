"""Which kernel a run goes to; starting, watching and stopping the extension's kernels.

Lifecycle: :class:`KernelPool` starts kernels through ``serverapp.kernel_manager`` (so they
show in Lab's running kernels and work behind a kernel gateway), with the ``interval_nb`` comm
target registered at kernel start (``--ext=interval_nb.kernel_extension`` in the kernel argv),
and connects a :class:`~.link.KernelLink` to each. A kernel found dead — by the watchdog's
``is_alive()`` or a restart callback — is dropped and shut down, its runs are reported to the
owner, and the next run gets a fresh kernel. Idle kernels are stopped after the idle timeout.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..kernel_extension import EXTENSION
from .errors import ApiError
from .link import KernelLink, UpdateHandler, maybe_await

DeathHandler = Callable[[KernelLink, str], None]


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
        self.on_update = on_update
        self.on_dead = on_dead
        self.links: dict[str, KernelLink] = {}
        self._shared: KernelLink | None = None
        self._spare: KernelLink | None = None
        self._starting: asyncio.Task[KernelLink] | None = None
        self._tasks: set[asyncio.Future[Any]] = set()

    async def for_listing(self) -> KernelLink:
        """A kernel that can list the actions (the shared one, or the per-run spare)."""
        if not self.per_run:
            return await self._shared_link()
        if self._spare is None or not self._spare.alive:
            self._spare = await self._start_once()
        return self._spare

    async def for_run(self) -> KernelLink:
        """The kernel the next run goes to."""
        if not self.per_run:
            return await self._shared_link()
        link, self._spare = self._spare, None
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
        if self._shared is not None and self._shared.alive:
            return self._shared
        self._shared = await self._start_once()
        return self._shared

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
        link = KernelLink(
            self.manager,
            kernel_id,
            log=self.log,
            on_update=self.on_update,
            request_timeout=self.request_timeout,
        )
        self.links[kernel_id] = link
        self._watch_restarts(link)
        try:
            hello = await link.connect(self.open_data, self.start_timeout)
        except BaseException as exc:
            self.log.error("interval_nb: kernel %s unusable: %s", kernel_id, exc)
            self.links.pop(kernel_id, None)
            link.fail("the kernel failed to start")
            await link.close()
            await self._shutdown_kernel(kernel_id)
            raise
        for error in hello.get("errors", []):
            self.log.error(
                "interval_nb: cannot load actions from %s: %s", error["registry"], error["message"]
            )
        self.log.info(
            "interval_nb: kernel %s ready with %d actions", kernel_id, len(hello["actions"])
        )
        return link

    def _watch_restarts(self, link: KernelLink) -> None:
        def on_restart() -> None:
            self._spawn(self.lost(link, "the kernel died and was restarted"))

        def on_dead() -> None:
            self._spawn(self.lost(link, "the kernel died"))

        try:
            self.manager.add_restart_callback(link.kernel_id, on_restart, "restart")
            self.manager.add_restart_callback(link.kernel_id, on_dead, "dead")
        except Exception:  # gateway managers may not support callbacks: the watchdog covers
            pass

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def lost(self, link: KernelLink, reason: str) -> None:
        """Drop a dead kernel: fail its requests, report its runs, shut it down."""
        if self.links.get(link.kernel_id) is not link:
            return
        del self.links[link.kernel_id]
        self.log.warning("interval_nb: kernel %s lost: %s", link.kernel_id, reason)
        link.fail(reason)
        if self._shared is link:
            self._shared = None
        if self._spare is link:
            self._spare = None
        self.on_dead(link, reason)
        await link.close()
        await self._shutdown_kernel(link.kernel_id)

    async def release(self, link: KernelLink, run_id: str) -> None:
        """A run ended: a dedicated kernel with nothing left to do is shut down."""
        link.runs.discard(run_id)
        if link.dedicated and not link.runs and self.links.get(link.kernel_id) is link:
            # The run's last update can overtake the reply to the answer that ended it.
            await link.settle(self.request_timeout)
            if link.runs or self.links.get(link.kernel_id) is not link:
                return
            del self.links[link.kernel_id]
            link.alive = False
            await link.close()
            await self._shutdown_kernel(link.kernel_id)

    async def check(self) -> None:
        """Watchdog pass: drop dead kernels; stop kernels idle past the idle timeout."""
        for link in list(self.links.values()):
            if not await link.is_alive():
                await self.lost(link, "the kernel died")
            elif (
                self.idle_timeout > 0
                and link.ready
                and not link.runs
                and time.monotonic() - link.last_used > self.idle_timeout
            ):
                self.log.info("interval_nb: stopping idle kernel %s", link.kernel_id)
                self.links.pop(link.kernel_id, None)
                if self._shared is link:
                    self._shared = None
                if self._spare is link:
                    self._spare = None
                link.alive = False
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
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)
        for link in list(self.links.values()):
            link.alive = False
            await link.close()
            await self._shutdown_kernel(link.kernel_id)
        self.links.clear()
        self._shared = self._spare = None
