"""Which credit types a learner may claim, and how much. Pure rules, no Flask or SQL.

Which degrees may claim a type and which profile fields its report needs are entries of the
credit-type registry (:mod:`quizapp.content.credits`): AMA PRA Category 1 Credit™ is for
physicians (MD, DO, MBBS), other professions receive a certificate of participation for the same
hours, or their own profession's credit type where the activity offers it; pharmacy credit
needs the NABP e-Profile ID and the birth month and day, a board's MOC credit that board in
the profile with the board ID, the birth month and day and the learner's consent. This module
applies those entries to an activity's designations and a learner's profile.

A clinician earns credit for one participation under one profession. The degree is declared
by the learner and can be changed, so a claim already held that the current degree could not
have made (AMA credit held by a learner now registered as a nurse, a certificate of
participation held by one now registered as a physician) shows the record belongs to another
profession: no further credit may be claimed for that activity until the provider has
corrected the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from quizapp.content.credits import (
    CREDIT_TYPES,
    PARTICIPATION,
    Profile,
    credit_name,
    eligible_by_degree,
    format_amount,
    listed,
    stand_ins,
)
from quizapp.content.snapshot import CreditDesignation

__all__ = [
    "PARTICIPATION",
    "ClaimError",
    "EligibleCredit",
    "another_degree_message",
    "claimed_under_another_degree",
    "eligible_by_degree",
    "eligible_credits",
    "parse_amount",
    "unverified_email_message",
]

STEP = Decimal("0.25")


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


def claimed_under_another_degree(claimed: Iterable[str], degree: str) -> list[str]:
    """The credit types among ``claimed`` that ``degree`` could not have claimed, sorted."""
    return sorted(kind for kind in set(claimed) if not eligible_by_degree(kind, degree))


def another_degree_message(kinds: Sequence[str]) -> str:
    """The refusal for a learner holding ``kinds`` claimed under another degree.

    Each type is named as the registry prints it; a code no longer in the registry as stored.
    """
    wording = [
        "a certificate of participation" if kind == PARTICIPATION else credit_name(kind)
        for kind in kinds
    ]
    return (
        f"You already claimed {listed(wording)} for this activity under another degree; "
        "contact the provider to correct your record."
    )


UNVERIFIED_EMAIL = (
    "Confirm your email address before claiming credit: follow the link we sent to {email}. "
    "This provider sends certificates and notices about them by email, so it needs an "
    "address that reaches you."
)


def unverified_email_message(*, required: bool, verified: bool, email: str) -> str | None:
    """Why credit may not be claimed yet, when the site requires a confirmed address
    (``REQUIRE_VERIFIED_EMAIL``) and the learner's is not."""
    if required and not verified:
        return UNVERIFIED_EMAIL.format(email=email)
    return None


def eligible_credits(offers: Sequence[CreditDesignation], profile: Profile) -> list[EligibleCredit]:
    """What ``profile`` may claim of ``offers``: each eligible type, then its stand-ins."""
    credits: list[EligibleCredit] = []
    for offer in offers:
        credit_type = CREDIT_TYPES.get(offer.type)
        if credit_type is None:
            continue
        if credit_type.eligible(profile.degree):
            credits.append(
                EligibleCredit(
                    offer.type, credit_type.name, offer.amount, credit_type.missing(profile)
                )
            )
        for stand_in in stand_ins(offer.type):
            if stand_in.eligible(profile.degree):
                credits.append(
                    EligibleCredit(
                        stand_in.code, stand_in.name, offer.amount, stand_in.missing(profile)
                    )
                )
    return credits


def parse_amount(raw: str, credit: EligibleCredit) -> Decimal:
    """A claimed amount: above 0, at most the maximum, in steps of 0.25; the whole maximum
    for a type whose board takes no partial credit (the ABP's MOC points)."""
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
        most = format_amount(credit.maximum)
        raise ClaimError(
            f"You can claim at most {most} {credit.name} for this activity.", credit.type
        )
    # Compared exactly, since a remainder too small to represent would round to 0.
    if amount != amount.quantize(STEP) or amount % STEP != 0:
        raise ClaimError(f"Claim {credit.name} in steps of 0.25 (for example 0.75).", credit.type)
    known = CREDIT_TYPES.get(credit.type)
    if known is not None and known.all_or_nothing and amount != credit.maximum:
        most = format_amount(credit.maximum)
        raise ClaimError(
            f"Claim all {most} {credit.name} or none: the {known.board} takes no partial credit.",
            credit.type,
        )
    return amount
