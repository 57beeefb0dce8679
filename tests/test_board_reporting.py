"""Board reporting: PARS and CPE Monitor batches, from the admin pages and the command line.

One activity offers every kind of credit the boards take (a copy of the imatinib activity):
AMA credit, ABIM Medical Knowledge and Practice Assessment points, ABA MOCA credits with
0.5 of Patient Safety, ABP points, REMS and ACPE pharmacy credit. The cohort:

=============  ==========  ==============================================  =================
learner        claimed     profile                                         claims
=============  ==========  ==============================================  =================
Paul Reyes     2026-11-10  PharmD, e-Profile, birth day                    ACPE 1.0
Ann Lee        2027-01-10  ABIM, license, consent                          AMA, MK, PA, REMS
Ben Okafor     2027-01-10  ABA, license, consent                           AMA, MOCA, PS 0.5
Cher           2027-01-11  a single name, license, consent                 AMA
Wang Xiaoming  2027-01-11  family name first, ABP, consent                 AMA, ABP
Dora Quinn     2027-01-12  license, consent                                AMA (revoked 01-20)
Eli Marsh      2027-01-12  license, consent                                AMA (0.5 on 01-20)
Nora Park      2027-01-13  RN, consent                                     participation
Omar Haddad    2027-01-13  license, NO consent                             AMA
Pia Jensen     2027-01-14  PharmD, e-Profile, birth day                    ACPE 1.0
=============  ==========  ==============================================  =================

The first batches are made on January 15; on January 20 Dora's certificate is revoked, Eli's
amount is corrected and his certificate reissued, and Cher's reissued unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from quizapp import audit
from quizapp.content.credits import format_amount
from quizapp.db import Database
from quizapp.errors import Refused
from quizapp.models import (
    Activity,
    AuditEvent,
    Certificate,
    CertificateClaim,
    CreditClaim,
    ReportBatch,
    User,
)
from quizapp.reports import services
from quizapp.reports.cpe import CPE_COLUMNS
from quizapp.reports.kinds import PARS
from quizapp.reports.pars import PARS_COLUMNS
from tests.conftest import FROZEN_NOW, PASSWORD, AuthActions
from tests.learner_helpers import claim, evaluate, take, variant
from tests.staff_helpers import sign_in_as
from tests.test_concurrency import in_parallel

GOLDEN = Path(__file__).parent / "golden"
SLUG = "board-credits"
ADMIN = "grace.admin@example.org"
CREDITS = """    amount: 1.0
  - type: abim-moc
    amount: 1
  - type: abim-moc-pa
    amount: 1
  - type: aba-moca
    amount: 1
  - type: aba-patient-safety
    amount: 0.5
  - type: abp-moc
    amount: 1
  - type: rems
    amount: 1
  - type: acpe
    amount: 1.0
    uan: 0798-9999-26-001-H01-P
