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
    """Load an exported entry point on first access (keeps package import light); the
    name → module table lives once, in :mod:`computestrata.measure.api`."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.api"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
