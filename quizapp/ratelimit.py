"""Flask-Limiter, in memory by default; ``QUIZAPP_RATELIMIT_STORAGE_URI`` points it at Redis.

In-memory counting is per process: with several gunicorn workers, set the Redis URI so the
limits hold across them.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address)


def init_app(app: Flask) -> None:
    limiter.init_app(app)
