"""Classical item analysis of a posttest, following Moodle's quiz statistics definitions.

For each item:

* facility index: mean item score / max score, as a percentage (Moodle: the mean score as a
  percentage of the range; the minimum score here is always 0);
* discrimination index: 100 × the Pearson correlation between the item score and the score on
  the rest of the test (total minus this item), across attempts. It is ``None`` with fewer than
  two attempts or when either the item score or the rest-of-test score does not vary;
* discriminative efficiency: 100 × cov(item, rest) / the largest covariance the two score
  distributions allow, which is the covariance they have when both are sorted into ascending
  order and paired rank by rank (Moodle's ``covariancemax``). A question nearly everyone gets
  right (or wrong) cannot correlate strongly with anything, however good it is; this figure
  says how much of the discrimination its facility leaves room for it reaches. It is undefined
  exactly when the discrimination index is (the sorted pairing has a positive covariance
  unless one side is constant), and exact: no square root;
* option counts: how often each option was chosen and the percentage of attempts that chose it
  (distractor analysis). An attempt at a multiple-answer item counts once for every option it
  chose, so the percentages of one item may add up to more than 100.

For the test: the number of attempts, the mean total score as a percentage of the maximum, and
Cronbach's alpha = k/(k−1) × (1 − Σ var(item) / var(total)), which is ``None`` with fewer than
:data:`ALPHA_MIN_ATTEMPTS` attempts, with fewer than two items, or when every attempt has the
same total (0/0); :attr:`TestAnalysis.alpha_undefined` says which.

The figures are computed whenever they are defined; whether there are enough attempts to
*report* the correlational ones is :data:`MIN_ATTEMPTS`, which the reports apply.

Every variance and covariance here is the **population** form (divide by n, not n − 1). Alpha and
the correlations are ratios of variances, so they come out the same either way as long as one
form is used throughout; the variances reported in the results are population variances.

Everything but the correlations is exact: scores become :class:`~fractions.Fraction` (a float
is read by its shortest decimal spelling, so ``0.1`` is 1/10), and facility, mean, variances and
alpha are returned as fractions. The discrimination index needs a square root and is a float;
its exact square is kept beside it so that it too can be rounded exactly
(:func:`round_half_up_root`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

Number = Fraction | int | float | Decimal

MIN_ATTEMPTS = 30
"""The fewest attempts from which the reports print the discrimination index, the discriminative
efficiency and Cronbach's alpha; below it they say "too few attempts".

