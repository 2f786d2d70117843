"""Segments of the layered compute stack — moved to :mod:`computestrata.vocab.segments`.

Segment ids are vocabulary every part uses (controls tag rules with them), so they live in a
leaf package; this module re-exports them so existing imports keep working.  The data file
stays here: ``stack/segments.yaml``.
"""

from __future__ import annotations

from computestrata.vocab.segments import (
    CONFIDENCE,
    LAYER_NAMES,
    LAYERS,
    QUOTE_FIX,
    REQUIRED_IDS,
    SCHEMA_VERSION,
    SHARE_BASES,
    TIERS,
    Confidence,
    EccnRef,
    Layer,
    Segment,
    Sensitivity,
    ShareBasis,
    Tier,
    by_layer,
    check_ids,
    check_layer,
    default_path,
    load_segments,
    parse_segments,
    segment,
    segment_ids,
    segments,
    unbalanced,
)

__all__ = [
    "CONFIDENCE",
    "LAYERS",
    "LAYER_NAMES",
    "QUOTE_FIX",
    "REQUIRED_IDS",
    "SCHEMA_VERSION",
    "SHARE_BASES",
    "TIERS",
    "Confidence",
    "EccnRef",
    "Layer",
    "Segment",
    "Sensitivity",
    "ShareBasis",
    "Tier",
    "by_layer",
    "check_ids",
    "check_layer",
    "default_path",
    "load_segments",
    "parse_segments",
    "segment",
    "segment_ids",
    "segments",
    "unbalanced",
]
