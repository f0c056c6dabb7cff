"""Small helpers shared by several layers: sync-or-async callbacks, JSON-safe values, and
quoting what people sent inside messages without echoing it whole."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import inspect
import math
import reprlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

QUOTE_LIMIT = 100
"""Most characters of user-supplied text any message quotes (see :func:`quote`)."""

MESSAGE_LIMIT = 1_000
"""Longest error message shown to a person (see :func:`shorten`)."""


def _quoter() -> reprlib.Repr:
    # reprlib bounds the work as well as the result: a forged 1 MB list is not repr'd whole.
    r = reprlib.Repr()
    r.maxstring = r.maxother = r.maxlong = QUOTE_LIMIT
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = 4
    r.maxlevel = 2
    return r


_QUOTER = _quoter()


def quote(value: object) -> str:
    """``repr(value)`` for a message, at most :data:`QUOTE_LIMIT` characters (``…`` when cut).

    Every message that names something a person (or a forged page) sent goes through here,
    so a refused 900 KB value produces a 100-character error, not a 900 KB one.
    """
    return shorten(_QUOTER.repr(value), QUOTE_LIMIT)


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…`` when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def call_maybe_async(fn: Callable[..., T | Awaitable[T]], *args: Any) -> T:
    """Call ``fn(*args)`` and await the result if it is awaitable.

    The one place where author callbacks (validators, metadata values) that may be sync or
    async are normalised.
    """
    result = fn(*args)
    if inspect.isawaitable(result):
        return await result  # type: ignore[no-any-return,unused-ignore]
    return result


async def resolve_maybe_async(value: Any) -> Any:
    """Resolve a value that may be a zero-argument callable or an awaitable."""
    if callable(value):
        value = value()
    if inspect.isawaitable(value):
        value = await value
    return value


def jsonable(value: Any, *, depth: int = 0) -> Any:
    """Return a JSON-serialisable rendering of ``value`` for display.

    Dates become ISO strings, bytes become base64, dataclasses and mappings become dicts;
    anything else unknown becomes its ``repr``. Non-finite floats become strings.
    """
    if depth > 20:
        return "…"
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: jsonable(getattr(value, f.name), depth=depth + 1)
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, depth=depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v, depth=depth + 1) for v in value]
    return repr(value)
