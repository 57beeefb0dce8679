"""Checks on what a learner types into the account forms. Pure functions."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from quizapp.certificates.fonts import unprintable

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "AS",
    "GU",
    "MP",
    "PR",
    "VI",
]
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MIN_PASSWORD = 10
MAX_PASSWORD = 128
NAMED_AT_MOST = 5
"""Unprintable characters a message names one by one; it counts the rest."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    return len(email) <= 254 and bool(EMAIL_RE.fullmatch(email))


def password_problem(password: str, email: str = "") -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    if email and password.strip().lower() == normalize_email(email):
        return "Do not use your email address as your password."
    if password.strip().lower() in common_passwords():
        return (
            "This is one of the most common passwords, which are the first ones tried "
            "against any account. Choose another."
        )
    return None


@functools.cache
def common_passwords() -> frozenset[str]:
    """The passwords people use most, in lower case (``passwords/README.md`` says whence)."""
    text = resources.files(__package__).joinpath("passwords", "common.txt").read_text("utf-8")
    return frozenset(text.split())


def valid_npi(npi: str) -> bool:
    """A US National Provider Identifier: 10 digits whose last is a Luhn check on 80840+NPI."""
    if not re.fullmatch(r"[0-9]{10}", npi):
        return False
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def valid_birth_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= DAYS_IN_MONTH[month - 1]


def name_problem(full_name: str) -> str | None:
    """Why a certificate could not print this name as written, or None.

    A certificate is a record of who earned the credit: a name printed without one of its
    characters would be someone else's, so the name is refused while the learner can fix it.
    """
    missing = unprintable(full_name)
    if not missing:
        return None
    shown = [_shown(char) for char in missing[:NAMED_AT_MOST]]
    if len(missing) > NAMED_AT_MOST:
        listed = f"{', '.join(shown)} and {len(missing) - NAMED_AT_MOST} more"
    elif len(shown) > 1:
        listed = f"{', '.join(shown[:-1])} or {shown[-1]}"
    else:
        listed = shown[0]
    them = "it" if len(missing) == 1 else "them"
    return (
        f"Your certificate cannot print {listed} in a name; please write your name without {them}."
    )


def _shown(char: str) -> str:
    """The character in quotes, or its code point where the page would show nothing or a mark
    without its letter (controls, format characters, private use, combining marks)."""
    if unicodedata.category(char)[0] in "CMZ":
        return f"the character U+{ord(char):04X}"
    return f"\u201c{char}\u201d"
