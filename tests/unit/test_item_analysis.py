"""Item analysis: facility, discrimination, option counts and Cronbach's alpha against hand sums.

The worked example (five learners, three items, scores 0 or 1)
==============================================================

            Q1  Q2  Q3 | total
    L1       1   1   1 |   3
    L2       0   1   1 |   2
    L3       0   0   1 |   1
    L4       0   0   1 |   1
    L5       0   0   0 |   0

Facility = mean item score / max score (1):
    Q1 = 1/5 = 20 %     Q2 = 2/5 = 40 %     Q3 = 4/5 = 80 %
Mean total = (3 + 2 + 1 + 1 + 0) / 5 = 7/5 = 1.4 out of 3  ->  1.4 / 3 = 46.67 % (exactly 140/3 %)

Item variances (population, Σ(x − mean)²/5; for a 0/1 item that is p(1 − p)):
    Q1: 0.2 × 0.8 = 0.16      Q2: 0.4 × 0.6 = 0.24      Q3: 0.8 × 0.2 = 0.16
    Σ var(item) = 0.56 = 14/25

Total variance: mean 1.4, deviations 1.6, 0.6, −0.4, −0.4, −1.4
    squares 2.56 + 0.36 + 0.16 + 0.16 + 1.96 = 5.20;  5.20 / 5 = 1.04 = 26/25

Cronbach's alpha = k/(k − 1) × (1 − Σ var(item) / var(total))
    = 3/2 × (1 − 0.56/1.04) = 3/2 × 0.48/1.04 = 3/2 × 6/13 = 9/13 ≈ 0.6923

Discrimination = 100 × r(item, rest), rest = total − item, r = cov / √(var(item) × var(rest)):

    Q1: item 1, 0, 0, 0, 0 (mean 0.2)      rest 2, 2, 1, 1, 0 (mean 1.2)
        item deviations  0.8, −0.2, −0.2, −0.2, −0.2
        rest deviations  0.8,  0.8, −0.2, −0.2, −1.2
        products 0.64 − 0.16 + 0.04 + 0.04 + 0.24 = 0.80  ->  cov = 0.80/5 = 0.16
        var(rest) = (0.64 + 0.64 + 0.04 + 0.04 + 1.44)/5 = 2.80/5 = 0.56
        r = 0.16 / √(0.16 × 0.56) = √(0.16/0.56) = √(2/7) = 0.534522  ->  53.45

    Q2: item 1, 1, 0, 0, 0 (mean 0.4)      rest 2, 1, 1, 1, 0 (mean 1.0)
        item deviations  0.6, 0.6, −0.4, −0.4, −0.4
        rest deviations  1,   0,    0,    0,   −1
        products 0.6 + 0 + 0 + 0 + 0.4 = 1.0  ->  cov = 1.0/5 = 0.2
        var(rest) = (1 + 0 + 0 + 0 + 1)/5 = 0.4
        r = 0.2 / √(0.24 × 0.4) = 0.2 / √0.096 = √(0.04/0.096) = √(5/12) = 0.645497  ->  64.55

    Q3: item 1, 1, 1, 1, 0 (mean 0.8)      rest 2, 1, 0, 0, 0 (mean 0.6)
        item deviations  0.2, 0.2, 0.2, 0.2, −0.8
        rest deviations  1.4, 0.4, −0.6, −0.6, −0.6
        products 0.28 + 0.08 − 0.12 − 0.12 + 0.48 = 0.60  ->  cov = 0.60/5 = 0.12
        var(rest) = (1.96 + 0.16 + 0.36 + 0.36 + 0.36)/5 = 3.20/5 = 0.64
        r = 0.12 / √(0.16 × 0.64) = 0.12 / (0.4 × 0.8) = 0.12/0.32 = 0.375  ->  37.50

Options chosen (key marked *):

            Q1 (single: a b* c d)   Q2 (multiple: a* b c* d)   Q3 (true-false: a* b)
    L1      b   -> 1                a, c  -> 1                 a -> 1
    L2      a   -> 0                a, c  -> 1                 a -> 1
    L3      c   -> 0                a     -> 0                 a -> 1
    L4      a   -> 0                a, b  -> 0                 a -> 1
    L5      a   -> 0                c, d  -> 0                 b -> 0

    Q1: a 3 (60 %), b 1 (20 %), c 1 (20 %), d 0 (0 %)  — d does not work as a distractor and
        a draws more learners than the key
    Q2: a 4 (80 %), b 1 (20 %), c 3 (60 %), d 1 (20 %) — each chosen option counts, so the
        percentages (of the 5 attempts) add up to 180 %
    Q3: a 4 (80 %), b 1 (20 %)
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from quizapp.statistics.item_analysis import (
    AttemptResponses,
    ItemResponse,
    ItemSpec,
    OptionSpec,
    analyse,
)


def spec(qid: str, keys: str, ids: str = "abcd") -> ItemSpec:
    return ItemSpec(
        question_id=qid,
        options=tuple(OptionSpec(i, f"Option {i.upper()}", i in keys) for i in ids),
    )


def attempt(**responses: tuple[object, str]) -> AttemptResponses:
    """attempt(q1=(score, "chosen option ids"), ...)"""
    return AttemptResponses(
        {qid: ItemResponse(score, frozenset(chosen)) for qid, (score, chosen) in responses.items()}
    )


ITEMS = [spec("q1", "b"), spec("q2", "ac"), spec("q3", "a", ids="ab")]
ATTEMPTS = [
    attempt(q1=(1, "b"), q2=(1, "ac"), q3=(1, "a")),  # L1
    attempt(q1=(0, "a"), q2=(1, "ac"), q3=(1, "a")),  # L2
    attempt(q1=(0, "c"), q2=(0, "a"), q3=(1, "a")),  # L3
    attempt(q1=(0, "a"), q2=(0, "ab"), q3=(1, "a")),  # L4
    attempt(q1=(0, "a"), q2=(0, "cd"), q3=(0, "b")),  # L5
]


@pytest.fixture
def analysis():
    return analyse(ITEMS, ATTEMPTS)


# The worked example --------------------------------------------------------------------------


def test_the_test_level_figures_match_the_hand_sums(analysis) -> None:
    assert analysis.attempts == 5
    assert analysis.item_count == 3
    assert analysis.max_total == 3
    assert analysis.mean_score_percent == Fraction(140, 3)
    assert round(float(analysis.mean_score_percent), 2) == 46.67
    assert analysis.total_variance == Fraction(26, 25)


def test_cronbach_alpha_is_exactly_nine_thirteenths(analysis) -> None:
    assert analysis.cronbach_alpha == Fraction(9, 13)
    assert round(float(analysis.cronbach_alpha), 4) == 0.6923


def test_facility_is_the_mean_score_as_a_percentage(analysis) -> None:
    assert [item.facility_percent for item in analysis.items] == [20, 40, 80]
    assert [item.mean_score for item in analysis.items] == [
        Fraction(1, 5),
        Fraction(2, 5),
        Fraction(4, 5),
    ]


def test_item_variances_are_population_variances(analysis) -> None:
    assert [item.score_variance for item in analysis.items] == [
        Fraction(4, 25),
        Fraction(6, 25),
        Fraction(4, 25),
    ]


def test_discrimination_is_the_rest_of_test_correlation(analysis) -> None:
    q1, q2, q3 = analysis.items
    assert round(q1.discrimination_index, 2) == 53.45
    assert round(q2.discrimination_index, 2) == 64.55
    assert round(q3.discrimination_index, 2) == 37.50
    # and the closed forms from the worked example
    assert q1.discrimination_index == pytest.approx(100 * math.sqrt(2 / 7))
    assert q2.discrimination_index == pytest.approx(100 * math.sqrt(5 / 12))
    assert q3.discrimination_index == pytest.approx(37.5)


def test_single_answer_option_counts_and_percentages(analysis) -> None:
    options = analysis.item("q1").options
    assert [(o.option_id, o.count, o.percent) for o in options] == [
        ("a", 3, 60),
        ("b", 1, 20),
        ("c", 1, 20),
        ("d", 0, 0),
    ]
    assert [o.correct for o in options] == [False, True, False, False]
    assert [o.text for o in options] == ["Option A", "Option B", "Option C", "Option D"]


def test_a_multiple_answer_attempt_counts_every_chosen_option(analysis) -> None:
    options = analysis.item("q2").options
    assert [(o.option_id, o.count, o.percent) for o in options] == [
        ("a", 4, 80),
        ("b", 1, 20),
        ("c", 3, 60),
        ("d", 1, 20),
    ]
    assert sum(o.percent for o in options) == 180


def test_true_false_option_counts(analysis) -> None:
    assert [(o.count, o.percent) for o in analysis.item("q3").options] == [(4, 80), (1, 20)]
    assert analysis.item("q3").no_response == 0


def test_an_unknown_question_id_is_a_key_error(analysis) -> None:
    with pytest.raises(KeyError):
        analysis.item("q9")


# Edge cases ----------------------------------------------------------------------------------


def test_an_item_everyone_gets_right_has_no_discrimination() -> None:
    # Q2 is right for all four: var(Q2) = 0, so r is undefined (0/0), not 0.
    items = [spec("q1", "a"), spec("q2", "a")]
    attempts = [
        attempt(q1=(1, "a"), q2=(1, "a")),
        attempt(q1=(1, "a"), q2=(1, "a")),
        attempt(q1=(0, "b"), q2=(1, "a")),
        attempt(q1=(0, "c"), q2=(1, "a")),
    ]
    result = analyse(items, attempts)
    assert result.item("q2").facility_percent == 100
    assert result.item("q2").score_variance == 0
    assert result.item("q2").discrimination_index is None
    # Q1's rest of test is Q2, which is constant too.
    assert result.item("q1").discrimination_index is None
    # alpha = 2 × (1 − (1/4 + 0) / (1/4)) = 0: the constant item adds nothing.
    assert result.cronbach_alpha == 0


def test_a_single_attempt_has_no_alpha_and_no_discrimination() -> None:
    result = analyse(ITEMS, ATTEMPTS[:1])
    assert result.attempts == 1
    assert result.total_variance == 0
    assert result.cronbach_alpha is None
    assert [item.discrimination_index for item in result.items] == [None, None, None]
    assert [item.facility_percent for item in result.items] == [100, 100, 100]
    assert result.mean_score_percent == 100


def test_no_attempts_gives_no_figures_but_still_lists_the_options() -> None:
    result = analyse(ITEMS, [])
    assert result.attempts == 0
    assert result.mean_score_percent is None
    assert result.cronbach_alpha is None
    q1 = result.item("q1")
    assert q1.facility_percent is None
    assert q1.discrimination_index is None
    assert [(o.option_id, o.count, o.percent) for o in q1.options] == [
        ("a", 0, None),
        ("b", 0, None),
        ("c", 0, None),
        ("d", 0, None),
    ]


def test_a_one_item_test_has_no_alpha() -> None:
    # k = 1: k/(k − 1) is undefined; the rest of the test is always 0, so no discrimination.
    result = analyse([spec("q1", "a")], [attempt(q1=(1, "a")), attempt(q1=(0, "b"))])
    assert result.cronbach_alpha is None
    assert result.item("q1").discrimination_index is None
    assert result.item("q1").facility_percent == 50


def test_a_reversed_item_has_negative_discrimination() -> None:
    # Q1 = 1, 1, 0, 0 and Q2 = 0, 0, 1, 1: each item's rest score is the other item, r = −1.
    # Every total is 1, so var(total) = 0 and alpha is None.
    items = [spec("q1", "a"), spec("q2", "a")]
    attempts = [
        attempt(q1=(1, "a"), q2=(0, "b")),
        attempt(q1=(1, "a"), q2=(0, "b")),
        attempt(q1=(0, "b"), q2=(1, "a")),
        attempt(q1=(0, "b"), q2=(1, "a")),
    ]
    result = analyse(items, attempts)
    assert result.item("q1").discrimination_index == pytest.approx(-100)
    assert result.item("q2").discrimination_index == pytest.approx(-100)
    assert result.cronbach_alpha is None


def test_partial_credit_scores_work_as_fractions_and_floats() -> None:
    # Four learners, two items; Q1 gives partial credit (a multiple-answer item).
    #
    #           Q1    Q2 | total
    #    L1     1     1  |  2
    #    L2     1/2   1  |  1.5
    #    L3     0.5   0  |  0.5      (a float, read as 1/2)
    #    L4     0     0  |  0
    #
    # Facility Q1 = (1 + 0.5 + 0.5 + 0)/4 = 0.5 -> 50 %;  Q2 = 2/4 -> 50 %
    # var(Q1): mean 0.5, deviations 0.5, 0, 0, −0.5 -> (0.25 + 0.25)/4 = 0.125 = 1/8
    # var(Q2) = 0.5 × 0.5 = 0.25 = 1/4
    # totals: mean 1, deviations 1, 0.5, −0.5, −1 -> (1 + 0.25 + 0.25 + 1)/4 = 0.625 = 5/8
    # alpha = 2 × (1 − (1/8 + 1/4)/(5/8)) = 2 × (1 − 3/5) = 4/5
    # Q1's rest is Q2 (1, 1, 0, 0; deviations 0.5, 0.5, −0.5, −0.5):
    #   cov = (0.25 + 0 + 0 + 0.25)/4 = 0.125;  r = 0.125/√(0.125 × 0.25) = √(1/2) -> 70.71
    # Q2's rest is Q1: the same pair, so the same r -> 70.71
    items = [spec("q1", "ac"), spec("q2", "a")]
    attempts = [
        attempt(q1=(1, "ac"), q2=(1, "a")),
        attempt(q1=(Fraction(1, 2), "a"), q2=(1, "a")),
        attempt(q1=(0.5, "c"), q2=(0, "b")),
        attempt(q1=(0, "bd"), q2=(0, "c")),
    ]
    result = analyse(items, attempts)
    q1, q2 = result.items
    assert q1.mean_score == Fraction(1, 2)
    assert q1.facility_percent == 50
    assert q1.score_variance == Fraction(1, 8)
    assert round(q1.discrimination_index, 2) == 70.71
    assert round(q2.discrimination_index, 2) == 70.71
    assert result.total_variance == Fraction(5, 8)
    assert result.cronbach_alpha == Fraction(4, 5)
    assert result.mean_score_percent == 50
    assert [(o.option_id, o.count) for o in q1.options] == [("a", 2), ("b", 1), ("c", 2), ("d", 1)]


def test_facility_is_relative_to_the_items_max_score() -> None:
    item = ItemSpec("q1", (OptionSpec("a", "A", True), OptionSpec("b", "B", False)), max_score=2)
    result = analyse([item], [attempt(q1=(2, "a")), attempt(q1=(1, "a")), attempt(q1=(0, "b"))])
    # mean 1 out of 2 -> 50 %
    assert result.item("q1").facility_percent == 50
    assert result.max_total == 2


def test_an_attempt_that_chose_nothing_counts_as_no_response() -> None:
    result = analyse([spec("q1", "a")], [attempt(q1=(1, "a")), attempt(q1=(0, ""))])
    q1 = result.item("q1")
    assert q1.no_response == 1
    assert [(o.count, o.percent) for o in q1.options[:2]] == [(1, 50), (0, 0)]


def test_option_specs_keep_source_order_and_an_unknown_key() -> None:
    item = ItemSpec("q1", [OptionSpec("c", "Third"), OptionSpec("a", "First")])
    result = analyse([item], [attempt(q1=(1, "a"))])
    assert [(o.option_id, o.correct) for o in result.item("q1").options] == [
        ("c", None),
        ("a", None),
    ]


# Refused input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        attempt(q1=(1, "b"), q2=(1, "ac")),  # no q3: another version
        attempt(q1=(1, "b"), q2=(1, "ac"), q3=(1, "a"), q4=(1, "a")),  # an extra question
        attempt(q1=(1, "e"), q2=(1, "ac"), q3=(1, "a")),  # q1 has no option e
        attempt(q1=(Fraction(3, 2), "b"), q2=(1, "ac"), q3=(1, "a")),  # above the max score
        attempt(q1=(-0.5, "b"), q2=(1, "ac"), q3=(1, "a")),  # below zero
        attempt(q1=(math.nan, "b"), q2=(1, "ac"), q3=(1, "a")),  # not a number
    ],
)
def test_attempts_that_do_not_fit_the_items_are_refused(bad: AttemptResponses) -> None:
    with pytest.raises(ValueError):
        analyse(ITEMS, [*ATTEMPTS, bad])


def test_a_repeated_item_or_option_is_refused() -> None:
    with pytest.raises(ValueError):
        analyse([spec("q1", "a"), spec("q1", "a")], [])
    with pytest.raises(ValueError):
        ItemSpec("q1", (OptionSpec("a", "A"), OptionSpec("a", "Again")))
    with pytest.raises(ValueError):
        ItemSpec("q1", (OptionSpec("a", "A"),), max_score=0)
