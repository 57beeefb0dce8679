"""Every action the code writes to the audit log has a name in words on the audit page.

The page falls back to the code itself ("User password reset request") for an action it does
not know; that is readable but not what an administrator should meet, so each action recorded
anywhere in quizapp must be in the table.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import quizapp
from quizapp.admin.audit_log import ACTION_NAMES

ACTION = re.compile(r"[a-z_]+\.[a-z_]+")


def recorded_actions() -> set[str]:
    """The action codes passed as the fourth argument of ``audit.record(session, actor,
    action, ...)`` (or as ``action=``) anywhere in the package."""
    found = set()
    for path in Path(quizapp.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record"):
                continue
            values = node.args[2:3] + [k.value for k in node.keywords if k.arg == "action"]
            for value in values:
                if (
                    isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and ACTION.fullmatch(value.value)
                ):
                    found.add(value.value)
    return found


def test_the_scan_finds_the_actions_it_should() -> None:
    assert {"certificate.revoke", "user.register", "activity.withdraw"} <= recorded_actions()


def test_every_recorded_action_has_a_name_in_words() -> None:
    assert recorded_actions() - set(ACTION_NAMES) == set()
