"""How the catalog learns where a signed-in learner stands, without importing the learning
feature.

The learning feature lists its activities through the catalog's queries, so the catalog
importing learning back would close an import cycle. Instead the learning feature registers
its reckoning under :data:`EXTENSION` when its blueprint is registered, and the catalog page
asks for it: without the learning feature, the catalog simply shows no progress.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from quizapp.catalog.queries import ActivityListing
from quizapp.db import Database

EXTENSION = "quizapp.learner_progress"
"""The key of the app's extensions under which learning registers its :class:`ProgressOf`."""


class Progress(Protocol):
    """What the catalog shows of a learner's standing in one activity."""

    @property
    def status(self) -> str:
        """ "not started", "in progress", "passed, evaluation due", "completed", …"""
        ...

    @property
    def started(self) -> bool: ...


class ProgressOf(Protocol):
    def __call__(
        self,
        session: Session,
        db: Database,
        user_id: int,
        listings: Sequence[ActivityListing],
        today: dt.date,
    ) -> Mapping[int, Progress]:
        """The learner's standing per listed activity, by activity id."""
        ...
