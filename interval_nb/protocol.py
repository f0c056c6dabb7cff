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
    "queued",
    "pending",
    "running",
    "awaiting_input",
    "completed",
    "failed",
    "cancelled",
    "interrupted",
]
"""The states of a run (docs/architecture.md, "Run states"): ``pending → running ⇄ awaiting_input → terminal``.

``queued``: a history row waiting for someone to start it (``POST runs/{id}/start``); no kernel
holds it until then."""

TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "failed", "cancelled", "interrupted"})

REDACTED = "[redacted]"
"""What journals and the run history keep instead of a value marked ``sensitive``."""


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


class _PromptFields(TypedDict):
    id: str
    components: list[ComponentSpec]
    choices: list[ChoiceSpec]
    error: str | None
    exclusive: bool
    attempt: int
    """How many answers to this prompt were rejected so far (0 when first shown)."""


class PromptSpec(_PromptFields, total=False):
    """A prompt: the components shown together and the buttons that submit them.

    ``draft`` is present once a view saved what the person did on it without submitting
    (:class:`DraftMessage`): views draw it when they first show the prompt. It lives in the
    kernel only while the prompt waits, and is never journaled. ``assignees`` is present when
    the prompt was handed to someone (``.assign_to()``): user names and ``group:NAME``.
    """

    draft: dict[str, Any]
    assignees: list[str]


class AnswerMessage(TypedDict, total=False):
    """What the page sends back: one raw value per component, and the choice clicked."""

    type: Literal["answer"]
    prompt_id: str
    values: list[Any]
    choice: str | None


class DraftMessage(TypedDict):
    """The page's draft of the waiting prompt: what the person did and has not submitted.

    ``draft`` is ``{"rev": str, "components": [object | null, ...]}``, one JSON object of plain
    values per component, at most 64 KB (``interval_nb.runtime.drafts``). A draft for a prompt
    that is no longer waiting is ignored.
    """

    type: Literal["draft"]
    prompt_id: str
    draft: dict[str, Any]


class CancelMessage(TypedDict):
    """The person asked to cancel the run."""

    type: Literal["cancel"]


class LoadingState(TypedDict):
    """Progress of long work (``ctx.loading``)."""

    label: str | None
    description: str | None
    items_in_queue: int | None
    items_completed: int


class _NotificationFields(TypedDict):
    message: str
    title: str | None
    time: float


class Notification(_NotificationFields, total=False):
    """A message from ``ctx.notify``.

    ``to`` is present when it was addressed to people (``ctx.notify(..., to=...)``): user
    names and ``group:NAME``; it then also reaches their inbox (``GET notifications``).
    """

    to: list[str]


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


# -- the remote channel: JSON over the ``interval_nb`` comm target ---------------------------
#
# A client (the server extension) opens a comm to the target with a :class:`RemoteOpen`; the
# kernel answers with a :class:`RemoteHello`. Every request carries a ``request_id`` and gets
# exactly one :class:`RemoteReply`; runs started through the comm then report every change as
# a :class:`RemoteUpdate`. IOPub is broadcast to every frontend of the kernel, so each message
# names its run and is safe to ignore for anyone else.

REMOTE_TARGET = "interval_nb"
"""The comm target name registered at kernel start by ``interval_nb.kernel_extension``."""

RemoteRequestType = Literal[
    "start",
    "answer",
    "cancel",
    "state",
    "query",
    "search",
    "draft",
    "list",
    "ping",
    "resume",
    "hibernate",
    "follow",
]


class RemoteOpen(TypedDict, total=False):
    """The ``comm_open`` data: which action registries the kernel should load."""

    type: Literal["open"]
    protocol: str
    registries: list[str]
    """``"package.module:attribute"`` paths of ``Actions`` registries (or single actions)."""
    entry_points: bool
    """Also load the registries of the ``interval_nb.actions`` entry-point group."""


