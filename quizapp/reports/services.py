"""Batches of the board reports: what was reported, and what the next upload must hold.

Each batch an administrator asks for is stored row by row (the completion, the claims, the
certificate they were read from, every cell), by whom and when. What PARS or CPE Monitor
holds for an activity is the sum of its batches, so the next batch is only the difference:

- a completion never reported is added;
- a reported completion whose certificate was revoked since is deleted, with the very cells
  that added it, so the board can match the record;
- a reported completion whose certificate was reissued since is deleted and added again when
  the values it reports changed (a corrected name or amount), and left alone when not.

A batch is written in one transaction that first locks the activity, so two administrators
(or a double click) cannot both report the same rows: the second finds nothing left. A batch
is never rewritten, so downloading it again gives the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp import audit
from quizapp.db import Database, retry_when_locked
from quizapp.errors import NotFound, Refused
from quizapp.models import Activity, ReportBatch, ReportBatchRow
from quizapp.reports.kinds import ReportKind
from quizapp.reports.records import (
    NO_CONSENT,
    NOT_FOR_THIS_REPORT,
    Completion,
    Judge,
    Outcome,
    completions,
)


@dataclass(frozen=True)
class ReportException:
    """A completion that cannot be reported now, with the reason to act on."""

    learner: str
    email: str
    completed_on: dt.date
    problem: str
    late: bool = False


@dataclass(frozen=True)
class PendingRow:
    """A row of the next batch, with the learner it is about for the page."""

    action: str
    completion_key: str
    user_id: int
    certificate_id: int | None
    claim_ids: tuple[int, ...]
    cells: tuple[str, ...]
    learner: str
    email: str


@dataclass
class Survey:
    """Everything the report's page shows of an activity."""

    pending: list[PendingRow] = field(default_factory=list)
    """The next batch: what changed since the last one."""
    exceptions: list[ReportException] = field(default_factory=list)
    """Completions not yet reported that cannot be, and why."""
    no_consent: int = 0
    """Completions left out because the learner has not consented to board reporting."""
    not_for_report: int = 0
    """Completions with no credit this report takes (certificates of participation …)."""
    reported: int = 0
    """Completions the batches so far have reported, and not deleted."""
    current: list[tuple[str, ...]] = field(default_factory=list)
    """Every row reportable today, whatever the batches hold: the full export."""


@dataclass(frozen=True)
class BatchSummary:
    id: int
    created_at: dt.datetime
    created_by: str
    added: int
    deleted: int


@dataclass
class _Reported:
    batch_id: int
    certificate_id: int | None
    rows: list[tuple[str, ...]] = field(default_factory=list)


def reported(session: Session, kind: ReportKind, activity_id: int) -> dict[str, _Reported]:
    """Per completion, the rows its latest batch added; a completion whose latest batch only
    deleted it is no longer reported."""
    query = (
        select(
            ReportBatchRow.completion_key,
            ReportBatchRow.batch_id,
            ReportBatchRow.action,
            ReportBatchRow.certificate_id,
            ReportBatchRow.cells,
        )
        .join(ReportBatch, ReportBatch.id == ReportBatchRow.batch_id)
        .where(ReportBatch.kind == kind.code, ReportBatch.activity_id == activity_id)
        .order_by(ReportBatchRow.batch_id, ReportBatchRow.position)
    )
    state: dict[str, _Reported] = {}
    for key, batch_id, action, certificate_id, cells in session.execute(query):
        entry = state.get(key)
        if entry is None or entry.batch_id != batch_id:
            entry = state[key] = _Reported(batch_id, certificate_id)
        if action == "Add":
            entry.rows.append(tuple(cells))
            entry.certificate_id = certificate_id
    return {key: entry for key, entry in state.items() if entry.rows}


def current_rows(
    session: Session, kind: ReportKind, activity: Activity, today: dt.date
) -> Iterator[tuple[str, ...] | ReportException]:
    """Every row reportable today, and every completion that cannot be, whatever the batches
    hold: the full export, streamed in learner order."""
    judge = kind.judge(session, activity, today)
    for completion in completions(session, activity):
        outcome = judge(completion, False)
        yield from outcome.rows
        if outcome.problem:
            yield _exception(completion, outcome.problem, outcome.late)


def survey(session: Session, kind: ReportKind, activity: Activity, today: dt.date) -> Survey:
    """The next batch, and the completions it leaves out, as of ``today``."""
    state = reported(session, kind, activity.id)
    judge = kind.judge(session, activity, today)
    result = Survey(reported=len(state))
    for completion in completions(session, activity):
        outcome = judge(completion, False)
        result.current += outcome.rows
        prior = state.get(completion.key)
        if prior is None:
            _first_report(result, completion, outcome)
        else:
            _change(result, judge, completion, prior)
    return result


def _first_report(result: Survey, completion: Completion, outcome: Outcome) -> None:
    if outcome.rows:
        result.pending += [_pending("Add", completion, cells) for cells in outcome.rows]
    elif outcome.problem:
        result.exceptions.append(_exception(completion, outcome.problem, outcome.late))
    elif outcome.left_out == NO_CONSENT:
        result.no_consent += 1
    elif outcome.left_out == NOT_FOR_THIS_REPORT:
        result.not_for_report += 1


