"""Agreement and proportion statistics: plain functions of plain numbers, checked against worked examples."""

from collections.abc import Sequence

Pair = tuple[int, int]


def share(count: int, n: int) -> float | None:
    """count / n as a fraction (0.5 is 50%), or None when there is nothing to divide by."""
    return count / n if n else None


def exact_agreement(pairs: Sequence[Pair]) -> float | None:
    return share(sum(1 for a, b in pairs if a == b), len(pairs))


def within_one(pairs: Sequence[Pair]) -> float | None:
    return share(sum(1 for a, b in pairs if abs(a - b) <= 1), len(pairs))


def quadratic_weighted_kappa(pairs: Sequence[Pair], categories: Sequence[int] = (1, 2, 3, 4)) -> float | None:
    """Cohen's kappa with quadratic weights for ordered categories.

    kappa = 1 - sum(w * observed) / sum(w * expected), with w_ij = (i - j)^2 / (k - 1)^2 and
    expected from the product of the two raters' marginal counts. None where it is undefined:
    no pairs, or both raters using one and the same category (no disagreement is possible by chance).
    """
    if not pairs:
        return None
    index = {category: i for i, category in enumerate(categories)}
    k, n = len(categories), len(pairs)
    observed = [[0] * k for _ in range(k)]
    for a, b in pairs:
        observed[index[a]][index[b]] += 1
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


def shift(pairs: Sequence[Pair]) -> tuple[int, int, int]:
    """(raised, kept, lowered): how often the second grade (moderated) is above, equal to, below the first."""
    raised = sum(1 for first, final in pairs if final > first)
    lowered = sum(1 for first, final in pairs if final < first)
    return raised, len(pairs) - raised - lowered, lowered


def mean_gap(pairs: Sequence[Pair]) -> float | None:
    """Mean of (first - second) in grade steps: positive when the first grader was more generous."""
    return sum(a - b for a, b in pairs) / len(pairs) if pairs else None