class ScheduleInfo(TypedDict):
    """When a scheduled action fires (``@actions.action(schedule=...)``, ``interval_nb.cron``).

    ``tz`` ``None``: the server's local zone. ``assignee``: each fire queues a run for these
    people (user names, ``group:NAME``); ``None``: it starts one as the server's owner.
    """

    cron: str
    tz: str | None
    assignee: list[str] | None
    catch_up: bool


class ActionInfo(TypedDict):
    """One action as listed to clients."""

    slug: str
    name: str
    description: str | None
    access: list[str] | None
    registry: str
    unlisted: bool
    """Startable by slug but not listed (``interval_nb.compat`` actions with ``unlisted=True``)."""
    schedule: ScheduleInfo | None


class RegistryError(TypedDict):
    """A registry that could not be loaded, and why."""

    registry: str
    message: str


class KernelInfo(TypedDict):
    """Where the kernel runs (for the history's interrupted-run detection and for logs)."""

    pid: int
    host: str
    python: str
    interval_nb: str


class RemoteHello(TypedDict):
    """The kernel's first message on a new comm."""

    type: Literal["hello"]
    protocol: str
    actions: list[ActionInfo]
    errors: list[RegistryError]
    kernel: KernelInfo


class RemoteUser(TypedDict, total=False):
    """The server-verified person a run is started or answered for."""

    username: str
    display_name: str | None


class RemoteRequest(TypedDict, total=False):
    """A request to the kernel; which keys matter depends on ``type``.

    ``start``: ``action``, ``params``, ``user``, and ``run_id`` to give the run the id of a
    queued run the server claimed. ``answer``: ``run_id``, ``prompt_id``,
    ``values``, ``choice``, ``by``. ``cancel``: ``run_id``, ``by``. ``state``: ``run_id``.
    ``query`` / ``search``: ``run_id`` plus the page's query fields. ``draft``: ``run_id``,
    ``prompt_id``, ``draft``. ``resume``: ``run_id`` (rebuild it from the history and replay
    it in this kernel). ``hibernate``: ``run_id`` (let the waiting run go; its journal keeps
    it). ``follow``: ``run_id`` (report a run this kernel shows elsewhere, e.g. in a notebook,
    to this client from now on). ``list`` and ``ping``: nothing else.
    """

    type: RemoteRequestType
    request_id: str
    action: str
    params: dict[str, Any]
    user: RemoteUser
    run_id: str
    prompt_id: str
    values: list[Any]
    choice: str | None
    by: str
    draft: dict[str, Any]


class RemoteRun(RunState):
    """A run as the kernel reports it: its state (prompt values of secrets redacted) and origin."""

    user: str
    params: dict[str, Any]
    created: float


class RemoteReply(TypedDict, total=False):
    """The one reply to a request. ``ok`` false carries ``code`` and ``message``.

    Codes: ``not_found`` (action or run), ``bad_request``, ``not_waiting``, ``stale_prompt``,
    ``busy``, ``malformed``, ``too_large``. ``start``/``state`` replies carry ``run``;
    ``answer`` replies ``accepted`` and, when not accepted, the ``prompt`` shown again with its
    errors; ``draft`` replies ``saved`` (false: the prompt is no longer waiting).
    """

    type: Literal["reply"]
    request_id: str
    ok: bool
    code: str
    message: str
    run: RemoteRun
    accepted: bool
    prompt: PromptSpec | None
    cancelled: bool
    actions: list[ActionInfo]
    errors: list[RegistryError]
    runs: list[dict[str, Any]]
    result: dict[str, Any]
    saved: bool


class RemoteUpdate(TypedDict, total=False):
    """A change of a run started through the comm: only the fields that changed.

    ``logs``, ``notifications`` and ``transcript`` carry the *new* entries only. ``run`` is
    present when the kernel started the run itself (``ctx.redirect`` continues in a new run).
    """

    type: Literal["update"]
    run_id: str
    status: RunStatus
    prompt: PromptSpec | None
    loading: LoadingState | None
    logs: list[str]
    notifications: list[Notification]
    transcript: list[TranscriptEntry]
    result: Any
    error: ErrorInfo | None
    redirect: dict[str, Any]
    run: RemoteRun
