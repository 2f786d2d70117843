"""Items the engine classifies: a logic IC (:class:`ChipSpec`) or an HBM stack (:class:`HbmSpec`).

Both turn into the *quantities* rules compare (``tpp``, ``pd``, ``io_bandwidth_gbps``,
``dram_bandwidth_gbps``, ``datacenter``, ``hbm_density``, ``copackaged_with_logic``).  A missing
input leaves its quantity ``None`` so the verdict can name it instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from computestrata.controls import tpp as tppm
from computestrata.errors import InputError, unknown

Quantities = dict[str, float | bool | None]

#: Which input a quantity needs, so an indeterminate verdict can name what is missing.
NEEDS: dict[str, tuple[str, ...]] = {
    "tpp": ("int8_tops | fp8_tflops | fp16_tflops | ... (any dense throughput figure)",),
    "pd": ("die_area_mm2",),
    "io_bandwidth_gbps": ("io_bandwidth_gbps",),
    "dram_bandwidth_gbps": ("dram_bandwidth_gbps",),
    "datacenter": ("datacenter",),
    "hbm_density": ("bandwidth_gbps", "package_area_mm2"),
    "copackaged_with_logic": ("copackaged_with_logic",),
}


@dataclass(frozen=True)
class ChipSpec:
    """A logic IC: dense throughput per precision plus the inputs 3A090 needs."""

    figures: Mapping[str, float] = field(default_factory=dict)
    die_area_mm2: float | None = None
    io_bandwidth_gbps: float | None = None
    datacenter: bool | None = None
    dram_bandwidth_gbps: float | None = None
    name: str | None = None
    vendor: str | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()

    kind = "chip"

    def __post_init__(self) -> None:
        tppm.tpp(self.figures)  # validates keys and values
        for key in ("die_area_mm2", "io_bandwidth_gbps", "dram_bandwidth_gbps"):
            v = getattr(self, key)
            if v is not None:
                tppm.check_figure(key, v)

    def tpp(self) -> tppm.Tpp | None:
        return tppm.tpp(self.figures)

    def quantities(self) -> Quantities:
        t = self.tpp()
        tv = t.value if t else None
        return {
            "tpp": tv,
            "pd": tppm.performance_density(tv, self.die_area_mm2),
            "io_bandwidth_gbps": self.io_bandwidth_gbps,
            "dram_bandwidth_gbps": self.dram_bandwidth_gbps,
            "datacenter": self.datacenter,
        }


@dataclass(frozen=True)
class HbmSpec:
    """An HBM stack: bandwidth and package (stack) area."""

    bandwidth_gbps: float | None = None
    package_area_mm2: float | None = None
    copackaged_with_logic: bool = False
    name: str | None = None
    vendor: str | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()

    kind = "hbm"

    def __post_init__(self) -> None:
        tppm.hbm_bandwidth_density(self.bandwidth_gbps or 0.0, self.package_area_mm2 or 1.0)

    def quantities(self) -> Quantities:
        return {
            "hbm_density": tppm.hbm_bandwidth_density(self.bandwidth_gbps, self.package_area_mm2),
            "copackaged_with_logic": self.copackaged_with_logic,
        }


Item = ChipSpec | HbmSpec

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _bool(key: str, text: str) -> bool:
    v = text.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InputError(f"{key} must be true or false, got {text!r}", hint=f"{key}=true")


def _num(key: str, text: str) -> float:
    try:
        v = float(text)
    except ValueError as exc:
        raise InputError(f"{key} must be a number, got {text!r}", hint=f"{key}=312.5") from exc
    return tppm.check_figure(key, v)


def parse_spec(pairs: Iterable[str], item: str = "chip", name: str | None = None) -> Item:
    """Build an item from ``KEY=VALUE`` strings (the CLI's ``--spec``)."""
    if item not in ("chip", "hbm"):
        raise unknown("item kind", item, ("chip", "hbm"))
    allowed = (*tppm.BIT_LENGTHS, *tppm.CHIP_KEYS) if item == "chip" else tppm.HBM_KEYS
    values: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(f"--spec {pair!r} is not KEY=VALUE", hint="e.g. --spec int8_tops=624")
        key, _, text = pair.partition("=")
        key = key.strip().lower()
        if key not in allowed:
            other = "hbm" if item == "chip" else "chip"
            err = unknown(f"spec key for --item {item}", key, allowed)
            other_keys = (*tppm.BIT_LENGTHS, *tppm.CHIP_KEYS) if other == "chip" else tppm.HBM_KEYS
            if key in other_keys:
                err.hint = f"{key} belongs to --item {other}"
            raise err
        if key in values:
            raise InputError(f"--spec {key} given twice", hint="give each key once")
        bool_key = key in ("datacenter", "copackaged_with_logic")
        values[key] = _bool(key, text) if bool_key else _num(key, text)
    if not values:
        raise InputError(
            "--spec needs at least one KEY=VALUE", hint="e.g. --spec int8_tops=624 --spec die_area_mm2=826"
        )
    if item == "hbm":
        return HbmSpec(name=name, **values)
    figures = {k: v for k, v in values.items() if k in tppm.BIT_LENGTHS}
    rest = {k: v for k, v in values.items() if k not in tppm.BIT_LENGTHS}
    return ChipSpec(figures=figures, name=name, **rest)
