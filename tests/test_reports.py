"""The reports, over HTTP and from the command line, after a small cohort took the imatinib test.

The cohort (all through the real pages, on the days given, once per session and engine; each
test gets a copy of the database it left):

============  ===========  ============================  =======================  ============
learner       day (2027)   posttest (right answers)      profile                  claims
============  ===========  ============================  =======================  ============
Ann Lee       Jan 5        3 of 3                        complete, board consent  1.0
              Jan 8        methotrexate: passed                                   0.5 (mtx)
Bob Stone     Jan 10       2 of 3 (passes at 66 %)       no birth date, consent   0.75
Cara Diaz     Jan 12       1 of 3, then 3 of 3           complete, NO consent     1.0
Dan Ng        Jan 13       0 of 3                        (none)                   (fails)
Erin Volkov   Jan 14       3 of 3                        NPI only, consent        0.5
============  ===========  ============================  =======================  ============

The reports are read on January 15 unless a test moves the clock.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from quizapp.db import Database
from quizapp.models import (
    Activity,
    ActivityVersion,
    Certificate,
    CertificateClaim,
    CreditClaim,
    User,
)
from quizapp.reports.items import ITEM_COLUMNS
from quizapp.reports.pars import PARS_COLUMNS
from quizapp.statistics.item_analysis import (
    MIN_ATTEMPTS,
    TestAnalysis,
    round_half_up,
    round_half_up_root,
)
from tests.conftest import SYNCED, AuthActions
from tests.databases import SavedState, TestDatabases
from tests.learner_helpers import (
    IMATINIB,
    METHOTREXATE,
    claim,
    evaluate,
    pass_methotrexate,
    take,
    variant,
)
from tests.staff_helpers import sign_in_as
from tests.test_item_analysis_sums import by_definition, fill

GOLDEN_PARS = Path(__file__).parent / "golden" / f"pars-{IMATINIB}.csv"
IMATINIB_TITLE = (
    "Reversible Bone Marrow Edema During Adjuvant Imatinib for Gastrointestinal Stromal Tumor"
)
METHOTREXATE_TITLE = (
    "Once a Week, Not Once a Day: Preventing Dosing Errors With Low-Dose Oral Methotrexate"
)
AMA = "AMA PRA Category 1 Credit™"
QUESTIONS = ["bone-events-cml-gist", "most-common-adverse-events", "dose-reduction-bone-edema"]
PROFILE_FIELDS = (
    "npi",
    "license_state",
    "license_number",
    "certifying_board",
    "board_id",
    "birth_month",
    "birth_day",
    "nabp_eprofile_id",
)

OBJECTIVES = "The activity met its stated learning objectives."
RELEVANCE = "The content is relevant to my practice."
INTENT = "Do you intend to change your practice as a result of this activity?"
PLANNED = "What, if anything, will you change in your practice?"
BIAS = "Did you perceive commercial bias in this activity?"
BIAS_DETAILS = "If you perceived bias, please describe it."


@dataclass(frozen=True)
class Learner:
    email: str
    full_name: str
    degree: str
    profile: dict[str, str]
    consent: bool


ANN = Learner(
    "ann.lee@example.org",
    "Ann Lee",
    "MD",
    {
        "npi": "1234567893",
        "license_state": "NY",
        "license_number": "NY-123456",
        "certifying_board": "ABIM",
        "board_id": "987654",
        "birth_month": "3",
        "birth_day": "7",
    },
    consent=True,
)
BOB = Learner(
    "bob.stone@example.org",
    "Bob Stone",
    "DO",
    {"npi": "1245319599", "license_state": "TX", "license_number": "TX-55501"},
    consent=True,
)
CARA = Learner(
    "cara.diaz@example.org",
    "Cara Diaz",
    "MD",
    {
        "npi": "1003000126",
        "license_state": "NY",
        "license_number": "NY-777",
        "certifying_board": "ABIM",
        "board_id": "112233",
        "birth_month": "12",
        "birth_day": "1",
    },
    consent=False,
)
DAN = Learner("dan.ng@example.org", "Dan Ng", "MD", {}, consent=False)
ERIN = Learner(
    "erin.volkov@example.org",
    "Erin Volkov",
    "DO",
    {"npi": "1497758544", "license_state": "CA", "birth_month": "11", "birth_day": "23"},
    consent=True,
)


# --- driving the cohort -------------------------------------------------------------------------


def on(app: Flask, day: str) -> None:
    """Move the site's clock to noon UTC on ``day``."""
    app.config["FROZEN_NOW"] = f"{day}T12:00:00+00:00"


