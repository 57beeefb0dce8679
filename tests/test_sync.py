"""``sync_content``: a whole tree in one transaction; versions are immutable snapshots."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.authoring import services
from quizapp.authoring.services import ContentRejected, sync_content
from quizapp.content import CHECKER_VERSION, load_tree, loader
from quizapp.db import Database
from quizapp.models import Activity, ActivityVersion, Asset, AuditEvent
from tests.conftest import NOW, SAMPLE_CONTENT, AuthActions
from tests.learner_helpers import IMATINIB, start


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, root)
    return root


def counts(db: Database) -> dict[str, int]:
    with db.read_session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Activity, ActivityVersion, Asset, AuditEvent)
        }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_sync_creates_every_activity_with_version_one(db: Database, tree: Path) -> None:
    report = sync_content(db, tree, now=NOW)
    assert {(c.slug, c.action, c.version) for c in report.changes} == {
        (folder.name, "created", 1) for folder in tree.iterdir() if folder.is_dir()
    }
    with db.read_session() as session:
        activity = session.scalar(select(Activity).where(Activity.slug == "imatinib-bone-edema"))
        assert activity is not None and activity.current_version is not None
        assert activity.current_version.number == 1
        assert len(activity.current_version.snapshot().questions) == 3


def test_a_second_sync_of_the_same_files_changes_nothing(db: Database, tree: Path) -> None:
    sync_content(db, tree, now=NOW)
    before = counts(db)
    report = sync_content(db, tree, now=NOW)
    assert report.changed == []
    assert {c.action for c in report.changes} == {"unchanged"}
    assert counts(db) == before


def test_editing_a_questions_wording_makes_a_new_version_and_keeps_the_old_one_untouched(
    db: Database, tree: Path
) -> None:
    sync_content(db, tree, now=NOW)
    with db.read_session() as session:
        old = session.scalar(
            select(ActivityVersion)
            .join(Activity, ActivityVersion.activity_id == Activity.id)
            .where(ActivityVersion.number == 1, Activity.slug == "imatinib-bone-edema")
        )
        assert old is not None
        old_questions = old.snapshot().questions
        old_hash = old.content_hash

    edit(tree / "imatinib-bone-edema" / "posttest.md", "most common", "most often seen")
    report = sync_content(db, tree, now=NOW)
    assert [(c.slug, c.action, c.version) for c in report.changed] == [
        ("imatinib-bone-edema", "new version", 2)
    ]
    with db.read_session() as session:
        activity = session.scalar(select(Activity).where(Activity.slug == "imatinib-bone-edema"))
        assert activity is not None and activity.current_version is not None
        new = activity.current_version
        assert new.number == 2
        new_questions = new.snapshot().questions
        assert [q.id for q in new_questions] == [q.id for q in old_questions]
        assert "most often seen" in new_questions[1].stem.source
        unchanged_old = session.get(ActivityVersion, old.id)
        assert unchanged_old is not None
        assert unchanged_old.snapshot().questions == old_questions
        assert unchanged_old.content_hash == old_hash
        assert "most often seen" not in str(unchanged_old.questions_json)


def test_reverting_the_files_points_back_at_the_earlier_version(db: Database, tree: Path) -> None:
    posttest = tree / "imatinib-bone-edema" / "posttest.md"
    original = posttest.read_text(encoding="utf-8")
    sync_content(db, tree, now=NOW)
    edit(posttest, "most common", "most often seen")
    sync_content(db, tree, now=NOW)
    posttest.write_text(original, encoding="utf-8")
    report = sync_content(db, tree, now=NOW)
    assert [(c.action, c.version) for c in report.changed] == [("restored an earlier version", 1)]
    assert counts(db)["activity_versions"] == len(report.changes) + 1


def test_a_sync_with_one_broken_file_writes_nothing(db: Database, tree: Path) -> None:
    edit(tree / "imatinib-bone-edema" / "posttest.md", "- [x] True", "- [ ] True")
    with pytest.raises(ContentRejected) as rejected:
        sync_content(db, tree, now=NOW)
    assert any("has no correct option" in p.message for p in rejected.value.problems)
    assert counts(db) == {"activities": 0, "activity_versions": 0, "assets": 0, "audit_events": 0}


def test_a_figure_linked_to_a_server_file_is_refused_and_never_stored(
    db: Database, tree: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret_key"
    secret.write_bytes(b"the-server-secret")
    (tree / "imatinib-bone-edema" / "figures" / "leak.png").symlink_to(secret)
    with pytest.raises(ContentRejected) as rejected:
        sync_content(db, tree, now=NOW)
    assert [str(problem) for problem in rejected.value.problems] == [
        f"{tree}/imatinib-bone-edema/figures/leak.png:1: figures must be regular files inside "
        "the activity folder, not links; copy the file in instead"
    ]
    assert counts(db) == {"activities": 0, "activity_versions": 0, "assets": 0, "audit_events": 0}


def test_a_broken_file_after_a_good_sync_leaves_the_published_versions_as_they_were(
    db: Database, tree: Path
) -> None:
    sync_content(db, tree, now=NOW)
    before = counts(db)
    edit(tree / "imatinib-bone-edema" / "article.md", "passing_score: 66", "passing_score: 166")
    with pytest.raises(ContentRejected):
        sync_content(db, tree, now=NOW)
    assert counts(db) == before


def test_sync_records_each_new_version_in_the_audit_log(db: Database, tree: Path) -> None:
    report = sync_content(db, tree, now=NOW)
    with db.read_session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "content.sync")
        ).all()
    assert len(events) == len(report.changes)
    assert {e.actor_label for e in events} == {"cli"}
    assert {e.created_at for e in events} == {NOW}, "stamped with the sync's own time"


def test_figures_are_stored_by_content_hash_and_linked_from_the_article(
    db: Database, tree: Path
) -> None:
    sync_content(db, tree, now=NOW)
    with db.read_session() as session:
        versions = session.scalars(select(ActivityVersion)).all()
        with_figures = [v for v in versions if v.figures_json]
        assert with_figures, "the sample content should include a figure"
        for version in with_figures:
            for name, digest in version.figures_json.items():
                assert session.get(Asset, digest) is not None
                assert f"/figures/{digest}/{name.rsplit('/', 1)[-1]}" in version.article_html


def test_the_stored_snapshot_keeps_the_answer_key_for_server_side_scoring(
    db: Database, tree: Path
) -> None:
    sync_content(db, tree, now=NOW)
    with db.read_session() as session:
        activity = session.scalar(select(Activity).where(Activity.slug == "imatinib-bone-edema"))
        assert activity is not None and activity.current_version is not None
        questions = activity.current_version.snapshot().questions
    keys = [sorted(q.correct_ids) for q in questions]
    assert keys == [["a"], ["e"], ["b"]]
    assert all(o.pinned for o in questions[1].options)


def test_renaming_a_folder_moves_the_activity_and_says_so(db: Database, tree: Path) -> None:
    sync_content(db, tree, now=NOW)
    (tree / "imatinib-bone-edema").rename(tree / "imatinib-bone-marrow-edema")
    report = sync_content(db, tree, now=NOW)
    assert [str(c) for c in report.changed] == [
        "imatinib-bone-marrow-edema: unchanged, moved from /imatinib-bone-edema/ (version 1)"
    ]
    with db.read_session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "activity.rename")
        ).all()
    assert [(e.details["old"], e.details["new"]) for e in events] == [
        ("imatinib-bone-edema", "imatinib-bone-marrow-edema")
    ]


def test_a_learner_is_answered_while_a_sync_prepares_its_versions(
    db: Database, tree: Path, client: FlaskClient, auth: AuthActions, monkeypatch
) -> None:
    """Rendering and hashing happen before the write transaction: on SQLite a learner's write
    made while a sync is preparing goes through instead of waiting for the lock and failing
    with "database is locked"."""
    sync_content(db, tree, now=NOW)
    assert auth.register().status_code == 302
    edit(tree / IMATINIB / "posttest.md", "most common", "most often seen")
    preparing, release = threading.Event(), threading.Event()
    render = services.build_snapshot

    def slow_render(*args, **kwargs):  # type: ignore[no-untyped-def]
        preparing.set()
        release.wait(30)
        return render(*args, **kwargs)

    monkeypatch.setattr(services, "build_snapshot", slow_render)
    reports: list[object] = []
    sync = threading.Thread(target=lambda: reports.append(sync_content(db, tree, now=NOW)))
    sync.start()
    try:
        assert preparing.wait(10)
        response = start(client)
    finally:
        release.set()
        sync.join(60)

    assert response.status_code == 302, response.get_data(as_text=True)
    assert [(c.slug, c.action) for c in reports[0].changed] == [(IMATINIB, "new version")]  # type: ignore[attr-defined]


def test_keep_going_leaves_a_broken_published_activity_at_its_version_and_syncs_the_rest(
    db: Database, tree: Path
) -> None:
    sync_content(db, tree, now=NOW)
    edit(tree / IMATINIB / "article.md", "passing_score:", "pasing_score:")
    methotrexate = tree / "weekly-methotrexate-safety" / "posttest.md"
    methotrexate.write_text(methotrexate.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    report = sync_content(db, tree, now=NOW, keep_going=True)

    assert [problem.message for problem in report.problems] == [
        "unknown front-matter key 'pasing_score'; did you mean 'passing_score'?"
    ]
    assert report.skipped == [str(tree / IMATINIB)]
    assert [(c.slug, c.action, c.version) for c in report.changes] == [
        ("weekly-methotrexate-safety", "new version", 2)
    ]
    with db.read_session() as session:
        activity = session.scalar(select(Activity).where(Activity.slug == IMATINIB))
        assert activity is not None and activity.current_version is not None
        assert activity.current_version.number == 1


def test_keep_going_skips_a_folder_whose_slug_another_id_published(
    db: Database, tree: Path
) -> None:
    sync_content(db, tree, now=NOW)
    edit(tree / IMATINIB / "article.md", f"id: {IMATINIB}", "id: imatinib-renamed")

    report = sync_content(db, tree, now=NOW, keep_going=True)

    assert [str(problem) for problem in report.problems] == [
        f"{tree / IMATINIB / 'article.md'}:2: folder '{IMATINIB}' was already published with "
        f"id '{IMATINIB}'; an activity's id must not change"
    ]
    assert [c.slug for c in report.changes] == ["weekly-methotrexate-safety"]


@pytest.fixture
def folders_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folder names the checker reads in full, in order, from the moment it is used."""
    read: list[str] = []
    load_activity = loader.load_activity

    def counting(folder: Path) -> object:
        read.append(folder.name)
        return load_activity(folder)

    monkeypatch.setattr(loader, "load_activity", counting)
    return read


