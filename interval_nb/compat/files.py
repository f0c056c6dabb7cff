"""``io.input.file`` values in interval-sdk's shape: :class:`IntervalFile`.

interval-sdk hands the action an ``IntervalFile`` whose contents sit behind a pre-signed URL.
Here the upload arrives in the kernel (``interval_nb.io.files.UploadedFile``), so
``read()``/``text()``/``json()`` need no network and ``url`` is a ``file://`` URL of a copy in
the run's temporary directory (removed when the run ends, as Interval's URLs expire).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os.path
from pathlib import Path
from typing import Any, TypedDict

from ..io.files import UploadedFile

__all__ = ["FileState", "FileUrlSet", "IntervalFile"]


class FileUrlSet(TypedDict):
    """What interval-sdk's ``generate_presigned_urls`` returns (unsupported here)."""

    uploadUrl: str
    downloadUrl: str


@dataclasses.dataclass
class FileState:
    """What interval-sdk's ``generate_presigned_urls`` receives (unsupported here)."""

    name: str
    type: str


class IntervalFile:
    """An uploaded file: ``name``, ``type``, ``size``, ``extension``, ``read()``, ``text()``, ``json()``.

    ``last_modified`` is ``None`` (browsers do not send it with the upload); ``url`` is a
    ``file://`` URL of a copy that exists while the run is live.

    >>> f = await io.input.file("Invoices")  # doctest: +SKIP
    >>> rows = f.text().splitlines()  # doctest: +SKIP
    """

    def __init__(self, upload: UploadedFile) -> None:
        self._upload = upload
        self.last_modified: dt.datetime | None = None
        self.name: str = upload.name
        self.type: str = upload.type
        self.size: int = upload.size

    @property
    def url(self) -> str:
        """A ``file://`` URL of the file (written on first use; removed when the run ends)."""
        return Path(self._upload.path).as_uri()

    @property
    def extension(self) -> str:
        """The file name's extension with its dot (``".csv"``), or ``""``."""
        return os.path.splitext(self.name)[1]

    def read(self) -> bytes:
        """The file's bytes."""
        return self._upload.read()

    def text(self) -> str:
        """The file decoded as UTF-8."""
        return self._upload.text("utf-8")

    def json(self) -> Any:
        """The file parsed as JSON."""
        return json.loads(self._upload.read().decode("utf-8"))

    def __repr__(self) -> str:
        return f"IntervalFile(name={self.name!r}, type={self.type!r}, size={self.size})"
