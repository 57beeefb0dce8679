"""The credit-type registry: every rule about a kind of credit comes from its one entry."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from quizapp.certificates.document import CertificateCredit
from quizapp.certificates.wording import credit_line
from quizapp.content.credits import (
    CERTIFYING_BOARDS,
    CREDIT_TYPES,
    DEGREES,
    NOT_REPORTED,
    OFFERED_TYPES,
    PARS_BOARD_CREDITS,
    PARS_CME_CREDITS,
    PARS_REMS,
    PARTICIPATION,
    REPORTED_TO_CPE_MONITOR,
    REPORTED_TO_PARS,
    credit_name,
    eligible_by_degree,
    pars_types,
)
from quizapp.content.formats import LEARNING_FORMATS, learning_format
from quizapp.content.loader import load_activity

SAMPLE = Path(__file__).resolve().parents[2] / "content"


@dataclass(frozen=True)
class Learner:
    degree: str = "MD"
    nabp_eprofile_id: str | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    certifying_board: str | None = None
    board_id: str | None = None
    board_report_consent_at: Any = None


@pytest.mark.parametrize("code", sorted(CREDIT_TYPES))
def test_every_entry_is_complete(code: str) -> None:
    entry = CREDIT_TYPES[code]

    assert entry.code == code
    assert entry.name and entry.unit_singular and entry.unit_plural
    assert entry.reported_to in (REPORTED_TO_PARS, REPORTED_TO_CPE_MONITOR, NOT_REPORTED)
    assert entry.degrees is None or entry.degrees <= set(DEGREES)
    statement = entry.designation("Meridian", Decimal("1.5"), "journal-based CME activity")
    assert "{" not in statement and "1.5" in statement


def test_participation_is_an_entry_authors_cannot_offer_that_stands_in_for_ama_credit() -> None:
    participation = CREDIT_TYPES[PARTICIPATION]

    assert PARTICIPATION not in OFFERED_TYPES
    assert participation.stands_in_for == "ama-pra-1"
    assert participation.name == "Certificate of participation"
    assert [d for d in DEGREES if participation.eligible(d)] == [
        "PA",
        "NP",
        "APRN",
        "RN",
        "PharmD",
        "DDS",
        "DMD",
        "DPM",
        "PhD",
        "other",
    ]


@pytest.mark.parametrize(
    ("code", "degrees"),
    [
        ("ama-pra-1", {"MD", "DO", "MBBS"}),
        ("abim-moc", {"MD", "DO", "MBBS"}),
        ("rems", {"MD", "DO", "MBBS"}),
        ("ancc", {"RN", "NP", "APRN"}),
        ("acpe", {"PharmD"}),
        ("aapa", {"PA"}),
        ("ipce", set(DEGREES)),
    ],
)
def test_eligible_degrees_come_from_the_entry(code: str, degrees: set[str]) -> None:
    assert {d for d in DEGREES if eligible_by_degree(code, d)} == degrees


def test_a_code_no_longer_in_the_registry_stays_with_whoever_holds_it() -> None:
    assert eligible_by_degree("retired-credit", "RN")
    assert credit_name("retired-credit") == "retired-credit"


@pytest.mark.parametrize(
    ("code", "missing"),
    [
        ("acpe", ("NABP e-Profile ID", "birth month and day")),
        (
            "abim-moc",
            (
                "certifying board (ABIM) and board ID",
                "birth month and day",
                "consent to report completions to your board",
            ),
        ),
        ("ama-pra-1", ()),
        ("ancc", ()),
    ],
)
def test_the_profile_fields_a_report_needs_come_from_the_entry(
    code: str, missing: tuple[str, ...]
) -> None:
    assert CREDIT_TYPES[code].missing(Learner()) == missing


def test_only_acpe_credit_needs_a_uan() -> None:
    assert [code for code, entry in CREDIT_TYPES.items() if entry.needs_uan] == ["acpe"]


def test_each_type_says_where_its_completions_are_reported() -> None:
    reported = {code: entry.reported_to for code, entry in CREDIT_TYPES.items()}

    assert reported["ama-pra-1"] == REPORTED_TO_PARS
    assert reported["abim-moc"] == REPORTED_TO_PARS
    assert reported["acpe"] == REPORTED_TO_CPE_MONITOR
    assert reported[PARTICIPATION] == NOT_REPORTED


def test_the_ama_name_carries_the_trademark_in_its_one_spelling() -> None:
    assert credit_name("ama-pra-1") == "AMA PRA Category 1 Credit™"


@pytest.mark.parametrize(
    ("amount", "line"),
    [("0.5", "0.5 hours of participation"), ("1.0", "1.0 hour of participation")],
)
def test_the_certificate_words_participation_with_the_entry_s_units(amount: str, line: str) -> None:
    credit = CertificateCredit(PARTICIPATION, credit_name(PARTICIPATION), amount, "")

    assert credit_line(credit) == line


def test_learning_formats_are_found_by_code_or_printed_name() -> None:
    journal = LEARNING_FORMATS["journal-based"]

    assert learning_format("Journal-based CME") is journal
    assert learning_format("journal-based") is journal
    assert journal.completed_what == "the journal-based CME activity"
    assert learning_format("podcast") is None


def test_the_authors_table_of_credit_types_is_the_registry() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "content-format.md").read_text(
        encoding="utf-8"
    )
    table = docs.split("#### Credit types", 1)[1].split("\n\n", 2)[1]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]

    assert {row[0].strip("| `"): row[1] for row in rows} == {
        code: CREDIT_TYPES[code].name for code in OFFERED_TYPES
    }


def test_pars_reads_its_cme_and_board_columns_from_the_registry() -> None:
    assert [t.code for t in pars_types(PARS_CME_CREDITS)] == ["ama-pra-1"]
    assert [(t.board, t.pars_board_code) for t in pars_types(PARS_BOARD_CREDITS)] == [
        ("ABIM", "Medical Knowledge"),
        ("ABIM", "Practice Assessment"),
        ("ABA", "Lifelong Learning"),
        ("ABA", "Patient Safety"),
        ("ABP", "Lifelong Learning and Self-Assessment"),
        ("ABOHNS", "Self-Assessment"),
        ("ABPath", "Lifelong Learning"),
        ("ABS", "Accredited CME"),
        ("ABTS", "Accredited CME"),
        ("ABOS", "Accredited CME"),
    ]
    assert [t.code for t in pars_types(PARS_REMS)] == ["rems"]
    assert all(t.reported_to == REPORTED_TO_PARS for t in pars_types(PARS_BOARD_CREDITS))


def test_the_acpe_certificate_statement_carries_the_uan_contact_hours_and_ceus() -> None:
    acpe = CREDIT_TYPES["acpe"]

    assert acpe.certificate_wording(Decimal("0.5"), "0798-9999-26-014-H05-P") == (
        "ACPE Universal Activity Number (UAN) 0798-9999-26-014-H05-P: 0.5 contact hours (0.05 CEU)"
    )
    assert acpe.certificate_wording(Decimal("1"), "0798-0000-26-001-H01-P").endswith(
        "1.0 contact hour (0.1 CEU)"
    )


@pytest.mark.parametrize("code", sorted(CREDIT_TYPES))
def test_a_type_that_needs_a_uan_prints_it_and_others_print_no_extra_statement(code: str) -> None:
    entry = CREDIT_TYPES[code]
    wording = entry.certificate_wording(Decimal("1.5"), "0798-9999-26-014-H05-P")

    if entry.needs_uan:
        assert "0798-9999-26-014-H05-P" in wording and "{" not in wording
    else:
        assert wording == ""


@pytest.mark.parametrize("credit", pars_types(PARS_BOARD_CREDITS), ids=lambda t: t.code)
def test_board_credit_is_for_physicians_with_that_board_in_their_profile(credit: Any) -> None:
    complete = Learner(
        birth_month=3,
        birth_day=7,
        certifying_board=credit.board,
        board_id="123456",
        board_report_consent_at="2027-01-01",
    )
    another_board = next(code for code in CERTIFYING_BOARDS if code != credit.board)

    assert credit.board in CERTIFYING_BOARDS
    assert {d for d in DEGREES if credit.eligible(d)} == {"MD", "DO", "MBBS"}
    assert not credit.counts_hours
    assert credit.missing(complete) == ()
    assert credit.missing(Learner(**{**complete.__dict__, "certifying_board": another_board})) == (
        f"certifying board ({credit.board}) and board ID",
    )


def test_only_the_abp_takes_whole_points_claimed_whole() -> None:
    assert [c.code for c in CREDIT_TYPES.values() if c.whole_numbers] == ["abp-moc"]
    assert [c.code for c in CREDIT_TYPES.values() if c.all_or_nothing] == ["abp-moc"]
    assert [(c.code, c.part_of) for c in CREDIT_TYPES.values() if c.part_of] == [
        ("aba-patient-safety", "aba-moca")
    ]


def checked(tmp_path: Path, credits: str) -> list[str]:
    """The checker's messages for the sample activity with ``credits`` after its AMA credit."""
    folder = tmp_path / "activity"
    shutil.copytree(SAMPLE / "imatinib-bone-edema", folder)
    article = folder / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("    amount: 1.0\n", "    amount: 1.0\n" + credits, 1))
    _, problems = load_activity(folder)
    return [problem.message for problem in problems]


