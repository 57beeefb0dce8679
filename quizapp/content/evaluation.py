"""The post-activity evaluation: default questions, an activity's own, and checking answers.

Accreditors expect every activity to be evaluated, and ABIM MOC completion includes it. An
activity may replace the default questions with its own list in the front matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

SCALE = ("Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree")
YES_NO = ("Yes", "No")
ITEM_TYPES = ("scale", "choice", "yes-no", "text")
ITEM_KEYS = ("id", "prompt", "type", "options", "required")
MAX_TEXT = 2000

DEFAULT_EVALUATION: tuple[dict[str, Any], ...] = (
    {"id": "objectives-met", "type": "scale", "required": True,
     "prompt": "The activity met its stated learning objectives."},
    {"id": "relevance", "type": "scale", "required": True,
     "prompt": "The content is relevant to my practice."},
    {"id": "intent-to-change", "type": "choice", "required": True,
     "prompt": "Do you intend to change your practice as a result of this activity?",
     "options": ["Yes", "No, my practice already reflects this content", "No, for another reason"]},
    {"id": "planned-change", "type": "text", "required": False,
     "prompt": "What, if anything, will you change in your practice?"},
    {"id": "commercial-bias", "type": "yes-no", "required": True,
     "prompt": "Did you perceive commercial bias in this activity?"},
    {"id": "commercial-bias-details", "type": "text", "required": False,
     "prompt": "If you perceived bias, please describe it."},
)  # fmt: skip


def choices(item: Mapping[str, Any]) -> tuple[str, ...]:
    kind = item["type"]
    if kind == "scale":
        return SCALE
    if kind == "yes-no":
        return YES_NO
    if kind == "choice":
        return tuple(item["options"])
    return ()


class EvaluationError(ValueError):
    def __init__(self, message: str, item_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.item_id = item_id


def clean_answers(items: Sequence[Mapping[str, Any]], raw: Mapping[str, str]) -> dict[str, str]:
    """The learner's answers keyed by item id; raises for a missing or invented answer."""
    answers: dict[str, str] = {}
    for item in items:
        value = (raw.get(item["id"]) or "").strip()
        if not value:
            if item.get("required", item["type"] != "text"):
                raise EvaluationError("Please answer this question.", item["id"])
            continue
        allowed = choices(item)
        if allowed and value not in allowed:
            raise EvaluationError("Choose one of the offered answers.", item["id"])
        if len(value) > MAX_TEXT:
            raise EvaluationError(f"Keep this answer under {MAX_TEXT} characters.", item["id"])
        answers[item["id"]] = value
    return answers
