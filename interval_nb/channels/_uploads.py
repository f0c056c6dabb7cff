"""Files in answers that arrive as JSON (the REST API), decoded into what ``input.file`` takes.

The widget channel gets file contents as binary message buffers (``attach_buffers`` in
:mod:`.widget`); JSON clients send each file as ``{"name", "type", "size", "base64"}``
instead. Both end up as ``{"name", "type", "size", "data": bytes}``, so ``io.input.file``
judges them alike.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .._util import quote


class UploadError(ValueError):
    """A file in an answer cannot be decoded; the message says which and why."""


def decode_uploads(values: Any) -> Any:
    """Replace ``{"base64": ...}`` files in an answer's values by ``{"data": bytes}``.

    A value that is a list of objects any of which has a ``"base64"`` key is a list of files;
    every other value is left as it is. Raises :class:`UploadError` for content that is not
    base64 (whitespace and line breaks are allowed, as ``base64`` tools wrap lines).
    """
    if not isinstance(values, list):
        return values
    out = []
    for index, value in enumerate(values):
        if (
            isinstance(value, list)
            and all(isinstance(f, dict) for f in value)
            and any("base64" in f for f in value)
        ):
            value = [_decode(index, f) if "base64" in f else f for f in value]
        out.append(value)
    return out


def _decode(index: int, upload: dict[str, Any]) -> dict[str, Any]:
    name = quote(upload.get("name"))  # at most 100 characters of whatever was sent
    encoded = upload["base64"]
    if not isinstance(encoded, str):
        raise UploadError(f"value {index}: file {name}: base64 must be a string")
    if encoded.startswith("data:"):
        raise UploadError(
            f"value {index}: file {name}: send the base64 text alone, without the data: URL prefix"
        )
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UploadError(f"value {index}: file {name}: not valid base64 ({exc})") from None
    rest = {k: v for k, v in upload.items() if k != "base64"}
    return {**rest, "size": len(data), "data": data}
