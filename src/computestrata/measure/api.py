"""The public API of ``computestrata.measure``: every function and type a face needs.

A face (``measure/cli.py``, ``overview.py``, the report, the dashboard) imports from here
only, so the modules behind it (estimates, Table 1, stratification, core–periphery) can be
split or renamed without touching a face.  Each name is the one implementation of its
figure; nothing here computes anything of its own.  Names load on first use (as the
package's own ``__init__`` does), so importing this module costs next to nothing and
``strata --help`` stays fast; mypy sees the real signatures.

Results carry their source ids and notes (:mod:`computestrata.provenance`):

- :func:`national_compute` — national compute (super / intelligent; basic says why not) as
  p5/median/p95 per country (``strata measure compute``);
- :func:`build_table1` — the paper's Table 1 beside the open estimates (``measure table1``);
- :func:`concentration_for` — HHI, CR-k, Gini, Theil of one tier of one dataset
  (``measure concentration``);
- :func:`analyse_stratification` — frontier vs rest concentration over time and the verdict
  per dataset (``measure stratification``);
- :func:`analyse_core_periphery` — Borgatti–Everett core–periphery of the country ×
  supply-chain network (``measure coreperiphery``);
- :func:`at_least`, :func:`within` — the option checks (clear :class:`InputError`);
- :func:`display_table`, :func:`display_fields` and the ``*_label`` functions — how a face
  lays results out in the reader's language.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# light constants a CLI needs for its option defaults, loaded at once
from computestrata.measure.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED

if TYPE_CHECKING:
    from computestrata.measure.checks import at_least, within
    from computestrata.measure.coreperiphery import (
        CP_COLUMNS,
        GROUPINGS,
        CorePeripheryResult,
        core_periphery,
        role_label,
    )
    from computestrata.measure.coreperiphery import analyse as analyse_core_periphery
    from computestrata.measure.display import fields as display_fields
    from computestrata.measure.display import table as display_table
    from computestrata.measure.estimates import (
        KINDS,
        Estimate,
        NationalCompute,
        first_sufficient_year,
        national_compute,
    )
    from computestrata.measure.licences import Hidden, hidden_rows
    from computestrata.measure.statuses import Check, Outcome, Role, Sufficiency, Trend
    from computestrata.measure.stratification import (
        DATASETS,
        DEFAULT_SINCE,
        STRATIFICATION_COLUMNS,
        ConcentrationResult,
        StratificationResult,
        Verdict,
        concentration_for,
        outcome_label,
        tier_label,
    )
    from computestrata.measure.stratification import analyse as analyse_stratification
    from computestrata.measure.table1 import COLUMNS as TABLE1_COLUMNS
    from computestrata.measure.table1 import Table1, build_table1

#: public name → (module, attribute); loaded on first use so ``strata --help`` stays fast
_EXPORTS: dict[str, tuple[str, str]] = {
    "at_least": ("checks", "at_least"),
    "within": ("checks", "within"),
    "CP_COLUMNS": ("coreperiphery", "CP_COLUMNS"),
    "GROUPINGS": ("coreperiphery", "GROUPINGS"),
    "CorePeripheryResult": ("coreperiphery", "CorePeripheryResult"),
    "core_periphery": ("coreperiphery", "core_periphery"),
    "role_label": ("coreperiphery", "role_label"),
    "analyse_core_periphery": ("coreperiphery", "analyse"),
    "display_fields": ("display", "fields"),
    "display_table": ("display", "table"),
    "KINDS": ("estimates", "KINDS"),
    "Estimate": ("estimates", "Estimate"),
    "NationalCompute": ("estimates", "NationalCompute"),
    "first_sufficient_year": ("estimates", "first_sufficient_year"),
    "national_compute": ("estimates", "national_compute"),
    "Hidden": ("licences", "Hidden"),
    "hidden_rows": ("licences", "hidden_rows"),
    "Check": ("statuses", "Check"),
    "Outcome": ("statuses", "Outcome"),
    "Role": ("statuses", "Role"),
    "Sufficiency": ("statuses", "Sufficiency"),
    "Trend": ("statuses", "Trend"),
    "DATASETS": ("stratification", "DATASETS"),
    "DEFAULT_SINCE": ("stratification", "DEFAULT_SINCE"),
    "STRATIFICATION_COLUMNS": ("stratification", "STRATIFICATION_COLUMNS"),
    "ConcentrationResult": ("stratification", "ConcentrationResult"),
    "StratificationResult": ("stratification", "StratificationResult"),
    "Verdict": ("stratification", "Verdict"),
    "concentration_for": ("stratification", "concentration_for"),
    "outcome_label": ("stratification", "outcome_label"),
    "tier_label": ("stratification", "tier_label"),
    "analyse_stratification": ("stratification", "analyse"),
    "TABLE1_COLUMNS": ("table1", "COLUMNS"),
    "Table1": ("table1", "Table1"),
    "build_table1": ("table1", "build_table1"),
}

__all__ = [
    "CP_COLUMNS",
    "DATASETS",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "DEFAULT_SINCE",
    "GROUPINGS",
    "KINDS",
    "STRATIFICATION_COLUMNS",
    "TABLE1_COLUMNS",
    "Check",
    "ConcentrationResult",
    "CorePeripheryResult",
    "Estimate",
    "Hidden",
    "NationalCompute",
    "Outcome",
    "Role",
    "StratificationResult",
    "Sufficiency",
    "Table1",
    "Trend",
    "Verdict",
    "analyse_core_periphery",
    "analyse_stratification",
    "at_least",
    "build_table1",
    "concentration_for",
    "core_periphery",
    "display_fields",
    "display_table",
    "first_sufficient_year",
    "hidden_rows",
    "national_compute",
    "outcome_label",
    "role_label",
    "tier_label",
    "within",
]


def __getattr__(name: str) -> Any:
    """Load an exported name on first access (keeps ``strata --help`` fast)."""
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(f"computestrata.measure.{module}"), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
