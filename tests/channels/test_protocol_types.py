"""The page's message types (labextension/src/common/protocol.ts) mirror interval_nb/protocol.py.

Every public TypedDict in ``protocol.py`` has an interface of the same name in ``protocol.ts``
with the same keys, the same optional-ness and the same types (``Any`` is ``unknown``,
``str | None`` is ``string | null``, ``list[X]`` is ``X[]``, ``dict[str, X]`` is
``Record<string, X>``); every ``Literal`` alias has a type alias with the same values; the
constants agree. Changing one side without the other fails here. The second test changes each
side on purpose and checks that the comparison notices.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypedDict

import pytest

from interval_nb import protocol

PROTOCOL_TS = (
    Path(__file__).resolve().parents[2] / "labextension" / "src" / "common" / "protocol.ts"
)
CONSTANTS = ("PROTOCOL_VERSION", "TERMINAL_STATUSES", "REDACTED", "REMOTE_TARGET")

# -- protocol.ts, read with a few regular expressions (the file keeps to simple declarations) --


class TsField(typing.NamedTuple):
    """One key of a TypeScript interface."""

    optional: bool
    type: str


def _strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"//[^\n]*", "", source)


def ts_interfaces(source: str) -> dict[str, dict[str, TsField]]:
    """Every ``export interface``, with the keys of the interfaces it extends."""
    found: dict[str, tuple[list[str], dict[str, TsField]]] = {}
    pattern = r"export\s+interface\s+(\w+)(?:\s+extends\s+([\w\s,]+?))?\s*\{([^}]*)\}"
    for name, bases, body in re.findall(pattern, _strip_comments(source)):
        fields = {
            key: TsField(bool(optional), canonical(type_))
            for key, optional, type_ in re.findall(r"(\w+)(\?)?\s*:\s*([^;]+);", body)
        }
        found[name] = ([b.strip() for b in bases.split(",") if b.strip()], fields)

    def resolve(name: str) -> dict[str, TsField]:
        bases, fields = found[name]
        merged: dict[str, TsField] = {}
        for base in bases:
            merged.update(resolve(base))
        return {**merged, **fields}

    return {name: resolve(name) for name in found}


def ts_aliases(source: str) -> dict[str, str]:
    """Every ``export type Name = …;``, canonical."""
    pattern = r"export\s+type\s+(\w+)\s*=\s*([^;]+);"
    return {name: canonical(body) for name, body in re.findall(pattern, _strip_comments(source))}


def ts_constants(source: str) -> dict[str, Any]:
    """Every ``export const NAME … = 'text'`` or ``= ['a', 'b']``."""
    found: dict[str, Any] = {}
    pattern = r"export\s+const\s+(\w+)(?:\s*:[^=]+)?\s*=\s*([^;]+);"
    for name, value in re.findall(pattern, _strip_comments(source)):
        strings = re.findall(r"'([^']*)'", value)
        found[name] = strings if value.strip().startswith("[") else "".join(strings)
    return found


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside <…>, (…) and […]."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "<([":
            depth += 1
        elif char in ">)]":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def canonical(type_: str) -> str:
    """A TypeScript type written one way: no spaces, double quotes, union members sorted
    (a union broken over lines starts with ``|``)."""
    text = re.sub(r"\s+", "", type_).replace("'", '"').removeprefix("|")
    while (
        text.startswith("(") and text.endswith(")") and _split_top(text[1:-1], "|") == [text[1:-1]]
    ):
        text = text[1:-1]
    members = _split_top(text, "|")
    if len(members) > 1:
        return "|".join(sorted(canonical(m) for m in members))
    if text.endswith("[]"):
        inner = canonical(text[:-2].removeprefix("(").removesuffix(")"))
        return f"({inner})[]" if "|" in inner else f"{inner}[]"
    if text.startswith("Record<"):
        key, value = _split_top(text[len("Record<") : -1], ",")
        return f"Record<{canonical(key)},{canonical(value)}>"
    return text


# -- protocol.py, turned into the TypeScript the file should say -------------------------------


def py_typeddicts(namespace: dict[str, Any]) -> dict[str, Any]:
    """The public TypedDicts of a module namespace."""
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and typing.is_typeddict(value)
    }


def py_literal_aliases(namespace: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Module-level ``Name = Literal[...]`` aliases."""
    return {
        name: typing.get_args(value)
        for name, value in namespace.items()
        if typing.get_origin(value) is Literal
    }


