"""Reports over thousands of learners: CSVs are written while they are read, so memory does not
grow with the number of rows, and pages stay a size a browser can show.

Each download is measured twice in one run, over 1,000 and then 5,000 learners, with
``tracemalloc``; a report that held its rows would need about five times the memory the second
time. Nothing here is timed.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

from quizapp.db import Database
from quizapp.models import Activity, CreditClaim, Evaluation, User
from tests.learner_helpers import IMATINIB
from tests.staff_helpers import sign_in_as

COMPLETED = dt.datetime(2027, 1, 14, 9, 0, tzinfo=dt.UTC)
SMALL, LARGE = 1_000, 5_000
MEMORY_GROWTH_LIMIT = 2.0
PLANNED_CHANGE = "I will order an MRI of the painful limb before assuming metastasis. " * 4


def add_learners(db: Database, count: int) -> None:
    """``count`` more consenting physicians with a full profile, a 1.0 credit claim and an
    evaluation of the imatinib activity, inserted in bulk."""
    with db.transaction() as session:
        activity = session.scalar(select(Activity).where(Activity.slug == IMATINIB))
        assert activity is not None
        first = (session.scalar(select(func.max(User.id))) or 0) + 1
        ids = range(first, first + count)
        session.execute(
            insert(User),
            [
                {
                    "id": i,
                    "email": f"learner{i}@example.org",
                    "password_hash": "unused",
                    "full_name": f"Learner Number{i}",
                    "degree": "MD",
                    "npi": "1234567893",
                    "license_state": "NY",
                    "license_number": f"NY-{i}",
                    "birth_month": 3,
                    "birth_day": 7,
                    "board_report_consent_at": COMPLETED,
                }
                for i in ids
            ],
        )
        session.execute(
            insert(CreditClaim),
            [
                {
                    "user_id": i,
                    "activity_id": activity.id,
                    "activity_version_id": activity.current_version_id,
                    "credit_type": "ama-pra-1",
                    "amount": Decimal("1.0"),
                    "attested_at": COMPLETED,
                    "claimed_at": COMPLETED,
                }
                for i in ids
            ],
        )
        session.execute(
            insert(Evaluation),
            [
                {
                    "user_id": i,
                    "activity_id": activity.id,
                    "activity_version_id": activity.current_version_id,
                    "answers": {"objectives-met": "Agree", "planned-change": PLANNED_CHANGE},
                    "submitted_at": COMPLETED,
                }
                for i in ids
            ],
        )


def peak_memory_of_download(client: FlaskClient, url: str) -> tuple[int, int]:
    """(peak bytes allocated while the CSV was produced and read, data rows in it)."""
    tracemalloc.start()
    try:
        response = client.get(url, buffered=False)
        assert response.status_code == 200
        lines = sum(chunk.count(b"\n") for chunk in response.iter_encoded())
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, lines - 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/completions.csv?start=2027-01-01&end=2027-01-31",
        f"/admin/reports/pars/{IMATINIB}.csv",
        f"/admin/reports/evaluations/{IMATINIB}.csv",
    ],
    ids=["completions", "pars", "evaluations"],
)
def test_a_report_csv_needs_no_more_memory_for_five_times_the_learners(
    synced: Flask, db: Database, url: str
) -> None:
    admin = sign_in_as(synced, db, "admin", "grace.admin@example.org").client
    add_learners(db, SMALL)
    peak_memory_of_download(admin, url)  # first use fills caches that later downloads reuse
    small_peak, small_rows = peak_memory_of_download(admin, url)

    add_learners(db, LARGE - SMALL)
    large_peak, large_rows = peak_memory_of_download(admin, url)

    assert large_rows >= small_rows + (LARGE - SMALL)
    assert large_peak < MEMORY_GROWTH_LIMIT * small_peak, (
        f"{url}: {small_peak:,} bytes for {small_rows:,} rows, "
        f"{large_peak:,} bytes for {large_rows:,} rows"
    )


def test_the_completions_page_shows_the_first_500_rows_and_counts_them_all(
    synced: Flask, db: Database
) -> None:
    admin = sign_in_as(synced, db, "admin", "grace.admin@example.org").client
    add_learners(db, 501)
    query = "start=2027-01-01&end=2027-01-31"

    page = admin.get(f"/admin/reports/completions?{query}").get_data(as_text=True)
    csv_file = admin.get(f"/admin/reports/completions.csv?{query}").get_data(as_text=True)

    assert "501 rows; the first 500 are shown here, the CSV has them all</p>" in page
    assert page.count("<tr><td>2027-01-14</td>") == 500
    last = "learner502@example.org"  # ids follow the administrator's, 1
    assert last not in page
    assert csv_file.count("\r\n") == 1 + 501
    assert last in csv_file
