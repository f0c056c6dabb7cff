"""``ctx.loading``: progress of long work, coalesced before it reaches the wire.

``start()`` resets the state, ``update()`` merges into it, ``complete_one()`` counts an item.
Each call only changes a small dict and asks the run to publish "soon": the run sends at most
one loading update per :data:`~interval_nb.runtime.run.COALESCE_SECONDS`, so a loop calling
``complete_one()`` a hundred thousand times costs microseconds each and a handful of messages.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ActionDefinitionError
from ..protocol import LoadingState

_UNSET: object = object()


class Loading:
    """The progress indicator of one run (``ctx.loading``)."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self.state: LoadingState | None = None

    def start(
        self,
        label: str | None = None,
        *,
        description: str | None = None,
        items_in_queue: int | None = None,
    ) -> None:
        """Show a new progress indicator, replacing any earlier one.

        >>> ctx.loading.start(label="Refunding", items_in_queue=len(rows))  # doctest: +SKIP
        """
        self.state = {
            "label": _text(label, "label"),
            "description": _text(description, "description"),
            "items_in_queue": _count(items_in_queue),
            "items_completed": 0,
        }
        self._on_change()

    def update(
        self,
        label: str | object | None = _UNSET,
        *,
        description: str | object | None = _UNSET,
        items_in_queue: int | object | None = _UNSET,
    ) -> None:
        """Change some fields of the indicator, keeping the others."""
        state = self.state or {
            "label": None,
            "description": None,
            "items_in_queue": None,
            "items_completed": 0,
        }
        if label is not _UNSET:
            state["label"] = _text(label, "label")
        if description is not _UNSET:
            state["description"] = _text(description, "description")
        if items_in_queue is not _UNSET:
            state["items_in_queue"] = _count(items_in_queue)
        self.state = state
        self._on_change()

    def complete_one(self) -> None:
        """Count one more item done (cheap: call it in tight loops)."""
        state = self.state
        if state is None:
            self.start()
            state = self.state
            assert state is not None
        state["items_completed"] += 1
        self._on_change()

    def clear(self) -> None:
        """Hide the indicator."""
        self.state = None
        self._on_change()


def _text(value: object, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ActionDefinitionError(f"ctx.loading: {name} must be a string")


def _count(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ActionDefinitionError("ctx.loading: items_in_queue must be a non-negative integer")
    return value
