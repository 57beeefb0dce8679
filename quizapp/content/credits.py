"""The credit-type registry: everything quizapp knows about a kind of credit, in one entry.

A credit type is named on activity pages, claim forms, transcripts, certificates and CSV
reports; it decides which degrees may claim it, which profile fields its report needs, whether
the activity must carry an ACPE UAN, and to whom completions are reported. All of that used to
be spelled in several modules; here it is one :class:`CreditType` each, and adding a credit
type is adding an entry (and its tests).

The designation statements follow the forms the AMA, ANCC, ACPE, AAPA, Joint Accreditation
(IPCE) and ABIM publish; an activity may replace one with its own ``statement``. The
certificate of participation is a real entry: it is what a non-physician receives where an
activity designates AMA PRA Category 1 Credit™, for the same hours.

The certifying boards that take completions through ACCME's PARS each have their entries
(docs/reports.md cites the ACCME pages each rule follows): a board's credit goes to the board
named in the learner's profile, so the profile names it from :data:`CERTIFYING_BOARDS`.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


class Profile(Protocol):
    """What credit rules read of a learner (a ``User`` row, or any object with these fields)."""

    degree: str
    nabp_eprofile_id: str | None
    birth_month: int | None
    birth_day: int | None
    certifying_board: str | None
    board_id: str | None
    board_report_consent_at: Any


@dataclass(frozen=True)
class ProfileField:
    """A piece of the learner's profile that a credit type's report cannot do without."""

    label: str
    """As the claim page names it: "Add your {label} to your profile"."""
    present: Callable[[Profile], bool]


NABP_EPROFILE = ProfileField("NABP e-Profile ID", lambda p: bool(p.nabp_eprofile_id))
BIRTH_DAY = ProfileField("birth month and day", lambda p: bool(p.birth_month and p.birth_day))


@dataclass(frozen=True)
class CertifyingBoard:
    code: str
    """As PARS names the board in its "Certifying Board" column, and the profile stores it."""
    name: str


CERTIFYING_BOARDS: dict[str, CertifyingBoard] = {
    board.code: board
    for board in (
        CertifyingBoard("ABA", "American Board of Anesthesiology"),
        CertifyingBoard("ABIM", "American Board of Internal Medicine"),
        CertifyingBoard("ABOHNS", "American Board of Otolaryngology – Head and Neck Surgery"),
        CertifyingBoard("ABOS", "American Board of Orthopaedic Surgery"),
        CertifyingBoard("ABP", "American Board of Pediatrics"),
        CertifyingBoard("ABPath", "American Board of Pathology"),
        CertifyingBoard("ABS", "American Board of Surgery"),
        CertifyingBoard("ABTS", "American Board of Thoracic Surgery"),
    )
}
"""The boards that take MOC completions through ACCME's PARS: the choices of the profile."""


def board_field(board: str) -> ProfileField:
    """The board's credit reaches the learner only through the board the profile names."""
    return ProfileField(
        f"certifying board ({board}) and board ID",
        lambda p: p.certifying_board == board and bool(p.board_id),
    )


BOARD_CONSENT = ProfileField(
    "consent to report completions to your board",
    lambda p: p.board_report_consent_at is not None,
)

DEGREES = (
    "MD", "DO", "MBBS", "PA", "NP", "APRN", "RN", "PharmD", "DDS", "DMD", "DPM", "PhD", "other",
)  # fmt: skip
"""What a learner may declare, in the order the forms list them; "other" is not printed."""

PHYSICIANS = frozenset({"MD", "DO", "MBBS"})
"""Degrees that may claim AMA PRA Category 1 Credit™: the AMA's physicians are US MDs and
DOs and doctors with an international medical degree such as the MBBS. Dentists (DDS, DMD),
podiatrists (DPM) and PhDs are not, and receive a certificate of participation."""

NURSES = frozenset({"RN", "NP", "APRN"})
"""Degrees that may claim ANCC nursing contact hours: registered nurses and advanced practice
registered nurses (an NP is one kind of APRN, kept for the accounts that chose it)."""