def join(app: Flask, learner: Learner) -> AuthActions:
    """Register, then save the whole profile form as a browser would send it."""
    auth = AuthActions(app.test_client())
    response = auth.register(learner.email, full_name=learner.full_name, degree=learner.degree)
    assert response.status_code == 302
    form: dict[str, object] = {"full_name": learner.full_name, "degree": learner.degree}
    form |= {field: learner.profile.get(field, "") for field in PROFILE_FIELDS}
    if learner.consent:
        form["board_report_consent"] = "y"
    saved = auth.post_form("/account", form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    return auth


def answer_evaluation(auth: AuthActions, answers: dict[str, str]) -> None:
    response = auth.post_form(f"/activities/{IMATINIB}/evaluation", answers)
    assert response.status_code == 302, response.get_data(as_text=True)


def claim_ama(auth: AuthActions, amount: str, slug: str = IMATINIB) -> None:
    response = claim(auth, {"ama-pra-1": amount}, slug=slug)
    assert response.status_code == 302, response.get_data(as_text=True)


def walk_the_cohort(app: Flask, db: Database) -> None:
    on(app, "2027-01-05")
    ann = join(app, ANN)
    take(ann.client, right=3)
    answer_evaluation(
        ann,
        {
            "objectives-met": "Agree",
            "relevance": "Strongly agree",
            "intent-to-change": "Yes",
            "planned-change": "Order MRI before assuming metastasis.",
            "commercial-bias": "No",
        },
    )
    claim_ama(ann, "1.0")

    on(app, "2027-01-08")
    pass_methotrexate(ann.client)
    assert evaluate(ann, METHOTREXATE).status_code == 302
    claim_ama(ann, "0.5", METHOTREXATE)

    on(app, "2027-01-10")
    bob = join(app, BOB)
    take(bob.client, right=2)
    answer_evaluation(
        bob,
        {
            "objectives-met": "Strongly agree",
            "relevance": "Agree",
            "intent-to-change": "No, my practice already reflects this content",
            "commercial-bias": "No",
        },
    )
    claim_ama(bob, "0.75")

    on(app, "2027-01-12")
    cara = join(app, CARA)
    take(cara.client, right=1)
    take(cara.client, right=3)
    answer_evaluation(
        cara,
        {
            "objectives-met": "Agree",
            "relevance": "Agree",
            "intent-to-change": "Yes",
            "planned-change": "Stop imatinib rather than reduce the dose.",
            "commercial-bias": "No",
        },
    )
    claim_ama(cara, "1.0")

    on(app, "2027-01-13")
    dan = join(app, DAN)
    take(dan.client, right=0)

    on(app, "2027-01-14")
    erin = join(app, ERIN)
    take(erin.client, right=3)
    answer_evaluation(
        erin,
        {
            "objectives-met": "Neutral",
            "relevance": "Strongly agree",
            "intent-to-change": "Yes",
            "commercial-bias": "Yes",
            "commercial-bias-details": "The figure names a brand of imatinib.",
        },
    )
    claim_ama(erin, "0.5")


COHORT = SavedState("the reports cohort", walk_the_cohort, after=SYNCED)


@pytest.fixture
def cohort(app: Flask, db: Database, databases: TestDatabases) -> Flask:
    databases.restore(COHORT, db)
    return app


@pytest.fixture
def admin(cohort: Flask, db: Database) -> FlaskClient:
    return sign_in_as(cohort, db, "admin", "grace.admin@example.org").client


# --- reading pages and files --------------------------------------------------------------------


def page_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def csv_of(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def tables(page: str) -> list[list[list[str]]]:
    """The body rows of every table on the page, cell text unescaped."""
    return [
        [
            [
                html.unescape(re.sub(r"<[^>]+>", "", cell))
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
            ]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        ]
        for body in re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    ]


def section(page: str, labelled_by: str) -> str:
    match = re.search(rf'<section aria-labelledby="{labelled_by}">(.*?)</section>', page, re.S)
    assert match, f"no section {labelled_by}"
    return match.group(1)


def certificate_code(db: Database, learner: Learner, slug: str) -> str:
    with db.read_session() as session:
        code = session.scalar(
            select(Certificate.code)
            .join(CertificateClaim, CertificateClaim.certificate_id == Certificate.id)
            .join(CreditClaim, CreditClaim.id == CertificateClaim.claim_id)
            .join(User, User.id == CreditClaim.user_id)
            .join(Activity, Activity.id == CreditClaim.activity_id)
            .where(User.email == learner.email, Activity.slug == slug)
        )
    assert code is not None
    return code


def completion(
    db: Database, day: str, learner: Learner, amount: str, slug: str = IMATINIB
) -> list[str]:
    """A row of the completions report as it should read."""
    title = IMATINIB_TITLE if slug == IMATINIB else METHOTREXATE_TITLE
    return [
        day,
        learner.full_name,
        learner.email,
        learner.degree,
        learner.profile.get("npi", ""),
        slug,
        title,
        "1",
        AMA,
        amount,
        certificate_code(db, learner, slug),
        "issued",
    ]


# --- the dashboard -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "methotrexate", "imatinib"),
    [
        (
            "start=2027-01-01&end=2027-01-15",
            ["1", "1", "100%", "1", "0.5 AMA PRA Category 1 Credit™", "1"],
            ["5", "6", "67%", "4", "3.25 AMA PRA Category 1 Credit™", "4"],
        ),
        (
            "start=2027-01-11&end=2027-01-15",
            ["0", "0", "—", "0", "—", "0"],
            ["3", "4", "50%", "2", "1.5 AMA PRA Category 1 Credit™", "2"],
        ),
    ],
    ids=["first-half-of-january", "from-january-11"],
)
def test_the_dashboard_counts_each_activity_over_the_period(
    admin: FlaskClient, query: str, methotrexate: list[str], imatinib: list[str]
) -> None:
    """Learners started, attempts submitted, pass rate, completions, credits, evaluations."""
    page = page_of(admin, f"/admin/?{query}")
    [figures] = tables(page)
    assert figures == [methotrexate, imatinib]


# --- completions --------------------------------------------------------------------------------


def test_completions_default_to_the_last_30_days_of_every_activity(
    admin: FlaskClient, db: Database
) -> None:
    rows = csv_of(admin, "/admin/reports/completions.csv")
    assert rows[0][:3] == ["Completion date", "Learner", "Email"]
    assert rows[1:] == [
        completion(db, "2027-01-05", ANN, "1.0"),
        completion(db, "2027-01-08", ANN, "0.5", METHOTREXATE),
        completion(db, "2027-01-10", BOB, "0.75"),
        completion(db, "2027-01-12", CARA, "1.0"),
        completion(db, "2027-01-14", ERIN, "0.5"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "start=2027-01-08&end=2027-01-12",
            [
                ("2027-01-08", ANN, "0.5", METHOTREXATE),
                ("2027-01-10", BOB, "0.75", IMATINIB),
                ("2027-01-12", CARA, "1.0", IMATINIB),
            ],
        ),
        (
            f"start=2027-01-08&end=2027-01-12&activity={IMATINIB}",
            [("2027-01-10", BOB, "0.75", IMATINIB), ("2027-01-12", CARA, "1.0", IMATINIB)],
        ),
        (
            f"start=2027-01-01&end=2027-01-31&activity={METHOTREXATE}",
            [("2027-01-08", ANN, "0.5", METHOTREXATE)],
        ),
        ("start=2027-01-06&end=2027-01-07", []),
    ],
    ids=["both-ends-inclusive", "one-activity", "other-activity", "empty-period"],
)
def test_completions_are_filtered_by_date_range_and_activity_on_the_page_and_in_the_csv(
    admin: FlaskClient,
    db: Database,
    query: str,
    expected: list[tuple[str, Learner, str, str]],
) -> None:
    wanted = [completion(db, day, learner, amount, slug) for day, learner, amount, slug in expected]
    assert csv_of(admin, f"/admin/reports/completions.csv?{query}")[1:] == wanted
    page = page_of(admin, f"/admin/reports/completions?{query}")
    [shown] = tables(page)
    assert shown == (wanted or [["No completions in this period."]])
    assert f"{len(wanted)} row{'s' if len(wanted) != 1 else ''}</p>" in page
    assert html.escape(f"/admin/reports/completions.csv?{query}") in page


