"""The questions of one activity as every export format reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from quizapp.content.folder import read_figure
from quizapp.content.model import Activity, Question


class ExchangeError(Exception):
    """Input that cannot be exchanged: a message for the person who gave it, never a trace."""


@dataclass(frozen=True)
class Bank:
    identifier: str
    """The activity's ``id``: stable across versions, so it names the exported test."""
    title: str
    questions: tuple[Question, ...]
    figures: dict[str, bytes] = field(default_factory=dict)
    """``figures/...`` path in the activity folder -> the file's bytes."""
    passing_score: Decimal = Decimal(70)
    partial_credit: bool = False


def bank_from_activity(activity: Activity) -> Bank:
    """The activity's posttest with the bytes of its figures (the writers keep those the
    questions show)."""
    return Bank(
        identifier=activity.meta.id,
        title=activity.meta.title,
        questions=activity.questions,
        figures={name: read_figure(path) for name, path in sorted(activity.figures.items())},
        passing_score=activity.meta.passing_score,
        partial_credit=activity.meta.partial_credit,
    )
