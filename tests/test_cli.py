"""The ``quizapp`` command line: ``content check|sync|new`` and ``db upgrade``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.content.placeholders import PLACEHOLDER_OPTIONS, PLACEHOLDERS
from quizapp.migrate import script_heads
from tests.conftest import SAMPLE_CONTENT, make_app


def test_content_check_on_the_sample_content_is_clean(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["content", "check", str(SAMPLE_CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("activities checked, no problems.")


def test_content_check_names_the_file_and_line_of_each_problem_and_exits_1(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "imatinib-bone-edema"
    shutil.copytree(SAMPLE_CONTENT / "imatinib-bone-edema", folder)
    posttest = folder / "posttest.md"
    lines = posttest.read_text(encoding="utf-8").splitlines()
    type_line = next(i for i, line in enumerate(lines) if "`type: true-false`" in line)
    lines[type_line] = "`type: essay`"
    posttest.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = runner.invoke(args=["content", "check", str(posttest)])
    assert result.exit_code == 1
    assert (
        f"{posttest}:{type_line + 1}: unknown question type 'essay' "
        "(expected one of: true-false, single, multiple)"
    ) in result.output


def test_content_new_scaffolds_a_draft_whose_placeholders_the_checker_lists_by_line(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["content", "new", "heart-failure-update", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "as a draft" in result.output
    folder = tmp_path / "heart-failure-update"

    check = runner.invoke(args=["content", "check", str(folder)])

    assert check.exit_code == 1
    flagged = [line for line in check.stdout.splitlines() if "is a placeholder" in line]
    assert flagged == check.stdout.splitlines()
    assert [line.split(": '")[0] for line in flagged] == [
        *(f"{folder}/article.md:{n}" for n in (5, 6, 9, 12, 15, 24, 27, 31, 36)),
        *(f"{folder}/posttest.md:{n}" for n in (6, 11, 16, 18, 19, 20, 22)),
    ]
    assert flagged[2] == (
        f"{folder}/article.md:9: 'Firstname Lastname' is a placeholder written by "
        "'quizapp content new'; replace it with this activity's own text"
    )

    again = runner.invoke(args=["content", "new", "heart-failure-update", "--root", str(tmp_path)])
    assert again.exit_code == 1
    assert "already exists" in again.output


def _fill_in(folder: Path) -> None:
    """Replace every placeholder of a scaffolded activity, as its author would."""
    for name in ("article.md", "posttest.md"):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for number, phrase in enumerate((*PLACEHOLDERS, *PLACEHOLDER_OPTIONS)):
            text = text.replace(phrase, f"Written by the author, part {number}.")
        path.write_text(text, encoding="utf-8")


def test_a_filled_in_draft_passes_the_checker_but_is_synced_only_once_draft_is_deleted(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    runner.invoke(args=["content", "new", "heart-failure-update", "--root", str(root)])
    folder = root / "heart-failure-update"
    _fill_in(folder)
    assert runner.invoke(args=["content", "check", str(folder)]).exit_code == 0

    draft = runner.invoke(args=["content", "sync", str(root)])

    assert draft.exit_code == 0, draft.output
    assert draft.stdout.splitlines() == [
        "heart-failure-update: draft, not synced (delete 'draft: true' to publish it)",
        "0 of 0 activities changed.",
    ]
    article = folder / "article.md"
    lines = article.read_text(encoding="utf-8").splitlines(keepends=True)
    article.write_text("".join(line for line in lines if "draft:" not in line), encoding="utf-8")
    published = runner.invoke(args=["content", "sync", str(root)])
    assert "heart-failure-update: created (version 1)" in published.stdout


def test_content_new_refuses_a_slug_that_cannot_be_a_url(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    root.mkdir()
    result = runner.invoke(args=["content", "new", "Heart Failure", "--root", str(root)])
    assert result.exit_code == 2
    assert "lower-case letters, digits and hyphens" in result.output
    assert not any(root.iterdir())


def test_content_sync_prints_what_changed_and_a_second_run_changes_nothing(
    runner: FlaskCliRunner,
) -> None:
    first = runner.invoke(args=["content", "sync", str(SAMPLE_CONTENT)])
    assert first.exit_code == 0, first.output
    assert "imatinib-bone-edema: created (version 1)" in first.output
    second = runner.invoke(args=["content", "sync", str(SAMPLE_CONTENT)])
    assert "imatinib-bone-edema: unchanged (version 1)" in second.output
    assert "0 of" in second.output


def test_content_sync_refuses_a_broken_tree_and_says_nothing_was_synced(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    article = tmp_path / "content" / "imatinib-bone-edema" / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("---", "", 1), encoding="utf-8")
    result = runner.invoke(args=["content", "sync", str(tmp_path / "content")])
    assert result.exit_code == 1
    assert f"{article}:1: the file must start with YAML front matter" in result.output
    assert "Nothing was synced" in result.output


def test_content_sync_keep_going_publishes_the_good_folders_and_names_the_skipped_one(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    broken = root / "imatinib-bone-edema"
    article = broken / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("---", "", 1), encoding="utf-8")
    others = sorted(p.name for p in root.iterdir() if p.is_dir() and p != broken)

    result = runner.invoke(args=["content", "sync", "--keep-going", str(root)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{article}:1: the file must start with YAML front matter between '---' lines",
        f"{broken}: skipped because of the problems above; nothing of it changed.",
        *(f"{slug}: created (version 1)" for slug in others),
        f"{len(others)} of {len(others)} activities changed; 1 folder(s) skipped.",
    ]
    strict = runner.invoke(args=["content", "sync", str(root)])
    assert strict.exit_code == 1
    assert "Nothing was synced" in strict.output


def test_the_quizapp_console_script_lists_the_projects_commands(tmp_path: Path) -> None:
    # The real script builds the app, which without a secret would write one into the
    # repository's instance/ folder; give it its own settings and none from the shell.
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("QUIZAPP_")
    }
    environment |= {
        "QUIZAPP_SECRET_KEY": "test-secret-key",
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite'}",
        "QUIZAPP_CONTENT_DIR": str(tmp_path / "content"),
    }
    script = Path(sys.executable).parent / "quizapp"
    result = subprocess.run(
        [str(script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    for command in ("content", "db", "run"):
        assert f"  {command} " in result.stdout


def _hostile_copy(tmp_path: Path) -> Path:
    """A copy of a sample activity with one of each kind of hostile input the fuzzing found."""
    folder = tmp_path / "imatinib-bone-edema"
    shutil.copytree(SAMPLE_CONTENT / "imatinib-bone-edema", folder)
    article = folder / "article.md"
    text = article.read_text(encoding="utf-8")
    text = text.replace("passing_score: 66", 'passing_score: 66\nsummary2: "\\ud800 \\u2028"', 1)
    article.write_text(text, encoding="utf-8")
    (folder / "posttest.md").unlink()
    (folder / "posttest.md").mkdir()
    (folder / "figures" / "leak\n.png").symlink_to(tmp_path)
    return folder


def test_content_check_on_hostile_input_prints_one_line_per_problem_and_exits_1(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    folder = _hostile_copy(tmp_path)

    result = runner.invoke(args=["content", "check", str(folder)])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout.splitlines() == [
        f"{folder}/article.md:48: front matter holds U+D800 (written as an escape in quotes), "
        "which cannot be shown or stored; remove the escape",
        f"{folder}/figures/leak\\n.png:1: folders in an activity folder must be real folders, "
        "not links; copy the folder in instead",
        f"{folder}/posttest.md:1: posttest.md is a folder; it must be a Markdown file",
    ]


def test_content_check_prints_problems_a_terminal_cannot_encode_as_escapes(
    app: Flask, tmp_path: Path
) -> None:
    folder = tmp_path / "imatinib-bone-edema"
    shutil.copytree(SAMPLE_CONTENT / "imatinib-bone-edema", folder)
    posttest = folder / "posttest.md"
    posttest.write_text(
        posttest.read_text(encoding="utf-8").replace("`type: true-false`", "`type: vrai–faux`"),
        encoding="utf-8",
    )

    result = app.test_cli_runner(charset="ascii").invoke(args=["content", "check", str(folder)])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "unknown question type 'vrai\\u2013faux'" in result.stdout


def test_the_console_script_lists_each_command_with_the_commands_own_help() -> None:
    import importlib

    from quizapp.cli import COMMANDS

    for name, (target, line) in COMMANDS.items():
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert command.name == name
        assert (command.help or "").strip().splitlines()[0] == line


def test_help_and_usage_errors_load_neither_flask_nor_the_database(tmp_path: Path) -> None:
    """They build no application: nothing is opened, no instance secret is written; and each
    command group's help, and a subcommand's, imports the command's module alone, not its
    services, so it starts as fast as the top-level help."""
    program = (
        "import sys\n"
        "from quizapp.cli import cli\n"
        "for args in (['--help'], ['nosuch'], ['user', '--help'], ['user', 'create', '--help'],\n"
        "             ['user', 'create'], ['content', '--help'], ['content', 'sync', '--help'],\n"
        "             ['db', '--help'], ['db', 'backup', '--help'], ['report', '--help'],\n"
        "             ['report', 'pars', '--help'], ['report', 'completions'],\n"
        "             ['demo-admin', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='quizapp')\n"
        "    except SystemExit as done:\n"
        "        assert done.code in (0, 2), (args, done.code)\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded & {'flask', 'sqlalchemy', 'alembic'}))\n"
    )
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("QUIZAPP_")
    }
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert "No such command 'nosuch'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_console_script_builds_the_app_for_each_kind_of_command(tmp_path: Path) -> None:
    """Commands written with quizapp's lazy decorator and with Flask's own both find the
    application, with no ``--app`` and no ``FLASK_APP``."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("QUIZAPP_")
    }
    environment |= {
        "QUIZAPP_SECRET_KEY": "test-secret-key",
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite'}",
        "QUIZAPP_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }
    script = Path(sys.executable).parent / "quizapp"
    for args, expected in (
        (["db", "upgrade"], "Database created at sqlite:///"),
        (["content", "sync", str(SAMPLE_CONTENT)], "activities changed"),
        (["demo-admin"], "Demo administrator created"),
    ):
        result = subprocess.run(
            [str(script), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
            env=environment,
        )
        assert result.returncode == 0, (args, result.stderr)
        assert expected in result.stdout


def test_db_upgrade_says_whether_it_created_upgraded_or_found_the_database_up_to_date(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'quizapp.sqlite'}"
    app = make_app(url)
    runner = app.test_cli_runner()
    head = max(script_heads())
    try:
        first = runner.invoke(args=["db", "upgrade", "0008"])
        second = runner.invoke(args=["db", "upgrade"])
        third = runner.invoke(args=["db", "upgrade"])
    finally:
        app.extensions["quizapp.db"].dispose()

    assert first.output == f"Database created at {url} (SQLite, schema revision 0008).\n"
    assert second.output == f"Database at {url} upgraded from revision 0008 to {head}.\n"
    assert third.output == f"Database at {url} is up to date (schema revision {head}).\n"