def test_the_completions_csv_is_named_after_its_period(admin: FlaskClient) -> None:
    response = admin.get("/admin/reports/completions.csv?start=2027-01-08&end=2027-01-12")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="completions-2027-01-08-2027-01-12.csv"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"


# --- ACCME PARS ---------------------------------------------------------------------------------


def test_the_pars_upload_matches_the_golden_file(admin: FlaskClient) -> None:
    response = admin.get(f"/admin/reports/pars/{IMATINIB}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="pars-{IMATINIB}.csv"'
    )
    assert response.get_data() == GOLDEN_PARS.read_bytes()


def test_the_golden_file_has_the_pars_columns_in_order() -> None:
    header = GOLDEN_PARS.read_bytes().split(b"\r\n", 1)[0].decode()
    assert header.split(",") == PARS_COLUMNS


def test_the_pars_page_lists_unreportable_learners_and_counts_non_consenting_ones(
    admin: FlaskClient,
) -> None:
    page = page_of(admin, f"/admin/reports/pars/{IMATINIB}")
    golden = list(csv.reader(io.StringIO(GOLDEN_PARS.read_text(encoding="utf-8"))))

    assert tables(section(page, "not-in-file")) == [
        [["Bob Stone", BOB.email, "2027-01-10", "missing birth month and day"]]
    ]
    assert tables(section(page, "full-export")) == [golden[1:]]
    assert tables(section(page, "next-batch")) == [
        [["Ann Lee", *golden[1]], ["Erin Volkov", *golden[2]]]
    ]
    assert "(ACCME activity 202609117)" in page
    assert "Not in the file (1)" in page
    assert "Next batch (2 rows)" in page
    assert (
        "Left out: 1 completion without consent to board reporting; 0 with no credit this "
        "report takes" in page
    )
    # Cara did not consent to board reporting and Dan claimed nothing: neither is named.
    for absent in (CARA, DAN):
        assert absent.email not in page
        assert absent.full_name not in page


