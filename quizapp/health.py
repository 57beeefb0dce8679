"""``/healthz``: 200 when the database answers, 503 when it does not. Anyone may call it."""

from __future__ import annotations

from flask import Blueprint

from quizapp.db import get_db

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    if not get_db().reachable():
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
