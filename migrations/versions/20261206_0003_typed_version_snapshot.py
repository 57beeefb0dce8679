"""Typed version snapshots: every stored version rewritten in snapshot format 2.

Format 1 (the first releases) stored each authored text as rendered HTML only, credit names
and the learning format as printed words, and left out keys that had their default. Format 2
stores the Markdown source beside the HTML, the learning format by its code, no credit names
(they come from the credit-type registry) and every key.

Old rows have no Markdown source: it is recovered here, once, from their HTML (emphasis,
strong, code and links back to their Markdown; other tags dropped; entities unescaped). The
HTML every page shows is kept exactly as stored, so learners see what they saw before. The
conversion is written out in this file, not imported, so this migration keeps doing the same
whatever later code does.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
VERSIONS = sa.table(
    "activity_versions",
    sa.column("id", sa.Integer),
    sa.column("metadata", JSON_DOCUMENT),
    sa.column("questions", JSON_DOCUMENT),
)
FORMAT_CODES = {"Journal-based CME": "journal-based", "Enduring material": "enduring"}
FORMAT_NAMES = {code: name for name, code in FORMAT_CODES.items()}
CREDIT_NAMES = {
    "ama-pra-1": "AMA PRA Category 1 Credit™",
    "ancc": "ANCC nursing contact hours",
    "acpe": "ACPE pharmacy contact hours",
    "aapa": "AAPA Category 1 CME credits",
    "ipce": "IPCE credit",
    "abim-moc": "ABIM MOC points",
}

_MARKUP = (
    (re.compile(r"<(em|i)>(.*?)</\1>", re.DOTALL), r"*\2*"),
    (re.compile(r"<(strong|b)>(.*?)</\1>", re.DOTALL), r"**\2**"),
    (re.compile(r"<code>(.*?)</code>", re.DOTALL), r"`\1`"),
    (re.compile(r"<a [^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL), r"[\2](\1)"),
    (re.compile(r"</p>\s*<p>"), "\n\n"),
    (re.compile(r"<br\s*/?>"), "\n"),
    (re.compile(r"</li>\s*<li>"), "\n- "),
    (re.compile(r"<[^>]+>"), ""),
)


def source_from_html(fragment: str) -> str:
    """Markdown recovered from a format-1 HTML fragment."""
    text = fragment or ""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return html.unescape(text).strip()


def _rich(fragment: str | None) -> dict[str, str]:
    return {"source": source_from_html(fragment or ""), "html": fragment or ""}


def _decimal_text(value: Any) -> str:
    return str(value if value is not None else 0)


def metadata_v2(old: dict[str, Any]) -> dict[str, Any]:
    evaluation = old.get("evaluation")
    return {
        "format": 2,
        "id": old["id"],
        "title": old["title"],
        "summary": old.get("summary") or "",
        "provider": old["provider"],
        "learning_format": FORMAT_CODES.get(old["learning_format"], old["learning_format"]),
        "participation": old.get("participation") or "",
        "faculty": old.get("faculty") or [],
        "disclosure_mitigation": old.get("disclosure_mitigation") or "",
        "commercial_support": old.get("commercial_support") or "",
        "accreditation_statement": _rich(old.get("accreditation_statement_html")),
        "credits": [
            {
                "type": credit["type"],
                "amount": str(credit["amount"]),
                "statement": _rich(credit.get("statement_html")),
                "uan": credit.get("uan"),
            }
            for credit in old.get("credits") or []
        ],
        "release_date": old["release_date"],
        "review_date": old.get("review_date"),
        "expiration_date": old["expiration_date"],
        "estimated_minutes": old["estimated_minutes"],
        "objectives": old.get("objectives") or [],
        "passing_score": _decimal_text(old["passing_score"]),
        "attempts_allowed": old.get("attempts_allowed"),
        "citation": _rich(old.get("citation_html")),
        "review": old.get("review") or {},
        "certificate_approval": old.get("certificate_approval") or "automatic",
        "accme_activity_id": old.get("accme_activity_id") or "",
        "partial_credit": bool(old.get("partial_credit", False)),
        "attempt_wait_hours": _decimal_text(old.get("attempt_wait_hours")),
        "evaluation": [
            {
                "id": item["id"],
                "prompt": item["prompt"],
                "type": item["type"],
                "required": bool(item.get("required", item["type"] != "text")),
                **({"options": list(item["options"])} if item.get("options") else {}),
            }
            for item in evaluation
        ]
        if evaluation is not None
        else None,
    }


def question_v2(old: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": old["id"],
        "type": old["type"],
        "shuffle": old["shuffle"],
        "stem": _rich(old.get("stem_html")),
        "options": [
            {
                "id": option["id"],
                "text": _rich(option.get("html")),
                "correct": option["correct"],
                "pinned": option["pinned"],
            }
            for option in old["options"]
        ],
        "rationale": _rich(old.get("rationale_html")),
    }


def metadata_v1(new: dict[str, Any]) -> dict[str, Any]:
    old = {
        key: value
        for key, value in new.items()
        if key not in ("format", "accreditation_statement", "credits", "citation")
    }
    old["learning_format"] = FORMAT_NAMES.get(new["learning_format"], new["learning_format"])
    old["accreditation_statement_html"] = new["accreditation_statement"]["html"]
    old["citation_html"] = new["citation"]["html"]
    old["credits"] = [
        {
            "type": credit["type"],
            "name": CREDIT_NAMES.get(credit["type"], credit["type"]),
            "amount": _credit_amount(credit["amount"]),
            "statement_html": credit["statement"]["html"],
            "uan": credit.get("uan"),
        }
        for credit in new["credits"]
    ]
    return old


def _credit_amount(text: str) -> str:
    return text if "." in text else f"{text}.0"


def question_v1(new: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": new["id"],
        "type": new["type"],
        "shuffle": new["shuffle"],
        "stem_html": new["stem"]["html"],
        "options": [
            {
                "id": option["id"],
                "html": option["text"]["html"],
                "correct": option["correct"],
                "pinned": option["pinned"],
            }
            for option in new["options"]
        ],
        "rationale_html": new["rationale"]["html"],
    }


def _rewrite(*, to_format: int) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(VERSIONS.c.id, VERSIONS.c.metadata, VERSIONS.c.questions))
    for version_id, metadata, questions in rows.all():
        stored_format = metadata.get("format", 1)
        if stored_format == to_format:
            continue
        if to_format == 2:
            values = {
                "metadata": metadata_v2(metadata),
                "questions": [question_v2(q) for q in questions],
            }
        else:
            values = {
                "metadata": metadata_v1(metadata),
                "questions": [question_v1(q) for q in questions],
            }
        connection.execute(sa.update(VERSIONS).where(VERSIONS.c.id == version_id).values(**values))


def upgrade() -> None:
    _rewrite(to_format=2)


def downgrade() -> None:
    _rewrite(to_format=1)
