"""Agreement and proportion statistics: plain functions of plain numbers, checked against worked examples."""

from collections import Counter
from collections.abc import Mapping, Sequence

Pair = tuple[int, int]
# Pairs as a tally, (first, second) -> how many: what a summary counts (16 kinds of pair on the
# four grades, however many audits), so each statistic reads 16 entries, not one pair per audit.
Pairs = Sequence[Pair] | Mapping[Pair, int]


def tally(pairs: Pairs) -> Mapping[Pair, int]:
    return pairs if isinstance(pairs, Mapping) else Counter(pairs)


def share(count: int, n: int) -> float | None:
    """count / n as a fraction (0.5 is 50%), or None when there is nothing to divide by."""
    return count / n if n else None


def exact_agreement(pairs: Pairs) -> float | None:
    counted = tally(pairs)
    return share(sum(n for (a, b), n in counted.items() if a == b), sum(counted.values()))


def within_one(pairs: Pairs) -> float | None:
    counted = tally(pairs)
    return share(sum(n for (a, b), n in counted.items() if abs(a - b) <= 1), sum(counted.values()))


def quadratic_weighted_kappa(pairs: Pairs, categories: Sequence[int] = (1, 2, 3, 4)) -> float | None:
    """Cohen's kappa with quadratic weights for ordered categories.

    kappa = 1 - sum(w * observed) / sum(w * expected), with w_ij = (i - j)^2 / (k - 1)^2 and
    expected from the product of the two raters' marginal counts. None where it is undefined:
    no pairs, or both raters using one and the same category (no disagreement is possible by chance).
    """
    counted = tally(pairs)
    n = sum(counted.values())
    if not n:
        return None
    index = {category: i for i, category in enumerate(categories)}
    k = len(categories)
    observed = [[0] * k for _ in range(k)]
    for (a, b), count in counted.items():
        observed[index[a]][index[b]] += count
    rows = [sum(row) for row in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    weighted_observed = weighted_expected = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            weighted_observed += weight * observed[i][j]
            weighted_expected += weight * rows[i] * cols[j] / n
    if weighted_expected == 0:
        return None
    return 1 - weighted_observed / weighted_expected


def shift(pairs: Pairs) -> tuple[int, int, int]:
    """(raised, kept, lowered): how often the second grade (moderated) is above, equal to, below the first."""
    counted = tally(pairs)
    raised = sum(n for (first, final), n in counted.items() if final > first)
    lowered = sum(n for (first, final), n in counted.items() if final < first)
    return raised, sum(counted.values()) - raised - lowered, lowered


def mean_gap(pairs: Pairs) -> float | None:
    """Mean of (first - second) in grade steps: positive when the first grader was more generous."""
    counted = tally(pairs)
    n = sum(counted.values())
    return sum((a - b) * count for (a, b), count in counted.items()) / n if n else None
