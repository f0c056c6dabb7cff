"""``io.input.file``: files the person uploads, checked in the kernel.

The page sends file contents as binary message buffers; the widget channel turns each file
into ``{"name", "type", "size", "data": bytes}`` before the answer is judged (the remote
channel does the same with files that JSON clients send as base64). The action gets
:class:`UploadedFile` objects that hold the bytes in memory; ``.path`` writes the file into a
temporary directory the run owns, removed when the run ends.
"""

from __future__ import annotations

import dataclasses
import json
import os
import unicodedata
from typing import Any

from .._context import active_host
from .._util import quote
from ..errors import ActionDefinitionError
from .components import MAX_ECHOED_ITEMS, Component, InvalidAnswer, component_class

DEFAULT_MAX_SIZE = 10 * 2**20
"""10 MiB: Jupyter's websocket limits make much larger uploads unreliable."""

FALLBACK_NAME = "upload"
"""The name a file gets when the name it was sent with leaves nothing safe."""

MAX_NAME_BYTES = 255
"""Longest file name in UTF-8 bytes (the usual file-system limit, ``NAME_MAX``)."""

_UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs")
"""Control, format (e.g. a right-to-left override disguising ``.exe``) and lone surrogate
code points (unencodable: the file could not be written)."""


def safe_filename(name: object) -> str:
    """A sent file name reduced to a safe basename (or :data:`FALLBACK_NAME`).

    The browser sends only a name, but a forged answer can send anything: the last part after
    any ``/`` or ``\\`` is kept (``../../etc/passwd`` → ``passwd``, ``C:\\x\\y.csv`` →
    ``y.csv``), control and invisible characters are removed, a name of only dots or spaces
    (``.``, ``..``) becomes the fallback, and a long name is cut to :data:`MAX_NAME_BYTES`
    keeping its extension. The result can be joined to a directory without leaving it.
    """
    if not isinstance(name, str):
        return FALLBACK_NAME
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _UNSAFE_CATEGORIES)
    base = base.strip()
    if not base.strip("."):
        return FALLBACK_NAME
    return _cap_name(base)


def _cap_name(name: str) -> str:
    """``name`` cut to :data:`MAX_NAME_BYTES` UTF-8 bytes, keeping a short extension."""
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, ext = os.path.splitext(name)
    if len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    budget = MAX_NAME_BYTES - len(ext.encode("utf-8"))
    cut = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")  # never half a character
    return (cut.strip() or FALLBACK_NAME) + ext


def _human(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size} bytes"


class UploadedFile:
    """A file the person uploaded: ``name``, ``type``, ``size``, ``read()``, ``text()``, ``json()``."""

    def __init__(self, name: str, type: str, data: bytes) -> None:
        self.name = name
        self.type = type
        self.size = len(data)
        self._data = data
        self._path: str | None = None

    def read(self) -> bytes:
        """The file's bytes."""
        return self._data

    def text(self, encoding: str = "utf-8") -> str:
        """The file decoded as text."""
        return self._data.decode(encoding)

    def json(self) -> Any:
        """The file parsed as JSON."""
        return json.loads(self._data)

    @property
    def path(self) -> str:
        """A path to the file on disk (in the run's temporary directory; removed when it ends)."""
        if self._path is None:
            host = active_host.get()
            tempdir = getattr(host, "tempdir", None)
            if tempdir is None:
                raise RuntimeError("UploadedFile.path is only available while its run is active")
            safe = safe_filename(self.name)  # names from parse() already are; others may not be
            folder = os.path.join(tempdir(), f"{id(self):x}")
            os.makedirs(folder, exist_ok=True)
            self._path = os.path.join(folder, safe)
            with open(self._path, "wb") as out:
                out.write(self._data)
        return self._path

    def __repr__(self) -> str:
        return f"<UploadedFile {self.name!r} {self.type or 'unknown type'} {_human(self.size)}>"


@component_class("input.file")
@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class FileInput(Component):
    """Ask for one file (or several with ``.multiple()``)."""

    def multiple(self) -> FileInput:
        """Accept several files; the action gets a list."""
        return dataclasses.replace(self, props={**self.props, "multiple": True})

    def initial_value(self) -> Any:
        return []

    def is_missing(self, raw: Any) -> bool:
        return raw is None or raw == []

    def parse(self, raw: Any) -> Any:
        if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
            raise InvalidAnswer("Expected uploaded files.")
        if len(raw) > 1 and not self.props.get("multiple"):
            raise InvalidAnswer("Choose one file.")
        allowed = self.props.get("allowed_extensions")
        limit = self.props.get("max_size", DEFAULT_MAX_SIZE)
        files = []
        for item in raw:
            sent, data = item.get("name"), item.get("data")
            if not isinstance(sent, str) or not isinstance(data, (bytes, bytearray, memoryview)):
                raise InvalidAnswer("A file arrived without its contents; choose it again.")
            name = safe_filename(sent)
            data = bytes(data)
            if allowed and not any(name.lower().endswith(ext) for ext in allowed):
                raise InvalidAnswer(f"{quote(name)}: only {', '.join(allowed)} files are accepted.")
            if len(data) > limit:
                raise InvalidAnswer(
                    f"{quote(name)} is {_human(len(data))}; the limit is {_human(limit)}."
                )
            files.append(UploadedFile(name, str(item.get("type") or ""), data))
        return files if self.props.get("multiple") else files[0]

    def echo(self, raw: Any) -> Any:
        # file contents are never sent back to the page; names tell the person what to re-choose
        if not isinstance(raw, list):
            return []
        kept = [
            {"name": safe_filename(f.get("name")), "size": _size_of(f)}
            for f in raw[: MAX_ECHOED_ITEMS + 1]
            if isinstance(f, dict)
        ]
        return kept if len(kept) <= MAX_ECHOED_ITEMS else []


def _size_of(item: dict[str, Any]) -> int | None:
    """The size of a sent file: its bytes' length, else a sent whole number, else ``None``."""
    data, size = item.get("data"), item.get("size")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return len(data)
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None


def check_extensions(extensions: Any) -> list[str] | None:
    """Normalise ``allowed_extensions`` to lowercase ``.ext`` strings."""
    if extensions is None:
        return None
    if isinstance(extensions, str) or not all(isinstance(e, str) for e in extensions):
        raise ActionDefinitionError(
            "io.input.file(): allowed_extensions is a list like ['.csv', '.json']"
        )
    return [("." + e.lower().lstrip(".")) for e in extensions]
