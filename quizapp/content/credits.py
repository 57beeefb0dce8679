"""Credit types an activity may designate, with the wording accreditors require.

The designation statements follow the forms the AMA, ANCC, ACPE, AAPA, Joint Accreditation
(IPCE) and ABIM publish; an activity may replace one with its own ``statement``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CreditType:
    code: str
    name: str
    unit_singular: str
    unit_plural: str
    statement: str
    counts_hours: bool = True
    singular_up_to_one: bool = False
    """AMA style writes "0.5 … Credit™"; others write "0.75 contact hours"."""

    def units(self, amount: Decimal) -> str:
        singular = amount <= 1 if self.singular_up_to_one else amount == 1
        return self.unit_singular if singular else self.unit_plural

    def designation(self, provider: str, amount: Decimal, activity_kind: str) -> str:
        return self.statement.format(
            provider=provider,
            amount=format_amount(amount),
            units=self.units(amount),
            activity_kind=activity_kind,
        )


def format_amount(amount: Decimal) -> str:
    """Credits print with at least one decimal and no trailing noise: 1.0, 0.75, 1.25."""
    text = f"{amount.normalize():f}"
    return text if "." in text else f"{text}.0"


CREDIT_TYPES: dict[str, CreditType] = {
    credit.code: credit
    for credit in (
        CreditType(
            "ama-pra-1",
            "AMA PRA Category 1 Credit™",
            "*AMA PRA Category 1 Credit*™",
            "*AMA PRA Category 1 Credits*™",
            "{provider} designates this {activity_kind} for a maximum of {amount} {units}. "
            "Physicians should claim only the credit commensurate with the extent of their "
            "participation in the activity.",
            singular_up_to_one=True,
        ),
        CreditType(
            "ancc",
            "ANCC nursing contact hours",
            "nursing contact hour",
            "nursing contact hours",
            "This activity is designated for a maximum of {amount} ANCC {units}.",
        ),
        CreditType(
            "acpe",
            "ACPE pharmacy contact hours",
            "contact hour",
            "contact hours",
            "This knowledge-based activity is approved for {amount} ACPE {units}.",
        ),
        CreditType(
            "aapa",
            "AAPA Category 1 CME credits",
            "AAPA Category 1 CME credit",
            "AAPA Category 1 CME credits",
            "This activity is designated for {amount} {units}. PAs should only claim credit "
            "commensurate with the extent of their participation.",
        ),
        CreditType(
            "ipce",
            "IPCE credit",
            "Interprofessional Continuing Education (IPCE) credit",
            "Interprofessional Continuing Education (IPCE) credits",
            "This activity was planned by and for the healthcare team, and learners will "
            "receive {amount} {units} for learning and change.",
        ),
        CreditType(
            "abim-moc",
            "ABIM MOC points",
            "MOC point",
            "MOC points",
            "Successful completion of this CME activity, which includes participation in the "
            "evaluation component, enables the participant to earn up to {amount} {units} in "
            "the American Board of Internal Medicine's (ABIM) Maintenance of Certification "
            "(MOC) program.",
            counts_hours=False,
        ),
    )
}
