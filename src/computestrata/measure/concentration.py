"""Concentration and inequality metrics — moved to :mod:`computestrata.maths.concentration`.

The maths is shared by the stack and measure, so it lives in the leaf package ``maths``;
this module re-exports it so existing imports keep working.
"""

from __future__ import annotations

from computestrata.maths.concentration import (
    ArrayLike,
    FloatArray,
    TheilDecomposition,
    cr_k,
    equivalent_units,
    gini,
    hhi,
    lorenz,
    shares,
    summary,
    theil,
    theil_decompose,
)

__all__ = [
    "ArrayLike",
    "FloatArray",
    "TheilDecomposition",
    "cr_k",
    "equivalent_units",
    "gini",
    "hhi",
    "lorenz",
    "shares",
    "summary",
    "theil",
    "theil_decompose",
]