@pytest.mark.parametrize("today", ["2027-02-04", "2027-02-05", "2027-06-14"])
def test_cme_credit_alone_is_never_left_to_report_by_hand_for_its_age(
    admin: FlaskClient, cohort: Flask, today: str
) -> None:
    on(cohort, today)
    page = page_of(admin, f"/admin/reports/pars/{IMATINIB}")

    assert [row[0] for row in tables(section(page, "not-in-file"))[0]] == ["Bob Stone"]
    uploaded = csv_of(admin, f"/admin/reports/pars/{IMATINIB}.csv")
    assert [row[3] for row in uploaded[1:]] == ["Ann", "Erin"]


def moc_learner(cohort: Flask, db: Database, tmp_path: Path, email: str) -> tuple[str, AuthActions]:
    """A consenting ABIM diplomate who passes and evaluates a variant with MOC points on
    January 5."""
    slug = variant(
        tmp_path,
        db,
        "with-moc",
        {"    amount: 1.0\n": "    amount: 1.0\n  - type: abim-moc\n    amount: 1\n"},
    )
    learner = Learner(email, "Faye Moss", "MD", ANN.profile | {"npi": "1679576722"}, consent=True)
    on(cohort, "2027-01-05")
    auth = join(cohort, learner)
    take(auth.client, right=3, slug=slug)
    assert evaluate(auth, slug).status_code == 302
    return slug, auth


@pytest.mark.parametrize(
    ("claimed", "today", "late"),
    [
        ("2027-01-05", "2027-02-04", False),
        ("2027-01-05", "2027-02-05", True),
        ("2027-01-20", "2027-02-05", True),
    ],
    ids=["30-days-after-evaluation", "31-days", "claimed-later-evaluated-31-days-ago"],
)
def test_moc_credit_is_left_to_report_by_hand_31_days_after_the_evaluation(
    admin: FlaskClient,
    cohort: Flask,
    db: Database,
    tmp_path: Path,
    claimed: str,
    today: str,
    late: bool,
) -> None:
    slug, auth = moc_learner(cohort, db, tmp_path, "faye.moss@example.org")
    on(cohort, claimed)
    response = claim(auth, {"ama-pra-1": "1.0", "abim-moc": "1"}, slug=slug)
    assert response.status_code == 302, response.get_data(as_text=True)

    on(cohort, today)
    page = page_of(admin, f"/admin/reports/pars/{slug}")

    exceptions = tables(section(page, "not-in-file"))
    if late:
        assert exceptions == [
            [
                [
                    "Faye Moss",
                    "faye.moss@example.org",
                    claimed,
                    "Late MOC credit whose evaluation (2027-01-05) is more than 30 days old; "
                    "report it by hand",
                ]
            ]
        ]
        assert csv_of(admin, f"/admin/reports/pars/{slug}.csv") == [PARS_COLUMNS]
    else:
        assert exceptions == []
        [row] = csv_of(admin, f"/admin/reports/pars/{slug}.csv")[1:]
        assert row[11:14] == ["1.0", "Medical Knowledge", "1.0"]


def test_an_activity_without_an_accme_id_says_so_on_the_pars_page(
    admin: FlaskClient, cohort: Flask, db: Database, tmp_path: Path
) -> None:
    slug = variant(tmp_path, db, "no-accme-id", {'accme_activity_id: "202609117"\n': ""})
    page = page_of(admin, f"/admin/reports/pars/{slug}")
    assert "has no accme_activity_id in its front matter" in page


