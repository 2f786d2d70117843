"""Borgatti–Everett core–periphery on hand-made networks with a known core."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.measure import coreperiphery as cp


def known_core() -> pd.DataFrame:
    # countries A, B hold most of segments s1–s3; C has a little of s1; D, E, F tiny elsewhere
    x = np.zeros((6, 5))
    x[0, :3] = [0.5, 0.4, 0.6]
    x[1, :3] = [0.4, 0.5, 0.3]
    x[2, 0] = 0.05
    x[3, 3] = 0.1
    x[4, 4] = 0.1
    x[5, 3] = 0.05
    return pd.DataFrame(x, index=list("ABCDEF"), columns=["s1", "s2", "s3", "s4", "s5"])


def test_discrete_fit_recovers_the_known_core() -> None:
    res = cp.core_periphery(known_core())
    assert res.core_rows == ["A", "B"]
    assert res.core_cols == ["s1", "s2", "s3"]
    assert res.fit > 0.9
    rows = cp.ranked(res)
    assert [r["role"] for r in rows[:2]] == ["core", "core"]


def test_perfect_block_has_fit_one() -> None:
    x = np.zeros((4, 4))
    x[:2, :2] = 1
    r, c, fit = cp.fit_discrete(x)
    assert r.tolist() == [True, True, False, False]
    assert c.tolist() == [True, True, False, False]
    assert fit == pytest.approx(1.0)


def test_closed_form_flip_fits_match_direct_correlation() -> None:
    gen = np.random.default_rng(4)
    x = gen.random((5, 4))
    r = np.array([True, False, True, False, False])
    c = np.array([True, True, False, False])
    rf, cf = cp._flip_fits(x, r, c, float(x.sum()), float((x * x).sum()))
    for i in range(5):
        r2 = r.copy()
        r2[i] = ~r2[i]
        assert rf[i] == pytest.approx(cp.correlation_fit(x, r2, c))
    for j in range(4):
        c2 = c.copy()
        c2[j] = ~c2[j]
        assert cf[j] == pytest.approx(cp.correlation_fit(x, r, c2))


def test_coreness_ranks_the_core_first() -> None:
    a, b = cp.coreness(known_core().to_numpy())
    assert a.max() == pytest.approx(1.0)
    assert set(np.argsort(-a)[:2]) == {0, 1}
    assert b[3] < 0.1 and b[4] < 0.1


def test_country_segment_matrix_keeps_latest_year_and_countries_only() -> None:
    providers = pd.DataFrame(
        {
            "provider_id": ["P1", "P2", "F1"],
            "provider_type": ["country", "country", "organization"],
            "country_iso3": ["USA", "KOR", "USA"],
        }
    )
    provision = pd.DataFrame(
        {
            "provider_id": ["P1", "P1", "P2", "F1", "P2"],
            "input_id": ["N1", "N1", "N1", "N1", "N2"],
            "input_name": ["Memory", "Memory", "Memory", "Memory", "Tools"],
            "year": [2019, 2022, 2022, 2022, 2022],
            "share": [0.9, 0.3, 0.6, 0.2, np.nan],
            "source_id": ["s"] * 5,
        }
    )
    mat = cp.country_segment_matrix(provision, providers)
    assert mat.loc["USA", "N1 Memory"] == pytest.approx(0.3)  # 2022, not 2019; firms ignored
    assert mat.loc["KOR", "N1 Memory"] == pytest.approx(0.6)
    assert "N2 Tools" not in mat.columns  # unknown share stays out, not zero-filled in
    with pytest.raises(InputError):
        cp.country_segment_matrix(provision, providers, by="layer")


def test_degenerate_matrices_are_errors() -> None:
    with pytest.raises(InputError):
        cp.fit_discrete(np.ones((3, 3)))
    with pytest.raises(InputError):
        cp.fit_discrete(np.ones((1, 3)))
