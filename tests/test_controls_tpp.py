"""TPP / performance density / HBM density maths (88 FR 73458, 89 FR 96790)."""

from __future__ import annotations

import math

import pytest

from computestrata.controls import tpp as m
from computestrata.errors import InputError


def test_bis_worked_example_meets_4800_at_8_and_16_bits() -> None:
    # "600 tera integer operations at 8 bits or 300 tera FLOPS at 16 bits" (88 FR 73458)
    assert m.tpp({"int8_tops": 600}).value == 4800  # type: ignore[union-attr]
    assert m.tpp({"fp16_tflops": 300}).value == 4800  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("figures", "expected", "driver"),
    [
        ({"fp32_tflops": 19.5, "fp16_tflops": 312, "int8_tops": 624}, 4992, "int8_tops"),  # A100
        ({"int8_tops": 1979}, 15832, "int8_tops"),  # H100, not 31,648 (no double counting)
        ({"fp16_tflops": 2250, "fp8_tflops": 4500, "fp4_tflops": 9000}, 36000, "fp8_tflops"),  # B200 tie
        ({"fp8_tflops": 1835, "bf16_tflops": 1835}, 29360, "bf16_tflops"),  # Gaudi 3: 16-bit path wins
    ],
)
def test_tpp_is_max_over_precisions(figures: dict[str, float], expected: float, driver: str) -> None:
    t = m.tpp(figures)
    assert t is not None
    assert t.value == pytest.approx(expected)
    assert t.driver == driver


def test_tpp_none_without_figures_and_skips_none_values() -> None:
    assert m.tpp({}) is None
    assert m.tpp({"int8_tops": None}) is None
    assert m.tpp({"int8_tops": None, "fp16_tflops": 10}).value == 160  # type: ignore[union-attr]


def test_performance_density() -> None:
    assert m.performance_density(4992, 826) == pytest.approx(6.0436, abs=1e-4)
    assert m.performance_density(4992, None) is None
    assert m.performance_density(None, 826) is None


def test_hbm_density() -> None:
    assert m.hbm_bandwidth_density(819, 110) == pytest.approx(7.445, abs=1e-3)
    assert m.hbm_bandwidth_density(None, 110) is None


@pytest.mark.parametrize("bad", [-1, float("nan"), math.inf, "12", True])
def test_bad_figures_rejected(bad: object) -> None:
    with pytest.raises(InputError):
        m.tpp({"int8_tops": bad})  # type: ignore[dict-item]


def test_unknown_precision_key_suggests_closest() -> None:
    with pytest.raises(InputError) as exc:
        m.tpp({"int9_tops": 5})
    assert "int9_tops" in exc.value.message
    assert "int8_tops" in (exc.value.hint or "")


def test_negative_die_area_rejected() -> None:
    with pytest.raises(InputError):
        m.performance_density(100, -3)