def test_moc_points_without_a_certifying_board_are_listed_beside_the_file_not_uploaded(
    admin: FlaskClient, cohort: Flask, db: Database, tmp_path: Path
) -> None:
    """MOC points are reported to the certifying board, so a license alone cannot carry them:
    a learner who claimed MOC points and then cleared the board from the profile is an
    exception, while the same profile with CME credit alone is reported to the state board."""
    slug, auth = moc_learner(cohort, db, tmp_path, "faye.moss@example.org")
    on(cohort, "2027-01-15")
    response = claim(auth, {"ama-pra-1": "1.0", "abim-moc": "1"}, slug=slug)
    assert response.status_code == 302, response.get_data(as_text=True)
    cleared = {"full_name": "Faye Moss", "degree": "MD", "board_report_consent": "y"}
    cleared |= {field: ANN.profile.get(field, "") for field in PROFILE_FIELDS}
    cleared |= {"npi": "1679576722", "certifying_board": "", "board_id": ""}
    assert auth.post_form("/account", cleared).status_code == 302

    page = page_of(admin, f"/admin/reports/pars/{slug}")

    assert tables(section(page, "not-in-file")) == [
        [
            [
                "Faye Moss",
                "faye.moss@example.org",
                "2027-01-15",
                "missing ABIM as certifying board with a board ID (needed for ABIM MOC points)",
            ]
        ]
    ]
    assert tables(section(page, "full-export")) == [[["No reportable rows."]]]
    assert csv_of(admin, f"/admin/reports/pars/{slug}.csv") == [PARS_COLUMNS]


# --- item analysis ------------------------------------------------------------------------------


def facility_description(page: str) -> str:
    match = re.search(r'<desc id="facility-desc">(.*?)</desc>', page, re.S)
    assert match, "no facility chart"
    return match.group(1)


def item_csv_summary(rows: list[list[str]]) -> list[tuple[str, ...]]:
    """(question, facility, option, key, times chosen, chosen %, attempts) per option row."""
    header, *body = rows
    assert header == ITEM_COLUMNS
    return [(q, f, o, k, n, p, a) for q, f, _, _, o, k, n, p, a, _, _ in body]


def test_below_the_minimum_the_page_and_file_say_too_few_attempts_instead_of_figures(
    admin: FlaskClient,
) -> None:
    """Five first attempts: the facility and the counts are shown, the correlational figures
    are not, and the page and every row of the file say why."""
    page = page_of(admin, f"/admin/reports/items/{IMATINIB}")
    assert (
        f"5 attempts, fewer than the {MIN_ATTEMPTS} needed: the discrimination index, "
        "the discriminative efficiency and Cronbach's alpha are not shown"
    ) in page
    assert (
        f"<dt>Cronbach's alpha</dt><dd>too few attempts: 5 of the {MIN_ATTEMPTS} needed</dd>"
        in page
    )
    assert 'id="efficiency-title"' not in page  # no chart of figures that are not shown
    for question in QUESTIONS:
        part = section(page, f"item-{question}")
        assert "<dt>Discrimination index</dt><dd>too few attempts</dd>" in part
        assert "<dt>Discriminative efficiency</dt><dd>too few attempts</dd>" in part

    header, *body = csv_of(admin, f"/admin/reports/items/{IMATINIB}.csv")
    assert header[2:4] == ["Discrimination index", "Discriminative efficiency (%)"]
    assert header[9:] == ["Cronbach's alpha", "Note"]
    assert {(row[2], row[3], row[9]) for row in body} == {("", "", "")}
    assert {row[10] for row in body} == {
        f"too few attempts: 5 of the {MIN_ATTEMPTS} needed; discrimination, "
        "discriminative efficiency and alpha are not reported"
    }


