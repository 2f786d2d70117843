"""Pure maths of the advanced-computing parameters: TPP, performance density, HBM density.

Definitions follow 88 FR 73458 (3A090 technical notes) and 89 FR 96790 (3A090.c):

- ``TPP = 2 x MacTOPS x bit length``.  Datasheet TOPS/TFLOPS already count one MAC as two
  operations, so a *dense* datasheet figure times its bit length IS the TPP of that
  precision; we never multiply by 2 again (the classic double-counting error gives the
  H100 31,648 instead of 15,832).  [H] definition, [M] datasheet convention.
- When an IC supports several precisions, the highest resulting TPP counts.  [M]
- Only dense (non-sparse) figures are allowed; callers must halve sparse datasheet
  numbers themselves.  [H]
- TF32 is counted at its 32-bit storage width (a judgement call noted in the reference:
  about 19 significant bits).  It rarely decides anything: on NVIDIA TF32 x 32 = FP16 x 16.
- ``performance density = TPP / applicable die area`` (mm², non-planar logic dies only;
  HBM stacks excluded).  [H]
- ``memory bandwidth density = bandwidth / package (stack) area`` in GB/s/mm².  [H]

Missing inputs give ``None``, never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from computestrata.errors import InputError, unknown

#: Spec keys of dense throughput figures and the bit length each one carries.
BIT_LENGTHS: dict[str, int] = {
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

#: Which precision is named as the driver when several give the same TPP (as the reference notes do).
_TIE_ORDER = (
    "int8_tops",
    "fp8_tflops",
    "fp16_tflops",
    "bf16_tflops",
    "int4_tops",
    "fp4_tflops",
    "int16_tops",
    "tf32_tflops",
    "fp32_tflops",
    "fp64_tflops",
)

#: Non-throughput spec keys accepted for a logic IC.
CHIP_KEYS: tuple[str, ...] = (
    "die_area_mm2",
    "io_bandwidth_gbps",
    "datacenter",
    "dram_bandwidth_gbps",
)

#: Spec keys accepted for an HBM stack (``--item hbm``).
HBM_KEYS: tuple[str, ...] = ("bandwidth_gbps", "package_area_mm2", "copackaged_with_logic")


@dataclass(frozen=True)
class Tpp:
    """A TPP value with the precision that set it and every per-precision product."""

    value: float
    driver: str
    per_precision: dict[str, float]

    def explain(self) -> str:
        """``"int8_tops 1979 x 8 = 15832"`` — how the value was reached."""
        bits = BIT_LENGTHS[self.driver]
        return f"{self.driver} {self.value / bits:g} x {bits} = {self.value:g}"


def check_figure(key: str, value: float) -> float:
    """A finite, non-negative number or a clear :class:`InputError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{key} must be a number, got {value!r}", hint=f"e.g. {key}=312")
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise InputError(f"{key} must be a finite number, got {value!r}", hint="leave it out if unknown")
    if v < 0:
        raise InputError(f"{key} cannot be negative ({value!r})", hint="give the datasheet value (>= 0)")
    return v


def tpp(figures: Mapping[str, float | None]) -> Tpp | None:
    """Total processing performance from dense datasheet figures; ``None`` if none given.

    ``figures`` maps spec keys (``int8_tops``, ``fp16_tflops``, ...) to dense TOPS/TFLOPS.
    Unknown keys and negative values raise :class:`InputError`.
    """
    products: dict[str, float] = {}
    for key, value in figures.items():
        if key not in BIT_LENGTHS:
            raise unknown("precision key", key, BIT_LENGTHS)
        if value is None:
            continue
        products[key] = check_figure(key, value) * BIT_LENGTHS[key]
    if not products:
        return None
    driver = max(products, key=lambda k: (products[k], -_TIE_ORDER.index(k)))
    return Tpp(value=products[driver], driver=driver, per_precision=products)


def performance_density(tpp_value: float | None, die_area_mm2: float | None) -> float | None:
    """TPP per mm² of applicable die area; ``None`` when either input is missing or area is 0."""
    if tpp_value is None or die_area_mm2 is None:
        return None
    area = check_figure("die_area_mm2", die_area_mm2)
    return None if area == 0 else tpp_value / area


def hbm_bandwidth_density(bandwidth_gbps: float | None, package_area_mm2: float | None) -> float | None:
    """HBM memory bandwidth density in GB/s/mm²; ``None`` when an input is missing."""
    if bandwidth_gbps is None or package_area_mm2 is None:
        return None
    bw = check_figure("bandwidth_gbps", bandwidth_gbps)
    area = check_figure("package_area_mm2", package_area_mm2)
    return None if area == 0 else bw / area
