"""The run engine: drives action coroutines, judges answers, keeps each run's state and journal."""

from __future__ import annotations

from .context import ActionContext, User
from .loading import Loading
from .run import AnswerOutcome, Run

__all__ = ["ActionContext", "AnswerOutcome", "Loading", "Run", "User"]
