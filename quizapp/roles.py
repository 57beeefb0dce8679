"""The account roles and the degrees a learner may name: plain tuples, kept apart from the
models so the ``quizapp user`` command can offer them as choices without loading the database
layer for ``--help``."""

from __future__ import annotations

ROLES = ("learner", "author", "admin")
DEGREES = ("MD", "DO", "PA", "NP", "RN", "PharmD", "other")
