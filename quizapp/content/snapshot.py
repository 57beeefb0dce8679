"""The typed snapshot of a published version: what every page, grade and certificate reads.

A version row is immutable, so what it stores is the contract between the content files of
one day and every record made from them for years afterwards. :class:`VersionSnapshot` is
that contract as plain frozen values: the activity's metadata, its questions with their answer
key, the evaluation and the figures. Every piece of authored text keeps its Markdown source
beside the sanitized HTML rendered at sync time (:class:`RichText`), so pages use the HTML and
reports, certificates and exports use the source, and nothing ever parses HTML back.

``to_json``/``from_json`` give the JSON the row stores; :data:`SNAPSHOT_FORMAT` names its
shape, and a row of another shape is refused with a clear error rather than half-read (the
migration that introduced this shape rewrote the older rows).

The snapshot includes the answer key; only code that the review policy allows may pass it on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from quizapp.content.credits import CREDIT_TYPES, CreditType, credit_name
from quizapp.content.evaluation import DEFAULT_EVALUATION, DEFAULT_FOLLOW_UP, EvaluationItem
from quizapp.content.formats import LEARNING_FORMATS, LearningFormat
from quizapp.content.review_policy import ReviewPolicy

SNAPSHOT_FORMAT = 2
"""1 was the untyped dictionary of the first releases, with HTML only."""


class SnapshotFormatError(ValueError):
    """A stored version is in a shape this code does not read."""


@dataclass(frozen=True)
class RichText:
    """Authored Markdown and the sanitized HTML rendered from it when the version was made."""

    source: str
    html: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "html": self.html}

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> RichText:
        return cls(source=data["source"], html=data["html"])


EMPTY_TEXT = RichText("", "")


@dataclass(frozen=True)
class FacultyRelationship:
    company: str
    relationship: str


@dataclass(frozen=True)
class FacultyEntry:
    name: str
    credentials: str
    role: str
    affiliation: str
    relationships: tuple[FacultyRelationship, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "credentials": self.credentials,
            "role": self.role,
            "affiliation": self.affiliation,
            "relationships": [
                {"company": r.company, "relationship": r.relationship} for r in self.relationships
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FacultyEntry:
        return cls(
            name=data["name"],
            credentials=data["credentials"],
            role=data["role"],
            affiliation=data["affiliation"],
            relationships=tuple(
                FacultyRelationship(r["company"], r["relationship"]) for r in data["relationships"]
            ),
        )


@dataclass(frozen=True)
class CreditDesignation:
    """A credit type the version designates, with its maximum and its statement."""

    type: str
    amount: Decimal
    statement: RichText
    uan: str | None = None

    @property
    def credit_type(self) -> CreditType | None:
        return CREDIT_TYPES.get(self.type)

    @property
    def name(self) -> str:
        return credit_name(self.type)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "amount": _decimal_text(self.amount),
            "statement": self.statement.to_json(),
            "uan": self.uan,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CreditDesignation:
        return cls(
            type=data["type"],
            amount=Decimal(data["amount"]),
            statement=RichText.from_json(data["statement"]),
            uan=data.get("uan"),
        )


@dataclass(frozen=True)
class VersionMeta:
    """The activity's front matter as published."""

    id: str
    title: str
    summary: str
    provider: str
    learning_format: str
    """A code of :data:`~quizapp.content.formats.LEARNING_FORMATS`."""
    participation: str
    faculty: tuple[FacultyEntry, ...]
    disclosure_mitigation: str
    commercial_support: str
    accreditation_statement: RichText
    credits: tuple[CreditDesignation, ...]
    release_date: dt.date
    review_date: dt.date | None
    expiration_date: dt.date
    estimated_minutes: int
    objectives: tuple[str, ...]
    passing_score: Decimal
    attempts_allowed: int | None
    """``None`` for unlimited attempts."""
    citation: RichText
    review: ReviewPolicy
    certificate_approval: str
    accme_activity_id: str
    partial_credit: bool
    attempt_wait_hours: Decimal
    evaluation: tuple[EvaluationItem, ...] | None
    """The activity's own evaluation questions; ``None`` for the default ones."""
    certificate_signatory_name: str = ""
    """Signs this activity's certificates instead of the site's signatory; empty for the site's.
    Like the next two, absent from versions published before it existed (same format)."""
    certificate_signatory_title: str = ""
    provider_contact: str = ""
    """Printed under the provider's name instead of the site's contact; empty for the site's."""
    follow_up_weeks: int | None = None
    """Weeks after a learner's evaluation that the follow-up survey is mailed; ``None``: no
    follow-up. Like the next, absent from versions published before it existed."""
    follow_up_questions: tuple[EvaluationItem, ...] | None = None
    """The activity's own follow-up questions; ``None`` for the default ones."""

    @property
    def learning_format_entry(self) -> LearningFormat:
        return LEARNING_FORMATS[self.learning_format]

    @property
    def learning_format_name(self) -> str:
        return self.learning_format_entry.name

    @property
    def evaluation_items(self) -> tuple[EvaluationItem, ...]:
        return self.evaluation if self.evaluation is not None else DEFAULT_EVALUATION

    @property
    def follow_up_items(self) -> tuple[EvaluationItem, ...]:
        return (
            self.follow_up_questions if self.follow_up_questions is not None else DEFAULT_FOLLOW_UP
        )

    @property
    def attempt_wait(self) -> dt.timedelta:
        return dt.timedelta(hours=float(self.attempt_wait_hours))

    def credit(self, code: str) -> CreditDesignation | None:
        return next((c for c in self.credits if c.type == code), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": SNAPSHOT_FORMAT,
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "provider": self.provider,
            "learning_format": self.learning_format,
            "participation": self.participation,
            "faculty": [member.to_json() for member in self.faculty],
            "disclosure_mitigation": self.disclosure_mitigation,
            "commercial_support": self.commercial_support,
            "accreditation_statement": self.accreditation_statement.to_json(),
            "credits": [credit.to_json() for credit in self.credits],
            "release_date": self.release_date.isoformat(),
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "expiration_date": self.expiration_date.isoformat(),
            "estimated_minutes": self.estimated_minutes,
            "objectives": list(self.objectives),
            "passing_score": _decimal_text(self.passing_score),
            "attempts_allowed": self.attempts_allowed,
            "citation": self.citation.to_json(),
            "review": self.review.to_json(),
            "certificate_approval": self.certificate_approval,
            "accme_activity_id": self.accme_activity_id,
            "partial_credit": self.partial_credit,
            "attempt_wait_hours": _decimal_text(self.attempt_wait_hours),
            "evaluation": [item.to_json() for item in self.evaluation]
            if self.evaluation is not None
            else None,
            "certificate_signatory_name": self.certificate_signatory_name,
            "certificate_signatory_title": self.certificate_signatory_title,
            "provider_contact": self.provider_contact,
            "follow_up_weeks": self.follow_up_weeks,
            "follow_up_questions": [item.to_json() for item in self.follow_up_questions]
            if self.follow_up_questions is not None
            else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VersionMeta:
        found = data.get("format", 1)
        if found != SNAPSHOT_FORMAT:
            raise SnapshotFormatError(
                f"version metadata is in format {found}; this code reads format "
                f"{SNAPSHOT_FORMAT} (run 'quizapp db upgrade')"
            )
        evaluation = data.get("evaluation")
        follow_up = data.get("follow_up_questions")
        return cls(
            id=data["id"],
            title=data["title"],
            summary=data["summary"],
            provider=data["provider"],
            learning_format=data["learning_format"],
            participation=data["participation"],
            faculty=tuple(FacultyEntry.from_json(m) for m in data["faculty"]),
            disclosure_mitigation=data["disclosure_mitigation"],
            commercial_support=data["commercial_support"],
            accreditation_statement=RichText.from_json(data["accreditation_statement"]),
            credits=tuple(CreditDesignation.from_json(c) for c in data["credits"]),
            release_date=dt.date.fromisoformat(data["release_date"]),
            review_date=dt.date.fromisoformat(data["review_date"])
            if data.get("review_date")
            else None,
            expiration_date=dt.date.fromisoformat(data["expiration_date"]),
            estimated_minutes=data["estimated_minutes"],
            objectives=tuple(data["objectives"]),
            passing_score=Decimal(data["passing_score"]),
            attempts_allowed=data["attempts_allowed"],
            citation=RichText.from_json(data["citation"]),
            review=ReviewPolicy.from_json(data.get("review")),
            certificate_approval=data["certificate_approval"],
            accme_activity_id=data["accme_activity_id"],
            partial_credit=data["partial_credit"],
            attempt_wait_hours=Decimal(data["attempt_wait_hours"]),
            evaluation=tuple(EvaluationItem.from_json(i) for i in evaluation)
            if evaluation is not None
            else None,
            certificate_signatory_name=data.get("certificate_signatory_name", ""),
            certificate_signatory_title=data.get("certificate_signatory_title", ""),
            provider_contact=data.get("provider_contact", ""),
            follow_up_weeks=data.get("follow_up_weeks"),
            follow_up_questions=tuple(EvaluationItem.from_json(i) for i in follow_up)
            if follow_up is not None
            else None,
        )


@dataclass(frozen=True)
class QuestionOption:
    id: str
    """The author's letter, "a" to "z": what answers and responses store."""
    text: RichText
    correct: bool
    pinned: bool
    """Keeps its place when the others are shuffled (every option of an unshuffled question)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text.to_json(),
            "correct": self.correct,
            "pinned": self.pinned,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuestionOption:
        return cls(
            id=data["id"],
            text=RichText.from_json(data["text"]),
            correct=data["correct"],
            pinned=data["pinned"],
        )


@dataclass(frozen=True)
class VersionQuestion:
    id: str
    type: str
    """One of :data:`~quizapp.content.model.QUESTION_TYPES`."""
    shuffle: bool
    stem: RichText
    options: tuple[QuestionOption, ...]
    rationale: RichText

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options)

    def option(self, option_id: str) -> QuestionOption:
        return next(option for option in self.options if option.id == option_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "shuffle": self.shuffle,
            "stem": self.stem.to_json(),
            "options": [option.to_json() for option in self.options],
            "rationale": self.rationale.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VersionQuestion:
        return cls(
            id=data["id"],
            type=data["type"],
            shuffle=data["shuffle"],
            stem=RichText.from_json(data["stem"]),
            options=tuple(QuestionOption.from_json(o) for o in data["options"]),
            rationale=RichText.from_json(data["rationale"]),
        )


@dataclass(frozen=True)
class VersionSnapshot:
    meta: VersionMeta
    article_html: str
    questions: tuple[VersionQuestion, ...]
    figures: dict[str, str]
    """Figure path in the activity folder -> SHA-256 of its bytes (the stored asset)."""

    def to_json(self) -> dict[str, Any]:
        """The columns a version row stores, by column."""
        return {
            "metadata": self.meta.to_json(),
            "article_html": self.article_html,
            "questions": [question.to_json() for question in self.questions],
            "figures": dict(self.figures),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VersionSnapshot:
        return cls(
            meta=VersionMeta.from_json(data["metadata"]),
            article_html=data["article_html"],
            questions=tuple(VersionQuestion.from_json(q) for q in data["questions"]),
            figures=dict(data["figures"]),
        )


def _decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"