"""
FIELDS = (
    "npi",
    "license_state",
    "license_number",
    "certifying_board",
    "board_id",
    "birth_month",
    "birth_day",
    "nabp_eprofile_id",
    "given_name",
    "family_name",
)
LICENSED = {"license_state": "NY", "birth_month": "4", "birth_day": "2"}


def on(app: Flask, day: str) -> None:
    app.config["FROZEN_NOW"] = f"{day}T12:00:00+00:00"


def learner(
    app: Flask,
    email: str,
    full_name: str,
    degree: str,
    profile: dict[str, str],
    claims: dict[str, str],
    *,
    consent: bool = True,
) -> AuthActions:
    """Register, save the profile, pass, evaluate and claim on the day the clock says."""
    auth = AuthActions(app.test_client())
    assert auth.register(email, full_name=full_name, degree=degree).status_code == 302
    form: dict[str, object] = {"full_name": full_name, "degree": degree}
    form |= {field: profile.get(field, "") for field in FIELDS}
    if consent:
        form["board_report_consent"] = "y"
    saved = auth.post_form("/account", form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    take(auth.client, right=3, slug=SLUG)
    assert evaluate(auth, SLUG).status_code == 302
    response = claim(auth, claims, slug=SLUG)
    assert response.status_code == 302, response.get_data(as_text=True)
    return auth


@pytest.fixture
def boards(synced: Flask, db: Database, tmp_path: Path) -> Flask:
    app = synced
    variant(tmp_path, db, SLUG, {"    amount: 1.0\n": CREDITS})

    on(app, "2026-11-10")
    pharmacist = {"nabp_eprofile_id": "7654321", "birth_month": "8", "birth_day": "30"}
    learner(app, "paul@example.org", "Paul Reyes", "PharmD", pharmacist, {"acpe": "1.0"})

    on(app, "2027-01-10")
    learner(
        app,
        "ann@example.org",
        "Ann Lee",
        "MD",
        LICENSED
        | {"license_number": "NY-123456", "certifying_board": "ABIM"}
        | {"board_id": "987654", "birth_month": "3", "birth_day": "7"},
        {"ama-pra-1": "1.0", "abim-moc": "1", "abim-moc-pa": "1", "rems": "1"},
    )
    learner(
        app,
        "ben@example.org",
        "Ben Okafor",
        "DO",
        {"license_state": "TX", "license_number": "TX-5501", "certifying_board": "ABA"}
        | {"board_id": "445566", "birth_month": "7", "birth_day": "21"},
        {"ama-pra-1": "1.0", "aba-moca": "1", "aba-patient-safety": "0.5"},
    )

    on(app, "2027-01-11")
    learner(
        app,
        "cher@example.org",
        "Cher",
        "MD",
        {"license_state": "CA", "license_number": "A-9", "birth_month": "5", "birth_day": "20"},
        {"ama-pra-1": "1.0"},
    )
    learner(
        app,
        "wang@example.org",
        "Wang Xiaoming",
        "MD",
        {"certifying_board": "ABP", "board_id": "778899", "birth_month": "9"}
        | {"birth_day": "9", "given_name": "Xiaoming", "family_name": "Wang"},
        {"ama-pra-1": "1.0", "abp-moc": "1"},
    )

    on(app, "2027-01-12")
    learner(
        app,
        "dora@example.org",
        "Dora Quinn",
        "MD",
        LICENSED | {"license_number": "NY-7"},
        {"ama-pra-1": "1.0"},
    )
    learner(
        app,
        "eli@example.org",
        "Eli Marsh",
        "MD",
        LICENSED | {"license_number": "NY-8"},
        {"ama-pra-1": "1.0"},
    )

    on(app, "2027-01-13")
    learner(app, "nora@example.org", "Nora Park", "RN", {}, {"participation": "1.0"})
    learner(
        app,
        "omar@example.org",
        "Omar Haddad",
        "MD",
        LICENSED | {"license_number": "NY-9"},
        {"ama-pra-1": "1.0"},
        consent=False,
    )

    on(app, "2027-01-14")
    pia = {"nabp_eprofile_id": "1234567", "birth_month": "2", "birth_day": "11"}
    learner(app, "pia@example.org", "Pia Jensen", "PharmD", pia, {"acpe": "1.0"})

    app.config["FROZEN_NOW"] = FROZEN_NOW
    return app


@pytest.fixture
def admin(boards: Flask, db: Database) -> AuthActions:
    return sign_in_as(boards, db, "admin", ADMIN)


# --- reading files and pages --------------------------------------------------------------------


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def workbook_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_written(value: object, column: str) -> str:
    """A cell read back from the workbook, written as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, int | float):
        return format_amount(Decimal(str(value)))
    return str(value)