def _change(result: Survey, judge: Judge, completion: Completion, prior: _Reported) -> None:
    """A reported completion is deleted once revoked, and reported again once reissued with
    other values; consent withdrawn or a deadline passed later changes nothing reported."""
    if completion.status == "revoked":
        result.pending += [_pending("Delete", completion, cells) for cells in prior.rows]
        return
    if completion.certificate_id == prior.certificate_id or completion.status == "pending":
        return
    outcome = judge(completion, True)
    if outcome.rows:
        if list(outcome.rows) != prior.rows:
            result.pending += [_pending("Delete", completion, cells) for cells in prior.rows]
            result.pending += [_pending("Add", completion, cells) for cells in outcome.rows]
    elif outcome.problem:
        result.exceptions.append(
            _exception(
                completion,
                f"reported in batch {prior.batch_id}, then its certificate was reissued; "
                f"correct it before the next batch: {outcome.problem}",
                False,
            )
        )


def _pending(action: str, completion: Completion, cells: tuple[str, ...]) -> PendingRow:
    return PendingRow(
        action=action,
        completion_key=completion.key,
        user_id=completion.user.id,
        certificate_id=completion.certificate_id,
        claim_ids=tuple(claim.id for claim in completion.claims),
        cells=(action, *cells[1:]),
        learner=completion.user.full_name,
        email=completion.user.email,
    )


def _exception(completion: Completion, problem: str, late: bool) -> ReportException:
    return ReportException(
        completion.user.full_name, completion.user.email, completion.completed_on, problem, late
    )


@dataclass(frozen=True)
class RecordedBatch:
    id: int
    survey: Survey
    """What the batch was made from, with the completions it left out."""


@retry_when_locked
def record_batch(
    db: Database, kind: ReportKind, activity_id: int, actor: audit.Actor, now: dt.datetime
) -> RecordedBatch:
    """Store the next batch; refused when nothing changed since the last.

    The activity's row is locked first, so a second request waits for this one and then
    finds these rows already reported (SQLite serialises writers anyway).
    """
    with db.transaction() as session:
        activity = session.get(Activity, activity_id, with_for_update=True)
        if activity is None:
            raise NotFound(str(activity_id))
        surveyed = survey(session, kind, activity, now.date())
        pending = surveyed.pending
        if not pending:
            last = _last_batch(session, kind, activity_id)
            raise Refused(
                f"Nothing new to report: batch {last} holds every change so far."
                if last
                else "Nothing to report yet: no completion can be reported."
            )
        batch = ReportBatch(
            kind=kind.code,
            activity_id=activity_id,
            created_at=now,
            created_by_id=actor.user_id,
            created_by_label=actor.label,
        )
        session.add(batch)
        session.flush()
        session.add_all(
            ReportBatchRow(
                batch_id=batch.id,
                position=position,
                completion_key=row.completion_key,
                action=row.action,
                user_id=row.user_id,
                certificate_id=row.certificate_id,
                claim_ids=list(row.claim_ids),
                cells=list(row.cells),
            )
            for position, row in enumerate(pending, start=1)
        )
        audit.record(
            session,
            actor,
            "report.batch",
            "report_batch",
            batch.id,
            now=now,
            report=kind.code,
            activity=activity.slug,
            added=sum(row.action == "Add" for row in pending),
            deleted=sum(row.action == "Delete" for row in pending),
        )
        return RecordedBatch(batch.id, surveyed)


def _last_batch(session: Session, kind: ReportKind, activity_id: int) -> int | None:
    return session.scalar(
        select(func.max(ReportBatch.id)).where(
            ReportBatch.kind == kind.code, ReportBatch.activity_id == activity_id
        )
    )


def batches(session: Session, kind: ReportKind, activity_id: int) -> list[BatchSummary]:
    """The activity's batches, newest first, with how many rows each added and deleted."""
    rows = session.execute(
        select(
            ReportBatch.id,
            ReportBatch.created_at,
            ReportBatch.created_by_label,
            func.count().filter(ReportBatchRow.action == "Add"),
            func.count().filter(ReportBatchRow.action == "Delete"),
        )
        .join(ReportBatchRow, ReportBatchRow.batch_id == ReportBatch.id)
        .where(ReportBatch.kind == kind.code, ReportBatch.activity_id == activity_id)
        .group_by(ReportBatch.id, ReportBatch.created_at, ReportBatch.created_by_label)
        .order_by(ReportBatch.id.desc())
    )
    return [BatchSummary(*row) for row in rows]


def batch_file_rows(
    session: Session, kind: ReportKind, activity_id: int, batch_id: int
) -> tuple[ReportBatch, list[tuple[str, ...]]]:
    """A batch exactly as it was recorded; another activity's or report's batch is not
    found here."""
    batch = session.get(ReportBatch, batch_id)
    if batch is None or batch.kind != kind.code or batch.activity_id != activity_id:
        raise NotFound(str(batch_id))
    cells = session.scalars(
        select(ReportBatchRow.cells)
        .where(ReportBatchRow.batch_id == batch_id)
        .order_by(ReportBatchRow.position)
    )
    return batch, [tuple(row) for row in cells]