These three estimate how scores go together, and with few attempts chance dominates them. For
a question that does not discriminate at all, a sample correlation exceeds ±0.361 one time in
twenty with 30 attempts (the two-sided 5 % critical value of Pearson's r for n = 30), ±0.632
with 10 and ±0.878 with 5: below 30 attempts even a discrimination index of 35 cannot be told
from noise, and alpha, built from the same covariances, is no steadier. Thirty is also the
usual rule of thumb for the smallest sample classical item statistics are read from. The
facility index and the option counts are counts of what happened and are always reported,
beside the number of attempts."""

ALPHA_MIN_ATTEMPTS = 3
"""Below this many attempts Cronbach's alpha is not computed at all, as in Moodle, whose quiz
statistics compute the coefficient of internal consistency only when there are more than two
attempts: with two, every item variance and the total variance come from a single difference
and alpha is 1 or undefined whatever the questions are."""


@dataclass(frozen=True)
class OptionSpec:
    """One option of an item, in source order. ``correct`` is None when the key is not known."""

    option_id: str
    text: str
    correct: bool | None = None


@dataclass(frozen=True)
class ItemSpec:
    """One item (question) of the posttest version being analysed."""

    question_id: str
    options: tuple[OptionSpec, ...]
    max_score: Number = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        ids = [option.option_id for option in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError(f"Item {self.question_id!r} repeats an option id.")
        if _exact(self.max_score) <= 0:
            raise ValueError(f"Item {self.question_id!r} needs a positive max score.")


@dataclass(frozen=True)
class ItemResponse:
    """What one attempt scored on one item (0..max score) and which options it chose."""

    score: Number
    chosen: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "chosen", frozenset(self.chosen))


@dataclass(frozen=True)
class AttemptResponses:
    """One submitted attempt: the response to every item, keyed by question id."""

    responses: Mapping[str, ItemResponse]


@dataclass(frozen=True)
class OptionStatistics:
    option_id: str
    text: str
    correct: bool | None
    count: int
    percent: Fraction | None  # of attempts; None when there are no attempts


@dataclass(frozen=True)
class ItemStatistics:
    question_id: str
    max_score: Fraction
    mean_score: Fraction | None
    facility_percent: Fraction | None
    score_variance: Fraction | None  # population variance of the item score
    discrimination_index: float | None  # 100 × r(item, rest of test), from −100 to 100
    discrimination_squared: Fraction | None  # r², exact; the sign is the index's
    discriminative_efficiency: Fraction | None  # 100 × cov / its maximum, in percent
    discrimination_undefined: str | None  # why the two figures above are None, in words
    options: tuple[OptionStatistics, ...]
    no_response: int  # attempts that chose no option of this item


@dataclass(frozen=True)
class TestAnalysis:
    __test__ = False  # not a pytest test class, whatever its name

    attempts: int
    max_total: Fraction
    mean_score_percent: Fraction | None
    total_variance: Fraction | None  # population variance of the total score
    cronbach_alpha: Fraction | None
    alpha_undefined: str | None  # why cronbach_alpha is None, in words
    items: tuple[ItemStatistics, ...]

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def too_few_attempts(self) -> bool:
        """Whether the correlational figures rest on fewer than :data:`MIN_ATTEMPTS` attempts."""
        return self.attempts < MIN_ATTEMPTS

    def item(self, question_id: str) -> ItemStatistics:
        for item in self.items:
            if item.question_id == question_id:
                return item
        raise KeyError(question_id)


@dataclass(frozen=True)
class ItemSums:
    """One item's sums over the attempts: all that its statistics need.

    ``with_total`` is Σ item score × the attempt's total score, from which the covariance with
    the rest of the test follows without going back to the attempts. ``score_counts`` and
    ``rest_counts`` are the distributions (value → number of attempts) of the item score and of
    the rest-of-test score: the largest covariance the two allow, which the discriminative
    efficiency divides by, depends on them and on nothing else."""

    count: int
    scores: Fraction
    squares: Fraction
    with_total: Fraction
    option_counts: Mapping[str, int]
    no_response: int
    score_counts: Mapping[Fraction, int]
    rest_counts: Mapping[Fraction, int]


@dataclass(frozen=True)
class TestSums:
    """The sufficient statistics of a test's attempts, by question id: what a database can
    add up in one pass over the responses, however many there are."""

    __test__ = False  # not a pytest test class, whatever its name

    attempts: int
    items: Mapping[str, ItemSums]


def analyse(items: Sequence[ItemSpec], attempts: Sequence[AttemptResponses]) -> TestAnalysis:
    """Analyse ``attempts`` at the posttest whose items are ``items``.

    Every attempt must answer exactly these items (analyse one posttest version at a time) with
    options the item has and a score from 0 to the item's max score; anything else is a
    :class:`ValueError`, because mixing versions would make the figures meaningless.
    """
    ids = [item.question_id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("An item appears twice.")
    scores = [_scores_of(attempt, items) for attempt in attempts]
    totals = [sum(row, Fraction(0)) for row in scores]
    sums = {}
    for index, item in enumerate(items):
        counts = dict.fromkeys((option.option_id for option in item.options), 0)
        no_response = 0
        for attempt in attempts:
            chosen = attempt.responses[item.question_id].chosen
            no_response += not chosen
            for option_id in chosen:
                counts[option_id] += 1
        column = [row[index] for row in scores]
        sums[item.question_id] = ItemSums(
            count=len(column),
            scores=sum(column, Fraction(0)),
            squares=sum((x * x for x in column), Fraction(0)),
            with_total=sum((x * t for x, t in zip(column, totals, strict=True)), Fraction(0)),
            option_counts=counts,
            no_response=no_response,
            score_counts=Counter(column),
            rest_counts=Counter(t - x for x, t in zip(column, totals, strict=True)),
        )
    return analyse_sums(items, TestSums(attempts=len(attempts), items=sums))


def analyse_sums(items: Sequence[ItemSpec], sums: TestSums) -> TestAnalysis:
    """The same analysis as :func:`analyse`, from the sums and distributions alone, and exactly
    the same figures: every variance and covariance is a population one, Σx²/n − (Σx/n)², in
    fractions.

    The test's total is the sum of the item scores, so Σ total = Σ over items of Σ item score
    and Σ total² = Σ over items of Σ item score × total; beyond the sums, only the largest
    possible covariance (the discriminative efficiency's denominator) needs each item's
    distributions of score and rest-of-test score, a handful of values each.
    """
    ids = [item.question_id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("An item appears twice.")
    if set(sums.items) != set(ids) or any(
        sums.items[question_id].count != sums.attempts
        or sum(sums.items[question_id].score_counts.values()) != sums.attempts
        or sum(sums.items[question_id].rest_counts.values()) != sums.attempts
        for question_id in ids
    ):
        raise ValueError(
            "The attempts do not answer exactly the analysed items; "
            "analyse one posttest version at a time."
        )
    n = sums.attempts
    max_total = sum((_exact(item.max_score) for item in items), Fraction(0))
    total_sum = sum((sums.items[i].scores for i in ids), Fraction(0))
    total_squares = sum((sums.items[i].with_total for i in ids), Fraction(0))
    total_variance = _variance_of(n, total_sum, total_squares)
    item_stats = [_item_statistics(item, sums.items[item.question_id], n, total_sum, total_squares)
                  for item in items]  # fmt: skip
    k = len(items)
    alpha = None
    if n < ALPHA_MIN_ATTEMPTS:
        alpha_undefined = f"fewer than {ALPHA_MIN_ATTEMPTS} attempts"
    elif k < 2:
        alpha_undefined = "fewer than two questions"
    elif not total_variance:
        alpha_undefined = "every attempt has the same total score"
    else:
        alpha_undefined = None
        item_variances = sum(
            (item.score_variance or Fraction(0) for item in item_stats), Fraction(0)
        )
        alpha = Fraction(k, k - 1) * (1 - item_variances / total_variance)
    mean_percent = None
    if n and max_total:
        mean_percent = total_sum / n / max_total * 100
    return TestAnalysis(
        attempts=n,
        max_total=max_total,
        mean_score_percent=mean_percent,
        total_variance=total_variance,
        cronbach_alpha=alpha,
        alpha_undefined=alpha_undefined,
        items=tuple(item_stats),
    )


def _item_statistics(
    item: ItemSpec, sums: ItemSums, n: int, total_sum: Fraction, total_squares: Fraction
) -> ItemStatistics:
    max_score = _exact(item.max_score)
    unknown = set(sums.option_counts) - {option.option_id for option in item.options}
    if unknown:
        raise ValueError(f"Item {item.question_id!r} has no option {sorted(unknown)}.")
    mean = sums.scores / n if n else None
    variance = _variance_of(n, sums.scores, sums.squares)
    # rest = total − item: Σ rest, Σ rest² and Σ item × rest, from the sums.
    rest_sum = total_sum - sums.scores
    rest_squares = total_squares - 2 * sums.with_total + sums.squares
    products = sums.with_total - sums.squares
    rest_variance = _variance_of(n, rest_sum, rest_squares)
    covariance = products / n - (sums.scores / n) * (rest_sum / n) if n else None
    r_squared = efficiency = discrimination = undefined = None
    if n < 2:
        undefined = "fewer than two attempts"
    elif not variance:
        undefined = "every attempt has the same score on this question"
    elif not rest_variance:
        undefined = "every attempt has the same score on the rest of the test"
    else:
        assert covariance is not None and variance is not None
        # r² is exact; only the final square root is rounded.
        r_squared = covariance**2 / (variance * rest_variance)
        discrimination = max(
            -100.0, min(100.0, math.copysign(100 * math.sqrt(r_squared), covariance))
        )
        most = _comonotone_products(sums.score_counts, sums.rest_counts) / n
        efficiency = 100 * covariance / (most - (sums.scores / n) * (rest_sum / n))
    options = tuple(
        OptionStatistics(
            option_id=option.option_id,
            text=option.text,
            correct=option.correct,
            count=sums.option_counts.get(option.option_id, 0),
            percent=Fraction(sums.option_counts.get(option.option_id, 0) * 100, n) if n else None,
        )
        for option in item.options
    )
    return ItemStatistics(
        question_id=item.question_id,
        max_score=max_score,
        mean_score=mean,
        facility_percent=None if mean is None else mean / max_score * 100,
        score_variance=variance,
        discrimination_index=discrimination,
        discrimination_squared=r_squared,
        discriminative_efficiency=efficiency,
        discrimination_undefined=undefined,
        options=options,
        no_response=sums.no_response,
    )


def _scores_of(attempt: AttemptResponses, items: Sequence[ItemSpec]) -> list[Fraction]:
    expected = {item.question_id for item in items}
    extra = set(attempt.responses) - expected
    missing = expected - set(attempt.responses)
    if extra or missing:
        raise ValueError(
            "An attempt does not answer exactly the analysed items "
            f"(missing {sorted(missing)}, unexpected {sorted(extra)}); "
            "analyse one posttest version at a time."
        )
    row = []
    for item in items:
        response = attempt.responses[item.question_id]
        score = _exact(response.score)
        if not 0 <= score <= _exact(item.max_score):
            raise ValueError(f"Item {item.question_id!r} has a score out of range: {score}.")
        unknown = response.chosen - {option.option_id for option in item.options}
        if unknown:
            raise ValueError(f"Item {item.question_id!r} has no option {sorted(unknown)}.")
        row.append(score)
    return row


def _exact(value: Number) -> Fraction:
    """A score as an exact fraction; a float is taken at its shortest decimal spelling."""
    if isinstance(value, bool):
        raise TypeError("A score is a number, not a bool.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"A score must be finite, not {value}.")
        return Fraction(repr(value))
    if isinstance(value, Rational | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError(f"A score must be finite, not {value}.")
        return Fraction(value)
    raise TypeError(f"A score must be a number, not {type(value).__name__}.")


def _variance_of(n: int, total: Fraction, squares: Fraction) -> Fraction | None:
    """Population variance from Σx and Σx²: Σx²/n − (Σx/n)². None when there are no values."""
    if not n:
        return None
    mean = total / n
    return squares / n - mean * mean


def _comonotone_products(xs: Mapping[Fraction, int], ys: Mapping[Fraction, int]) -> Fraction:
    """Σ x₍ᵢ₎ × y₍ᵢ₎ with both sides sorted into ascending order and paired rank by rank, from
    their distributions (value → count, equal total counts) without listing the values.

    By the rearrangement inequality no pairing of these values has a larger sum of products,
    so Σ/n − mean x × mean y is the largest covariance the two distributions allow: Moodle's
    ``covariancemax``, which sorts both arrays and pairs them the same way."""
    pairs = Fraction(0)
    xs_up = iter(sorted((v, c) for v, c in xs.items() if c))
    ys_up = iter(sorted((v, c) for v, c in ys.items() if c))
    x, x_left = next(xs_up, (Fraction(0), 0))
    y, y_left = next(ys_up, (Fraction(0), 0))
    while x_left and y_left:
        run = min(x_left, y_left)
        pairs += x * y * run
        x_left -= run
        y_left -= run
        if not x_left:
            x, x_left = next(xs_up, (x, 0))
        if not y_left:
            y, y_left = next(ys_up, (y, 0))
    return pairs


def round_half_up(value: Fraction, digits: int) -> Decimal:
    """``value`` to ``digits`` decimal places, halves away from zero (0.125 → 0.13, 2.5 → 3,
    −2.5 → −3), decided on the exact fraction in whole numbers: no binary float (which holds
    0.145 as 0.14499…) and not the banker's rounding of Python's ``round`` (2.5 → 2)."""
    whole = math.floor(abs(value) * 10**digits + Fraction(1, 2))
    return _decimal(-whole if value < 0 else whole, digits)


def round_half_up_root(negative: bool, square: Fraction, digits: int) -> Decimal:
    """±100 × √``square`` to ``digits`` places, halves away from zero, exactly: how the
    discrimination index (100 × r, kept as r² and a sign) is rounded.

    With v = 100 × 10^digits × √square, the rounded magnitude m = ⌊v + ½⌋ is the largest whole
    number with 2m − 1 ≤ 2v = √(4v²), that is 2m − 1 ≤ ⌊√⌊4v²⌋⌋, an integer square root."""
    if square < 0:
        raise ValueError("A square is not negative.")
    four_v_squared = math.floor(4 * square * 10 ** (4 + 2 * digits))
    whole = (math.isqrt(four_v_squared) + 1) // 2
    return _decimal(-whole if negative else whole, digits)


def _decimal(whole: int, digits: int) -> Decimal:
    """``whole`` × 10^−digits written with exactly ``digits`` places (13, 2 → 0.13)."""
    return Decimal(whole).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))
