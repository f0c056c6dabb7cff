"""Links to the kernels of notebooks and pages, so the API can answer the runs they show.

A run started in a notebook (``action.start()``) or a Voilà page lives in that kernel and is
drawn by its widget there. When the kernel is one this server manages (it is in the server's
kernel manager: the notebook is open in this server's JupyterLab), the server can answer the
run too: it opens its own client to that kernel (its own ``Session``, as for the actions
kernel), opens the ``interval_nb`` comm with no registries to load, and asks the kernel to
``follow`` the run. From then on the run reports to the server like one it started, and an
answer from the API, a Lab tab or an inbox goes through; the notebook's own view updates live,
since it shows the same run.

These kernels are not the server's: a guest link never starts, restarts or shuts one down.
When a guest kernel goes away its link is dropped and its runs are reported lost (they end
``interrupted``; they cannot be replayed elsewhere, their action may exist only there).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from .errors import ApiError
from .link import KernelLink, LinkMaker, UpdateHandler

OPEN_DATA = {"type": "open", "registries": [], "entry_points": False}
"""A guest kernel loads no action registries: its runs' actions are its own."""


class GuestKernels:
    """One link per guest kernel, made on first need and dropped when the kernel goes."""

    def __init__(
        self,
        manager: Any,
        *,
        log: logging.Logger,
        on_update: UpdateHandler,
        on_dead: Callable[[KernelLink, str], None],
        request_timeout: float,
        connect_timeout: float,
    ) -> None:
        self.manager = manager
        self.log = log
        self.make = LinkMaker(manager, log, on_update, request_timeout)
        self.on_dead = on_dead
        self.connect_timeout = connect_timeout
        self.links: dict[str, KernelLink] = {}
        self._connecting: dict[str, asyncio.Future[KernelLink]] = {}

    def manages(self, kernel_id: str | None) -> bool:
        """Whether ``kernel_id`` is a kernel of this server (one its kernel manager runs)."""
        if not kernel_id:
            return False
        try:
            return kernel_id in self.manager
        except Exception:
            return False

    async def link(self, kernel_id: str) -> KernelLink:
        """The link to guest kernel ``kernel_id``, connected once (503 if it cannot be)."""
        link = self.links.get(kernel_id)
        if link is not None and link.alive and link.ready:
            return link
        connecting = self._connecting.get(kernel_id)
        if connecting is None:
            connecting = asyncio.ensure_future(self._connect(kernel_id))
            self._connecting[kernel_id] = connecting
            connecting.add_done_callback(lambda _done: self._connecting.pop(kernel_id, None))
        return await asyncio.shield(connecting)

    async def _connect(self, kernel_id: str) -> KernelLink:
        link = self.make.link(kernel_id)
        try:
            await link.connect(OPEN_DATA, self.connect_timeout, load_extension=True)
        except ApiError:
            await link.close()
            raise
        except Exception as exc:
            await link.close()
            raise ApiError(
                503, "kernel_unavailable", f"cannot reach the run's kernel {kernel_id}: {exc}"
            ) from exc
        self.links[kernel_id] = link
        self.log.info("interval_nb: following runs of kernel %s", kernel_id)
        return link

    async def check(self) -> None:
        """Watchdog pass: drop the links of guest kernels that went away; report their runs."""
        for kernel_id, link in list(self.links.items()):
            try:
                reason = await link.lost_because()
            except Exception as exc:
                self.log.warning("interval_nb: cannot check kernel %s: %s", kernel_id, exc)
                continue
            if reason is None:
                continue
            del self.links[kernel_id]
            link.fail(reason)
            self.on_dead(link, reason)
            await link.close()

    async def close(self) -> None:
        """Close every guest link (the kernels themselves are left alone)."""
        for link in list(self.links.values()):
            await link.close()
        self.links.clear()
