"""computestrata.measure: national compute, Table 1, concentration, stratification, core–periphery.

The entry points below are what the CLI, the report and the dashboard call — one way to
compute each figure.  They are loaded on first use, so importing this package (as
``strata --help`` does) pulls in neither pandas nor numpy.

>>> from computestrata.atlas import store
>>> from computestrata import measure
>>> res = measure.analyse_stratification(store.open())            # doctest: +SKIP
>>> [(v.dataset, v.outcome) for v in res.verdicts]                 # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.measure.coreperiphery import CorePeripheryResult
    from computestrata.measure.coreperiphery import analyse as analyse_core_periphery
    from computestrata.measure.estimates import Estimate, NationalCompute, national_compute
    from computestrata.measure.stratification import (
        ConcentrationResult,
        StratificationResult,
        Verdict,
        concentration_for,
    )
    from computestrata.measure.stratification import analyse as analyse_stratification
    from computestrata.measure.table1 import Table1, build_table1

#: public name → (module, attribute)
_EXPORTS = {
    "national_compute": ("estimates", "national_compute"),
    "NationalCompute": ("estimates", "NationalCompute"),
    "Estimate": ("estimates", "Estimate"),
    "build_table1": ("table1", "build_table1"),
    "Table1": ("table1", "Table1"),
    "concentration_for": ("stratification", "concentration_for"),
    "ConcentrationResult": ("stratification", "ConcentrationResult"),
    "analyse_stratification": ("stratification", "analyse"),
    "StratificationResult": ("stratification", "StratificationResult"),
    "Verdict": ("stratification", "Verdict"),
    "analyse_core_periphery": ("coreperiphery", "analyse"),
    "CorePeripheryResult": ("coreperiphery", "CorePeripheryResult"),
}

__all__ = [
    "ConcentrationResult",
    "CorePeripheryResult",
    "Estimate",
    "NationalCompute",
    "StratificationResult",
    "Table1",
    "Verdict",
    "analyse_core_periphery",
    "analyse_stratification",
    "build_table1",
    "concentration_for",
    "national_compute",
]


def __getattr__(name: str) -> Any:
    """Load an exported entry point on first access (keeps package import light)."""
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(f"{__name__}.{module}"), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
