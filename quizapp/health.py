"""``/healthz``: 200 when the database answers and its schema is at the migration head, 503
otherwise, so that a load balancer stops sending learners to a node that would fail them.
Anyone may call it."""

from __future__ import annotations

from flask import Blueprint

from quizapp.db import RETRY_AFTER_SECONDS, get_db
from quizapp.schema import script_heads

blueprint = Blueprint("health", __name__)

RETRY_AFTER = {"Retry-After": str(RETRY_AFTER_SECONDS)}


@blueprint.get("/healthz")
def healthz() -> tuple[dict[str, str], int, dict[str, str]]:
    """One statement: reading the schema's revision also shows that the database answers."""
    revisions = get_db().schema_revisions()
    if revisions is None:
        return {"status": "unavailable", "database": "unreachable"}, 503, RETRY_AFTER
    if revisions != script_heads():
        body = {
            "status": "unavailable",
            "database": "ok",
            "schema": "not at the migration head" if revisions else "not migrated",
            "revision": ",".join(sorted(revisions)) or "none",
            "head": ",".join(sorted(script_heads())),
        }
        return body, 503, RETRY_AFTER
    return {"status": "ok", "database": "ok", "schema": "ok"}, 200, {}
