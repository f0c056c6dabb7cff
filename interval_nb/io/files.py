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
import re
from typing import Any

from .._context import active_host
from ..errors import ActionDefinitionError
from .components import Component, InvalidAnswer, component_class

DEFAULT_MAX_SIZE = 10 * 2**20
"""10 MiB: Jupyter's websocket limits make much larger uploads unreliable."""


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
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(self.name)) or "upload"
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
            name, data = item.get("name"), item.get("data")
            if not isinstance(name, str) or not isinstance(data, (bytes, bytearray, memoryview)):
                raise InvalidAnswer("A file arrived without its contents; choose it again.")
            data = bytes(data)
            if allowed and not any(name.lower().endswith(ext) for ext in allowed):
                raise InvalidAnswer(f"{name}: only {', '.join(allowed)} files are accepted.")
            if len(data) > limit:
                raise InvalidAnswer(f"{name} is {_human(len(data))}; the limit is {_human(limit)}.")
            files.append(UploadedFile(name, str(item.get("type") or ""), data))
        return files if self.props.get("multiple") else files[0]

    def echo(self, raw: Any) -> Any:
        # file contents are never sent back to the page; names tell the person what to re-choose
        if not isinstance(raw, list):
            return []
        return [
            {"name": str(f.get("name")), "size": f.get("size")} for f in raw if isinstance(f, dict)
        ]

    def summary(self, value: Any) -> Any:
        files = value if isinstance(value, list) else [value]
        return [{"name": f.name, "size": f.size} for f in files if f is not None]


def check_extensions(extensions: Any) -> list[str] | None:
    """Normalise ``allowed_extensions`` to lowercase ``.ext`` strings."""
    if extensions is None:
        return None
    if isinstance(extensions, str) or not all(isinstance(e, str) for e in extensions):
        raise ActionDefinitionError(
            "io.input.file(): allowed_extensions is a list like ['.csv', '.json']"
        )
    return [("." + e.lower().lstrip(".")) for e in extensions]
