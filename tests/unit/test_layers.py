"""The pure core imports neither Flask nor the database, at run time.

`lint-imports` reads the import statements; this test runs them. Each core module is imported
alone in a fresh interpreter, so an import hidden in a function body or a package root that
pulls in Flask shows up here too. The core is the "core" contract's ``source_modules`` in
pyproject.toml, walked into its submodules, so a new core module is covered without editing
this file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
ABSENT = ("flask", "sqlalchemy", "quizapp.models", "quizapp.db")


def core_roots() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (core,) = [contract for contract in config["contracts"] if contract["id"] == "core"]
    roots: list[str] = core["source_modules"]
    return roots


def core_modules() -> list[str]:
    names: list[str] = []
    for root in core_roots():
        spec = importlib.util.find_spec(root)
        assert spec is not None, f"{root} is listed as core but does not exist"
        names.append(root)
        if spec.submodule_search_locations is not None:
            names += [
                info.name
                for info in pkgutil.walk_packages(spec.submodule_search_locations, f"{root}.")
            ]
    return sorted(names)


def loaded_after_import(module: str) -> list[str]:
    script = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        f"print(json.dumps([name for name in {ABSENT!r} if name in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_the_core_list_is_walked_into_its_packages() -> None:
    modules = core_modules()
    assert {"quizapp.content.loader", "quizapp.grading.scoring", "quizapp.dates"} <= set(modules)
    assert {"quizapp.statistics.charts", "quizapp.certificates.render"} <= set(modules)


@pytest.mark.parametrize("module", core_modules())
def test_a_core_module_loads_neither_flask_nor_the_database(module: str) -> None:
    assert loaded_after_import(module) == []


def test_the_package_root_loads_flask_only_when_the_factory_is_asked_for() -> None:
    assert loaded_after_import("quizapp") == []
    script = "from quizapp import create_app, __version__\nprint(create_app.__module__)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "quizapp.app"


def test_gunicorn_finds_the_factory_in_the_package_root(tmp_path: Path) -> None:
    script = (
        "from gunicorn.util import import_app\n"
        "print(type(import_app('quizapp:create_app()')).__name__)\n"
    )
    env = {
        **os.environ,
        "QUIZAPP_SECRET_KEY": "gunicorn-test",
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "Flask"
