"""The author's interface: activity folders of Markdown, parsed and checked without Flask or SQL."""

from quizapp.content.loader import (
    CHECKER_VERSION,
    TreeResult,
    UnchangedFolder,
    load_activity,
    load_tree,
)
from quizapp.content.model import Activity, ActivityMeta, Option, Problem, Question

__all__ = [
    "CHECKER_VERSION",
    "Activity",
    "ActivityMeta",
    "Option",
    "Problem",
    "Question",
    "TreeResult",
    "UnchangedFolder",
    "load_activity",
    "load_tree",
]
