"""Flask-Limiter, in memory by default; ``QUIZAPP_RATELIMIT_STORAGE_URI`` points it at Redis.

In-memory counting is per process: with several gunicorn workers, or several nodes, set the
Redis URI so the limits hold across them.

When Redis does not answer, each process counts in its own memory until it does again
(Flask-Limiter's in-memory fallback): the limits still hold per process, and no request fails
for it. Without the fallback every rate-limited request answered 500, and so did a posttest
submission that had already been recorded, since its rate-limit headers are written after
the view.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address)

REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}
"""Seconds a request waits for an unreachable Redis before the fallback takes over."""


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", REDIS_TIMEOUTS)
    limiter.init_app(app)
    # One Limiter serves every app a process builds (the views' decorators are bound to it),
    # and init_app keeps its "storage is dead" from an earlier app that lost its Redis: the new
    # app would count in memory until a backoff let it look again, then in Redis, forgetting
    # what it had counted. A new app starts with the storage it was just given.
    limiter._storage_dead = False
