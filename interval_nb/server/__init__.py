"""The Jupyter server extension: actions as kernel tasks, a REST + WebSocket API, run history.

:mod:`.app` is the ExtensionApp ``IntervalNB`` (configuration); :mod:`.handlers` the thin
REST/WebSocket handlers; :mod:`.service` the logic they call (starting, answering, cancelling
runs); :mod:`.history` the read-only history routes (runs, inbox, notifications, journals);
:mod:`.runs` runs as the API shows them; :mod:`.kernels` which kernel a run goes to and
kernel health; :mod:`.link` the relay over one kernel's ``interval_nb`` comm; :mod:`.access`
who is asking and what they may use; :mod:`.events` audit events through the server's event
logger.
"""

from __future__ import annotations

from .app import IntervalNB

__all__ = ["IntervalNB"]
