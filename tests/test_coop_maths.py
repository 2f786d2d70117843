"""Cooperation maths on hand-worked inputs: saturation, directional complementarity, Balassa RCA,
Michaely's index, and the combination rule (scalar and array forms agree)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.cooperation import config
from computestrata.cooperation.combine import class_array, combine, controllability, fenced, posture_of, score_array
from computestrata.cooperation.complementarity import (
    balassa_rca,
    demand_index,
    directional,
    directional_array,
    michaely,
    saturate,
)

FIX = Path(__file__).parent / "fixtures" / "cooperation"
RULES = config.load()


def test_saturate_and_demand_keep_missing_missing() -> None:
    assert saturate(0.05, 0.1) == 0.5 and saturate(0.3, 0.1) == 1.0
    assert saturate(None, 0.1) is None and saturate(float("nan"), 0.1) is None
    assert demand_index([0.05, None], 0.1) == 0.5  # the unknown indicator is left out, not zero
    assert demand_index([None, None], 0.1) is None
    with pytest.raises(ValueError):
        saturate(-0.1, 0.1)


def test_directional_by_hand() -> None:
    # Korea→China memory: c_KOR = min(1, .6/.1) = 1, c_CHN = .03/.1 = .3, D_CHN = 1, w = .5
    assert directional(1.0, 0.3, 1.0, 0.5) == pytest.approx(0.85)
    # no capability at origin → nothing to supply
    assert directional(0.0, 0.0, 1.0, 0.5) == 0.0
    assert directional(1.0, None, 1.0, 0.5) is None


def test_balassa_rca_by_hand() -> None:
    df = pd.read_csv(FIX / "trade_small.csv")
    out = balassa_rca(df).set_index(["country", "product"])["rca"]
    # known totals: A 100, B 100, C 30 (C's processors missing) → world 230; memory 100, processors 130
    assert out[("A", "memory")] == pytest.approx((60 / 100) / (100 / 230))
    assert out[("B", "processors")] == pytest.approx((90 / 100) / (130 / 230))
    assert out[("C", "memory")] == pytest.approx((30 / 30) / (100 / 230))
    assert math.isnan(out[("C", "processors")])  # missing stays missing


def test_michaely_by_hand() -> None:
    x = pd.Series({"memory": 60.0, "processors": 40.0})
    m = pd.Series({"memory": 10.0, "processors": 70.0, "equipment": 20.0})
    # shares: x = .6/.4/0, m = .1/.7/.2 → Σ|m−x| = .5 + .3 + .2 = 1.0 → TC = 1 − 0.5
    assert michaely(x, m) == pytest.approx(0.5)
    assert michaely(x, x) == pytest.approx(1.0)
    assert michaely(x, pd.Series(dtype=float)) is None


def test_combine_by_hand_and_gates() -> None:
    # DRAM KOR–CHN: kappa = (1−0)(1−.5·.3) = .85; k = .71; posture strengthen .6
    kappa = controllability(0.0, "medium", RULES)
    assert kappa == pytest.approx(0.85)
    s = combine(kappa, 0.71, 0.6, 0.0, RULES)
    assert s.score == pytest.approx(0.45 * 0.85 + 0.25 * 0.71 + 0.30 * 0.6) and s.klass == "open"
    # a presumption of denial restricts whatever the score
    assert combine(1.0, 1.0, 1.0, 1.0, RULES).klass == "restricted"
    # a licence requirement caps at limited
    capped = combine(1.0, 1.0, 1.0, 0.5, RULES)
    assert capped.by_threshold == "open" and capped.klass == "limited" and capped.gate == "limited_at"
    # a complementarity gap rescales the other weights
    g = combine(1.0, None, 1.0, 0.0, RULES)
    assert g.score == pytest.approx(1.0) and g.weights_used["complementarity"] == 0.0


def test_posture_by_tier_then_layer() -> None:
    assert posture_of("frontier", "L5", RULES) == "cautious"
    assert posture_of("medium", "L1", RULES) == "strengthen"
    assert posture_of("low", "L5", RULES) == "deepen"
    # an unfenced frontier (no presumption of denial between the pair) takes the layer's posture
    assert posture_of("frontier", "L1", RULES, fenced=False) == "strengthen"
    assert fenced([0.0, 0.6], RULES) is False and fenced([1.0], RULES) is True


unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(unit, st.one_of(st.none(), unit), unit, st.sampled_from([0.0, 0.2, 0.5, 0.6, 1.0]))
def test_array_form_equals_scalar_form(kappa: float, k: float | None, pi: float, rho: float) -> None:
    s = combine(kappa, k, pi, rho, RULES)
    a = score_array(np.array([kappa]), np.array([np.nan if k is None else k]), np.array([pi]), RULES)
    c = class_array(a, np.array([rho]), RULES)
    assert a[0] == pytest.approx(s.score, abs=1e-6)  # the scalar score is rounded for display
    assert ("restricted", "limited", "open")[int(c[0])] == s.klass


@given(st.sampled_from(["frontier", "high", "medium", "low"]), st.floats(0, 1), st.floats(0, 1), unit, unit)
def test_more_restriction_never_opens(tier: str, r1: float, r2: float, k: float, pi: float) -> None:
    lo, hi = sorted((r1, r2))
    a = combine(controllability(lo, tier, RULES), k, pi, lo, RULES)
    b = combine(controllability(hi, tier, RULES), k, pi, hi, RULES)
    order = ("restricted", "limited", "open")
    assert b.score <= a.score + 1e-12 and order.index(b.klass) <= order.index(a.klass)


@given(unit, unit, unit, unit)
def test_directional_array_matches_scalar(ca: float, cb: float, db: float, w: float) -> None:
    arr = directional_array(np.array([ca]), np.array([cb]), np.array([db]), w)
    assert arr[0] == pytest.approx(directional(ca, cb, db, w), abs=1e-9)


def test_every_class_moves_with_each_input() -> None:
    """No class is fixed: each dimension alone can move a mid-score segment across a threshold."""
    base = combine(controllability(0.0, "medium", RULES), 0.5, 0.6, 0.0, RULES)
    assert base.klass == "open"
    assert combine(controllability(0.0, "frontier", RULES), 0.5, 0.6, 0.0, RULES).klass != base.klass
    assert combine(controllability(0.0, "medium", RULES), 0.5, 0.0, 0.0, RULES).klass != base.klass
    assert combine(controllability(0.0, "medium", RULES), 0.0, 0.3, 0.0, RULES).klass != "open"
    assert combine(controllability(1.0, "medium", RULES), 0.5, 0.6, 1.0, RULES).klass == "restricted"