def test_with_enough_attempts_the_page_and_file_show_every_figure_rounded_half_up(
    admin: FlaskClient, db: Database
) -> None:
    with db.read_session() as session:
        version = session.scalars(
            select(ActivityVersion)
            .join(Activity, Activity.current_version_id == ActivityVersion.id)
            .where(Activity.slug == METHOTREXATE)
        ).one()
    fill(db, version, learners=60, seed=11)
    expected = by_definition(db, version, first_only=True)
    assert isinstance(expected, TestAnalysis)
    assert expected.attempts >= MIN_ATTEMPTS

    page = page_of(admin, f"/admin/reports/items/{METHOTREXATE}")
    assert "too few attempts" not in page
    alpha = round_half_up(expected.cronbach_alpha, 3)
    assert f"<dt>Cronbach's alpha</dt><dd>{alpha}</dd>" in page
    rows = csv_of(admin, f"/admin/reports/items/{METHOTREXATE}.csv")[1:]
    chart = re.search(r'<desc id="efficiency-desc">(.*?)</desc>', page, re.S)
    assert chart, "no efficiency chart"
    assert "Bar chart of the discriminative efficiency" in chart.group(1)
    assert f"of {len(expected.items)} items. Q1: " in chart.group(1)
    for item in expected.items:
        assert item.discrimination_squared is not None and item.discrimination_index is not None
        index = round_half_up_root(item.discrimination_index < 0, item.discrimination_squared, 1)
        efficiency = round_half_up(item.discriminative_efficiency, 1)
        part = section(page, f"item-{item.question_id}")
        assert f"<dt>Discrimination index</dt><dd>{index}</dd>" in part
        assert f"<dt>Discriminative efficiency</dt><dd>{efficiency}%</dd>" in part
        mine = [row for row in rows if row[0] == item.question_id]
        assert len(mine) == len(item.options)
        assert {(r[1], r[2], r[3], r[8], r[9], r[10]) for r in mine} == {
            (
                str(round_half_up(item.facility_percent, 1)),
                str(index),
                str(efficiency),
                str(expected.attempts),
                str(alpha),
                "",
            )
        }


def test_item_analysis_charts_each_question_and_the_facility_of_first_attempts(
    admin: FlaskClient,
) -> None:
    page = page_of(admin, f"/admin/reports/items/{IMATINIB}")
    assert "version 1 · first attempts · 5 attempts" in page
    assert "Q1: 80%; Q2: 60%; Q3: 40%" in facility_description(page)
    assert len(re.findall(r'<svg [^>]*role="img"', page)) == 4
    for question, facility in zip(QUESTIONS, ["80.0%", "60.0%", "40.0%"], strict=True):
        part = section(page, f"item-{question}")
        assert re.search(rf'<svg [^>]*role="img" aria-labelledby="options-{question}-title"', part)
        assert f"<dt>Facility index</dt><dd>{facility}</dd>" in part


def test_item_analysis_counts_how_often_each_option_was_chosen_on_first_attempts(
    admin: FlaskClient,
) -> None:
    q1, q2, q3 = QUESTIONS
    assert item_csv_summary(csv_of(admin, f"/admin/reports/items/{IMATINIB}.csv")) == [
        (q1, "80.0", "a. True", "yes", "4", "80.0", "5"),
        (q1, "80.0", "b. False", "", "1", "20.0", "5"),
        (q2, "60.0", "a. Edema", "", "2", "40.0", "5"),
        (q2, "60.0", "b. Fluid retention", "", "0", "0.0", "5"),
        (q2, "60.0", "c. Arthralgia", "", "0", "0.0", "5"),
        (q2, "60.0", "d. Bone pain", "", "0", "0.0", "5"),
        (q2, "60.0", "e. Both a and b", "yes", "3", "60.0", "5"),
        (q3, "40.0", "a. True", "", "3", "60.0", "5"),
        (q3, "40.0", "b. False", "yes", "2", "40.0", "5"),
    ]


def test_all_attempts_adds_the_retake(admin: FlaskClient) -> None:
    page = page_of(admin, f"/admin/reports/items/{IMATINIB}?attempts=all")
    assert "version 1 · all attempts · 6 attempts" in page
    assert "Q1: 83%; Q2: 67%; Q3: 50%" in facility_description(page)
    assert f"/admin/reports/items/{IMATINIB}.csv?version=1&amp;attempts=all" in page
    summary = item_csv_summary(csv_of(admin, f"/admin/reports/items/{IMATINIB}.csv?attempts=all"))
    assert [(q, f, n) for q, f, _, _, n, _, _ in summary] == [
        (QUESTIONS[0], "83.3", "5"),
        (QUESTIONS[0], "83.3", "1"),
        (QUESTIONS[1], "66.7", "2"),
        (QUESTIONS[1], "66.7", "0"),
        (QUESTIONS[1], "66.7", "0"),
        (QUESTIONS[1], "66.7", "0"),
        (QUESTIONS[1], "66.7", "4"),
        (QUESTIONS[2], "50.0", "3"),
        (QUESTIONS[2], "50.0", "3"),
    ]


def test_item_analysis_of_a_version_that_does_not_exist_is_a_404(admin: FlaskClient) -> None:
    for url in (f"/admin/reports/items/{IMATINIB}", f"/admin/reports/items/{IMATINIB}.csv"):
        response = admin.get(f"{url}?version=99")
        assert response.status_code == 404
        assert "This activity has no such version." in response.get_data(as_text=True)


# --- evaluation summary -------------------------------------------------------------------------

