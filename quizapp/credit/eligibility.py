"""Which credit types a learner may claim, and how much. Pure rules, no Flask or SQL.

AMA PRA Category 1 Credit™ is for physicians (MD, DO); other professions receive a certificate
of participation for the same hours, or their own profession's credit type where the
activity offers it. Pharmacy credit is reported to NABP, so it needs the e-Profile ID and the
birth month and day; ABIM MOC points are reported to the board, so they need the board ID, the
birth month and day and the learner's consent.

A clinician earns credit for one participation under one profession. The degree is declared
by the learner and can be changed, so a claim already held that the current degree could not
have made (AMA credit held by a learner now registered as a nurse, a certificate of
participation held by one now registered as a physician) shows the record belongs to another
profession: no further credit may be claimed for that activity until the provider has
corrected the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

PARTICIPATION = "participation"
PARTICIPATION_NAME = "Certificate of participation"
PHYSICIANS = frozenset({"MD", "DO"})
ELIGIBLE_DEGREES: dict[str, frozenset[str] | None] = {
    "ama-pra-1": PHYSICIANS,
    "abim-moc": PHYSICIANS,
    "ancc": frozenset({"RN", "NP"}),
    "acpe": frozenset({"PharmD"}),
    "aapa": frozenset({"PA"}),
    "ipce": None,
}
"""Degrees each offered credit type is for; ``None`` means every degree."""
STEP = Decimal("0.25")


class Profile(Protocol):
    degree: str
    nabp_eprofile_id: str | None
    birth_month: int | None
    birth_day: int | None
    certifying_board: str | None
    board_id: str | None
    board_report_consent_at: Any


@dataclass(frozen=True)
class EligibleCredit:
    type: str
    name: str
    maximum: Decimal
    missing: tuple[str, ...]
    """Profile fields the learner must fill in before this type can be claimed."""

    @property
    def claimable(self) -> bool:
        return not self.missing


class ClaimError(ValueError):
    def __init__(self, message: str, credit_type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.credit_type = credit_type


def eligible_by_degree(credit_type: str, degree: str) -> bool:
    """Whether ``degree`` may hold ``credit_type``, whatever the profile and the activity.

    The certificate of participation stands in for AMA credit, so it is for every degree but
    the physicians', who receive the AMA credit itself.
    """
    if credit_type == PARTICIPATION:
        return degree not in PHYSICIANS
    degrees = ELIGIBLE_DEGREES.get(credit_type)
    return degrees is None or degree in degrees


def claimed_under_another_degree(claimed: Iterable[str], degree: str) -> list[str]:
    """The credit types among ``claimed`` that ``degree`` could not have claimed, sorted."""
    return sorted(kind for kind in set(claimed) if not eligible_by_degree(kind, degree))


def another_degree_message(kinds: Sequence[str], names: Mapping[str, str]) -> str:
    """The refusal for a learner holding ``kinds`` claimed under another degree.

    ``names`` gives each offered type's name; a type no longer offered is named by its code.
    """
    wording = [
        "a certificate of participation" if kind == PARTICIPATION else names.get(kind, kind)
        for kind in kinds
    ]
    listed = wording[0] if len(wording) == 1 else ", ".join(wording[:-1]) + " and " + wording[-1]
    return (
        f"You already claimed {listed} for this activity under another degree; contact the "
        "provider to correct your record."
    )


def eligible_credits(offers: Sequence[Mapping[str, Any]], profile: Profile) -> list[EligibleCredit]:
    credits: list[EligibleCredit] = []
    for offer in offers:
        if eligible_by_degree(offer["type"], profile.degree):
            credits.append(
                EligibleCredit(
                    offer["type"],
                    offer["name"],
                    Decimal(offer["amount"]),
                    _missing(offer["type"], profile),
                )
            )
        if offer["type"] == "ama-pra-1" and profile.degree not in PHYSICIANS:
            credits.append(
                EligibleCredit(PARTICIPATION, PARTICIPATION_NAME, Decimal(offer["amount"]), ())
            )
    return credits


def _missing(credit_type: str, profile: Profile) -> tuple[str, ...]:
    missing: list[str] = []
    if credit_type == "acpe":
        if not profile.nabp_eprofile_id:
            missing.append("NABP e-Profile ID")
        if not (profile.birth_month and profile.birth_day):
            missing.append("birth month and day")
    if credit_type == "abim-moc":
        if not (profile.certifying_board and profile.board_id):
            missing.append("certifying board and board ID")
        if not (profile.birth_month and profile.birth_day):
            missing.append("birth month and day")
        if profile.board_report_consent_at is None:
            missing.append("consent to report completions to your board")
    return tuple(missing)


def parse_amount(raw: str, credit: EligibleCredit) -> Decimal:
    """A claimed amount: above 0, at most the maximum, in steps of 0.25."""
    try:
        amount = Decimal(raw.strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ClaimError(
            f"Enter the {credit.name} you claim as a number, such as 0.75.", credit.type
        )
    if amount <= 0:
        raise ClaimError(f"The {credit.name} you claim must be more than 0.", credit.type)
    if amount > credit.maximum:
        raise ClaimError(
            f"You can claim at most {credit.maximum} {credit.name} for this activity.",
            credit.type,
        )
    # Compared exactly, since a remainder too small to represent would round to 0.
    if amount != amount.quantize(STEP) or amount % STEP != 0:
        raise ClaimError(f"Claim {credit.name} in steps of 0.25 (for example 0.75).", credit.type)
    return amount
