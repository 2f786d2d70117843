"""Concentration metrics against hand-computed numbers and their defining identities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.measure import concentration as cm


def test_hhi_hand_computed() -> None:
    # shares 50/30/20 % → 2500 + 900 + 400
    assert cm.hhi([50, 30, 20]) == pytest.approx(3800.0)
    assert cm.hhi([5, 3, 2]) == pytest.approx(3800.0)  # values or shares: same
    assert cm.hhi([1]) == pytest.approx(10_000.0)
    assert cm.hhi([1, 1, 1, 1]) == pytest.approx(2500.0)
    assert cm.equivalent_units([1, 1, 1, 1]) == pytest.approx(4.0)


def test_cr_k_hand_computed() -> None:
    vals = [10, 40, 20, 30]
    assert cm.cr_k(vals, 1) == pytest.approx(0.4)
    assert cm.cr_k(vals, 3) == pytest.approx(0.9)
    assert cm.cr_k(vals, 10) == pytest.approx(1.0)
    with pytest.raises(InputError):
        cm.cr_k(vals, 0)


def test_gini_hand_computed() -> None:
    # |50-30| + |50-20| + |30-20| = 60 over pairs; G = 2*60 / (2 * 9 * 33.33) = 0.2
    assert cm.gini([50, 30, 20]) == pytest.approx(0.2)
    assert cm.gini([3, 3, 3]) == pytest.approx(0.0)
    assert cm.gini([0, 0, 0, 1]) == pytest.approx(0.75)  # 1 - 1/n


def test_theil_hand_computed() -> None:
    # one holder among 4: T = ln 4
    assert cm.theil([0, 0, 0, 8]) == pytest.approx(math.log(4))
    assert cm.theil([2, 2]) == pytest.approx(0.0)
    # [1, 3]: mean 2; (0.5 ln 0.5 + 1.5 ln 1.5) / 2
    assert cm.theil([1, 3]) == pytest.approx((0.5 * math.log(0.5) + 1.5 * math.log(1.5)) / 2)


def test_theil_decomposition_hand_computed() -> None:
    d = cm.theil_decompose([1, 1, 3, 3], ["a", "a", "b", "b"])
    # groups equal inside → within = 0; between = 0.25 ln(0.25/0.5) + 0.75 ln(0.75/0.5)
    assert d.within == pytest.approx(0.0)
    assert d.between == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    assert d.total == pytest.approx(d.between)
    assert d.between_share == pytest.approx(1.0)
    assert d.groups["b"]["share"] == pytest.approx(0.75)


def test_theil_decomposition_needs_one_label_per_value() -> None:
    with pytest.raises(InputError, match="labels"):
        cm.theil_decompose([1, 2, 3], ["a", "b"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1e6), min_size=2, max_size=40), st.integers(1, 4))
def test_theil_between_plus_within_is_total(values: list[float], n_groups: int) -> None:
    groups = [i % n_groups for i in range(len(values))]
    d = cm.theil_decompose(values, groups)
    assert d.between + d.within == pytest.approx(d.total, abs=1e-9)
    assert d.between >= -1e-12 and d.within >= -1e-12


@settings(max_examples=60, deadline=None)
# totals well above the subnormal range: scaling [5e-324] by 0.5 underflows to an all-zero input
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=40).filter(lambda v: sum(v) > 1e-3), st.floats(0.001, 1000))
def test_metrics_are_scale_invariant_and_bounded(values: list[float], scale: float) -> None:
    scaled = [v * scale for v in values]
    n = len(values)
    assert cm.hhi(scaled) == pytest.approx(cm.hhi(values), rel=1e-9)
    assert 10_000 / n - 1e-6 <= cm.hhi(values) <= 10_000 + 1e-6
    assert -1e-12 <= cm.gini(values) <= 1 - 1 / n + 1e-9  # equal values: 0 up to rounding
    assert -1e-12 <= cm.theil(values) <= math.log(n) + 1e-9


def test_lorenz_points() -> None:
    pop, cum = cm.lorenz([3, 1, 2])
    assert pop.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert cum.tolist() == pytest.approx([0, 1 / 6, 3 / 6, 1])
    # area between diagonal and curve ×2 equals the Gini (population formula)
    area = np.sum((pop[1:] - pop[:-1]) * (cum[1:] + cum[:-1]) / 2)
    assert 1 - 2 * area == pytest.approx(cm.gini([3, 1, 2]))


@pytest.mark.parametrize("bad", [[1, float("nan")], [1, -1], [], [0, 0]])
def test_bad_inputs_are_errors_not_zeros(bad: list[float]) -> None:
    with pytest.raises(InputError):
        cm.hhi(bad)


def test_summary_keys() -> None:
    s = cm.summary([5, 3, 2])
    assert {"hhi", "cr1", "cr3", "gini", "theil", "n_units"} <= set(s)
    assert s["n_units"] == 3
    assert s["cr1"] == pytest.approx(0.5)