def test_the_checker_refuses_fractional_abp_points(tmp_path: Path) -> None:
    assert checked(tmp_path, "  - type: abp-moc\n    amount: 1.5\n") == [
        "ABP MOC Part 2 points are whole numbers: the ABP rounds MOC points to the nearest "
        "whole number, so write 2, not 1.5"
    ]
    assert checked(tmp_path / "whole", "  - type: abp-moc\n    amount: 1\n") == []


def test_the_checker_keeps_aba_patient_safety_within_the_moca_credits(tmp_path: Path) -> None:
    assert checked(tmp_path / "alone", "  - type: aba-patient-safety\n    amount: 0.5\n") == [
        "ABA MOCA 2.0® Patient Safety credits are a share of ABA MOCA 2.0® credits; "
        "offer 'aba-moca' too"
    ]
    assert checked(
        tmp_path / "more",
        "  - type: aba-moca\n    amount: 1\n  - type: aba-patient-safety\n    amount: 1.5\n",
    ) == [
        "ABA MOCA 2.0® Patient Safety credits (1.5) cannot exceed the ABA MOCA 2.0® credits (1.0)"
    ]
    assert (
        checked(
            tmp_path / "part",
            "  - type: aba-moca\n    amount: 1\n  - type: aba-patient-safety\n    amount: 0.5\n",
        )
        == []
    )
