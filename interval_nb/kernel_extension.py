"""The IPython extension a kernel loads at start to serve remote clients and keep history.

``python -m ipykernel_launcher --ext=interval_nb.kernel_extension`` (the server extension adds
the flag to the kernels it starts) or ``%load_ext interval_nb.kernel_extension`` in a running
kernel:

- registers the ``interval_nb`` comm target (:mod:`interval_nb.channels.remote`) — it must be
  registered before a client opens a comm to it, or the kernel closes the comm at once;
- installs the journal sink that writes every run of the kernel to the run history
  (:func:`interval_nb.store.install_journal_sink`; path from ``INTERVAL_NB_STORE``).
"""

from __future__ import annotations

from typing import Any

from .protocol import REMOTE_TARGET
from .store import install_journal_sink, uninstall_journal_sink

EXTENSION = "interval_nb.kernel_extension"
"""The name to pass to ``--ext=`` / ``%load_ext``."""


def register_comm_target() -> bool:
    """Register the ``interval_nb`` comm target with this kernel; ``False`` outside a kernel."""
    try:
        from comm import get_comm_manager
    except ImportError:
        return False
    manager = get_comm_manager()
    if manager is None:
        return False
    from .channels.remote import open_channel

    manager.register_target(REMOTE_TARGET, open_channel)
    return True


def load_ipython_extension(ipython: Any = None) -> None:
    """Register the comm target and the history journal (idempotent)."""
    register_comm_target()
    install_journal_sink()


def unload_ipython_extension(ipython: Any = None) -> None:
    """Unregister the comm target and stop journaling."""
    try:
        from comm import get_comm_manager

        from .channels.remote import open_channel

        get_comm_manager().unregister_target(REMOTE_TARGET, open_channel)
    except (ImportError, KeyError, AttributeError):
        pass
    uninstall_journal_sink()