def test_a_sync_with_nothing_changed_reads_no_folder_again(
    db: Database, tree: Path, folders_read: list[str]
) -> None:
    first = sync_content(db, tree, now=NOW)
    assert folders_read == [IMATINIB, "weekly-methotrexate-safety"]
    folders_read.clear()
    before = counts(db)

    report = sync_content(db, tree, now=NOW)

    assert folders_read == []
    assert [(c.slug, c.action, c.version) for c in report.changes] == [
        (c.slug, "unchanged", 1) for c in first.changes
    ]
    assert counts(db) == before


def test_only_the_changed_folder_is_read_and_its_problems_are_reported(
    db: Database, tree: Path, folders_read: list[str]
) -> None:
    sync_content(db, tree, now=NOW)
    folders_read.clear()
    edit(tree / IMATINIB / "posttest.md", "- [x] True", "- [ ] True")

    with pytest.raises(ContentRejected) as rejected:
        sync_content(db, tree, now=NOW)

    assert folders_read == [IMATINIB]
    assert [p.message for p in rejected.value.problems] == [
        p.message for p in load_tree(tree).problems
    ]
    assert any("has no correct option" in p.message for p in rejected.value.problems)


def test_a_changed_folder_is_published_and_the_others_are_left_unread(
    db: Database, tree: Path, folders_read: list[str]
) -> None:
    sync_content(db, tree, now=NOW)
    folders_read.clear()
    edit(tree / IMATINIB / "posttest.md", "most common", "most often seen")

    report = sync_content(db, tree, now=NOW)

    assert folders_read == [IMATINIB]
    assert [(c.slug, c.action, c.version) for c in report.changes] == [
        (IMATINIB, "new version", 2),
        ("weekly-methotrexate-safety", "unchanged", 1),
    ]


