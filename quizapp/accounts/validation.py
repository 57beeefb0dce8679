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


KEPT_JOINERS = frozenset("\u200c\u200d")
"""Zero-width non-joiner and joiner: invisible, but part of how Persian and Indic names are
spelled, so names keep them (emails do not)."""

LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l",
        "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y",
        "ү": "y",
        # Greek
        "α": "a", "ϲ": "c", "ι": "i", "ϳ": "j", "κ": "k", "ο": "o", "ρ": "p", "υ": "u",
        "ν": "v", "χ": "x", "γ": "y",
        # Armenian
        "հ": "h", "ո": "n", "օ": "o", "ս": "u", "զ": "q", "ց": "g",
        # Latin letters that pass for plain ones
        "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i",
    }
)  # fmt: skip
"""Lower-case letters of other scripts (and a few Latin ones) that print like a plain Latin
letter, mapped to it. NFKC, applied first, already takes fullwidth and mathematical letters to
plain ones. A short list of the letters that are near-identical in common fonts rather than
Unicode's whole confusables table: enough to catch "аnn@example.org" (Cyrillic "а") posing as
"ann@example.org". Changing it changes every stored skeleton: migrate them (see migration
0008)."""


def clean_text(raw: str) -> str:
    """What a person typed, without the characters that show nothing themselves but change
    what is around them, and with each run of whitespace one space.

    Control characters (C0 and C1: a terminal escape, the bell) and format characters go:
    the bidi overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) and marks
    (U+200E, U+200F, U+061C) make a name in a report or on the admin's screen read in another
    order than it is stored, and zero-width spaces make two names that look alike differ.
    """
    kept = "".join(char for char in raw if char.isspace() or not _hidden(char, KEPT_JOINERS))
    return " ".join(kept.split())


def _hidden(char: str, kept: frozenset[str] = frozenset()) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf") and char not in kept


def normalize_email(email: str) -> str:
    """The address as accounts are stored and looked up: NFKC first, so that fullwidth,
    ligature and mathematical letters are the plain letters they print as (one address cannot
    be typed two ways that look the same), then without surrounding spaces and in lower case.
    """
    return unicodedata.normalize("NFKC", email).strip().lower()


def valid_email(email: str) -> bool:
    return len(email) <= 254 and bool(EMAIL_RE.fullmatch(email))


def email_problem(email: str) -> str | None:
    """Why a normalised email cannot name an account, or None.

    Invisible characters (zero-width spaces and joiners, bidi controls, controls) are refused
    rather than dropped: the address is what mail will be sent to, so it is not silently
    changed into another one.
    """
    hidden = [char for char in email if _hidden(char)]
    if hidden:
        return (
            f"The email address contains an invisible character ({_shown(hidden[0])}); "
            "type it again without it."
        )
    if not valid_email(email):
        return "Enter an email address such as name@example.org."
    return None


def email_skeleton(email: str) -> str:
    """The normalised email with every look-alike letter replaced by the Latin letter it
    passes for: two addresses that print the same have the same skeleton."""
    return email.translate(LOOK_ALIKES)


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


NAME_PART_MAX = 100
FAMILY_PARTICLES = frozenset(
    {"al", "bin", "da", "dal", "de", "del", "della", "der", "di", "dos", "du", "el", "ibn"}
    | {"la", "le", "st.", "ten", "ter", "van", "von", "zu"}
)
"""Words that open a family name ("van der Berg", "de la Cruz") when they follow a given name."""
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def suggested_name_parts(full_name: str) -> tuple[str, str]:
    """Given and family name guessed from the full name, for the profile to offer until the
    learner writes them as their board holds them.

    The last word is the family name, with the particles before it and a suffix after it:
    "Mary Ann van der Berg" gives "Mary Ann" and "van der Berg". A single word is a family
    name alone. A family name written first ("Wang Xiaoming") cannot be told from the words,
    which is why the learner can correct both fields.
    """
    words = full_name.split()
    if len(words) < 2:
        return "", " ".join(words)
    start = len(words) - 1
    if words[start].lower() in NAME_SUFFIXES and start > 1:
        start -= 1
    while start > 1 and words[start - 1].lower() in FAMILY_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def name_part_problem(value: str) -> str | None:
    """Why a given or family name cannot be reported as typed, or None. Pass it through
    ``" ".join(value.split())`` first."""
    if len(value) > NAME_PART_MAX:
        return f"Use at most {NAME_PART_MAX} characters."
    if any(unicodedata.category(char)[0] == "C" for char in value):
        return "Write the name with letters, spaces and punctuation only."
    return None
