"""Strict decoding of request bodies: what the API accepts as JSON, and clear 400s for the rest.

A body must be UTF-8 JSON holding one object, nested at most :data:`MAX_DEPTH` levels, with
no ``NaN``/``Infinity`` (not JSON, and numbers too large for a float overflow to them), no
duplicate keys and no unpaired surrogate (``"\\ud800"``) in any key or string. Each of these
would otherwise fail later, far from the request (Python's recursion limit while parsing or
relaying, the kernel message packer, a text input receiving ``"nan"``), as a 500.

The depth is measured on the text before parsing and the surrogates are found by walking the
parsed value with an explicit stack, so neither check recurses.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from .errors import ApiError

MAX_DEPTH = 64
"""Most levels of ``[]``/``{}`` a body may nest (the body object itself is level 1)."""

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A JSON string literal (escapes included): removed before counting brackets."""

_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class _Refused(ValueError):
    """Raised by the parser's hooks; becomes a 400 with its message."""


def decode_body(raw: bytes | None) -> dict[str, Any]:
    """The JSON object in a request body (an empty body is ``{}``); 400 ``bad_request`` if not."""
    if not raw:
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(f"the body is not UTF-8 (invalid byte at offset {exc.start})") from None
    depth = nesting_depth(text)
    if depth > MAX_DEPTH:
        raise _bad(f"the body nests {depth} levels deep; at most {MAX_DEPTH} are allowed")
    try:
        data = json.loads(
            text,
            parse_constant=_no_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except _Refused as exc:
        raise _bad(str(exc)) from None
    except ValueError as exc:  # JSONDecodeError, and ints beyond Python's digit limit
        raise _bad(f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _bad("the body must be a JSON object")
    where = first_unpaired_surrogate(data)
    if where is not None:
        raise _bad(f"the body has an unpaired UTF-16 surrogate in {where}")
    return data


def nesting_depth(text: str) -> int:
    """How deep ``[]``/``{}`` nest in JSON ``text``, counted without parsing or recursing.

    Brackets inside string literals do not count. For text that is not JSON the count is
    approximate, which is fine: such a body is refused either way.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    steps = map(_STEP.__getitem__, brackets)
    return max(0, max(itertools.accumulate(steps)))


def first_unpaired_surrogate(value: Any) -> str | None:
    """Where the first key or string holding an unpaired surrogate is (a JSON path), or ``None``.

    A surrogate cannot be encoded as UTF-8, so such a string would break every later step
    (the kernel message, the history, the response).
    """
    for path, text in _strings(value):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return path
    return None


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every key and string in ``value`` with its path, depth first, with an explicit stack."""
    stack: list[tuple[str, Any]] = [("$", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield f"a key of {path}", key
                stack.append((f"{path}.{_short(key)}", child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))


def _short(key: str) -> str:
    """A key as shown in a path: printable, and short enough for a message."""
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in key[:40])
    return shown if len(key) <= 40 else shown + "…"


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not JSON (numbers must be finite)")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(f"the number {literal[:40]} is too large")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) == len(pairs):
        return data
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise _Refused(f"the key {_short(key)!r} appears twice in one object")
        seen.add(key)
    return data  # unreachable: a shorter dict means a repeated key


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)
