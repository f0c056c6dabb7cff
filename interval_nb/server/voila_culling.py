"""Idle culling for the kernels Voilà starts under ``{base_url}voila/render/``.

Voilà starts one kernel per page view in the server's own kernel manager. Closing the page
should shut it down (the launcher's page-close handler makes sure it can), but a tab that
vanishes without saying so (a crashed browser, a laptop put to sleep) leaves its kernel running
until the server stops. jupyter_server's own culler cannot be turned on for those kernels alone:
it would also cull JupyterLab's notebook kernels and the actions kernel behind the Interval
sidebar, which no page is connected to. So this culler looks only at kernels Voilà started
(their process environment carries Voilà's ``VOILA_REQUEST_URL``), and only while no page is
connected to them: a person with the dashboard open is never cut off.

Lifecycle: the extension starts :meth:`VoilaCuller.run` once the server's loop runs and cancels
it at server stop. Each pass is :meth:`VoilaCuller.cull_once`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import psutil
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from .link import maybe_await

VOILA_ENV_MARKER = "VOILA_REQUEST_URL"
"""An environment variable Voilà sets in every kernel it starts for a page."""


class VoilaCuller:
    """Shut down Voilà's page kernels that no page is connected to and that sat idle too long."""

    def __init__(
        self, kernel_manager: Any, idle_timeout: float, interval: float, log: logging.Logger
    ) -> None:
        self.manager = kernel_manager
        self.idle_timeout = idle_timeout
        self.interval = interval
        self.log = log
        self._voila: dict[str, bool] = {}
        """Kernel id → started by Voilà (a kernel's environment never changes)."""

    async def run(self) -> None:
        """Cull every ``interval`` seconds until cancelled (never raises otherwise)."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.cull_once()
            except Exception:
                self.log.exception("interval_nb: Voilà kernel culling pass failed")

    async def cull_once(self) -> list[str]:
        """One pass: shut down the idle, unconnected Voilà kernels; return their ids."""
        culled = []
        running = set(self.manager.list_kernel_ids())
        self._voila = {k: v for k, v in self._voila.items() if k in running}
        for kernel_id in running:
            if self._is_idle_voila_kernel(kernel_id):
                self.log.warning(
                    "interval_nb: shutting down Voilà kernel %s: no page connected for %ss",
                    kernel_id,
                    self.idle_timeout,
                )
                await maybe_await(self.manager.shutdown_kernel(kernel_id))
                culled.append(kernel_id)
        return culled

    def _is_idle_voila_kernel(self, kernel_id: str) -> bool:
        try:
            model = self.manager.kernel_model(kernel_id)
        except Exception:  # gone meanwhile (KeyError or tornado's 404)
            return False
        if model.get("connections") or model.get("execution_state") == "busy":
            return False
        if _idle_seconds(model.get("last_activity")) <= self.idle_timeout:
            return False
        return self._started_by_voila(kernel_id)

    def _started_by_voila(self, kernel_id: str) -> bool:
        if kernel_id not in self._voila:
            self._voila[kernel_id] = _environ_has(self.manager.get_kernel(kernel_id))
        return self._voila[kernel_id]


def _environ_has(kernel: Any) -> bool:
    """Whether a local kernel's process environment carries Voilà's marker."""
    provisioner = kernel.provisioner
    if not isinstance(provisioner, LocalProvisioner) or provisioner.pid is None:
        return False  # remote kernels (a gateway): not ours to judge
    try:
        return VOILA_ENV_MARKER in psutil.Process(provisioner.pid).environ()
    except (psutil.Error, OSError):
        return False


def _idle_seconds(last_activity: Any) -> float:
    """Seconds since the kernel model's ``last_activity`` (ISO text); 0 when unknown."""
    if not isinstance(last_activity, str):
        return 0.0
    when = dt.datetime.fromisoformat(last_activity.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return (dt.datetime.now(dt.timezone.utc) - when).total_seconds()
