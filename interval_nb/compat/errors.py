"""The exceptions of interval-sdk, as interval_nb exceptions.

interval-sdk raises ``IOError(kind)`` from an ``await io.…`` that cannot complete. Here that
class is :class:`IntervalIOError` (``interval_nb.compat`` also exports it under the
interval-sdk spelling ``IOError``; this package never shadows the builtin itself). Building
one with a kind gives the subclass for that kind, so both ``except IOError as e: if e.kind ==
"CANCELED"`` and ``except IOCanceled`` work::

    IntervalNBError
    ├── IntervalIOError            an io call could not complete (``.kind``, ``.message``)
    │   ├── IOCanceled             "CANCELED": the person cancelled the run at this prompt
    │   ├── TransactionClosed      "TRANSACTION_CLOSED": io after the run was cancelled or redirected
    │   ├── BadResponse            "BAD_RESPONSE"
    │   ├── ResponseHandlerError   "RESPONSE_HANDLER_ERROR"
    │   └── RenderError            "RENDER_ERROR"
    ├── IntervalError              interval-sdk's general error (unknown run id, …)
    ├── NotInitializedError
    └── NotConnectedError

Only ``CANCELED`` and ``TRANSACTION_CLOSED`` are raised by interval_nb (the others come from
Interval's servers); the classes exist so code that catches them keeps importing.
"""

from __future__ import annotations

from typing import Any, Literal

from ..errors import IntervalNBError

__all__ = [
    "BadResponse",
    "IOCanceled",
    "IOErrorKind",
    "IntervalError",
    "IntervalIOError",
    "NotConnectedError",
    "NotInitializedError",
    "RenderError",
    "ResponseHandlerError",
    "TransactionClosed",
]

IOErrorKind = Literal[
    "CANCELED", "TRANSACTION_CLOSED", "BAD_RESPONSE", "RESPONSE_HANDLER_ERROR", "RENDER_ERROR"
]


class IntervalIOError(IntervalNBError):
    """interval-sdk's ``IOError``: an io call could not complete.

    Attributes
    ----------
    kind: ``"CANCELED"``, ``"TRANSACTION_CLOSED"``, ``"BAD_RESPONSE"``,
        ``"RESPONSE_HANDLER_ERROR"`` or ``"RENDER_ERROR"``.
    message: an optional explanation; ``str(err)`` is the message, else the kind.
    """

    kind: IOErrorKind
    message: str | None

    def __new__(cls, kind: IOErrorKind, message: str | None = None) -> IntervalIOError:
        chosen = _BY_KIND.get(kind, cls) if cls is IntervalIOError else cls
        return super().__new__(chosen)

    def __init__(self, kind: IOErrorKind, message: str | None = None) -> None:
        super().__init__(kind, message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message if self.message is not None else self.kind

    def __reduce__(self) -> tuple[Any, ...]:
        return (IntervalIOError, (self.kind, self.message))


class IOCanceled(IntervalIOError):
    """``CANCELED``: the person cancelled the run while this prompt was waiting."""


class TransactionClosed(IntervalIOError):
    """``TRANSACTION_CLOSED``: an io call after the run was cancelled or redirected."""


class BadResponse(IntervalIOError):
    """``BAD_RESPONSE`` (raised by Interval's servers; kept for ``except`` clauses)."""


class ResponseHandlerError(IntervalIOError):
    """``RESPONSE_HANDLER_ERROR`` (raised by Interval's servers; kept for ``except`` clauses)."""


class RenderError(IntervalIOError):
    """``RENDER_ERROR`` (raised by Interval's servers; kept for ``except`` clauses)."""


_BY_KIND: dict[str, type[IntervalIOError]] = {
    "CANCELED": IOCanceled,
    "TRANSACTION_CLOSED": TransactionClosed,
    "BAD_RESPONSE": BadResponse,
    "RESPONSE_HANDLER_ERROR": ResponseHandlerError,
    "RENDER_ERROR": RenderError,
}


class IntervalError(IntervalNBError):
    """interval-sdk's ``IntervalError``: something asked of Interval could not be done."""


class NotInitializedError(IntervalNBError):
    """interval-sdk's ``NotInitializedError`` (kept for ``except`` clauses)."""


class NotConnectedError(IntervalNBError):
    """interval-sdk's ``NotConnectedError`` (kept for ``except`` clauses; never raised here)."""


def unsupported(feature: str, instead: str) -> NotImplementedError:
    """The error for an interval-sdk feature that has no counterpart in interval_nb."""
    return NotImplementedError(f"{feature} is not supported by interval_nb.compat: {instead}")
