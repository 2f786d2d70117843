"""Unit tests that pin the shared maths' edge cases (zero totals, shapes, table bounds, the
power-mean transforms) with numbers worked out independently."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.maths import concentration as cc
from computestrata.maths import means, quantiles

# ---- concentration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        cc.shares,
        cc.hhi,
        cc.gini,
        cc.theil,
        cc.lorenz,
        lambda v: cc.cr_k(v, 1),
        lambda v: cc.theil_decompose(v, ["a", "b", "a"]),
    ],
)
def test_all_zero_total_is_an_input_error(call) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused up front, before any 0/0
        with pytest.raises(InputError, match="total is zero"):
            call([0.0, 0.0, 0.0])


def test_small_positive_totals_are_fine() -> None:
    assert cc.shares([0.0, 1e-300]).tolist() == [0.0, 1.0]
    pop, cum = cc.lorenz([0.0, 1.0])
    assert pop.tolist() == [0.0, 0.5, 1.0] and cum.tolist() == [0.0, 0.0, 1.0]
    d = cc.theil_decompose([0.0, 2.0], ["a", "b"])
    assert d.total == pytest.approx(np.log(2))
    assert d.between == pytest.approx(np.log(2)) and d.within == pytest.approx(0.0)
    assert d.groups["a"] == {"share": 0.0, "units": 1.0, "theil": 0.0, "contribution": 0.0}


def test_theil_decompose_group_details_are_each_groups_own_theil() -> None:
    x, g = [0.1, 0.3, 0.0, 0.0, 2.0], ["a", "a", "z", "z", "b"]
    d = cc.theil_decompose(x, g)
    assert d.groups["a"]["theil"] == pytest.approx(cc.theil([0.1, 0.3]))
    assert d.groups["a"]["share"] == pytest.approx(0.4 / 2.4)
    assert d.groups["z"]["theil"] == 0.0 and d.groups["b"]["theil"] == 0.0
    assert d.within == pytest.approx(0.4 / 2.4 * cc.theil([0.1, 0.3]))
    assert d.between + d.within == pytest.approx(d.total)


@pytest.mark.parametrize("shape", [(3,), (2, 2, 2), ()])
def test_matrix_needs_two_dimensions(shape: tuple[int, ...]) -> None:
    with pytest.raises(InputError, match="expected rows × units"):
        cc.matrix(np.ones(shape))


def test_matrix_checks_every_cell_and_keeps_rows() -> None:
    m = cc.matrix([[1.0, 3.0], [2.0, 2.0]])
    assert m.shape == (2, 2)
    with pytest.raises(InputError):
        cc.matrix([[1.0, -1.0], [2.0, 2.0]])
    with pytest.raises(InputError):
        cc.matrix(np.ones((2, 0)))


def test_row_metrics_of_an_all_zero_row_are_nan_and_others_exact() -> None:
    x = cc.matrix([[0.0, 0.0], [1.0, 3.0]])
    h = cc.hhi_rows(x)
    assert np.isnan(h[0]) and h[1] == pytest.approx(25.0**2 + 75.0**2)
    g = cc.gini_rows(x)
    assert np.isnan(g[0]) and g[1] == pytest.approx(0.25)  # |1−3|·2 / (2·2²·2)
    assert np.isnan(cc.theil_rows(x)[0])
    assert cc.cr_k_rows(x, 1)[1] == pytest.approx(0.75)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 1e3), min_size=1, max_size=6).filter(lambda v: sum(v) > 0))
def test_gini_matches_the_double_sum(v: list[float]) -> None:
    x = np.array(v)
    want = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert cc.gini(x) == pytest.approx(want, abs=1e-9)


# ---- quantiles ------------------------------------------------------------------------------


def test_tabled_quantiles_need_no_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table's whole point: levels in use never import scipy (df 1 to 120)."""
    from scipy.special import ndtri, stdtrit

    want = {(df, p): float(stdtrit(df, p)) for df in (1, 2, 60, 120) for p in (0.95, 0.975)}
    monkeypatch.setitem(sys.modules, "scipy.special", None)  # any import of it now fails
    for (df, p), v in want.items():
        assert quantiles.t_quantile(df, p) == v
    assert quantiles.normal_quantile(0.975) == float(ndtri(0.975))
    for df in (0, 121):
        with pytest.raises(ImportError):
            quantiles.t_quantile(df, 0.95)
    with pytest.raises(ImportError):
        quantiles.t_quantile(5, 0.9)
    with pytest.raises(ImportError):
        quantiles.normal_quantile(0.9)


def test_every_tabled_quantile_is_scipys() -> None:
    from scipy.special import ndtri, stdtrit

    for p, table in quantiles.T_QUANTILES.items():
        assert len(table) == 120
        assert list(table) == [float(stdtrit(df, p)) for df in range(1, 121)]
    assert {p: float(ndtri(p)) for p in (0.95, 0.975)} == quantiles.NORMAL_QUANTILES


def test_untabled_quantiles_come_from_scipy() -> None:
    from scipy.special import ndtri, stdtrit

    assert quantiles.t_quantile(121, 0.95) == float(stdtrit(121, 0.95))
    assert quantiles.t_quantile(4, 0.9) == float(stdtrit(4, 0.9))
    assert quantiles.normal_quantile(0.9) == float(ndtri(0.9))


# ---- power-mean transforms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "shift", "x", "want"),
    [
        (1.0, 0.0, [2.0, 4.0], [2.0, 4.0]),
        (1.0, 1.0, [2.0, 4.0], [3.0, 5.0]),
        (2.0, 0.0, [2.0, 4.0], [4.0, 16.0]),
        (2.0, 1.0, [2.0, 4.0], [9.0, 25.0]),
        (0.0, 0.0, [1.0, np.e], [0.0, 1.0]),
        (0.0, 1.0, [0.0, np.e - 1], [0.0, 1.0]),
        (-1.0, 0.0, [2.0, 4.0], [0.5, 0.25]),
    ],
)
def test_to_and_from_mean_space(p: float, shift: float, x: list[float], want: list[float]) -> None:
    y = means.to_mean_space(np.array(x), p, shift)
    assert y == pytest.approx(want)
    assert means.from_mean_space(y, p, shift) == pytest.approx(x)


def test_arithmetic_mean_space_is_no_copy() -> None:
    x = np.array([1.0, 2.0])
    assert means.to_mean_space(x, 1.0) is x
    assert means.from_mean_space(x, 1.0) is x


def test_exponent_of_named_means() -> None:
    assert [means.exponent(m) for m in ("arithmetic", "geometric", "harmonic")] == [1.0, 0.0, -1.0]
    assert means.exponent("generalised", 3.0) == 3.0
