"""The post-activity evaluation: default questions, an activity's own, and checking answers.

Accreditors expect every activity to be evaluated, and ABIM MOC completion includes it. An
activity may replace the default questions with its own list in the front matter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCALE = ("Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree")
YES_NO = ("Yes", "No")
ITEM_TYPES = ("scale", "choice", "yes-no", "text")
ITEM_KEYS = ("id", "prompt", "type", "options", "required")
MAX_TEXT = 2000


@dataclass(frozen=True)
class EvaluationItem:
    id: str
    prompt: str
    type: str
    """One of :data:`ITEM_TYPES`."""
    required: bool
    options: tuple[str, ...] = ()
    """The answers of a ``choice`` item; the other types have fixed answers or free text."""

    @property
    def choices(self) -> tuple[str, ...]:
        if self.type == "scale":
            return SCALE
        if self.type == "yes-no":
            return YES_NO
        return self.options

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "prompt": self.prompt,
            "type": self.type,
            "required": self.required,
        }
        if self.options:
            data["options"] = list(self.options)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EvaluationItem:
        return cls(
            id=data["id"],
            prompt=data["prompt"],
            type=data["type"],
            required=bool(data.get("required", data["type"] != "text")),
            options=tuple(data.get("options") or ()),
        )


DEFAULT_EVALUATION: tuple[EvaluationItem, ...] = (
    EvaluationItem("objectives-met", "The activity met its stated learning objectives.",
                   "scale", required=True),
    EvaluationItem("relevance", "The content is relevant to my practice.", "scale",
                   required=True),
    EvaluationItem("intent-to-change",
                   "Do you intend to change your practice as a result of this activity?",
                   "choice", required=True,
                   options=("Yes", "No, my practice already reflects this content",
                            "No, for another reason")),
    EvaluationItem("planned-change", "What, if anything, will you change in your practice?",
                   "text", required=False),
    EvaluationItem("commercial-bias", "Did you perceive commercial bias in this activity?",
                   "yes-no", required=True),
    EvaluationItem("commercial-bias-details", "If you perceived bias, please describe it.",
                   "text", required=False),
)  # fmt: skip


COMMITMENT_ITEM = "planned-change"
"""The evaluation question whose answer is the learner's commitment to change: the follow-up
survey quotes it back to them."""

DEFAULT_FOLLOW_UP: tuple[EvaluationItem, ...] = (
    EvaluationItem("made-change", "Did you make the change you planned?", "choice",
                   required=True,
                   options=("Yes", "Partly", "Not yet", "No, I decided against it")),
    EvaluationItem("barriers", "What got in the way, if anything?", "text", required=False),
    EvaluationItem("comments", "Anything else you would like the provider to know?", "text",
                   required=False),
)  # fmt: skip
"""The follow-up survey's questions when an activity sets ``follow_up_weeks`` and no
``follow_up_questions`` of its own; answers are checked by :func:`clean_answers` like the
evaluation's."""


class EvaluationError(ValueError):
    """Answers the evaluation cannot record: ``problems`` says, per item id, what is wrong,
    every item at once; ``item_id`` is the first of them."""

    def __init__(self, message: str, problems: Mapping[str, str]) -> None:
        super().__init__(message)
        self.message = message
        self.problems = dict(problems)
        self.item_id = next(iter(self.problems))


def clean_answers(items: Sequence[EvaluationItem], raw: Mapping[str, str]) -> dict[str, str]:
    """The learner's answers keyed by item id; raises for missing or invented answers,
    naming every item that has one."""
    answers: dict[str, str] = {}
    problems: dict[str, str] = {}
    for item in items:
        value = (raw.get(item.id) or "").strip()
        if not value:
            if item.required:
                problems[item.id] = "Please answer this question."
            continue
        allowed = item.choices
        if allowed and value not in allowed:
            problems[item.id] = "Choose one of the offered answers."
        elif len(value) > MAX_TEXT:
            problems[item.id] = f"Keep this answer under {MAX_TEXT} characters."
        else:
            answers[item.id] = value
    if problems:
        count = len(problems)
        raise EvaluationError(
            f"{count} question{'s' if count != 1 else ''} below need{'s' if count == 1 else ''} "
            "your attention; your other answers are kept.",
            problems,
        )
    return answers