EVALUATION_CSV = [
    ["Question", "Answer", "Count", "Percent"],
    [OBJECTIVES, "Strongly agree", "1", "25"],
    [OBJECTIVES, "Agree", "2", "50"],
    [OBJECTIVES, "Neutral", "1", "25"],
    [OBJECTIVES, "Disagree", "0", "0"],
    [OBJECTIVES, "Strongly disagree", "0", "0"],
    [RELEVANCE, "Strongly agree", "2", "50"],
    [RELEVANCE, "Agree", "2", "50"],
    [RELEVANCE, "Neutral", "0", "0"],
    [RELEVANCE, "Disagree", "0", "0"],
    [RELEVANCE, "Strongly disagree", "0", "0"],
    [INTENT, "Yes", "3", "75"],
    [INTENT, "No, my practice already reflects this content", "1", "25"],
    [INTENT, "No, for another reason", "0", "0"],
    [PLANNED, "Order MRI before assuming metastasis.", "", ""],
    [PLANNED, "Stop imatinib rather than reduce the dose.", "", ""],
    [BIAS, "Yes", "1", "25"],
    [BIAS, "No", "3", "75"],
    [BIAS_DETAILS, "The figure names a brand of imatinib.", "", ""],
]


def test_the_evaluation_summary_counts_each_answer_and_lists_the_free_text(
    admin: FlaskClient,
) -> None:
    page = page_of(admin, f"/admin/reports/evaluations/{IMATINIB}")
    assert f"4 evaluations for <strong>{IMATINIB}</strong>" in page
    [objectives] = tables(section(page, "eval-objectives-met"))
    assert objectives == [
        ["Strongly agree", "1", "25%"],
        ["Agree", "2", "50%"],
        ["Neutral", "1", "25%"],
        ["Disagree", "0", "0%"],
        ["Strongly disagree", "0", "0%"],
    ]
    [bias] = tables(section(page, "eval-commercial-bias"))
    assert bias == [["Yes", "1", "25%"], ["No", "3", "75%"]]
    planned = section(page, "eval-planned-change")
    assert re.findall(r"<li>(.*?)</li>", planned) == [
        "Order MRI before assuming metastasis.",
        "Stop imatinib rather than reduce the dose.",
    ]
    assert re.findall(r"<li>(.*?)</li>", section(page, "eval-commercial-bias-details")) == [
        "The figure names a brand of imatinib."
    ]


def test_the_evaluation_csv_has_every_count_and_free_text_answer(admin: FlaskClient) -> None:
    assert csv_of(admin, f"/admin/reports/evaluations/{IMATINIB}.csv") == EVALUATION_CSV


def test_each_evaluation_question_with_choices_has_a_bar_chart_of_its_answers(
    admin: FlaskClient,
) -> None:
    page = page_of(admin, f"/admin/reports/evaluations/{IMATINIB}")
    objectives = section(page, "eval-objectives-met")
    assert 'role="img" aria-labelledby="answers-1-title"' in objectives
    assert "Strongly agree: chosen 1 time (25%); Agree: chosen 2 times (50%)" in objectives
    assert "the correct answer" not in objectives and "✓ key" not in objectives
    assert "<svg" not in section(page, "eval-planned-change")
    assert page.count('role="img"') == 4  # four questions with choices, two free text


def test_the_evaluation_summary_takes_a_date_range(admin: FlaskClient) -> None:
    url = f"/admin/reports/evaluations/{IMATINIB}"
    page = page_of(admin, f"{url}?start=2027-01-10&end=2027-01-12")
    assert "2 evaluations for <strong>" in page
    assert "submitted from January 10, 2027 to January 12, 2027 (UTC)" in page
    [bias] = tables(section(page, "eval-commercial-bias"))
    assert bias == [["Yes", "0", "0%"], ["No", "2", "100%"]]
    assert re.findall(r"<li>(.*?)</li>", section(page, "eval-planned-change")) == [
        "Stop imatinib rather than reduce the dose."
    ]
    assert f"{url}.csv?start=2027-01-10&amp;end=2027-01-12" in page
    rows = csv_of(admin, f"{url}.csv?start=2027-01-10&end=2027-01-12")
    assert [OBJECTIVES, "Strongly agree", "1", "50"] in rows  # of the 2 in the range
    assert [OBJECTIVES, "Neutral", "0", "0"] in rows
    assert "1 evaluation for" in page_of(admin, f"{url}?start=2027-01-13")
    assert "3 evaluations for" in page_of(admin, f"{url}?end=2027-01-12")