REPORTED_TO_PARS = "pars"
REPORTED_TO_CPE_MONITOR = "cpe-monitor"
NOT_REPORTED = "none"

PARS_CME_CREDITS = "cme"
"""PARS's "Number of CME Credits" column."""
PARS_BOARD_CREDITS = "board"
"""PARS's board columns: "Total Board Credits", "Credit Type" and its amount."""
PARS_REMS = "rems"
"""PARS's REMS column: the completion counts for the FDA's Opioid Analgesic REMS."""


@dataclass(frozen=True)
class CreditType:
    code: str
    """As authors write it in ``credits: - type:`` and as claims store it."""
    name: str
    """The one printed name, in pages, certificates and CSV files alike."""
    unit_singular: str
    unit_plural: str
    statement: str
    """The designation statement: ``{provider}``, ``{amount}``, ``{units}``, ``{activity_kind}``."""
    degrees: frozenset[str] | None
    """Degrees that may claim it; ``None`` means every degree."""
    excluded_degrees: frozenset[str] = frozenset()
    """Degrees that may not, where every other may."""
    profile_fields: tuple[ProfileField, ...] = ()
    needs_uan: bool = False
    reported_to: str = NOT_REPORTED
    pars_column: str | None = None
    """For a type reported to PARS: :data:`PARS_CME_CREDITS` or :data:`PARS_BOARD_CREDITS`."""
    pars_board_code: str = ""
    """The "Credit Type" PARS expects for board credit (``Medical Knowledge`` for ABIM's)."""
    board: str = ""
    """The certifying board (a :data:`CERTIFYING_BOARDS` code) that board credit goes to."""
    part_of: str | None = None
    """A type whose amount is a share of another's (ABA Patient Safety of MOCA credits)."""
    whole_numbers: bool = False
    """Designated in whole numbers only (the ABP rounds MOC points to whole numbers)."""
    all_or_nothing: bool = False
    """Claimed for the whole designated amount only (the ABP takes no partial credit)."""
    counts_hours: bool = True
    """Whether the amount is hours of learning (MOC points are not)."""
    singular_up_to_one: bool = False
    """AMA style writes "0.5 … Credit™"; others write "0.75 contact hours"."""
    offered_by_authors: bool = True
    """False for a type the learner receives in place of another, never written in content."""
    stands_in_for: str | None = None
    """The offered type whose maximum this one takes (participation for AMA credit)."""
    certificate_statement: str = ""
    """What its accreditor requires a certificate to print beside the credit line, beyond the
    designation statement: ``{uan}``, ``{amount}``, ``{units}``, ``{ceus}``. Empty when the
    designation statement says all."""

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

    def certificate_wording(self, amount: Decimal, uan: str | None) -> str:
        """The certificate statement for ``amount``; CEUs are tenths of a contact hour."""
        if not self.certificate_statement:
            return ""
        return self.certificate_statement.format(
            uan=uan or "",
            amount=format_amount(amount),
            units=self.units(amount),
            ceus=format_amount(amount / 10),
        )

    def eligible(self, degree: str) -> bool:
        if degree in self.excluded_degrees:
            return False
        return self.degrees is None or degree in self.degrees

    def missing(self, profile: Profile) -> tuple[str, ...]:
        """Labels of the profile fields still needed before this type can be claimed."""
        return tuple(field.label for field in self.profile_fields if not field.present(profile))


def format_amount(amount: Decimal) -> str:
    """Credits print with at least one decimal and no trailing noise: 1.0, 0.75, 1.25."""
    text = f"{amount.normalize():f}"
    return text if "." in text else f"{text}.0"


PARTICIPATION = "participation"