def ts_type(tp: Any, aliases: dict[tuple[Any, ...], str]) -> str:
    """The TypeScript that says what the Python annotation ``tp`` says (canonical)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    simple = {str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}
    if tp is Any:
        return "unknown"
    if tp in simple:
        return simple[tp]
    if origin is Literal:
        return aliases.get(args) or canonical("|".join(f"'{a}'" for a in args))
    if origin in (typing.Union, types.UnionType):
        return canonical("|".join(ts_type(a, aliases) for a in args))
    if origin is list:
        return canonical(f"({ts_type(args[0], aliases)})[]")
    if origin is dict:
        return canonical(f"Record<{ts_type(args[0], aliases)},{ts_type(args[1], aliases)}>")
    if typing.is_typeddict(tp):
        return str(tp.__name__)
    raise AssertionError(f"no TypeScript spelling for {tp!r}: extend ts_type()")


def problems(namespace: dict[str, Any], source: str) -> list[str]:
    """Every way protocol.ts (``source``) differs from a protocol.py namespace."""
    found: list[str] = []
    interfaces, ts_alias = ts_interfaces(source), ts_aliases(source)
    literals = py_literal_aliases(namespace)
    aliases = {values: name for name, values in literals.items()}
    typed = py_typeddicts(namespace)
    found += [f"{n}: only in protocol.ts" for n in sorted(set(interfaces) - set(typed))]
    for name, cls in typed.items():
        if name not in interfaces:
            found.append(f"{name}: no interface in protocol.ts")
            continue
        ts_fields = interfaces[name]
        hints = typing.get_type_hints(cls, globalns=namespace)
        for key in sorted(set(hints) | set(ts_fields)):
            if key not in ts_fields or key not in hints:
                side = "protocol.ts" if key not in ts_fields else "protocol.py"
                found.append(f"{name}.{key}: missing in {side}")
                continue
            optional = key in cls.__optional_keys__
            if ts_fields[key].optional != optional:
                found.append(f"{name}.{key}: optional in one file only")
            want = ts_type(hints[key], aliases)
            if ts_fields[key].type != want:
                found.append(f"{name}.{key}: protocol.ts says {ts_fields[key].type}, want {want}")
    for name, values in literals.items():
        want = canonical("|".join(f"'{v}'" for v in values))
        if ts_alias.get(name) != want:
            found.append(f"{name}: protocol.ts says {ts_alias.get(name)}, want {want}")
    constants = ts_constants(source)
    for name in CONSTANTS:
        value = namespace[name]
        mine = constants.get(name)
        same = (
            sorted(value) == sorted(mine or []) if isinstance(value, frozenset) else value == mine
        )
        if not same:
            found.append(f"{name}: protocol.ts says {mine!r}, protocol.py {value!r}")
    return found


def test_protocol_ts_mirrors_protocol_py() -> None:
    source = PROTOCOL_TS.read_text()
    assert len(ts_interfaces(source)) >= 20  # the regular expressions still read the file
    assert problems(vars(protocol), source) == []


# -- the comparison notices drift on either side ------------------------------------------------

TS_DRIFT = [
    ("  label: string | null;\n  description: string | null;", "  label: string | null;", "LoadingState.description: missing in protocol.ts"),
    ("  title: string | null;\n  time: number;", "  title?: string | null;\n  time: number;", "Notification.title: optional"),
    ("  attempt: number;\n  draft?:", "  attempt: number;\n  draft:", "PromptSpec.draft: optional"),
    ("  kernel: KernelInfo;", "  kernel: KernelInfo;\n  uptime: number;", "RemoteHello.uptime: missing in protocol.py"),
    ("  items_completed: number;", "  items_completed: number | null;", "LoadingState.items_completed: protocol.ts says"),
    ("  | 'completed'\n  | 'failed'", "  | 'completed'\n  | 'done'\n  | 'failed'", "RunStatus: protocol.ts says"),
    ("  type: 'cancel';", "  type: 'stop';", "CancelMessage.type: protocol.ts says"),
    ("export const PROTOCOL_VERSION = '1';", "export const PROTOCOL_VERSION = '2';", "PROTOCOL_VERSION"),
    ("['completed', 'failed', 'cancelled', 'interrupted']", "['completed', 'failed', 'cancelled']", "TERMINAL_STATUSES"),
    ("export interface RegistryError {", "export interface RegistryErrors {", "RegistryError: no interface"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "expected"), TS_DRIFT)
def test_a_change_to_protocol_ts_alone_is_caught(old: str, new: str, expected: str) -> None:
    source = PROTOCOL_TS.read_text()
    assert source.count(old) == 1, f"the drift example no longer matches protocol.ts: {old!r}"
    found = problems(vars(protocol), source.replace(old, new))
    assert any(expected in p for p in found), found


class CancelMessage(TypedDict):
    """protocol.py's CancelMessage with a key protocol.ts does not have."""

    type: Literal["cancel"]
    reason: str


class ErrorInfo(TypedDict, total=False):
    """protocol.py's ErrorInfo with every key optional."""

    type: str
    message: str
    traceback: str


class LoadingState(TypedDict):
    """protocol.py's LoadingState with a changed type."""

    label: str
    description: str | None
    items_in_queue: int | None
    items_completed: int


PY_DRIFT = [
    ({"CancelMessage": CancelMessage}, "CancelMessage.reason: missing in protocol.ts"),
    ({"ErrorInfo": ErrorInfo}, "ErrorInfo.type: optional in one file only"),
    ({"LoadingState": LoadingState}, "LoadingState.label: protocol.ts says"),
    ({"RunStatus": Literal["pending", "running", "paused"]}, "RunStatus: protocol.ts says"),
    ({"REMOTE_TARGET": "interval_nb2"}, "REMOTE_TARGET"),
]


@pytest.mark.parametrize(("change", "expected"), PY_DRIFT)
def test_a_change_to_protocol_py_alone_is_caught(change: dict[str, Any], expected: str) -> None:
    namespace = {**vars(protocol), **change}
    found = problems(namespace, PROTOCOL_TS.read_text())
    assert any(expected in p for p in found), found