def test_a_day_with_no_evaluation_shows_no_percentages(admin: FlaskClient) -> None:
    page = page_of(admin, f"/admin/reports/evaluations/{IMATINIB}?start=2027-01-06&end=2027-01-07")
    assert "0 evaluations for" in page
    [bias] = tables(section(page, "eval-commercial-bias"))
    assert bias == [["Yes", "0", "—"], ["No", "0", "—"]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2027-13-01", "Dates must be written YYYY-MM-DD."),
        ("end=yesterday", "Dates must be written YYYY-MM-DD."),
        ("start=2027-01-12&end=2027-01-10", "The end date is before the start date."),
    ],
)
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_a_bad_evaluation_date_range_is_a_400_that_says_why(
    admin: FlaskClient, query: str, message: str, suffix: str
) -> None:
    response = admin.get(f"/admin/reports/evaluations/{IMATINIB}{suffix}?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


# --- the same CSVs from the command line --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (
            ["completions", "--from", "2027-01-08", "--to", "2027-01-12"],
            "/admin/reports/completions.csv?start=2027-01-08&end=2027-01-12",
        ),
        (
            ["completions", "--from", "2026-12-16", "--to", "2027-01-15", "--activity", IMATINIB],
            f"/admin/reports/completions.csv?start=2026-12-16&end=2027-01-15&activity={IMATINIB}",
        ),
        (["pars", IMATINIB], f"/admin/reports/pars/{IMATINIB}.csv"),
        (["items", IMATINIB], f"/admin/reports/items/{IMATINIB}.csv"),
        (
            ["items", IMATINIB, "--all-attempts"],
            f"/admin/reports/items/{IMATINIB}.csv?attempts=all",
        ),
        (["items", IMATINIB, "--version", "1"], f"/admin/reports/items/{IMATINIB}.csv?version=1"),
        (["evaluations", IMATINIB], f"/admin/reports/evaluations/{IMATINIB}.csv"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "same-as-page",
)
def test_the_report_command_writes_the_same_csv_as_the_page(
    admin: FlaskClient, runner: FlaskCliRunner, args: list[str], url: str
) -> None:
    result = runner.invoke(args=["report", *args])
    assert result.exit_code == 0, result.output
    page_csv = admin.get(url).get_data()
    assert len(page_csv.splitlines()) > 1
    assert result.stdout_bytes == page_csv


def test_report_pars_writes_the_golden_file_and_lists_the_exceptions_on_stderr(
    cohort: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["report", "pars", IMATINIB])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == GOLDEN_PARS.read_bytes()
    assert result.stderr == (
        f"not reported: Bob Stone <{BOB.email}>, completed 2027-01-10: "
        "missing birth month and day\n"
    )


@pytest.mark.parametrize("command", ["pars", "items", "evaluations"])
def test_report_of_an_unknown_activity_fails_and_says_so(
    cohort: Flask, runner: FlaskCliRunner, command: str
) -> None:
    result = runner.invoke(args=["report", command, "no-such-activity"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "There is no activity 'no-such-activity'." in result.stderr


def test_report_items_of_an_unknown_version_fails_and_says_so(
    cohort: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["report", "items", IMATINIB, "--version", "99"])
    assert result.exit_code == 1
    assert f"'{IMATINIB}' has no version 99." in result.stderr


def test_report_completions_refuses_a_range_that_ends_before_it_starts(
    cohort: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["report", "completions", "--from", "2027-01-12", "--to", "2027-01-08"]
    )
    assert result.exit_code == 2
    assert "--to is before --from" in result.stderr


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() -> None:
    from quizapp.csvstream import csv_lines

    text = "".join(
        csv_lines(
            ["Learner", "Amount"], [['=HYPERLINK("http://evil")', "1.0"], ["Ann Lee", "0.75"]]
        )
    )
    assert text.splitlines() == [
        "Learner,Amount",
        '"\'=HYPERLINK(""http://evil"")",1.0',
        "Ann Lee,0.75",
    ]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('Ann;=HYPERLINK("http://evil")', 'Ann;\'=HYPERLINK("http://evil")'),
        ("Lee; +1+1", "Lee; '+1+1"),
        ("a|@SUM(A1)", "a|'@SUM(A1)"),
        ("first line\n-2+3", "first line\n'-2+3"),
        ("Ann-Marie O'Neil", "Ann-Marie O'Neil"),
        ("2027-01-05", "2027-01-05"),
        ("Order MRI; then re-check", "Order MRI; then re-check"),
    ],
)
def test_a_formula_after_a_separator_a_spreadsheet_may_split_on_is_neutralised_too(
    cell: str, safe: str
) -> None:
    from quizapp.csvstream import spreadsheet_safe

    assert spreadsheet_safe(cell) == safe
