"""Turn a loaded activity into the :class:`VersionSnapshot` a version row stores.

Everything a page needs is rendered here, once, before the sync opens its transaction: pages
and the submit path only read the snapshot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from quizapp.content.folder import read_figure
from quizapp.content.loader import Draft
from quizapp.content.model import Activity, ActivityMeta, Question
from quizapp.content.render import LinkResolver, render_inline, render_markdown
from quizapp.content.snapshot import (
    EMPTY_TEXT,
    CreditDesignation,
    FacultyEntry,
    FacultyRelationship,
    QuestionOption,
    RichText,
    VersionMeta,
    VersionQuestion,
    VersionSnapshot,
)


def figure_digests(activity: Activity) -> dict[str, str]:
    return {
        name: hashlib.sha256(read_figure(path)).hexdigest()
        for name, path in sorted(activity.figures.items())
    }


def build_snapshot(
    activity: Activity, figures: dict[str, str], resolve_link: LinkResolver
) -> VersionSnapshot:
    return VersionSnapshot(
        meta=version_meta(activity.meta),
        article_html=render_markdown(activity.article_markdown, resolve_link),
        questions=tuple(version_question(q, resolve_link) for q in activity.questions),
        figures=figures,
    )


def version_meta(meta: ActivityMeta) -> VersionMeta:
    return VersionMeta(
        id=meta.id,
        title=meta.title,
        summary=meta.summary,
        provider=meta.provider,
        learning_format=meta.learning_format,
        participation=meta.participation,
        faculty=tuple(
            FacultyEntry(
                name=member.name,
                credentials=member.credentials,
                role=member.role,
                affiliation=member.affiliation,
                relationships=tuple(
                    FacultyRelationship(r.company, r.relationship) for r in member.relationships
                ),
            )
            for member in meta.faculty
        ),
        disclosure_mitigation=meta.disclosure_mitigation,
        commercial_support=meta.commercial_support,
        accreditation_statement=_inline(meta.accreditation_statement),
        credits=tuple(
            CreditDesignation(
                type=offer.type,
                amount=offer.amount,
                statement=_inline(offer.statement),
                uan=offer.uan,
            )
            for offer in meta.credits
        ),
        release_date=meta.release_date,
        review_date=meta.review_date,
        expiration_date=meta.expiration_date,
        estimated_minutes=meta.estimated_minutes,
        objectives=tuple(meta.objectives),
        passing_score=meta.passing_score,
        attempts_allowed=meta.attempts_allowed,
        citation=_inline(meta.citation) if meta.citation else EMPTY_TEXT,
        review=meta.review,
        certificate_approval=meta.certificate_approval,
        accme_activity_id=meta.accme_activity_id,
        partial_credit=meta.partial_credit,
        attempt_wait_hours=meta.attempt_wait_hours,
        evaluation=meta.evaluation,
        follow_up_weeks=meta.follow_up_weeks,
        follow_up_questions=meta.follow_up_questions,
        certificate_signatory_name=meta.certificate_signatory_name,
        certificate_signatory_title=meta.certificate_signatory_title,
        provider_contact=meta.provider_contact,
    )


def _inline(source: str) -> RichText:
    return RichText(source, render_inline(source))


@dataclass(frozen=True)
class DraftPreview:
    title: str
    article_html: str
    questions: tuple[VersionQuestion, ...]


def build_draft_preview(draft: Draft, resolve_link: LinkResolver) -> DraftPreview:
    """The article and the questions that parsed, rendered as a version would render them."""
    return DraftPreview(
        title=draft.title,
        article_html=render_markdown(draft.article_markdown, resolve_link),
        questions=tuple(version_question(q, resolve_link) for q in draft.questions),
    )


def version_question(question: Question, resolve_link: LinkResolver) -> VersionQuestion:
    return VersionQuestion(
        id=question.id,
        type=question.type,
        shuffle=question.shuffle,
        stem=RichText(question.stem, render_markdown(question.stem, resolve_link)),
        options=tuple(
            QuestionOption(
                id=option.id,
                text=RichText(option.text, render_inline(option.text)),
                correct=option.correct,
                pinned=option.pinned or not question.shuffle,
            )
            for option in question.options
        ),
        rationale=RichText(question.rationale, render_markdown(question.rationale, resolve_link)),
    )