def download(client: FlaskClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_data()


def record(admin: AuthActions, report: str, fmt: str = "csv") -> tuple[int, bytes]:
    """Press "Record this batch and download it"; the id of the batch and the file."""
    page = f"/admin/reports/{report}/{SLUG}"
    response = admin.post_form(f"{page}/batches", {"format": fmt}, form_page=page)
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.search(rf"/admin/reports/{report}/{SLUG}/batches/(\d+)\.{fmt}$", response.location)
    assert match, response.location
    return int(match.group(1)), download(admin.client, response.location)


def page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def certificate_of(db: Database, email: str) -> Certificate:
    with db.read_session() as session:
        certificate = session.scalar(
            select(Certificate)
            .join(User, User.id == Certificate.user_id)
            .where(User.email == email, Certificate.status == "issued")
        )
    assert certificate is not None
    return certificate


def act(admin: AuthActions, path: str, data: dict[str, object] | None = None) -> None:
    """An admin action from the learner page, with the password typed again first."""
    assert admin.login(ADMIN, PASSWORD).status_code == 302
    certificate_page = "/admin/"
    response = admin.post_form(path, data or {}, form_page=certificate_page)
    assert response.status_code == 302, response.get_data(as_text=True)


def january_20_corrections(boards: Flask, db: Database, admin: AuthActions) -> None:
    """Dora's certificate revoked; Eli's amount corrected to 0.5 and his certificate
    reissued; Cher's certificate reissued with nothing changed.

    quizapp has no page to correct a claimed amount: an administrator corrects it in the
    database, then reissues, and that is what this does.
    """
    on(boards, "2027-01-20")
    dora = certificate_of(db, "dora@example.org")
    act(admin, f"/admin/certificates/{dora.id}/revoke", {"reason": "Did not attend."})
    eli = certificate_of(db, "eli@example.org")
    with db.transaction() as session:
        for claimed in session.scalars(
            select(CreditClaim)
            .join(CertificateClaim, CertificateClaim.claim_id == CreditClaim.id)
            .where(CertificateClaim.certificate_id == eli.id)
        ):
            claimed.amount = Decimal("0.5")
    act(admin, f"/admin/certificates/{eli.id}/reissue")
    cher = certificate_of(db, "cher@example.org")
    act(admin, f"/admin/certificates/{cher.id}/reissue")


# --- PARS ---------------------------------------------------------------------------------------


def test_the_first_pars_batch_holds_every_board_s_credit_as_acme_describes_it(
    admin: AuthActions,
) -> None:
    batch_id, data = record(admin, "pars", "csv")

    assert data == golden("pars-batch-1.csv")
    rows = csv_rows(data)
    assert rows[0] == PARS_COLUMNS
    by_name = {(row[3], row[4]): row for row in rows[1:]}
    assert by_name[("Ann", "Lee")][9:] == [
        "ABIM",
        "987654",
        "2.0",
        "Medical Knowledge",
        "1.0",
        "Practice Assessment",
        "1.0",
        "Yes",
    ]
    ben = [row for row in rows[1:] if row[4] == "Okafor"]
    assert [row[8:16] for row in ben] == [
        ["0.5", "ABA", "445566", "0.5", "Lifelong Learning", "0.5", "", ""],
        ["0.5", "ABA", "445566", "0.5", "Lifelong Learning", "0.5", "Patient Safety", "0.5"],
    ]
    assert by_name[("", "Cher")][2:6] == ["01/11/2027", "", "Cher", "05/20"]
    assert by_name[("Xiaoming", "Wang")][9:14] == [
        "ABP",
        "778899",
        "1.0",
        "Lifelong Learning and Self-Assessment",
        "1.0",
    ]
    assert {row[0] for row in rows[1:]} == {"Add"}
    assert not {"Nora", "Omar", "Pia", "Paul"} & {row[3] for row in rows}
    assert batch_id == 1


def test_the_same_batch_as_acme_s_excel_template_and_as_tab_delimited_text(
    admin: AuthActions,
) -> None:
    batch_id, xlsx = record(admin, "pars", "xlsx")
    base = f"/admin/reports/pars/{SLUG}/batches/{batch_id}"
    txt = download(admin.client, f"{base}.txt")

    assert txt == golden("pars-batch-1.txt")
    sheet = workbook_rows(xlsx)
    assert str(sheet[0][0]).startswith(
        f"ACCME PARS learner upload, batch {batch_id}, recorded by {ADMIN} on 2027-01-15. "
        "Row 2 is the header of ACCME's Excel learner template"
    )
    assert sheet[1] == PARS_COLUMNS
    written = [
        [as_written(value, column) for value, column in zip(row, PARS_COLUMNS, strict=True)]
        for row in sheet[2:]
    ]
    assert written == csv_rows(golden("pars-batch-1.csv"))[1:]
    assert isinstance(sheet[2][2], dt.datetime)
    assert sheet[2][1] == "202609117"
    assert download(admin.client, f"{base}.xlsx") == xlsx


def test_a_batch_downloaded_again_is_the_same_file_and_nothing_is_reported_twice(
    boards: Flask, admin: AuthActions, db: Database
) -> None:
    batch_id, first = record(admin, "pars", "csv")
    page = f"/admin/reports/pars/{SLUG}"

    again = admin.post_form(f"{page}/batches", {"format": "csv"}, form_page=page)

    assert again.status_code == 302
    assert again.location == page
    text = page_text(admin.client, page)
    assert "Nothing new to report: batch 1 holds every change so far." in text
    assert "Next batch (0 rows)" in text
    assert "Batches (1)" in text
    for fmt in ("xlsx", "txt", "csv"):
        assert f'href="{page}/batches/{batch_id}.{fmt}"' in text
    on(boards, "2027-02-20")
    assert download(admin.client, f"{page}/batches/{batch_id}.csv") == first
    with db.read_session() as session:
        assert session.scalars(select(ReportBatch.id)).all() == [batch_id]
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.batch"))
    assert event is not None
    assert (event.actor_label, event.target_type, event.target_id) == (
        ADMIN,
        "report_batch",
        str(batch_id),
    )
    assert event.details == {"report": "pars", "activity": SLUG, "added": 7, "deleted": 0}


def test_a_revoked_certificate_and_a_reissue_with_a_new_amount_reach_the_next_batch(
    boards: Flask, admin: AuthActions, db: Database
) -> None:
    record(admin, "pars", "csv")
    january_20_corrections(boards, db, admin)

    page = page_text(admin.client, f"/admin/reports/pars/{SLUG}")
    assert "Next batch (3 rows)" in page
    batch_id, data = record(admin, "pars", "csv")
    txt = download(admin.client, f"/admin/reports/pars/{SLUG}/batches/{batch_id}.txt")

    assert data == golden("pars-batch-2.csv")
    assert txt == golden("pars-batch-2.txt")
    first = {tuple(row[1:]) for row in csv_rows(golden("pars-batch-1.csv"))[1:]}
    deletes = [row for row in csv_rows(data)[1:] if row[0] == "Delete"]
    assert [row[4] for row in deletes] == ["Quinn", "Marsh"]
    assert all(tuple(row[1:]) in first for row in deletes)
    [add] = [row for row in csv_rows(data)[1:] if row[0] == "Add"]
    assert (add[4], add[8]) == ("Marsh", "0.5")
    assert "Cher" not in data.decode()


def test_participation_is_counted_not_listed_and_consent_is_counted(admin: AuthActions) -> None:
    page = page_text(admin.client, f"/admin/reports/pars/{SLUG}")

    assert (
        "Left out: 1 completion without consent to board reporting; 3 with no credit this "
        "report takes" in page
    )
    assert "Every completion can be reported." in page
    for unnamed in ("Nora Park", "Omar Haddad"):
        assert unnamed not in page


def test_abp_points_are_claimed_whole(boards: Flask, db: Database) -> None:
    on(boards, "2027-01-14")
    # Registered by the service: the cohort used up the registration form's rate limit.
    auth = sign_in_as(boards, db, "learner", "zoe@example.org", full_name="Zoe Park")
    form: dict[str, object] = {field: "" for field in FIELDS}
    form |= {"full_name": "Zoe Park", "degree": "MD", "certifying_board": "ABP", "board_id": "1"}
    form |= {"birth_month": "1", "birth_day": "1", "board_report_consent": "y"}
    assert auth.post_form("/account", form).status_code == 302
    take(auth.client, right=3, slug=SLUG)
    assert evaluate(auth, SLUG).status_code == 302

    response = claim(auth, {"abp-moc": "0.5"}, slug=SLUG)

    assert response.status_code == 400
    assert "Claim all 1.0 ABP MOC Part 2 points or none" in response.get_data(as_text=True)


# --- CPE Monitor ---------------------------------------------------------------------------------


def test_the_cpe_monitor_batch_and_the_60_day_flag(admin: AuthActions) -> None:
    page = page_text(admin.client, f"/admin/reports/cpe-monitor/{SLUG}")

    assert re.search(
        r'<tr class="late"><td>Paul Reyes</td><td>paul@example.org</td><td>2026-11-10</td>'
        r'<td><strong class="late-flag">Late</strong> participated more than 60 days ago',
        page,
    )
    batch_id, data = record(admin, "cpe-monitor", "csv")

    assert data == golden("cpe-monitor-batch-1.csv")
    assert csv_rows(data)[0] == CPE_COLUMNS
    assert "Paul" not in page.split('id="next-batch"', 1)[1].split("</section>", 1)[0]
    assert batch_id == 1


def test_a_revoked_pharmacy_certificate_is_deleted_in_the_next_cpe_batch(
    boards: Flask, admin: AuthActions, db: Database
) -> None:
    record(admin, "cpe-monitor", "csv")
    on(boards, "2027-01-20")
    pia = certificate_of(db, "pia@example.org")
    act(admin, f"/admin/certificates/{pia.id}/revoke", {"reason": "Claimed in error."})

    _, data = record(admin, "cpe-monitor", "csv")

    first = csv_rows(golden("cpe-monitor-batch-1.csv"))[1]
    assert csv_rows(data)[1:] == [["Delete", *first[1:]]]


# --- the command line ---------------------------------------------------------------------------


def test_report_pars_batch_records_a_batch_and_writes_it_again_by_its_id(
    boards: Flask, runner: FlaskCliRunner, db: Database, tmp_path: Path
) -> None:
    made = runner.invoke(args=["report", "pars", SLUG, "--batch"])

    assert made.exit_code == 0, made.output
    assert made.stdout_bytes == golden("pars-batch-1.csv")
    assert "batch 1 recorded: 7 rows (7 Add, 0 Delete); write it again with --batch-id 1" in (
        made.stderr
    )
    again = runner.invoke(args=["report", "pars", SLUG, "--batch-id", "1", "--format", "txt"])
    assert again.stdout_bytes == golden("pars-batch-1.txt")
    excel = tmp_path / "batch.xlsx"
    written = runner.invoke(
        args=["report", "pars", SLUG, "--batch-id", "1", "--format", "xlsx", "-o", str(excel)]
    )
    assert written.exit_code == 0, written.output
    assert workbook_rows(excel.read_bytes())[1] == PARS_COLUMNS
    nothing = runner.invoke(args=["report", "pars", SLUG, "--batch"])
    assert nothing.exit_code == 1
    assert "Nothing new to report: batch 1 holds every change so far." in nothing.stderr
    with db.read_session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.batch"))
    assert event is not None and event.actor_label == "cli"


def test_report_cpe_writes_the_full_export_and_flags_late_rows_in_red(
    boards: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["report", "cpe", SLUG], color=True)

    assert result.exit_code == 0, result.output
    assert csv_rows(result.stdout_bytes) == csv_rows(golden("cpe-monitor-batch-1.csv"))
    assert result.stderr == (
        "\x1b[31mLATE not reported: Paul Reyes <paul@example.org>, completed 2026-11-10: "
        "participated more than 60 days ago; CPE Monitor no longer accepts it, so take it up "
        "with ACPE\x1b[0m\n"
    )


def test_an_excel_file_needs_an_output_file(boards: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["report", "pars", SLUG, "--format", "xlsx"])

    assert result.exit_code == 2
    assert "an Excel file is binary: give --output FILE" in result.stderr


def test_the_batch_pages_are_for_administrators_and_recording_needs_a_fresh_login(
    boards: Flask, admin: AuthActions, db: Database
) -> None:
    learner_client = AuthActions(boards.test_client())
    learner_client.login("ann@example.org")
    assert learner_client.client.get(f"/admin/reports/pars/{SLUG}").status_code == 403

    on(boards, "2027-01-16")
    page = f"/admin/reports/pars/{SLUG}"
    stale = admin.post_form(f"{page}/batches", {"format": "csv"}, form_page=page)

    assert stale.status_code == 302
    assert stale.location == "/confirm"
    with db.read_session() as session:
        assert session.scalars(select(ReportBatch)).all() == []
    assert admin.client.post(f"{page}/batches", data={"format": "csv"}).status_code == 400
    unknown = admin.client.get(f"{page}/batches/99.csv")
    assert unknown.status_code == 404
    with db.read_session() as session:
        assert session.scalar(select(Activity.id).where(Activity.slug == SLUG)) is not None


def test_batches_asked_for_at_once_report_each_row_once(boards: Flask, db: Database) -> None:
    """Two administrators (or a double click) at the same moment: the activity's lock makes
    the second wait and find nothing left, on SQLite and PostgreSQL alike."""
    with db.read_session() as session:
        activity_id = session.scalar(select(Activity.id).where(Activity.slug == SLUG))
    assert activity_id is not None
    now = dt.datetime.fromisoformat(FROZEN_NOW)

    results = in_parallel(
        lambda: services.record_batch(db, PARS, activity_id, audit.CLI, now).id, count=4
    )

    made = [result for result in results if isinstance(result, int)]
    assert len(made) == 1, results
    assert all(isinstance(result, Refused) for result in results if result not in made)
    with db.read_session() as session:
        assert session.scalars(select(ReportBatch.id)).all() == made
