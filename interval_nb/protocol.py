"""Every message that crosses a channel, as typed JSON shapes.

A run shows a :class:`PromptSpec` and waits for an :class:`AnswerMessage`; everything a
view shows about a run is a :class:`RunState`.  The same shapes feed the RunView widget,
the remote comm channel, the journal and the testing driver.  ``PROTOCOL_VERSION``
changes whenever a shape changes incompatibly.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

PROTOCOL_VERSION = "1"

RunStatus = Literal[
    "pending", "running", "awaiting_input", "completed", "failed", "cancelled", "interrupted"
]
"""The states of a run (DESIGN §2): ``pending → running ⇄ awaiting_input → terminal``."""

TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "failed", "cancelled", "interrupted"})


class ComponentSpec(TypedDict):
    """One component of a prompt as the page renders it.

    ``kind`` is the io method path (``"input.email"``, ``"select.multiple"``, ``"confirm"``).
    ``value`` is the raw value the page should show (the default, or what the person typed
    before a validation error); ``error`` is this component's validation message.
    """

    kind: str
    label: str
    props: dict[str, Any]
    optional: bool
    value: Any
    error: str | None


class ChoiceSpec(TypedDict):
    """A custom submit button (``.with_choices()``)."""

    label: str
    value: str
    theme: str | None


class PromptSpec(TypedDict):
    """A prompt: the components shown together and the buttons that submit them."""

    id: str
    components: list[ComponentSpec]
    choices: list[ChoiceSpec]
    error: str | None
    exclusive: bool
    attempt: int
    """How many answers to this prompt were rejected so far (0 when first shown)."""


class AnswerMessage(TypedDict, total=False):
    """What the page sends back: one raw value per component, and the choice clicked."""

    type: Literal["answer"]
    prompt_id: str
    values: list[Any]
    choice: str | None


class CancelMessage(TypedDict):
    """The person asked to cancel the run."""

    type: Literal["cancel"]


class LoadingState(TypedDict):
    """Progress of long work (``ctx.loading``)."""

    label: str | None
    description: str | None
    items_in_queue: int | None
    items_completed: int


class Notification(TypedDict):
    """A message from ``ctx.notify``."""

    message: str
    title: str | None
    time: float


class ErrorInfo(TypedDict):
    """How a failed run is shown: the exception type, its message and the traceback."""

    type: str
    message: str
    traceback: str


class TranscriptEntry(TypedDict):
    """Something the run showed that stays visible: a display, or a summary of an answer."""

    kind: Literal["display", "answer"]
    id: str
    """Tables and grids in the transcript are paged with this id as their ``prompt_id``."""
    components: list[ComponentSpec]


class RunState(TypedDict):
    """Everything a view shows about one run."""

    run_id: str
    action: str
    title: str
    status: RunStatus
    prompt: PromptSpec | None
    transcript: list[TranscriptEntry]
    loading: LoadingState | None
    logs: list[str]
    notifications: list[Notification]
    result: Any
    error: ErrorInfo | None
