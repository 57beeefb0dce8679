"""The author's interface: activity folders of Markdown, parsed and checked without Flask or SQL."""

from quizapp.content.loader import TreeResult, load_activity, load_tree
from quizapp.content.model import Activity, ActivityMeta, Option, Problem, Question

__all__ = [
    "Activity",
    "ActivityMeta",
    "Option",
    "Problem",
    "Question",
    "TreeResult",
    "load_activity",
    "load_tree",
]
