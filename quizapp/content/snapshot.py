"""Turn a loaded activity into the JSON-ready snapshot a version row stores.

Everything a page needs is rendered here, once, at sync time: pages and the submit path only
read the snapshot. The snapshot includes the answer key; only code that the review policy
allows may pass it on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from quizapp.content.credits import CREDIT_TYPES, format_amount
from quizapp.content.loader import Draft
from quizapp.content.model import Activity, Question
from quizapp.content.render import LinkResolver, render_inline, render_markdown


@dataclass(frozen=True)
class VersionSnapshot:
    metadata: dict[str, Any]
    article_html: str
    questions: list[dict[str, Any]]
    figures: dict[str, str]


def figure_digests(activity: Activity) -> dict[str, str]:
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in sorted(activity.figures.items())
    }


def build_snapshot(
    activity: Activity, figures: dict[str, str], resolve_link: LinkResolver
) -> VersionSnapshot:
    meta = activity.meta
    metadata: dict[str, Any] = {
        "id": meta.id,
        "title": meta.title,
        "summary": meta.summary,
        "provider": meta.provider,
        "learning_format": meta.learning_format,
        "participation": meta.participation,
        "faculty": [
            {
                "name": member.name,
                "credentials": member.credentials,
                "role": member.role,
                "affiliation": member.affiliation,
                "relationships": [
                    {"company": r.company, "relationship": r.relationship}
                    for r in member.relationships
                ],
            }
            for member in meta.faculty
        ],
        "disclosure_mitigation": meta.disclosure_mitigation,
        "commercial_support": meta.commercial_support,
        "accreditation_statement_html": render_inline(meta.accreditation_statement),
        "credits": [
            {
                "type": offer.type,
                "name": CREDIT_TYPES[offer.type].name,
                "amount": format_amount(offer.amount),
                "statement_html": render_inline(offer.statement),
                "uan": offer.uan,
            }
            for offer in meta.credits
        ],
        "release_date": meta.release_date.isoformat(),
        "review_date": meta.review_date.isoformat() if meta.review_date else None,
        "expiration_date": meta.expiration_date.isoformat(),
        "estimated_minutes": meta.estimated_minutes,
        "objectives": list(meta.objectives),
        "passing_score": f"{meta.passing_score.normalize():f}",
        "attempts_allowed": meta.attempts_allowed,
        "citation_html": render_inline(meta.citation) if meta.citation else "",
        "review": dict(meta.review),
        "certificate_approval": meta.certificate_approval,
        "accme_activity_id": meta.accme_activity_id,
        "partial_credit": meta.partial_credit,
        "attempt_wait_hours": f"{meta.attempt_wait_hours.normalize():f}",
        "evaluation": [dict(item) for item in meta.evaluation]
        if meta.evaluation is not None
        else None,
    }
    return VersionSnapshot(
        metadata=metadata,
        article_html=render_markdown(activity.article_markdown, resolve_link),
        questions=[_question(q, resolve_link) for q in activity.questions],
        figures=figures,
    )


@dataclass(frozen=True)
class DraftPreview:
    title: str
    article_html: str
    questions: list[dict[str, Any]]


def build_draft_preview(draft: Draft, resolve_link: LinkResolver) -> DraftPreview:
    """The article and the questions that parsed, rendered as a version would render them."""
    return DraftPreview(
        title=draft.title,
        article_html=render_markdown(draft.article_markdown, resolve_link),
        questions=[_question(q, resolve_link) for q in draft.questions],
    )


def _question(question: Question, resolve_link: LinkResolver) -> dict[str, Any]:
    return {
        "id": question.id,
        "type": question.type,
        "shuffle": question.shuffle,
        "stem_html": render_markdown(question.stem, resolve_link),
        "options": [
            {
                "id": option.id,
                "html": render_inline(option.text),
                "correct": option.correct,
                "pinned": option.pinned or not question.shuffle,
            }
            for option in question.options
        ],
        "rationale_html": render_markdown(question.rationale, resolve_link),
    }
