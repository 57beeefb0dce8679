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
import random
from dataclasses import replace
from fractions import Fraction

import pytest

from quizapp.statistics.item_analysis import (
    ALPHA_MIN_ATTEMPTS,
    MIN_ATTEMPTS,
    AttemptResponses,
    ItemResponse,
    ItemSpec,
    ItemSums,
    OptionSpec,
    TestSums,
    analyse,
    analyse_sums,
    round_half_up,
    round_half_up_root,
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


# Discriminative efficiency -------------------------------------------------------------------
#
# Moodle (question/classes/statistics/questions/calculator.php): 100 × cov(item, rest) divided by
# the covariance of the same item scores and rest scores each sorted into ascending order and
# paired rank by rank, the largest covariance the two distributions allow.


def test_in_the_worked_example_every_item_reaches_its_maximum_discrimination(analysis) -> None:
    # Q1: item 1, 0, 0, 0, 0 and rest 2, 2, 1, 1, 0. Sorted: item 0, 0, 0, 0, 1 and rest
    #   0, 1, 1, 2, 2; Σ products = 1 × 2 = 2; max cov = 2/5 − 0.2 × 1.2 = 0.16 = cov -> 100 %.
    # Q2: sorted item 0, 0, 0, 1, 1 and rest 0, 1, 1, 1, 2; Σ = 1 + 2 = 3;
    #   max cov = 3/5 − 0.4 × 1.0 = 0.2 = cov -> 100 %.
    # Q3: sorted item 0, 1, 1, 1, 1 and rest 0, 0, 0, 1, 2; Σ = 1 + 2 = 3;
    #   max cov = 3/5 − 0.8 × 0.6 = 0.12 = cov -> 100 %.
    # Each learner's rest score is never lower than that of one who scored less on the item.
    assert [item.discriminative_efficiency for item in analysis.items] == [100, 100, 100]


def test_discriminative_efficiency_on_a_hand_worked_matrix() -> None:
    """Six learners, three 0/1 items:

                Q1  Q2  Q3 | total
        L1       1   1   1 |   3
        L2       0   1   1 |   2
        L3       1   0   0 |   1
        L4       0   1   0 |   1
        L5       1   0   0 |   1
        L6       0   0   0 |   0

    Q2: item 1, 1, 0, 1, 0, 0 (mean 1/2); rest = Q1 + Q3 = 2, 1, 1, 0, 1, 0 (mean 5/6)
        Σ item × rest = 2 + 1 = 3  ->  cov = 3/6 − 1/2 × 5/6 = 1/12
        sorted item 0, 0, 0, 1, 1, 1;  sorted rest 0, 0, 1, 1, 1, 2
        Σ sorted products = 1 + 1 + 2 = 4  ->  max cov = 4/6 − 5/12 = 1/4
        efficiency = 100 × (1/12) / (1/4) = 100/3 % ≈ 33.3 %
        var(item) = 1/4;  Σ rest² = 7 -> var(rest) = 7/6 − 25/36 = 17/36
        r² = (1/12)² / (1/4 × 17/36) = 1/17  ->  discrimination 24.25
    Q1: item 1, 0, 1, 0, 1, 0 (mean 1/2); rest = Q2 + Q3 = 2, 2, 0, 1, 0, 0 (mean 5/6)
        Σ item × rest = 2  ->  cov = 2/6 − 5/12 = −1/12
        sorted rest 0, 0, 0, 1, 2, 2: Σ sorted products = 1 + 2 + 2 = 5 -> max cov = 5/12
        efficiency = 100 × (−1/12) / (5/12) = −20 %
    Q3: item 1, 1, 0, 0, 0, 0 (mean 1/3); rest = Q1 + Q2 = 2, 1, 1, 1, 1, 0 (mean 1)
        Σ item × rest = 3  ->  cov = 1/2 − 1/3 = 1/6
        sorted item 0, 0, 0, 0, 1, 1;  sorted rest 0, 1, 1, 1, 1, 2: Σ = 1 + 2 = 3
        max cov = 3/6 − 1/3 = 1/6 = cov  ->  100 %
        var(item) = 2/9, var(rest) = 8/6 − 1 = 1/3: r² = (1/36)/(2/27) = 3/8 -> 61.24
    Alpha: Σ var(item) = 1/4 + 1/4 + 2/9 = 13/18; totals 3, 2, 1, 1, 1, 0 (mean 4/3),
        var = 16/6 − 16/9 = 8/9;  alpha = 3/2 × (1 − (13/18)/(8/9)) = 3/2 × 3/16 = 9/32
    """
    rows = [(1, 1, 1), (0, 1, 1), (1, 0, 0), (0, 1, 0), (1, 0, 0), (0, 0, 0)]
    items = [spec(f"q{j}", "a", ids="ab") for j in (1, 2, 3)]
    attempts = [
        attempt(**{f"q{j}": (score, "a" if score else "b") for j, score in enumerate(row, 1)})
        for row in rows
    ]
    result = analyse(items, attempts)
    q1, q2, q3 = result.items
    assert q2.discriminative_efficiency == Fraction(100, 3)
    assert q2.discrimination_squared == Fraction(1, 17)
    assert q2.discrimination_index == pytest.approx(100 / math.sqrt(17))
    assert q1.discriminative_efficiency == -20
    assert q1.discrimination_index is not None and q1.discrimination_index < 0
    assert q3.discriminative_efficiency == 100
    assert q3.discrimination_squared == Fraction(3, 8)
    assert result.cronbach_alpha == Fraction(9, 32)
    assert [item.discrimination_undefined for item in result.items] == [None, None, None]
    assert result.alpha_undefined is None


def test_partial_credit_efficiency_uses_the_sorted_partial_scores() -> None:
    # Q1 = 1, 1/2, 1/2, 0 against a rest (Q2) of 0, 1, 1, 0: cov = Σxy/4 − 1/2 × 1/2
    #   = (0 + 1/2 + 1/2 + 0)/4 − 1/4 = 0. Sorted: 0, 1/2, 1/2, 1 against 0, 0, 1, 1:
    #   Σ = 1/2 + 1 = 3/2 -> max cov = 3/8 − 1/4 = 1/8; efficiency 0 %, not undefined.
    items = [spec("q1", "ac"), spec("q2", "a")]
    attempts = [
        attempt(q1=(1, "ac"), q2=(0, "b")),
        attempt(q1=(0.5, "a"), q2=(1, "a")),
        attempt(q1=(Fraction(1, 2), "c"), q2=(1, "a")),
        attempt(q1=(0, "bd"), q2=(0, "c")),
    ]
    q1 = analyse(items, attempts).item("q1")
    assert q1.discriminative_efficiency == 0
    assert q1.discrimination_index == 0


def test_a_reversed_item_has_an_efficiency_of_minus_100() -> None:
    items = [spec("q1", "a"), spec("q2", "a")]
    attempts = [
        attempt(q1=(1, "a"), q2=(0, "b")),
        attempt(q1=(1, "a"), q2=(0, "b")),
        attempt(q1=(0, "b"), q2=(1, "a")),
        attempt(q1=(0, "b"), q2=(1, "a")),
    ]
    result = analyse(items, attempts)
    assert [item.discriminative_efficiency for item in result.items] == [-100, -100]
    assert result.alpha_undefined == "every attempt has the same total score"


def test_efficiency_is_undefined_exactly_when_discrimination_is_and_says_why() -> None:
    items = [spec("q1", "a"), spec("q2", "a")]
    attempts = [
        attempt(q1=(1, "a"), q2=(1, "a")),
        attempt(q1=(1, "a"), q2=(1, "a")),
        attempt(q1=(0, "b"), q2=(1, "a")),
        attempt(q1=(0, "c"), q2=(1, "a")),
    ]
    result = analyse(items, attempts)
    q1, q2 = result.items
    assert (q2.discriminative_efficiency, q2.discrimination_index) == (None, None)
    assert q2.discrimination_undefined == "every attempt has the same score on this question"
    assert (q1.discriminative_efficiency, q1.discrimination_index) == (None, None)
    assert q1.discrimination_undefined == "every attempt has the same score on the rest of the test"
    one = analyse(ITEMS, ATTEMPTS[:1])
    assert {item.discrimination_undefined for item in one.items} == {"fewer than two attempts"}


# How few attempts is too few -----------------------------------------------------------------


def test_no_alpha_from_two_attempts_even_when_it_could_be_computed() -> None:
    # Two attempts whose totals differ: the formula would give 3/2 × (1 − (3 × 1/4)/(9/4)) = 1.
    both = analyse(ITEMS, [ATTEMPTS[0], ATTEMPTS[4]])
    assert both.total_variance == Fraction(9, 4)
    assert both.cronbach_alpha is None
    assert both.alpha_undefined == f"fewer than {ALPHA_MIN_ATTEMPTS} attempts"
    three = analyse(ITEMS, ATTEMPTS[:3])
    assert three.attempts == ALPHA_MIN_ATTEMPTS == 3
    assert three.cronbach_alpha is not None


def test_alpha_of_one_question_says_why_it_is_undefined() -> None:
    attempts = [attempt(q1=(1, "a")), attempt(q1=(0, "b")), attempt(q1=(1, "a"))]
    result = analyse([spec("q1", "a")], attempts)
    assert result.cronbach_alpha is None
    assert result.alpha_undefined == "fewer than two questions"


def test_an_analysis_knows_whether_it_has_enough_attempts_to_report_correlations() -> None:
    assert MIN_ATTEMPTS == 30
    few = analyse(ITEMS, ATTEMPTS * 5)  # 25 attempts
    enough = analyse(ITEMS, ATTEMPTS * 6)  # 30
    assert few.too_few_attempts and not enough.too_few_attempts
    # Repeating the matrix changes no figure: the minimum is about trust, not arithmetic.
    assert few.cronbach_alpha == enough.cronbach_alpha == Fraction(9, 13)


def test_sums_whose_distributions_do_not_add_up_to_the_attempts_are_refused() -> None:
    # Two attempts at two 0/1 items, scoring 1, 1 and 0, 0: totals 2 and 0.
    items = [spec("q1", "a"), spec("q2", "a")]
    sums = ItemSums(
        count=2,
        scores=Fraction(1),
        squares=Fraction(1),
        with_total=Fraction(2),
        option_counts={"a": 1, "b": 1},
        no_response=0,
        score_counts={Fraction(0): 1, Fraction(1): 1},
        rest_counts={Fraction(0): 1, Fraction(1): 1},
    )
    whole = analyse_sums(items, TestSums(attempts=2, items={"q1": sums, "q2": sums}))
    assert [item.discriminative_efficiency for item in whole.items] == [100, 100]
    short = replace(sums, rest_counts={Fraction(0): 1})
    with pytest.raises(ValueError):
        analyse_sums(items, TestSums(attempts=2, items={"q1": short, "q2": sums}))


# Rounding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (Fraction(1, 8), 2, "0.13"),  # 0.125: banker's rounding would give 0.12
        (Fraction(5, 2), 0, "3"),  # round(2.5) is 2
        (Fraction(-5, 2), 0, "-3"),  # away from zero on both sides
        (Fraction(29, 200), 2, "0.15"),  # 0.145, which as a float is 0.14499…
        (Fraction(2, 3), 3, "0.667"),
        (Fraction(200, 3), 1, "66.7"),
        (Fraction(-1, 100), 1, "0.0"),  # no "-0.0"
        (Fraction(100), 1, "100.0"),
        (Fraction(9, 13), 3, "0.692"),
    ],
)
def test_figures_round_halves_away_from_zero_on_the_exact_value(
    value: Fraction, digits: int, text: str
) -> None:
    assert str(round_half_up(value, digits)) == text


