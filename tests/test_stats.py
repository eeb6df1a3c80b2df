"""The statistics against hand-worked and published examples, and their edge cases."""

import pytest

from auditapp.reports.stats import exact_agreement, mean_gap, quadratic_weighted_kappa, share, shift, within_one


def test_published_example_maple_essaytools():
    # Maple EssayTools documentation, QuadraticWeightedKappa example 1 (scores 1 to 10).
    first = [9, 7, 8, 7, 6, 8, 3, 5, 10]
    second = [8, 8, 6, 6, 7, 6, 1, 4, 8]
    kappa = quadratic_weighted_kappa(list(zip(first, second)), categories=range(1, 11))
    assert kappa == pytest.approx(0.758620689655172)


def test_hand_worked_example_on_the_four_grades():
    # Pairs (A, B): (4,4) (3,3) (3,2) (2,2) (1,2). n = 5.
    # Weights (i-j)^2/9. Observed disagreement: (3,2) and (1,2) each weigh 1/9 -> 2/9.
    # Marginals A: 1:1 2:1 3:2 4:1; B: 2:3 3:1 4:1.
    # Expected sum of w * rowA * colB / 5 = (1/5)(1/9) * sum over i,j of (i-j)^2 rowA_i colB_j
    #   A=1: 3*1 + 1*4 + 1*9 = 16; A=2: 0 + 1*1 + 1*4 = 5; A=3 (x2): (3*1 + 0 + 1*1)*2 = 8; A=4: 3*4 + 1*1 + 0 = 13
    #   total 42 -> 42/45. kappa = 1 - (2/9)/(42/45) = 1 - 10/42 = 32/42.
    pairs = [(4, 4), (3, 3), (3, 2), (2, 2), (1, 2)]
    assert quadratic_weighted_kappa(pairs) == pytest.approx(32 / 42)
    assert exact_agreement(pairs) == pytest.approx(0.6)
    assert within_one(pairs) == 1.0


def test_all_agree_across_grades_is_one():
    assert quadratic_weighted_kappa([(4, 4), (3, 3), (1, 1)]) == 1.0


def test_one_category_only_is_undefined():
    assert quadratic_weighted_kappa([(3, 3), (3, 3)]) is None
    assert quadratic_weighted_kappa([]) is None


def test_systematic_disagreement_is_negative():
    assert quadratic_weighted_kappa([(4, 1), (1, 4)]) < 0


def test_shift_and_gap():
    # Manager A's grades against the moderated grades.
    pairs = [(4, 3), (3, 3), (2, 3), (4, 2)]
    assert shift(pairs) == (1, 1, 2)
    assert mean_gap(pairs) == pytest.approx((1 + 0 - 1 + 2) / 4)
    assert mean_gap([]) is None


def test_share_of_nothing_is_none():
    assert share(0, 0) is None and share(1, 4) == 0.25


def test_a_tally_of_pairs_gives_what_the_pairs_themselves_give():
    # The summaries count pairs ((A, B) -> audits) rather than listing one pair an audit: every
    # statistic must read the tally as it reads the list it stands for.
    from collections import Counter
    pairs = [(4, 4), (3, 3), (3, 2), (2, 2), (1, 2), (3, 2), (4, 1)]
    tally = Counter(pairs)
    for statistic in (exact_agreement, within_one, quadratic_weighted_kappa, shift, mean_gap):
        assert statistic(tally) == pytest.approx(statistic(pairs))
    assert quadratic_weighted_kappa(Counter()) is None and mean_gap(Counter()) is None
    assert shift(Counter({(2, 3): 2, (3, 3): 1})) == (2, 1, 0)
