"""The account roles: a plain tuple, kept apart from the models so the ``quizapp user`` command
can offer them as choices without loading the database layer for ``--help``. (The degrees a
learner may name live with the credit rules they decide, in :mod:`quizapp.content.credits`.)"""

from __future__ import annotations

ROLES = ("learner", "author", "admin")
