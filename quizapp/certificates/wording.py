"""The words of a certificate: its title, the learner's line, the learning format and each
credit line in the exact wording of its credit type.

A statement of credit must print what the AMA asks for, in its wording (the singular "Credit"
up to 1.0, the credit's name in italics before the ™). Saying it apart from the layout and the
drawing keeps that wording testable as plain strings, and lets the PDF's metadata use the same
words as the page.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from quizapp.certificates.document import CertificateCredit, CertificateData
from quizapp.content.credits import CREDIT_TYPES, PARTICIPATION
from quizapp.content.formats import learning_format as find_learning_format

ITALICS = re.compile(r"(?<!\*)\*(?!\*)([^*\n]+?)(?<!\*)\*(?!\*)")
"""``*words*``; a ``**`` prints as written."""


def is_participation_only(data: CertificateData) -> bool:
    return bool(data.credits) and all(c.type == PARTICIPATION for c in data.credits)


def certificate_title(data: CertificateData) -> str:
    if is_participation_only(data):
        return "Certificate of Participation"
    return "Certificate of Completion"


def printed_degree(data: CertificateData) -> str:
    """The degree after the learner's name, or "" for none: "other" is not a degree to print."""
    degree = data.degree.strip()
    return "" if degree.lower() == "other" else degree


def learner_line(data: CertificateData) -> str:
    """ "Zoë Ñúñez-Øster, MD"."""
    name = " ".join(data.learner_name.split())
    degree = printed_degree(data)
    return f"{name}, {degree}" if degree else name


def learning_format(data: CertificateData) -> tuple[str, str]:
    """(the format as printed, what the learner completed), e.g.
    ("Journal-based CME", "the journal-based CME activity")."""
    known = find_learning_format(data.learning_format)
    if known:
        return known.name, known.completed_what
    return data.learning_format.strip(), "the activity"


def credit_line(credit: CertificateCredit) -> str:
    """The amount claimed with the credit type's exact wording, as plain text.

    "1.0 AMA PRA Category 1 Credit™", "2.0 AMA PRA Category 1 Credits™" (the AMA writes the
    singular up to 1.0), "0.75 ANCC nursing contact hours", "1.0 hour of participation".
    """
    return ITALICS.sub(r"\1", credit_markup(credit))


def credit_markup(credit: CertificateCredit) -> str:
    """As credit_line, with the words before a ™ in ``*italics*``, as the AMA requires."""
    amount = credit.amount.strip()
    number = _decimal(amount)
    if credit.type == PARTICIPATION and number is not None:
        return f"{amount} {CREDIT_TYPES[PARTICIPATION].units(number)}"
    name = " ".join(credit.name.split())
    if name.endswith("™"):
        words = name[:-1].rstrip()
        if words.endswith("Credit") and number is not None and number > 1:
            words += "s"
        return f"{amount} *{words}*™"
    if name.endswith(" credit") and number is not None and number != 1:
        name += "s"
    return f"{amount} {name}"


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
