"""Verification codes that a board clerk can read off paper and type.

A new code is 100 random bits written in Crockford's base32, four groups of five symbols:
``7K3QX-M2D9A-0FHRT-W5BNE``. The alphabet has digits and upper-case letters but no I, L, O or
U, so what a reader may take for another symbol is read as the one it was meant to be: O is
0, I and L are 1, lower case is upper case, and hyphens and spaces are where the eye needs
them, not part of the code.

Certificates issued before these codes carry 128 bits in URL-safe Base64 (22 symbols, case
matters); they are kept as printed and still verify by their exact text.

Pure: text in, text out.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: 32 symbols, each five bits."""

GROUPS = 4
GROUP_SIZE = 5
SYMBOLS = GROUPS * GROUP_SIZE
RANDOM_BITS = SYMBOLS * 5
"""100: the issue asks for at least 100, the design for at least 80."""

EXAMPLE = "7K3QX-M2D9A-0FHRT-W5BNE"
"""How a code looks, for the hints on the verification form."""

MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
"""The letters Crockford leaves out, read as the digits they look like."""

SEPARATORS = re.compile("[\\s\\-\u2010-\u2015]+")
"""Hyphens and dashes of every width (a PDF viewer may copy an en dash) and any blank."""

OLD_CODE = re.compile(r"[A-Za-z0-9_-]{1,40}")
"""Codes issued before the base32 ones: URL-safe Base64, matched exactly as printed."""


def new_code() -> str:
    """100 random bits as four groups of five Crockford symbols.

    Every symbol is a letter or a digit, so a spreadsheet never takes a code for a formula.
    """
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return grouped(symbols)


def grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def canonical(typed: str) -> str | None:
    """The code as stored, from what someone typed, or None when it cannot be a new code.

    ``7k3qx m2d9a ofhrt w5bne`` and ``7K3QXM2D9AOFHRTW5BNE`` are both
    ``7K3QX-M2D9A-0FHRT-W5BNE``.
    """
    symbols = SEPARATORS.sub("", typed).upper().translate(MISREAD)
    if len(symbols) != SYMBOLS or any(symbol not in ALPHABET for symbol in symbols):
        return None
    return grouped(symbols)


def candidates(typed: str) -> list[str]:
    """The stored codes ``typed`` may stand for: the new code it spells, the old code it
    is, or both (an old code with hyphens can spell a new one); none when it is neither."""
    found = []
    new = canonical(typed)
    if new is not None:
        found.append(new)
    exact = typed.strip()
    if OLD_CODE.fullmatch(exact) and exact != new:
        found.append(exact)
    return found
