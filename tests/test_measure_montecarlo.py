"""Monte Carlo helpers: percentile fits, bootstrap, shares that sum to one."""

from __future__ import annotations

import numpy as np
import pytest

from computestrata.errors import InputError
from computestrata.measure import montecarlo as mc


def test_lognormal_through_symmetric_percentiles_recovers_them() -> None:
    # log-symmetric band: p5 = m/e, p95 = m·e → σ = 1/1.645, skew 1
    m = 100.0
    fit = mc.lognormal_fit(m / np.e, m, m * np.e)
    assert fit.sigma == pytest.approx(1 / mc.Z95)
    assert fit.skew == pytest.approx(1.0)
    s = mc.summarise(mc.sample_lognormal(m / np.e, m, m * np.e, 200_000, mc.rng(1)))
    assert s["median"] == pytest.approx(m, rel=0.01)
    assert s["p5"] == pytest.approx(m / np.e, rel=0.02)
    assert s["p95"] == pytest.approx(m * np.e, rel=0.02)


def test_lognormal_degenerate_band_is_a_point() -> None:
    x = mc.sample_lognormal(5, 5, 5, 10, mc.rng())
    assert np.all(x == 5)


@pytest.mark.parametrize("p", [(0, 1, 2), (3, 2, 4), (1, 2, 1.5)])
def test_lognormal_rejects_bad_percentiles(p: tuple[float, float, float]) -> None:
    with pytest.raises(InputError):
        mc.lognormal_fit(*p)


def test_seed_makes_draws_reproducible() -> None:
    a = mc.sample_lognormal(1, 2, 4, 50, mc.rng(7))
    b = mc.sample_lognormal(1, 2, 4, 50, mc.rng(7))
    assert np.array_equal(a, b)


def test_bootstrap_group_sums_keeps_units_and_groups() -> None:
    groups, sums = mc.bootstrap_group_sums(np.array([1.0, 10.0, 100.0]), ["a", "b", "a"], 2000, mc.rng(3))
    assert groups == ["a", "b"]
    assert sums.shape == (2000, 2)
    # each draw picks 3 units: totals are sums of 3 values out of {1, 10, 100}
    assert np.all(sums.sum(axis=1) <= 300) and np.all(sums.sum(axis=1) >= 3)
    # expected group total = 3 × mean contribution: a: (1+100)/3·3 = 101
    assert sums[:, 0].mean() == pytest.approx(101, rel=0.05)


def test_normalised_rows_sum_to_one_and_zero_rows_are_nan() -> None:
    shares = mc.normalise_rows(np.array([[1.0, 3.0], [0.0, 0.0]]))
    assert shares[0].tolist() == [0.25, 0.75]
    assert np.isnan(shares[1]).all()


def test_summarise_ignores_nan_and_keeps_missing_missing() -> None:
    s = mc.summarise(np.array([1.0, np.nan, 3.0, 2.0]))
    assert s["median"] == 2.0
    assert np.isnan(mc.summarise(np.array([np.nan]))["median"])