@pytest.mark.parametrize(
    "addition",
    ["figures/notes.txt", "figures/huge.png", "link"],
    ids=["a file that is not a figure", "a figure over 5 MB", "a link"],
)
def test_a_problem_outside_the_hashed_files_makes_the_folder_read_again(
    db: Database, tree: Path, folders_read: list[str], addition: str
) -> None:
    sync_content(db, tree, now=NOW)
    folders_read.clear()
    path = tree / IMATINIB / addition
    if addition == "link":
        path.symlink_to(tree / IMATINIB / "article.md")
    else:
        path.write_bytes(b"x" * (6 * 1024 * 1024 if addition.endswith(".png") else 10))

    with pytest.raises(ContentRejected) as rejected:
        sync_content(db, tree, now=NOW)

    assert folders_read == [IMATINIB]
    assert [str(p.path) for p in rejected.value.problems] == [str(path)]


def test_a_new_checker_version_reads_every_folder_again_once(
    db: Database, tree: Path, folders_read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_content(db, tree, now=NOW)
    before = counts(db)
    folders_read.clear()
    monkeypatch.setattr(services, "CHECKER_VERSION", CHECKER_VERSION + 1)

    report = sync_content(db, tree, now=NOW)

    assert folders_read == [IMATINIB, "weekly-methotrexate-safety"]
    assert report.changed == []
    with db.read_session() as session:
        checks = session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "content.check")
        ).all()
    assert [(d["version"], d["checker"]) for d in checks] == [(1, CHECKER_VERSION + 1)] * 2
    assert counts(db)["activity_versions"] == before["activity_versions"]

    folders_read.clear()
    sync_content(db, tree, now=NOW)
    assert folders_read == []


