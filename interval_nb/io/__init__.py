"""The author API: build prompts as data; awaiting one shows it in the active run."""

from __future__ import annotations

from .components import Component, InvalidAnswer
from .namespace import IO, Display, Input, Select, io
from .prompt import ChoiceResult, Prompt

__all__ = [
    "IO",
    "ChoiceResult",
    "Component",
    "Display",
    "Input",
    "InvalidAnswer",
    "Prompt",
    "Select",
    "io",
]
