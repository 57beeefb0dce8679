"""quizapp: a continuing-medical-education posttest engine.

The package root stays light: ``create_app`` is imported on first use (``from quizapp import
create_app``, ``gunicorn "quizapp:create_app()"``), so a script or test that only needs the
pure core never loads Flask or SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizapp.app import create_app

__version__ = "0.1.0"
__all__ = ["__version__", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from quizapp.app import create_app

        return create_app
    raise AttributeError(f"module 'quizapp' has no attribute {name!r}")