@pytest.mark.parametrize("copy_name", ["aaa-copy", "zzz-copy"])
def test_an_id_taken_from_an_unchanged_folder_is_refused_as_a_full_check_refuses_it(
    db: Database, tree: Path, copy_name: str
) -> None:
    sync_content(db, tree, now=NOW)
    shutil.copytree(tree / IMATINIB, tree / copy_name)

    with pytest.raises(ContentRejected) as rejected:
        sync_content(db, tree, now=NOW)

    assert rejected.value.problems == load_tree(tree).problems
    assert any(
        f"activity id '{IMATINIB}' is already used by" in p.message for p in rejected.value.problems
    )


def test_a_folder_published_by_another_sync_meanwhile_is_read_again(
    db: Database, tree: Path, folders_read: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database may change between the look-up and the write: then nothing is taken on
    trust and the sync starts over, reading every folder."""
    sync_content(db, tree, now=NOW)
    other = tree.parent / "other"
    shutil.copytree(tree, other)
    edit(other / IMATINIB / "posttest.md", "most common", "most often seen")
    load = services.load_tree
    calls = []

    def racing(root: Path, **kwargs: object) -> object:
        result = load(root, **kwargs)  # type: ignore[arg-type]
        if not calls:
            calls.append(root)
            monkeypatch.setattr(services, "load_tree", load)
            sync_content(db, other, now=NOW)
        return result

    monkeypatch.setattr(services, "load_tree", racing)
    folders_read.clear()

    report = sync_content(db, tree, now=NOW)

    assert folders_read == [IMATINIB, IMATINIB, "weekly-methotrexate-safety"]
    assert [(c.slug, c.action, c.version) for c in report.changes] == [
        (IMATINIB, "restored an earlier version", 1),
        ("weekly-methotrexate-safety", "unchanged", 1),
    ]


def test_a_large_tree_read_by_worker_processes_publishes_what_one_process_would(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "content"
    for number in range(loader.PARALLEL_FOLDERS):
        slug = f"imatinib-copy-{number:02d}"
        shutil.copytree(SAMPLE_CONTENT / IMATINIB, root / slug)
        edit(root / slug / "article.md", f"id: {IMATINIB}", f"id: {slug}")
    expected = {
        activity.slug: services.prepare(activity).snapshot
        for activity in load_tree(root).activities
    }
    pools: list[object] = []

    class CountedPool(loader.ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(loader, "ProcessPoolExecutor", CountedPool)

    report = sync_content(db, root, now=NOW, processes=2)

    assert len(pools) == 1
    assert {(c.slug, c.action, c.version) for c in report.changes} == {
        (slug, "created", 1) for slug in expected
    }
    with db.read_session() as session:
        stored = {
            activity.slug: activity.current_version.snapshot()
            for activity in session.scalars(select(Activity))
            if activity.current_version is not None
        }
    assert stored == expected
