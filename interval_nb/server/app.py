"""``IntervalNB``: the Jupyter server extension (enabled on install, configured with traitlets).

In ``jupyter_server_config.py``::

    c.IntervalNB.actions = ["my_actions:actions"]
    c.IntervalNB.kernels = "shared"          # or "per_run"

Lifecycle: the server loads the extension, which opens the run history, registers the audit
event schema and the routes under ``{base_url}interval/api/``; once the loop runs it starts
the watchdog (and, with ``preload_kernel``, the actions kernel). At server stop, runs still
live are journaled ``interrupted`` and the extension's kernels are shut down.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Dict, Enum, Float, Int, List, Unicode, default

from ..channels.renderer import SERVED_ENV
from ..store import configured_path, default_path
from .app_page import PATH as APP_PAGE_PATH
from .app_page import AppPageHandler, app_url
from .handlers import routes
from .nodelay import nodelay_connection_class
from .service import RunService
from .voila_culling import VoilaCuller


class IntervalNB(ExtensionApp):
    """Serve interval_nb actions: run them in kernels, keep their history, expose an API."""

    name = "interval_nb"
    description = "Interval-style internal tools, hosted in Jupyter"
    load_other_extensions = True

    @default("static_paths")
    def _default_static_paths(self) -> list[str]:
        # The page-side renderer (runview.js/.css), served at {base_url}static/interval_nb/
        # for the JupyterLab run tabs: the same files the notebook widgets carry.
        return [str(Path(__file__).resolve().parent.parent / "static")]

    actions = List(
        Unicode(),
        help=(
            'Action registries to serve, as "package.module:attribute" paths naming an '
            "interval_nb.Actions (or one Action, or a list of them), or as Python files "
            '("tools/support.py" or "tools/support.py:actions"; ~ is expanded, relative paths '
            'start at the server\'s root_dir); the attribute defaults to "actions". Imported '
            "in the actions kernel, whose working directory is the server's root_dir. A path "
            "that fails to import is logged and listed in GET actions; the server still starts."
        ),
    ).tag(config=True)

    entry_points = Bool(
        True,
        help="Also serve the registries of installed packages' 'interval_nb.actions' entry points.",
    ).tag(config=True)

    app_title = Unicode(
        "Internal tools",
        help="The app page's title (its heading and the browser tab), at {base_url}interval/.",
    ).tag(config=True)

    kernel_name = Unicode(
        "python3",
        help="Kernel spec the actions run in; it must have interval_nb installed.",
    ).tag(config=True)

    kernels = Enum(
        ["shared", "per_run"],
        default_value="shared",
        help=(
            "How many kernels: 'shared' runs every action in one kernel (as tasks, the "
            "default); 'per_run' gives each run its own kernel, shut down when the run ends."
        ),
    ).tag(config=True)

    max_kernels = Int(
        20, help="With kernels='per_run': at most this many run kernels at once (503 beyond)."
    ).tag(config=True)

    kernel_idle_timeout = Float(
        0.0,
        help=(
            "Shut down an actions kernel with no unfinished run after this many idle seconds "
            "(the next request starts a new one); 0 keeps it until the server stops."
        ),
    ).tag(config=True)

    preload_kernel = Bool(
        True,
        help="Start the actions kernel when the server starts (if any registry is configured), "
        "so the first run finds it warm and registry errors are logged at once.",
    ).tag(config=True)

    kernel_start_timeout = Float(
        60.0, help="Seconds a new kernel may take to start and open the interval_nb comm."
    ).tag(config=True)

    request_timeout = Float(
        30.0,
        help="Seconds to wait for a kernel's reply (a long synchronous cell delays replies).",
    ).tag(config=True)

    kernel_check_interval = Float(
        2.0, min=0.1, help="Seconds between checks that the actions kernels are alive."
    ).tag(config=True)

    sweep_interval = Float(
        60.0,
        min=0.1,
        help=(
            "Seconds between sweeps of the history: unfinished runs of kernels on this machine "
            "whose process is gone are marked interrupted, and the retention is applied."
        ),
    ).tag(config=True)

    wait_timeout = Float(
        5.0,
        help=(
            "How long POST start/answer/cancel wait for the run to show its next prompt or end "
            "before replying (seconds; per request with ?wait=)."
        ),
    ).tag(config=True)

    store_path = Unicode(
        help=(
            "SQLite file of the run history, shared with every kernel that journals runs "
            "(default: $INTERVAL_NB_STORE if set, the file notebook kernels started from this "
            "server journal to, else <jupyter data dir>/interval_nb/runs.sqlite). Kernels "
            "started by the extension get it in INTERVAL_NB_STORE / KERNEL_INTERVAL_NB_STORE."
        ),
    ).tag(config=True)

    retention_days = Float(
        0.0, help="Delete finished runs older than this many days from the history; 0 keeps all."
    ).tag(config=True)

    hibernate_after = Float(
        600.0,
        min=0.0,
        help=(
            "Seconds a run started through this server may wait for an answer before it "
            "leaves its kernel's memory (it hibernates: only its journal remains, and the next "
            "answer wakes it by replaying the journal in a kernel). Runs whose kernel is lost "
            "or whose server stops hibernate at once. 0 keeps waiting runs in their kernel."
        ),
    ).tag(config=True)

    voila_cull_idle_timeout = Float(
        300.0,
        min=0.0,
        help=(
            "Shut down a kernel Voilà started for a page (under {base_url}voila/render/) once no "
            "page has been connected to it for this many seconds: the tab vanished without "
            "closing (a crashed browser, a laptop asleep). Kernels with a page open, JupyterLab's "
            "notebook kernels and the actions kernel are never touched. 0 turns it off."
        ),
    ).tag(config=True)

    voila_cull_interval = Float(
        60.0, min=0.1, help="How often (seconds) to look for Voilà kernels to shut down."
    ).tag(config=True)

    max_body_size = Int(
        10 * 1024 * 1024,
        help=(
            "Largest accepted request body in bytes (413 beyond). Files uploaded in an answer "
            "travel base64-encoded in the body, so this also caps them (at about 3/4 of it)."
        ),
    ).tag(config=True)

    groups = Dict(
        key_trait=Unicode(),
        value_trait=List(Unicode()),
        help=(
            'Group membership for access lists: {"ops": ["alice", "bob"]} lets '
            'access=["group:ops"] admit alice and bob. Added to groups the identity provider '
            "reports (JupyterHub)."
        ),
    ).tag(config=True)

    username_from = Enum(
        ["auto", "identity", "owner"],
        default_value="auto",
        help=(
            "Who a request comes from: 'identity' is the identity provider's username; 'owner' "
            "is the server's owner (JUPYTERHUB_USER or the OS user); 'auto' uses 'owner' with "
            "jupyter_server's own token/password login (which names every token holder "
            "'anonymous'), else 'identity'."
        ),
    ).tag(config=True)

    @default("store_path")
    def _default_store_path(self) -> str:
        # Notebook kernels inherit the server's environment and journal to INTERVAL_NB_STORE
        # when it is set: the history must read that same file.
        return str(configured_path() or default_path())

    service: RunService
    _voila_culling: asyncio.Task[None] | None = None

    def initialize_settings(self) -> None:
        """Open the history and set up the service (no kernel is started here)."""
        assert self.serverapp is not None
        # Kernels this server starts inherit it: their RunViews load the renderer from the
        # static route below instead of carrying it (see interval_nb.channels.renderer).
        os.environ[SERVED_ENV] = str(os.getpid())
        self._speed_up_kernel_websockets()
        self.service = RunService(
            kernel_manager=self.serverapp.kernel_manager,
            store_path=self.store_path,
            registries=list(self.actions),
            entry_points=self.entry_points,
            kernel_name=self.kernel_name,
            per_run=self.kernels == "per_run",
            start_timeout=self.kernel_start_timeout,
            request_timeout=self.request_timeout,
            idle_timeout=self.kernel_idle_timeout,
            max_kernels=self.max_kernels,
            check_interval=self.kernel_check_interval,
            sweep_interval=self.sweep_interval,
            retention_days=self.retention_days,
            hibernate_after=self.hibernate_after,
            event_logger=getattr(self.serverapp, "event_logger", None),
            log=self.log,
        )
        self.log.info(
            "interval_nb: history in %s; registries %s", self.store_path, self.actions or "none"
        )

    def _speed_up_kernel_websockets(self) -> None:
        # Widget updates are small frames in a row: without TCP_NODELAY each waits for the
        # browser's delayed ACK (see interval_nb.server.nodelay).
        key = "kernel_websocket_connection_class"
        base = self.settings.get(key)
        if base is not None:
            self.settings[key] = nodelay_connection_class(base)

    def initialize_handlers(self) -> None:
        """The app page at ``{base_url}interval/`` and the API under ``{base_url}interval/api/``
        (ExtensionApp prefixes base_url)."""
        self.handlers.append((APP_PAGE_PATH, AppPageHandler))
        self.handlers.extend(routes())

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        """Once the loop runs: the watchdog, the history sweep and the warm kernel."""
        self.service.start_watchdog()
        if self.voila_cull_idle_timeout > 0:
            culler = VoilaCuller(
                serverapp.kernel_manager,
                self.voila_cull_idle_timeout,
                self.voila_cull_interval,
                self.log,
            )
            self._voila_culling = asyncio.create_task(culler.run())
        self.log.info(
            "interval_nb: the app for people who never see code: %s",
            app_url(serverapp.public_url, serverapp.base_url),
        )
        self._preload: asyncio.Task[None] | None = None
        if self.preload_kernel:
            self._preload = asyncio.create_task(self.service.preload())

    async def stop_extension(self) -> None:
        """Server stop: journal unfinished runs as interrupted, shut the kernels down."""
        preload = getattr(self, "_preload", None)
        if preload is not None and not preload.done():
            preload.cancel()
        if self._voila_culling is not None:
            self._voila_culling.cancel()
        await self.service.close()