def _board_credit(board: str, pars_credit_type: str) -> dict[str, Any]:
    """What every board's credit shares: physicians claim it with the board in their profile,
    their board ID, birth month and day and consent, and PARS carries it to the board."""
    return {
        "degrees": PHYSICIANS,
        "profile_fields": (board_field(board), BIRTH_DAY, BOARD_CONSENT),
        "reported_to": REPORTED_TO_PARS,
        "pars_column": PARS_BOARD_CREDITS,
        "pars_board_code": pars_credit_type,
        "board": board,
        "counts_hours": False,
    }


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
            degrees=PHYSICIANS,
            reported_to=REPORTED_TO_PARS,
            pars_column=PARS_CME_CREDITS,
            singular_up_to_one=True,
        ),
        CreditType(
            "ancc",
            "ANCC nursing contact hours",
            "nursing contact hour",
            "nursing contact hours",
            "This activity is designated for a maximum of {amount} ANCC {units}.",
            degrees=NURSES,
        ),
        CreditType(
            "acpe",
            "ACPE pharmacy contact hours",
            "contact hour",
            "contact hours",
            "This knowledge-based activity is approved for {amount} ACPE {units}.",
            degrees=frozenset({"PharmD"}),
            profile_fields=(NABP_EPROFILE, BIRTH_DAY),
            needs_uan=True,
            reported_to=REPORTED_TO_CPE_MONITOR,
            certificate_statement="ACPE Universal Activity Number (UAN) {uan}: "
            "{amount} {units} ({ceus} CEU)",
        ),
        CreditType(
            "aapa",
            "AAPA Category 1 CME credits",
            "AAPA Category 1 CME credit",
            "AAPA Category 1 CME credits",
            "This activity is designated for {amount} {units}. PAs should only claim credit "
            "commensurate with the extent of their participation.",
            degrees=frozenset({"PA"}),
        ),
        CreditType(
            "ipce",
            "IPCE credit",
            "Interprofessional Continuing Education (IPCE) credit",
            "Interprofessional Continuing Education (IPCE) credits",
            "This activity was planned by and for the healthcare team, and learners will "
            "receive {amount} {units} for learning and change.",
            degrees=None,
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
            **_board_credit("ABIM", "Medical Knowledge"),
        ),
        CreditType(
            "abim-moc-pa",
            "ABIM Practice Assessment MOC points",
            "Practice Assessment MOC point",
            "Practice Assessment MOC points",
            "Successful completion of this CME activity, which includes participation in the "
            "evaluation component, enables the participant to earn up to {amount} {units} in "
            "the American Board of Internal Medicine's (ABIM) Maintenance of Certification "
            "(MOC) program.",
            **_board_credit("ABIM", "Practice Assessment"),
        ),
        CreditType(
            "aba-moca",
            "ABA MOCA 2.0® credits",
            "MOCA 2.0® credit",
            "MOCA 2.0® credits",
            "This activity contributes up to {amount} {units} to the CME component of the "
            "American Board of Anesthesiology's redesigned Maintenance of Certification in "
            "Anesthesiology™ (MOCA®) program, known as MOCA 2.0®. Please consult the ABA "
            "website, www.theABA.org, for a list of all MOCA 2.0 requirements.",
            **_board_credit("ABA", "Lifelong Learning"),
        ),
        CreditType(
            "aba-patient-safety",
            "ABA MOCA 2.0® Patient Safety credits",
            "Patient Safety credit",
            "Patient Safety credits",
            "Up to {amount} of the MOCA 2.0® credits of this activity are {units} of the "
            "American Board of Anesthesiology's Maintenance of Certification in "
            "Anesthesiology™ (MOCA®) program.",
            part_of="aba-moca",
            **_board_credit("ABA", "Patient Safety"),
        ),
        CreditType(
            "abp-moc",
            "ABP MOC Part 2 points",
            "MOC point",
            "MOC points",
            "Successful completion of this CME activity, which includes participation in the "
            "activity and individual assessment of and feedback to the learner, enables the "
            "learner to earn up to {amount} {units} in the American Board of Pediatrics' (ABP) "
            "Maintenance of Certification (MOC) program. It is the CME activity provider's "
            "responsibility to submit learner completion information to ACCME for the purpose "
            "of granting ABP MOC credit.",
            whole_numbers=True,
            all_or_nothing=True,
            **_board_credit("ABP", "Lifelong Learning and Self-Assessment"),
        ),
        CreditType(
            "abohns-cc",
            "ABOHNS Continuing Certification self-assessment credits",
            "self-assessment credit",
            "self-assessment credits",
            "Successful completion of this CME activity, which includes participation in the "
            "evaluation component, enables the participant to earn up to {amount} {units} in "
            "the American Board of Otolaryngology – Head and Neck Surgery's Continuing "
            "Certification program (formerly known as MOC).",
            **_board_credit("ABOHNS", "Self-Assessment"),
        ),
        CreditType(
            "abpath-cc",
            "ABPath Continuing Certification Lifelong Learning credits",
            "Lifelong Learning credit",
            "Lifelong Learning credits",
            "Successful completion of this CME activity, which includes participation in the "
            "evaluation component, enables the participant to earn up to {amount} {units} in "
            "the American Board of Pathology's Continuing Certification program.",
            **_board_credit("ABPath", "Lifelong Learning"),
        ),
        CreditType(
            "abs-cc",
            "ABS Continuous Certification CME credits",
            "CME credit",
            "CME credits",
            "Successful completion of this CME activity, which includes participation in the "
            "evaluation component, enables the learner to earn up to {amount} {units} toward "
            "the CME requirement of the American Board of Surgery's Continuous Certification "
            "program.",
            **_board_credit("ABS", "Accredited CME"),
        ),
        CreditType(
            "abts-cc",
            "ABTS Continuing Certification CME credits",
            "CME credit",
            "CME credits",
            "Successful completion of this CME activity enables the learner to earn up to "
            "{amount} {units} toward the CME requirement of the American Board of Thoracic "
            "Surgery's Continuing Certification program.",
            **_board_credit("ABTS", "Accredited CME"),
        ),
        CreditType(
            "abos-cc",
            "ABOS Continuing Certification CME credits",
            "CME credit",
            "CME credits",
            "Successful completion of this CME activity enables the learner to earn up to "
            "{amount} {units} toward the CME requirement of the American Board of Orthopaedic "
            "Surgery's Continuing Certification program.",
            **_board_credit("ABOS", "Accredited CME"),
        ),
        CreditType(
            "rems",
            "Opioid Analgesic REMS education",
            "hour of REMS-compliant education",
            "hours of REMS-compliant education",
            "This activity is REMS-compliant education under the FDA's Opioid Analgesic Risk "
            "Evaluation and Mitigation Strategy (REMS), for up to {amount} {units}.",
            degrees=PHYSICIANS,
            reported_to=REPORTED_TO_PARS,
            pars_column=PARS_REMS,
            counts_hours=False,
        ),
        CreditType(
            PARTICIPATION,
            "Certificate of participation",
            "hour of participation",
            "hours of participation",
            "{provider} designates this {activity_kind} for a maximum of {amount} "
            "*AMA PRA Category 1 Credit*™. This certificate records participation; it does "
            "not award *AMA PRA Category 1 Credit*™.",
            degrees=None,
            excluded_degrees=PHYSICIANS,
            offered_by_authors=False,
            stands_in_for="ama-pra-1",
        ),
    )
}

OFFERED_TYPES: tuple[str, ...] = tuple(
    code for code, credit in CREDIT_TYPES.items() if credit.offered_by_authors
)
"""The codes an author may write in an activity's ``credits``."""


def credit_type(code: str) -> CreditType | None:
    return CREDIT_TYPES.get(code)


def credit_name(code: str) -> str:
    """The printed name of ``code``; a code no longer in the registry is printed as stored."""
    known = CREDIT_TYPES.get(code)
    return known.name if known else code


def stand_ins(offered: str) -> list[CreditType]:
    """The types a learner may receive in place of ``offered`` (participation for AMA)."""
    return [credit for credit in CREDIT_TYPES.values() if credit.stands_in_for == offered]


def eligible_by_degree(code: str, degree: str) -> bool:
    """Whether ``degree`` may hold ``code``, whatever the profile and the activity.

    An unknown code (a type removed from the registry) is held by anyone who holds it.
    """
    known = CREDIT_TYPES.get(code)
    return known is None or known.eligible(degree)


def listed(names: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def pars_types(column: str) -> list[CreditType]:
    """The types reported to PARS in ``column`` (CME credits, or board credits)."""
    return [credit for credit in CREDIT_TYPES.values() if credit.pars_column == column]
