"""Verification codes: what is printed, and what a clerk may type for it."""

from __future__ import annotations

import re

import pytest

from quizapp.certificates import codes

CODE = "7K3QX-M2D9A-0FHRT-W5BNE"
OLD_CODE = "q7Rz2LmXo4VtKcB9wN1sJg"


def test_a_new_code_is_four_groups_of_five_crockford_symbols() -> None:
    for _ in range(500):
        code = codes.new_code()
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}", code)


def test_a_new_code_carries_at_least_100_random_bits() -> None:
    assert len(codes.ALPHABET) == 32 and len(set(codes.ALPHABET)) == 32
    assert codes.RANDOM_BITS == codes.SYMBOLS * 5 >= 100


def test_new_codes_use_every_symbol_and_do_not_repeat() -> None:
    drawn = [codes.new_code() for _ in range(2000)]
    assert len(set(drawn)) == 2000
    assert set("".join(drawn).replace("-", "")) == set(codes.ALPHABET)


def test_a_new_code_never_has_the_letters_a_reader_confuses() -> None:
    drawn = "".join(codes.new_code() for _ in range(500))
    assert not set(drawn) & set("ILOU")


def test_a_new_code_starts_with_a_letter_or_digit_so_a_spreadsheet_keeps_it_as_written() -> None:
    assert all(codes.new_code()[0].isalnum() for _ in range(500))


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        CODE.lower(),
        "7K3QXM2D9A0FHRTW5BNE",
        "7k3qx m2d9a 0fhrt w5bne",
        "  7K3QX-M2D9A-0FHRT-W5BNE \n",
        "7K3QX-M2D9A-OFHRT-W5BNE",  # O for zero
        "7k3qx-m2d9a-ofhrt-w5bne",
        "7K3 QX-M2D 9A0F-HRTW 5BNE",  # grouped wrongly
        "7K3QX–M2D9A—0FHRT‐W5BNE",  # dashes a PDF viewer copies
    ],
)
def test_what_a_clerk_types_for_a_code_is_that_code(typed: str) -> None:
    assert codes.canonical(typed) == CODE


@pytest.mark.parametrize("letter", ["I", "i", "L", "l"])
def test_i_and_l_are_read_as_one(letter: str) -> None:
    assert codes.canonical(f"{letter}1111-11111-11111-11111") == "11111-11111-11111-11111"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "7K3QX-M2D9A-0FHRT-W5BN",  # a symbol short
        "7K3QX-M2D9A-0FHRT-W5BNEE",  # a symbol too many
        "7K3QX-M2D9A-0FHRT-W5BNU",  # U is not a Crockford symbol
        "7K3QX-M2D9A-0FHRT-W5BN!",
        "7K3QX-M2D9A-0FHRT-W5BNÉ",
        OLD_CODE,
    ],
)
def test_what_cannot_be_a_new_code_has_no_canonical_form(typed: str) -> None:
    assert codes.canonical(typed) is None


def test_an_old_code_is_looked_up_exactly_as_printed() -> None:
    assert codes.candidates(OLD_CODE) == [OLD_CODE]
    assert codes.candidates(f" {OLD_CODE} ") == [OLD_CODE]
    assert codes.candidates(OLD_CODE.lower()) == [OLD_CODE.lower()]


def test_an_old_code_that_also_spells_a_new_one_is_looked_up_both_ways() -> None:
    old = "7k3qx-M2D9A0FHRTW5BNE"
    assert codes.candidates(old) == [CODE, old]


def test_a_typed_new_code_is_looked_up_by_its_canonical_form_only_once() -> None:
    assert codes.candidates(CODE) == [CODE]
    assert codes.candidates("7k3qx m2d9a ofhrt w5bne") == [CODE]


@pytest.mark.parametrize("typed", ["", "bad code!", "ü", "x" * 41])
def test_text_that_is_no_code_at_all_is_looked_up_nowhere(typed: str) -> None:
    assert codes.candidates(typed) == []