@pytest.mark.parametrize(
    ("negative", "square", "digits", "text"),
    [
        (False, Fraction(9, 64), 0, "38"),  # r = 0.375: 37.5 -> 38
        (True, Fraction(9, 64), 0, "-38"),
        (False, Fraction(9, 64), 1, "37.5"),
        (False, Fraction(2, 7), 1, "53.5"),  # √(2/7) = 0.534522…
        (False, Fraction(5, 12), 2, "64.55"),  # √(5/12) = 0.645497…
        (False, Fraction(3145, 10000) ** 2, 1, "31.5"),  # 31.45 exactly, 31.449999… as a float
        (False, Fraction(1), 1, "100.0"),
        (False, Fraction(0), 1, "0.0"),
    ],
)
def test_the_discrimination_index_rounds_exactly_from_its_square(
    negative: bool, square: Fraction, digits: int, text: str
) -> None:
    assert str(round_half_up_root(negative, square, digits)) == text


def moodle_efficiency(scores: list[Fraction], rests: list[Fraction]) -> Fraction | None:
    """Moodle's steps written out: sort both lists, then Σ of paired deviations over n − 1."""
    n = len(scores)
    mean_x, mean_y = sum(scores) / n, sum(rests) / n
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(scores, rests, strict=True)) / (
        n - 1
    )
    most = sum(
        (x - mean_x) * (y - mean_y) for x, y in zip(sorted(scores), sorted(rests), strict=True)
    ) / (n - 1)
    return 100 * covariance / most if most else None


@pytest.mark.parametrize("seed", range(8))
def test_efficiency_equals_moodles_sorted_arrays_on_random_partial_credit(seed: int) -> None:
    rng = random.Random(seed)
    items = [spec(f"q{j}", "a") for j in range(1, 5)]
    grid = [
        [rng.choice([Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(1)]) for _ in items]
        for _ in range(rng.randint(3, 40))
    ]
    result = analyse(
        items,
        [attempt(**{f"q{j}": (x, "a") for j, x in enumerate(row, 1)}) for row in grid],
    )
    for index, item in enumerate(result.items):
        scores = [row[index] for row in grid]
        rests = [sum(row) - row[index] for row in grid]
        assert item.discriminative_efficiency == moodle_efficiency(scores, rests)
