"""The learning-format registry: how each format an author may name is printed.

The AMA asks a certificate to state the learning format; designation statements name what was
designated ("this journal-based CME activity"), and the certificate what the learner completed.
One entry per format keeps those three wordings together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LearningFormat:
    code: str
    """As authors write it in ``learning_format:``."""
    name: str
    """As pages and certificates print it: "Journal-based CME"."""
    activity_kind: str
    """What a designation statement calls the activity: "journal-based CME activity"."""

    @property
    def completed_what(self) -> str:
        """What the certificate says the learner completed: "the journal-based CME activity"."""
        return f"the {self.activity_kind}"


LEARNING_FORMATS: dict[str, LearningFormat] = {
    entry.code: entry
    for entry in (
        LearningFormat("journal-based", "Journal-based CME", "journal-based CME activity"),
        LearningFormat("enduring", "Enduring material", "enduring material"),
    )
}


def learning_format(code_or_name: str) -> LearningFormat | None:
    """The format by its code or its printed name, in any case (certificates store the name)."""
    wanted = code_or_name.strip().lower()
    for entry in LEARNING_FORMATS.values():
        if wanted in (entry.code, entry.name.lower()):
            return entry
    return None
