"""The credit-type registry: every rule about a kind of credit comes from its one entry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from quizapp.certificates.document import CertificateCredit
from quizapp.certificates.wording import credit_line
from quizapp.content.credits import (
    CREDIT_TYPES,
    NOT_REPORTED,
    OFFERED_TYPES,
    PARS_BOARD_CREDITS,
    PARS_CME_CREDITS,
    PARTICIPATION,
    REPORTED_TO_CPE_MONITOR,
    REPORTED_TO_PARS,
    credit_name,
    eligible_by_degree,
    pars_types,
)
from quizapp.content.formats import LEARNING_FORMATS, learning_format

DEGREES = ("MD", "DO", "PA", "NP", "RN", "PharmD", "other")


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
        "RN",
        "PharmD",
        "other",
    ]


@pytest.mark.parametrize(
    ("code", "degrees"),
    [
        ("ama-pra-1", {"MD", "DO"}),
        ("abim-moc", {"MD", "DO"}),
        ("ancc", {"RN", "NP"}),
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
                "certifying board and board ID",
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
    assert [(t.code, t.pars_board_code) for t in pars_types(PARS_BOARD_CREDITS)] == [
        ("abim-moc", "MOC")
    ]
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
