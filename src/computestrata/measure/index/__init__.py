"""Composite-index engine following the OECD/JRC Handbook (Nardo et al. 2008).

An index is a validated YAML config (:mod:`.config`): indicators (atlas facts variables or
derived indicators from :mod:`.indicators`), their direction, the pillar/level tree, and the
choice made at each step.  :func:`.engine.build` runs screening → imputation → outlier
treatment → normalisation → weighting → aggregation and keeps every intermediate result and
the source ids of the facts used; :mod:`.analysis` looks inside (correlations, Cronbach's α,
PCA, strengths and weaknesses, version comparison, drop-one); :mod:`.uncertainty` runs
Monte Carlo and Sobol sensitivity analyses as array operations over precomputed variants.

Shipped frameworks (``frameworks/*.yaml``): ``gci``, ``caict5``, ``fiveforce`` — open-data
analogues of published frameworks, each documenting what every indicator stands for and
which pillars are thin.  Command line: ``strata index build|uncertainty|sensitivity|analyse|
compare|frameworks``, a thin layer over the typed functions of :mod:`.api` (``build_index``,
``uncertainty_table``, ``sensitivity_table``, ``analyse_unit``, ``compare_versions``,
``list_frameworks``), which reports and the dashboard call too.

A year is built only if the framework's own screening thresholds pass on the values observed
in that year, not carried forward from others (:mod:`.years`); without a year the latest
valid one is used and said in the notes.  Replication counts (``--n``) are Sobol sample
sizes: at least 8, rounded up to a power of two (:func:`.uncertainty.check_n`).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.measure.index.api import (
        IndexTable,
        analyse_unit,
        build_index,
        compare_versions,
        list_frameworks,
        sensitivity_table,
        uncertainty_table,
    )

__all__ = [
    "IndexTable",
    "analyse_unit",
    "build_index",
    "compare_versions",
    "list_frameworks",
    "sensitivity_table",
    "uncertainty_table",
]


def __getattr__(name: str) -> Any:
    """Load :mod:`.api` on first use, so `strata --help` does not parse the config module."""
    if name in __all__:
        from computestrata.measure.index import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
