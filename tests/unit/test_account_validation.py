"""What a learner types into the account forms: NPI, password, email, birth month and day, and
a name a certificate can print."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.accounts import validation
from quizapp.accounts.validation import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    clean_text,
    common_passwords,
    email_problem,
    email_skeleton,
    name_problem,
    normalize_email,
    password_problem,
    valid_birth_day,
    valid_email,
    valid_npi,
)

VALID_NPI = "1234567893"

# NPI -----------------------------------------------------------------------------------------


def test_a_ten_digit_npi_with_a_good_check_digit_is_valid() -> None:
    assert valid_npi(VALID_NPI)


@pytest.mark.parametrize("check_digit", [d for d in "0123456789" if d != VALID_NPI[-1]])
def test_any_other_check_digit_is_refused(check_digit: str) -> None:
    assert not valid_npi(VALID_NPI[:-1] + check_digit)


def test_swapping_two_adjacent_digits_is_caught() -> None:
    assert not valid_npi("2134567893")


@pytest.mark.parametrize(
    "npi",
    [
        "",
        "123456789",
        "12345678933",
        "123456789O",
        "12345-67893",
        " 1234567893",
        "1234567893\n",
        "１２３４５６７８９３",  # full-width digits
        "١٢٣٤٥٦٧٨٩٣",  # Arabic-Indic digits
    ],
    ids=repr,
)
def test_anything_but_ten_ascii_digits_is_refused(npi: str) -> None:
    assert not valid_npi(npi)


# Password ------------------------------------------------------------------------------------


def test_passwords_must_be_10_to_128_characters() -> None:
    assert (MIN_PASSWORD, MAX_PASSWORD) == (10, 128)
    assert password_problem("x" * 9) == "Use at least 10 characters."
    assert password_problem("x" * 10) is None
    assert password_problem("x" * 128) is None
    assert password_problem("x" * 129) == "Use at most 128 characters."


def test_password_length_counts_characters_not_bytes() -> None:
    assert password_problem("é" * 10) is None
    assert password_problem("é" * 9) == "Use at least 10 characters."


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("name@example.org", "name@example.org"),
        ("Name@Example.ORG", "name@example.org"),
        (" name@example.org ", "NAME@example.org"),
        ("name@example.org", "  Name@example.org\n"),
    ],
)
def test_the_email_address_is_not_accepted_as_a_password(password: str, email: str) -> None:
    assert password_problem(password, email) == "Do not use your email address as your password."


def test_a_password_merely_containing_the_email_is_allowed() -> None:
    assert password_problem("name@example.org!", "name@example.org") is None


def test_without_an_email_only_length_is_checked() -> None:
    assert password_problem("name@example.org") is None


COMMON = (
    "This is one of the most common passwords, which are the first ones tried against any "
    "account. Choose another."
)


@pytest.mark.parametrize(
    "password", ["password123", "Password123", " QWERTYUIOP ", "1q2w3e4r5t", "iloveyou12"]
)
def test_a_common_password_is_refused_whatever_its_case(password: str) -> None:
    assert password_problem(password) == COMMON


def test_an_uncommon_password_of_common_words_is_allowed() -> None:
    assert password_problem("correct horse battery staple") is None
    assert password_problem("password123 but longer") is None


def test_the_common_passwords_ship_with_their_source_and_licence() -> None:
    listed = common_passwords()
    assert len(listed) == 30_000
    assert all(word == word.lower() and word.strip() == word for word in listed)
    readme = (Path(validation.__file__).parent / "passwords" / "README.md").read_text(
        encoding="utf-8"
    )
    assert "zxcvbn" in readme and "MIT" in readme


# Email ---------------------------------------------------------------------------------------


def test_an_email_is_normalized_by_trimming_and_lowercasing() -> None:
    assert normalize_email("  Jane.Doe@Example.ORG \n") == "jane.doe@example.org"


@pytest.mark.parametrize(
    "typed",
    [
        "ＪＡＮＥ@example.org",  # fullwidth letters
        "\U0001d423\U0001d41a\U0001d427\U0001d41e@example.org",  # mathematical bold
        "jane\uff20example.org",  # fullwidth commercial at
        "\u3000jane@example.org",  # ideographic space
    ],
    ids=["fullwidth", "math-bold", "fullwidth-at", "ideographic-space"],
)
def test_an_email_is_normalized_with_nfkc_so_it_is_typed_only_one_way(typed: str) -> None:
    assert normalize_email(typed) == "jane@example.org"


@pytest.mark.parametrize(
    ("email", "shown"),
    [
        ("ann\u200b@example.org", "U+200B"),
        ("ann\u200d@example.org", "U+200D"),
        ("\ufeffann@example.org", "U+FEFF"),
        ("ann@exa\u202emple.org", "U+202E"),
        ("ann\x1b@example.org", "U+001B"),
    ],
)
def test_an_email_with_an_invisible_character_is_refused_naming_it(email: str, shown: str) -> None:
    assert email_problem(email) == (
        f"The email address contains an invisible character (the character {shown}); type it "
        "again without it."
    )


def test_a_plain_email_has_no_problem() -> None:
    assert email_problem("ann.lee@example.org") is None
    assert email_problem("ann") == "Enter an email address such as name@example.org."


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0430nn@example.org",  # Cyrillic a
        "ann@ex\u0430mple.\u043erg",  # Cyrillic a and o
        "\u03b1nn@example.org",  # Greek alpha
        "ann@examp\u04cfe.org",  # Cyrillic palochka for l
        "ann@\u0435x\u0430mpl\u0435.org",  # three Cyrillic letters
    ],
)
def test_letters_of_other_scripts_that_print_as_latin_ones_share_a_skeleton(
    look_alike: str,
) -> None:
    assert look_alike != "ann@example.org"
    assert email_skeleton(look_alike) == "ann@example.org"


def test_letters_without_a_latin_twin_stay_in_the_skeleton() -> None:
    # Cyrillic а, р and е become Latin; и, в, н, п, м and ф have no Latin twin.
    assert email_skeleton("иван@пример.рф") == "ив" + "a" + "н@п" + "p" + "им" + "ep.p" + "ф"
    assert email_skeleton("ann@example.org") == "ann@example.org"


# Free text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202eAnn Lee\u202c", "Ann Lee"),  # right-to-left override, pop
        ("\u2067Ann\u2069 Lee", "Ann Lee"),  # isolates
        ("Ann\u200e \u200fLee", "Ann Lee"),  # marks
        ("Ann\u200bLee", "AnnLee"),  # zero-width space
        ("Ann \x1b[31mLee\x07", "Ann [31mLee"),  # escape sequence, bell
        ("Ann\x85Lee\x9b", "Ann Lee"),  # C1: next line (a space), CSI
        ("  Ann\t\n  Lee ", "Ann Lee"),
        (
            "\u0645\u062d\u0645\u062f \u0631\u0636\u0627",
            "\u0645\u062d\u0645\u062f \u0631\u0636\u0627",
        ),
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        ),
    ],
    ids=[
        "override",
        "isolates",
        "marks",
        "zero-width-space",
        "escape",
        "c1",
        "whitespace",
        "arabic",
        "persian-zwnj-kept",
    ],
)
def test_free_text_loses_control_and_bidi_characters(typed: str, kept: str) -> None:
    assert clean_text(typed) == kept


@pytest.mark.parametrize("email", ["name@example.org", "jane.doe+cme@mail.example.co.uk", "a@b.co"])
def test_an_ordinary_email_address_is_valid(email: str) -> None:
    assert valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "",
        "name",
        "name@example",
        "@example.org",
        "name@.org",
        "name@example.",
        "na me@example.org",
        "name@exa mple.org",
        "name@@example.org",
        "a@b@example.org",
        "name@example.org\n",
        "\nname@example.org",
    ],
    ids=repr,
)
def test_a_malformed_email_address_is_refused(email: str) -> None:
    assert not valid_email(email)


def test_an_email_address_may_be_254_characters_and_no_longer() -> None:
    domain = "@example.org"
    assert valid_email("x" * (254 - len(domain)) + domain)
    assert not valid_email("x" * (255 - len(domain)) + domain)


# Birth month and day -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "day"),
    [(1, 1), (1, 31), (2, 28), (2, 29), (3, 31), (4, 30), (6, 30), (12, 31)],
)
def test_a_real_birth_month_and_day_is_valid(month: int, day: int) -> None:
    assert valid_birth_day(month, day)


@pytest.mark.parametrize(
    ("month", "day"),
    [
        (2, 30),
        (4, 31),
        (6, 31),
        (9, 31),
        (11, 31),
        (1, 32),
        (1, 0),
        (1, -1),
        (0, 1),
        (0, 31),
        (13, 1),
        (-1, 15),
    ],
)
def test_an_impossible_birth_month_and_day_is_refused(month: int, day: int) -> None:
    assert not valid_birth_day(month, day)


# Name ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Ann Lee",
        "Zoë Ñúñez-Øster",
        "Ἀριστοτέλης",
        "Пётр Чайковский",
        "王堃",
        "𠮷田 太郎",
        "김민준",
        "דוד כהן",
        "محمد الأحمد",
    ],
)
def test_a_name_in_a_script_the_certificate_fonts_cover_is_accepted(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Ann 🙂 Lee",
            "Your certificate cannot print “🙂” in a name; please write your name without it.",
        ),
        (
            "Ann 🙂 Lee 🎉 🙂",
            "Your certificate cannot print “🙂” or “🎉” in a name; please write your name "
            "without them.",
        ),
        (
            "Ann 🙂🎉💉 Lee",
            "Your certificate cannot print “🙂”, “🎉” or “💉” in a name; please write your name "
            "without them.",
        ),
        (
            "Ann\ue000Lee",
            "Your certificate cannot print the character U+E000 in a name; please write your name "
            "without it.",
        ),
        (
            "🙂🎉💉🩺🧬🦴 Lee",
            "Your certificate cannot print “🙂”, “🎉”, “💉”, “🩺”, “🧬” and 1 more in a name; "
            "please write your name without them.",
        ),
    ],
    ids=["one", "two", "three", "invisible", "many"],
)
def test_a_name_with_a_character_no_certificate_font_has_says_which(
    name: str, message: str
) -> None:
    assert name_problem(name) == message
