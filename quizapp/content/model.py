"""Plain values for an activity as its author wrote it, with source line numbers kept."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from quizapp.content.evaluation import EvaluationItem
from quizapp.content.review_policy import ReviewPolicy

QUESTION_TYPES = ("true-false", "single", "multiple")

UNPRINTABLE_RE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""Characters that would break a ``path:line: message`` line or the terminal showing it: control
characters and line breaks, lone surrogates (which no encoding can print) and the bidirectional
overrides that can make a printed line read differently from what it holds."""


def printable(text: str) -> str:
    """``text`` with each character of :data:`UNPRINTABLE_RE` written as a backslash escape."""
    return UNPRINTABLE_RE.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


@dataclass(frozen=True, order=True)
class Problem:
    """Something an author must fix, located as ``path:line``.

    The path and the message often quote what the author wrote (a file name, a value, an
    option), so both are made :func:`printable` here, once: every problem is then exactly one
    line that any terminal, log or page can show, whatever the author's files contain.
    """

    path: str
    line: int
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "message", printable(self.message))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Relationship:
    company: str
    relationship: str


@dataclass(frozen=True)
class FacultyMember:
    name: str
    credentials: str
    role: str
    affiliation: str
    relationships: tuple[Relationship, ...]


@dataclass(frozen=True)
class CreditOffer:
    type: str
    amount: Decimal
    statement: str
    uan: str | None = None


@dataclass(frozen=True)
class ActivityMeta:
    id: str
    title: str
    summary: str
    provider: str
    learning_format: str
    """A code of :data:`~quizapp.content.formats.LEARNING_FORMATS`."""
    participation: str
    faculty: tuple[FacultyMember, ...]
    disclosure_mitigation: str
    commercial_support: str
    accreditation_statement: str
    credits: tuple[CreditOffer, ...]
    release_date: dt.date
    review_date: dt.date | None
    expiration_date: dt.date
    estimated_minutes: int
    objectives: tuple[str, ...]
    passing_score: Decimal
    attempts_allowed: int | None
    citation: str
    id_line: int = 2
    review: ReviewPolicy = field(default_factory=ReviewPolicy)
    partial_credit: bool = False
    attempt_wait_hours: Decimal = Decimal(0)
    evaluation: tuple[EvaluationItem, ...] | None = None
    follow_up_weeks: int | None = None
    """Weeks after the evaluation that the commitment-to-change follow-up is mailed; None: never."""
    follow_up_questions: tuple[EvaluationItem, ...] | None = None
    """The follow-up survey's own questions; ``None`` for the default ones."""
    certificate_approval: str = "automatic"
    accme_activity_id: str = ""
    certificate_signatory_name: str = ""
    certificate_signatory_title: str = ""
    provider_contact: str = ""
    draft: bool = False
    """``draft: true``: checked and previewed, never published by a sync."""

    def max_credit(self, credit_type: str) -> Decimal | None:
        for offer in self.credits:
            if offer.type == credit_type:
                return offer.amount
        return None


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    pinned: bool
    line: int


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    shuffle: bool
    stem: str
    options: tuple[Option, ...]
    rationale: str
    line: int

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class Activity:
    slug: str
    folder: Path
    meta: ActivityMeta
    article_markdown: str
    questions: tuple[Question, ...]
    figures: dict[str, Path] = field(default_factory=dict)
    content_hash: str = ""
