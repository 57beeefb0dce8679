"""Which credit a learner may claim, what the profile still needs, and how much may be claimed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest

from quizapp.credit.eligibility import (
    PARTICIPATION,
    ClaimError,
    EligibleCredit,
    another_degree_message,
    claimed_under_another_degree,
    eligible_by_degree,
    eligible_credits,
    parse_amount,
)
from tests.snapshots import offer

CONSENTED = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Learner:
    degree: str
    nabp_eprofile_id: str | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    certifying_board: str | None = None
    board_id: str | None = None
    board_report_consent_at: Any = None


def complete(degree: str) -> Learner:
    """A profile with every field credit reporting can need."""
    return Learner(
        degree=degree,
        nabp_eprofile_id="1234567",
        birth_month=3,
        birth_day=14,
        certifying_board="ABIM",
        board_id="123456",
        board_report_consent_at=CONSENTED,
    )


EVERY_OFFER = [offer(t) for t in ("ama-pra-1", "abim-moc", "ancc", "acpe", "aapa", "ipce")]


def types(credits: list[EligibleCredit]) -> list[str]:
    return [credit.type for credit in credits]


def only(credit_type: str, credits: list[EligibleCredit]) -> EligibleCredit:
    (credit,) = [c for c in credits if c.type == credit_type]
    return credit


# Who may claim what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("degree", "expected"),
    [
        ("MD", ["ama-pra-1", "abim-moc", "ipce"]),
        ("DO", ["ama-pra-1", "abim-moc", "ipce"]),
        ("RN", [PARTICIPATION, "ancc", "ipce"]),
        ("NP", [PARTICIPATION, "ancc", "ipce"]),
        ("PharmD", [PARTICIPATION, "acpe", "ipce"]),
        ("PA", [PARTICIPATION, "aapa", "ipce"]),
        ("PhD", [PARTICIPATION, "ipce"]),
    ],
)
def test_each_degree_may_claim_its_own_credit_types(degree: str, expected: list[str]) -> None:
    assert types(eligible_credits(EVERY_OFFER, complete(degree))) == expected


@pytest.mark.parametrize("degree", ["MD", "DO"])
def test_physicians_claim_ama_credit_and_get_no_participation_certificate(degree: str) -> None:
    credits = eligible_credits([offer("ama-pra-1")], complete(degree))

    assert types(credits) == ["ama-pra-1"]


@pytest.mark.parametrize("degree", ["RN", "NP", "PharmD", "PA", "PhD"])
def test_others_get_a_participation_certificate_for_the_ama_hours(degree: str) -> None:
    credits = eligible_credits([offer("ama-pra-1", "1.5")], Learner(degree))

    assert credits == [
        EligibleCredit(PARTICIPATION, "Certificate of participation", Decimal("1.5"), ())
    ]
    assert credits[0].claimable


def test_no_participation_certificate_when_ama_credit_is_not_offered() -> None:
    credits = eligible_credits([offer("ancc"), offer("ipce")], complete("RN"))

    assert types(credits) == ["ancc", "ipce"]


@pytest.mark.parametrize("degree", ["MD", "DO", "RN", "NP", "PharmD", "PA", "PhD"])
def test_ipce_credit_is_open_to_every_degree(degree: str) -> None:
    credits = eligible_credits([offer("ipce")], Learner(degree))

    assert types(credits) == ["ipce"]
    assert credits[0].claimable


def test_a_physician_sees_no_other_professions_credit() -> None:
    credits = eligible_credits([offer("ancc"), offer("acpe"), offer("aapa")], complete("MD"))

    assert credits == []


def test_the_maximum_is_the_offered_amount_and_the_name_is_the_offers() -> None:
    credit = only("ama-pra-1", eligible_credits([offer("ama-pra-1", "0.75")], Learner("MD")))

    assert credit.maximum == Decimal("0.75")
    assert credit.name == "AMA PRA Category 1 Credit™"


@pytest.mark.parametrize("degree", ["MD", "DO"])
def test_ama_credit_needs_no_profile_fields(degree: str) -> None:
    credit = only("ama-pra-1", eligible_credits([offer("ama-pra-1")], Learner(degree)))

    assert credit.missing == ()
    assert credit.claimable


@pytest.mark.parametrize("degree", ["RN", "NP"])
def test_ancc_credit_needs_no_profile_fields(degree: str) -> None:
    credit = only("ancc", eligible_credits([offer("ancc")], Learner(degree)))

    assert credit.missing == ()


# ACPE: reported to NABP --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blank", "missing"),
    [
        ({"nabp_eprofile_id": None}, ("NABP e-Profile ID",)),
        ({"nabp_eprofile_id": ""}, ("NABP e-Profile ID",)),
        ({"birth_month": None}, ("birth month and day",)),
        ({"birth_day": None}, ("birth month and day",)),
        (
            {"nabp_eprofile_id": None, "birth_month": None, "birth_day": None},
            ("NABP e-Profile ID", "birth month and day"),
        ),
    ],
    ids=["no e-Profile ID", "blank e-Profile ID", "no month", "no day", "nothing"],
)
def test_pharmacy_credit_needs_the_eprofile_id_and_birth_month_and_day(
    blank: dict[str, Any], missing: tuple[str, ...]
) -> None:
    credit = only("acpe", eligible_credits([offer("acpe")], replace(complete("PharmD"), **blank)))

    assert credit.missing == missing
    assert not credit.claimable


def test_pharmacy_credit_is_claimable_with_a_complete_profile() -> None:
    credit = only("acpe", eligible_credits([offer("acpe")], complete("PharmD")))

    assert credit.missing == ()
    assert credit.claimable


def test_pharmacy_credit_does_not_need_board_fields() -> None:
    pharmacist = replace(complete("PharmD"), certifying_board=None, board_id=None)

    assert only("acpe", eligible_credits([offer("acpe")], pharmacist)).claimable


# ABIM MOC: reported to the board -----------------------------------------------------------

NO_BOARD = "certifying board (ABIM) and board ID"
NO_BIRTH = "birth month and day"
NO_CONSENT = "consent to report completions to your board"


@pytest.mark.parametrize(
    ("blank", "missing"),
    [
        ({"certifying_board": None}, (NO_BOARD,)),
        ({"board_id": None}, (NO_BOARD,)),
        ({"board_id": ""}, (NO_BOARD,)),
        ({"birth_month": None}, (NO_BIRTH,)),
        ({"birth_day": None}, (NO_BIRTH,)),
        ({"board_report_consent_at": None}, (NO_CONSENT,)),
        (
            {
                "certifying_board": None,
                "board_id": None,
                "birth_month": None,
                "birth_day": None,
                "board_report_consent_at": None,
            },
            (NO_BOARD, NO_BIRTH, NO_CONSENT),
        ),
    ],
    ids=["no board", "no board ID", "blank board ID", "no month", "no day", "no consent", "none"],
)
@pytest.mark.parametrize("degree", ["MD", "DO"])
def test_moc_points_need_board_board_id_birth_month_and_day_and_consent(
    degree: str, blank: dict[str, Any], missing: tuple[str, ...]
) -> None:
    credits = eligible_credits([offer("abim-moc")], replace(complete(degree), **blank))

    assert only("abim-moc", credits).missing == missing
    assert not only("abim-moc", credits).claimable


def test_moc_points_are_claimable_with_a_complete_profile() -> None:
    credit = only("abim-moc", eligible_credits([offer("abim-moc")], complete("MD")))

    assert credit.claimable


def test_moc_points_do_not_need_the_nabp_eprofile_id() -> None:
    physician = replace(complete("MD"), nabp_eprofile_id=None)

    assert only("abim-moc", eligible_credits([offer("abim-moc")], physician)).claimable


def test_missing_moc_fields_do_not_hold_back_ama_credit() -> None:
    credits = eligible_credits([offer("ama-pra-1"), offer("abim-moc")], Learner("MD"))

    assert only("ama-pra-1", credits).claimable
    assert not only("abim-moc", credits).claimable


# Amounts -----------------------------------------------------------------------------------

AMA = EligibleCredit("ama-pra-1", "AMA PRA Category 1 Credit™", Decimal("1.0"), ())
AS_NUMBER = "Enter the AMA PRA Category 1 Credit™ you claim as a number, such as 0.75."
MORE_THAN_0 = "The AMA PRA Category 1 Credit™ you claim must be more than 0."
AT_MOST = "You can claim at most 1.0 AMA PRA Category 1 Credit™ for this activity."
IN_STEPS = "Claim AMA PRA Category 1 Credit™ in steps of 0.25 (for example 0.75)."


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("0.25", Decimal("0.25")),
        ("0.5", Decimal("0.5")),
        ("0.50", Decimal("0.5")),
        ("0.75", Decimal("0.75")),
        ("1.0", Decimal("1")),
        ("1", Decimal("1")),
        (" 0.75 ", Decimal("0.75")),
    ],
)
def test_an_amount_above_0_up_to_the_maximum_in_quarter_steps_is_accepted(
    raw: str, amount: Decimal
) -> None:
    assert parse_amount(raw, AMA) == amount


REFUSED = [
    ("0", MORE_THAN_0),
    ("0.00", MORE_THAN_0),
    ("-0", MORE_THAN_0),
    ("-1", MORE_THAN_0),
    ("-0.25", MORE_THAN_0),
    ("1.1", AT_MOST),
    ("1.25", AT_MOST),
    ("2", AT_MOST),
    ("0.1", IN_STEPS),
    ("0.3", IN_STEPS),
    ("0.333", IN_STEPS),
    ("0.2500000000000000000000000000000001", IN_STEPS),
    ("1e-9999999999", IN_STEPS),
    ("abc", AS_NUMBER),
    ("", AS_NUMBER),
    ("   ", AS_NUMBER),
    ("1,5", AS_NUMBER),
    ("½", AS_NUMBER),
    ("NaN", AS_NUMBER),
    ("sNaN", AS_NUMBER),
    ("Infinity", AS_NUMBER),
    ("-Infinity", AS_NUMBER),
    ("inf", AS_NUMBER),
]


@pytest.mark.parametrize(("raw", "message"), REFUSED, ids=[repr(raw) for raw, _ in REFUSED])
def test_an_amount_that_cannot_be_claimed_is_refused_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(ClaimError) as caught:
        parse_amount(raw, AMA)

    assert caught.value.message == message
    assert caught.value.credit_type == "ama-pra-1"


def test_the_maximum_in_the_message_is_the_offers_own() -> None:
    moc = EligibleCredit("abim-moc", "ABIM MOC points", Decimal("0.5"), ())

    with pytest.raises(ClaimError, match=r"^You can claim at most 0\.5 ABIM MOC points for"):
        parse_amount("0.75", moc)


def test_abp_points_are_claimed_whole_or_not_at_all() -> None:
    abp = EligibleCredit("abp-moc", "ABP MOC Part 2 points", Decimal("2"), ())

    assert parse_amount("2", abp) == Decimal("2")
    with pytest.raises(ClaimError) as caught:
        parse_amount("1", abp)
    assert caught.value.message == (
        "Claim all 2.0 ABP MOC Part 2 points or none: the ABP takes no partial credit."
    )


def test_board_credit_needs_its_own_board_in_the_profile() -> None:
    pediatrician = replace(complete("MD"), certifying_board="ABP")
    credits = eligible_credits([offer("abim-moc"), offer("abp-moc")], pediatrician)

    assert only("abim-moc", credits).missing == (NO_BOARD,)
    assert only("abp-moc", credits).claimable


def test_a_claim_error_is_a_value_error() -> None:
    assert isinstance(ClaimError("x", "ancc"), ValueError)


# Credit held under another degree.


@pytest.mark.parametrize(
    ("credit_type", "degrees"),
    [
        ("ama-pra-1", {"MD", "DO"}),
        ("abim-moc", {"MD", "DO"}),
        ("ancc", {"RN", "NP"}),
        ("acpe", {"PharmD"}),
        ("aapa", {"PA"}),
        ("ipce", {"MD", "DO", "PA", "NP", "RN", "PharmD", "other"}),
        (PARTICIPATION, {"PA", "NP", "RN", "PharmD", "other"}),
    ],
)
def test_each_credit_type_belongs_to_its_degrees(credit_type: str, degrees: set[str]) -> None:
    every = {"MD", "DO", "PA", "NP", "RN", "PharmD", "other"}
    assert {d for d in every if eligible_by_degree(credit_type, d)} == degrees


def test_a_physician_holding_a_certificate_of_participation_holds_it_as_a_non_physician() -> None:
    assert claimed_under_another_degree([PARTICIPATION, "ipce"], "MD") == [PARTICIPATION]


def test_a_nurse_holding_ama_and_moc_credit_holds_both_under_another_degree() -> None:
    assert claimed_under_another_degree(["ama-pra-1", "abim-moc", "ipce"], "RN") == [
        "abim-moc",
        "ama-pra-1",
    ]


def test_credit_every_degree_may_hold_is_never_under_another_degree() -> None:
    assert claimed_under_another_degree(["ipce"], "PharmD") == []
    assert claimed_under_another_degree([PARTICIPATION, "ancc"], "NP") == []


def test_the_refusal_names_the_credit_held_and_sends_the_learner_to_the_provider() -> None:
    assert another_degree_message(["ama-pra-1"]) == (
        "You already claimed AMA PRA Category 1 Credit™ for this activity under another "
        "degree; contact the provider to correct your record."
    )
    assert another_degree_message(["ancc", PARTICIPATION]).startswith(
        "You already claimed ANCC nursing contact hours and a certificate of participation "
    )
    assert "claimed AAPA Category 1 CME credits, ANCC nursing contact hours and ACPE pharmacy " in (
        another_degree_message(["aapa", "ancc", "acpe"])
    )
    assert "claimed retired-credit for" in another_degree_message(["retired-credit"])
