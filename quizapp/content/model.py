"""Plain values for an activity as its author wrote it, with source line numbers kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from quizapp.content.evaluation import EvaluationItem
from quizapp.content.review_policy import ReviewPolicy

QUESTION_TYPES = ("true-false", "single", "multiple")


@dataclass(frozen=True, order=True)
class Problem:
    """Something an author must fix, located as ``path:line``."""

    path: str
    line: int
    message: str

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
    certificate_approval: str = "automatic"
    accme_activity_id: str = ""
    certificate_signatory_name: str = ""
    certificate_signatory_title: str = ""
    provider_contact: str = ""

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
