"""Loaders, one per raw format, in build order (``countries`` first: others resolve names).

``LOADERS`` names modules in this package; each exposes ``NAME`` and ``load(ctx)``.
"""

from __future__ import annotations

import importlib

from computestrata.atlas.loaders.base import Loader

LOADERS: tuple[str, ...] = (
    "countries",
    "top500",
    "epoch_hardware",
    "epoch_clusters",
    "epoch_models",
    "epoch_chip_counts",
    "epoch_data_centers",
    "cset",
    "energy",
    "worldbank",
    "paper_figures",
    "compiled",
    "ear",
    "entity_lists",
    "trade_semis",
    "trade_taiwan_ic",
    "trade_sme",
)


def get(name: str) -> Loader:
    """The ``load`` function of loader ``name``."""
    if name not in LOADERS:
        from computestrata.errors import unknown

        raise unknown("loader", name, LOADERS)
    module = importlib.import_module(f"computestrata.atlas.loaders.{name}")
    loader: Loader = module.load
    return loader
