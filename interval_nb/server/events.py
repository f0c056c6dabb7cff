"""Audit events through the server's event logger (versioned JSON schemas).

Schemas live in ``interval_nb/event_schemas/<name>/v<N>.yaml``; a changed event shape gets a
new version file, never an edited one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent.parent / "event_schemas"
RUN_ACTIONS = "https://events.jupyter.org/interval_nb/run_actions/v1"
"""Runs started, answered, cancelled, finished, interrupted; requests denied."""

log = logging.getLogger("interval_nb")


class Audit:
    """Emits :data:`RUN_ACTIONS` events; does nothing without an event logger."""

    def __init__(self, event_logger: Any) -> None:
        self.event_logger = event_logger
        if event_logger is not None:
            event_logger.register_event_schema(SCHEMAS / "run_actions" / "v1.yaml")

    def emit(self, action: str, username: str, **data: Any) -> None:
        """Emit one event (``slug``, ``run_id``, ``status``, ``msg`` as available)."""
        if self.event_logger is None:
            return
        event = {"action": action, "username": username}
        event.update({k: str(v) for k, v in data.items() if v is not None})
        try:
            self.event_logger.emit(schema_id=RUN_ACTIONS, data=event)
        except Exception:
            log.exception("interval_nb: could not emit an audit event")
