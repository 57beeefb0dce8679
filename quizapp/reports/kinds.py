"""The board reports that keep batches: what each is called, its columns and its rules.

Pages, files and commands read an entry here rather than branch on the report, so PARS and
CPE Monitor share one bookkeeping (:mod:`quizapp.reports.services`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from quizapp.models import Activity
from quizapp.reports.cpe import CPE_COLUMNS, CPE_DEADLINE_DAYS, cpe_judge
from quizapp.reports.pars import PARS_COLUMNS, PARS_DEADLINE_DAYS, pars_judge
from quizapp.reports.records import Judge

TEXT, DATE_MDY, DATE_ISO, NUMBER = "text", "mm/dd/yyyy", "yyyy-mm-dd", "number"
"""How a spreadsheet should read a column: text, a date as written, or a number."""


@dataclass(frozen=True)
class ReportKind:
    code: str
    """As batches store it."""
    slug: str
    """In addresses and file names."""
    title: str
    columns: tuple[str, ...]
    column_types: tuple[str, ...]
    judge: Callable[[Session, Activity, dt.date], Judge]
    deadline_days: int
    formats: tuple[str, ...]
    """File formats, the first the default: ACCME takes Excel, tab-delimited text and CSV."""


PARS = ReportKind(
    code="pars",
    slug="pars",
    title="ACCME PARS learner upload",
    columns=tuple(PARS_COLUMNS),
    column_types=(
        *(TEXT, TEXT, DATE_MDY, TEXT, TEXT, TEXT, TEXT, TEXT, NUMBER, TEXT, TEXT),
        *(NUMBER, TEXT, NUMBER, TEXT, NUMBER, TEXT),
    ),
    judge=pars_judge,
    deadline_days=PARS_DEADLINE_DAYS,
    formats=("xlsx", "txt", "csv"),
)
CPE_MONITOR = ReportKind(
    code="cpe-monitor",
    slug="cpe-monitor",
    title="CPE Monitor batch",
    columns=tuple(CPE_COLUMNS),
    column_types=(TEXT, TEXT, TEXT, TEXT, TEXT, DATE_ISO, NUMBER),
    judge=cpe_judge,
    deadline_days=CPE_DEADLINE_DAYS,
    formats=("csv",),
)
KINDS = {kind.code: kind for kind in (PARS, CPE_MONITOR)}
