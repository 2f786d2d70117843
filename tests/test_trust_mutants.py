"""Tests written for mutants that survived ``bench/mutation.py`` (issue 8, item 14).

Each test names the mutant it kills (module:line: change, as the script prints it).  Mutants
judged equivalent are listed in ``bench/RESULTS.md`` with the reason.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from computestrata.controls import catalogue, tpp
from computestrata.controls.classify import classify
from computestrata.controls.items import ChipSpec
from computestrata.controls.regime import DATA_AS_OF
from computestrata.errors import InputError
from computestrata.measure import montecarlo as mc
from computestrata.stack.exposure import SegmentExposure, check_assume

# ---- controls/tpp.py ------------------------------------------------------------------------------

#: bit lengths as 88 FR 73458 counts them (TF32 at its 32-bit storage width)
RULE_BITS = {
    "int4_tops": 4,
    "fp4_tflops": 4,
    "int8_tops": 8,
    "fp8_tflops": 8,
    "int16_tops": 16,
    "fp16_tflops": 16,
    "bf16_tflops": 16,
    "tf32_tflops": 32,
    "fp32_tflops": 32,
    "fp64_tflops": 64,
}


@pytest.mark.parametrize(("key", "bits"), sorted(RULE_BITS.items()))
def test_tpp_of_each_precision_is_figure_times_its_bit_length(key: str, bits: int) -> None:
    # kills tpp.py:31 4 → 5, :35 16 → 17, :39 32 → 33, :40 64 → 65
    result = tpp.tpp({key: 100.0})
    assert result is not None and result.value == 100.0 * bits and result.driver == key


def test_a_zero_figure_is_valid_and_a_negative_one_is_not() -> None:
    # kills tpp.py:90 Lt → LtE (0 TOPS at a precision is a datasheet fact, not an error)
    assert tpp.check_figure("int8_tops", 0) == 0.0
    with pytest.raises(InputError, match="negative"):
        tpp.check_figure("int8_tops", -1)


# ---- controls/classify.py -------------------------------------------------------------------------


def test_indeterminate_verdicts_say_which_outcomes_remain_and_decided_ones_do_not() -> None:
    # kills classify.py:416 not x → x
    h100 = catalogue.from_frame(None).lookup("H100").spec
    decided = classify(h100, "CHN", "2024-06-01")
    assert decided.status == "denial"
    assert not any("indeterminate" in n.lower() for n in decided.notes)
    # 2022 test: TPP 5,000 passes, aggregate I/O unknown → paragraph a or nothing
    unknown_io = ChipSpec(figures={"int8_tops": 625.0}, datacenter=True, name="X")
    v = classify(unknown_io, "CHN", "2022-12-01")
    note = next(n for n in v.notes if n.startswith("indeterminate: possible outcomes are"))
    assert "3A090.a" in note


def test_the_data_end_note_starts_the_day_after_the_rule_data() -> None:
    # kills classify.py:484 Gt → GtE
    h100 = catalogue.from_frame(None).lookup("H100").spec

    def has_end_note(day: object) -> bool:
        return any(DATA_AS_OF.isoformat() in n for n in classify(h100, "CHN", day).notes)  # type: ignore[arg-type]

    assert not has_end_note(DATA_AS_OF)
    assert has_end_note(DATA_AS_OF + timedelta(days=1))


# ---- stack/exposure.py ----------------------------------------------------------------------------


def test_the_constraining_path_reads_bottom_to_top() -> None:
    # kills exposure.py:183 Or → And
    seg = SegmentExposure("ai_accelerators", "L1", 0.2, False, "chip_design_logic", ("eda", "chip_design_logic"))
    assert seg.record()["path"] == "eda → chip_design_logic"
    free = SegmentExposure("cpus", "L1", 1.0, False, None, ())
    assert free.record()["path"] is None


def test_assume_accepts_the_whole_range_and_refuses_outside_it() -> None:
    # kills exposure.py:255 LtE → Lt (all of the supply left is a valid assumption)
    check_assume({"hbm": 1.0}, ["hbm"])
    check_assume({"hbm": 0.0}, ["hbm"])
    for bad in (1.5, -0.1, math.nan):
        with pytest.raises(InputError, match="within 0–1"):
            check_assume({"hbm": bad}, ["hbm"])


# ---- measure/montecarlo.py ------------------------------------------------------------------------


def test_draws_and_seed_limits_are_inclusive() -> None:
    # kills montecarlo.py:33 100 → 101, :35 20000 → 20001, :37 Sub → Add
    assert mc.check_draws(100) == 100 and mc.check_draws(20_000) == 20_000
    for bad in (99, 20_001):
        with pytest.raises(InputError, match="--draws"):
            mc.check_draws(bad)
    assert mc.check_seed(2**63 - 1) == 2**63 - 1
    with pytest.raises(InputError, match="--seed"):
        mc.check_seed(2**63)


def test_lognormal_skew_is_the_ratio_of_the_two_sides() -> None:
    # kills montecarlo.py:86 Div → Mult: p95/median = 4, median/p5 = 2 → skew ln4/ln2 = 2
    fit = mc.lognormal_fit(50.0, 100.0, 400.0)
    assert fit.skew == pytest.approx(2.0)
    assert fit.sigma == pytest.approx((math.log(4) + math.log(2)) / (2 * mc.Z95))


def test_uniform_range_may_start_at_zero_and_be_a_point() -> None:
    # kills montecarlo.py:102 LtE → Lt (either comparison)
    x = mc.sample_uniform(0.0, 0.5, 1000, mc.rng(1))
    assert x.min() >= 0.0 and x.max() <= 0.5
    assert np.all(mc.sample_uniform(0.3, 0.3, 10, mc.rng(1)) == 0.3)
    with pytest.raises(InputError, match="bad range"):
        mc.sample_uniform(0.5, 0.4, 10, mc.rng(1))


# ---- measure/index/uncertainty.py -----------------------------------------------------------------


def test_sensitivity_targets_pick_their_own_column() -> None:
    # kills uncertainty.py:711 And → Or (a gap target read as a score)
    from types import SimpleNamespace

    from computestrata.measure.index.uncertainty import target_values

    plan = SimpleNamespace(prep=SimpleNamespace(units=["A", "B"]))
    scores = np.array([[10.0, 4.0], [8.0, 6.0]])
    ranks = np.array([[1, 2], [1, 2]])
    shift = np.array([0.0, 0.5])
    assert target_values(plan, "gap:A-B", scores, ranks, shift).tolist() == [6.0, 2.0]  # type: ignore[arg-type]
    assert target_values(plan, "score:B", scores, ranks, shift).tolist() == [4.0, 6.0]  # type: ignore[arg-type]
    assert target_values(plan, "rank:A", scores, ranks, shift).tolist() == [1.0, 1.0]  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not understood"):
        target_values(plan, "score", scores, ranks, shift)  # type: ignore[arg-type]


def test_a_one_row_sample_table_is_a_sample_and_an_empty_one_is_refused() -> None:
    # kills uncertainty.py:678 0 → 1
    from computestrata.measure.index import synthetic
    from computestrata.measure.index import uncertainty as ua

    unc = {"n": 8, "factors": {"impute": ["mean", "median"], "normalise": ["minmax", "rank"]}}
    fw = synthetic.framework(n_ind=4, pillars=2, subindices=0, uncertainty=unc)
    plan = ua.make_plan(fw, synthetic.panel(units=8, n_ind=4, seed=2), 2023)
    frame = ua.samples_to_frame(plan, ua.nominal_codes(plan)[:1])
    assert len(frame) == 1
    assert ua.samples_from_frame(plan, frame).shape == (1, plan.d)
    with pytest.raises(InputError, match="no replication rows"):
        ua.samples_from_frame(plan, frame.iloc[:0])
