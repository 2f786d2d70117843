"""Typed query parameters shared by the API routes: patterns, ranges and enums in one place,
so `/openapi.json` states what is accepted and a bad value is a 422 with a message.

No list of choices is written here: each enum is the owning part's own (controls' item kinds,
the stack's layers) or is built from its registry (the index frameworks folder, the network
cases folder, the trends, the postures...), so adding a framework, case or posture needs no
edit of the dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, TypeAlias

from fastapi import Query

from computestrata.controls.vocab import ItemKind
from computestrata.vocab.segments import Layer

DATE = r"^\d{4}-\d{2}-\d{2}$"
LIST = r"^\d{4}-\d{2}$"
#: A country as typed: ISO3, a name, also in Korean or Chinese; no control characters.
COUNTRY = r"^[^\x00-\x1f\x7f]{1,64}$"
NAME = r"^[^\x00-\x1f\x7f]{1,120}$"
WORDS = r"^[^\x00-\x1f\x7f]{1,400}$"
LICENCE = r"^[A-Za-z0-9.+\-]{1,64}$"


def choices(name: str, values: Iterable[str], doc: str) -> type[StrEnum]:
    """An enum of ``values`` (each member named as its value) for a query parameter.

    The values come from the part that owns them — a registry folder, a vocabulary tuple —
    so a new framework, case, trend or posture shows up in the API, its OpenAPI schema and
    the dashboard's menus without an edit here.  An enum (not a pattern) because OpenAPI
    then lists the accepted values and a wrong one is a 422 naming them."""
    members = list(dict.fromkeys(str(v) for v in values))
    if not members:
        raise ValueError(f"no choices for {name}: its registry is empty")
    enum = StrEnum(name, [(v, v) for v in members])  # type: ignore[misc]
    enum.__doc__ = doc
    enum.__module__ = __name__
    return enum


def langs() -> Iterable[str]:
    from computestrata.i18n import LANGS

    return LANGS


def bases() -> Iterable[str]:
    from computestrata.controls.api import BASES

    return BASES


def postures() -> Iterable[str]:
    from computestrata.controls.api import postures

    return postures()


def origins() -> Iterable[str]:
    from computestrata.controls.api import ORIGINS

    return ORIGINS


def exporters() -> Iterable[str]:
    from computestrata.controls.regime import AUTHORITIES

    return (str(a) for a in AUTHORITIES)


def end_uses() -> Iterable[str]:
    from computestrata.controls.items_beyond import END_USE_KINDS

    return END_USE_KINDS


def screen_lists() -> Iterable[str]:
    from computestrata.controls.screening import LIST_CHOICES

    return LIST_CHOICES


def compute_kinds() -> Iterable[str]:
    from computestrata.measure.api import KINDS

    return KINDS


def datasets() -> Iterable[str]:
    from computestrata.measure.api import DATASETS

    return DATASETS


def tiers() -> Iterable[str]:
    from computestrata.measure.stratification import TIERS

    return (*TIERS, "all")  # `all`: both tiers pooled (measure.stratification.concentration_for)


def frameworks() -> Iterable[str]:
    from computestrata.measure.index.config import shipped

    return shipped()


def trend_kinds() -> Iterable[str]:
    from computestrata.trends.api import KINDS

    return KINDS


def cases() -> Iterable[str]:
    from computestrata.network.api import case_ids

    return case_ids()


# Enums the owning part defines are used as they are: ``ItemKind`` (controls/vocab.py) and
# ``Layer`` (vocab/segments.py).  The others are built from the owner's registry.  A type
# checker sees them as ``str`` (their members exist at run time only), which is what the
# routes pass on to the commands.
if TYPE_CHECKING:
    Lang: TypeAlias = str
    Basis: TypeAlias = str
    Posture: TypeAlias = str
    Origin: TypeAlias = str
    ScreenLists: TypeAlias = str
    ComputeKind: TypeAlias = str
    Dataset: TypeAlias = str
    Tier: TypeAlias = str
    Framework: TypeAlias = str
    TrendKind: TypeAlias = str
    Case: TypeAlias = str
    Exporter: TypeAlias = str
    YesNo: TypeAlias = str
else:
    Lang = choices("Lang", langs(), "Language of the text.")
    Basis = choices("Basis", bases(), "Which date of a rule counts: when compliance is due, or when it took effect.")
    Posture = choices("Posture", postures(), "A hypothetical control posture of the paper.")
    Origin = choices("Origin", origins(), "Which chips the matrix covers: reference chips, Epoch's, or all.")
    ScreenLists = choices("ScreenLists", screen_lists(), "Which screening lists to search.")
    ComputeKind = choices("ComputeKind", compute_kinds(), "A kind of compute, as the paper measures it.")
    Dataset = choices("Dataset", datasets(), "The dataset whose concentration is measured.")
    Tier = choices("Tier", tiers(), "The tier of units measured (all: the tiers pooled).")
    Framework = choices("Framework", frameworks(), "A shipped index framework.")
    TrendKind = choices("TrendKind", trend_kinds(), "A structural trend of the paper.")
    Case = choices("Case", cases(), "A shipped data-centre network case.")
    Exporter = choices("Exporter", exporters(), "An exporter whose own export controls are modelled.")
    YesNo = choices("YesNo", ("yes", "no"), "yes or no.")

#: An end use as ``strata controls classify --end-use`` takes it: ``logic:14nm``, ``dram:18nm``,
#: ``nand:128l`` or one of the kinds without a figure (built from the controls' own kinds).
END_USE = r"^(" + "|".join(end_uses()) + r")(:\d+(\.\d+)?(nm|l)?)?$"

__all__ = [
    "COUNTRY",
    "DATE",
    "END_USE",
    "LICENCE",
    "LIST",
    "NAME",
    "WORDS",
    "Basis",
    "Case",
    "ComputeKind",
    "Dataset",
    "Exporter",
    "Framework",
    "ItemKind",
    "Lang",
    "Layer",
    "Origin",
    "Posture",
    "ScreenLists",
    "Tier",
    "TrendKind",
    "YesNo",
    "bases",
    "cases",
    "choices",
    "compute_kinds",
    "datasets",
    "end_uses",
    "exporters",
    "frameworks",
    "langs",
    "origins",
    "postures",
    "screen_lists",
    "tiers",
    "trend_kinds",
]

LangQ = Annotated[Lang | None, Query(description="Language of text: en, ko or zh (else Accept-Language, else en).")]
ListQ = Annotated[str | None, Query(alias="list", pattern=LIST, description="TOP500 list YYYY-MM (default: latest).")]
DateQ = Annotated[str | None, Query(pattern=DATE, description="Date YYYY-MM-DD.")]
YearQ = Annotated[int | None, Query(ge=1990, le=2100, description="Year.")]
ExcludeQ = Annotated[
    list[str] | None,
    Query(description="Leave out data under this SPDX licence (repeatable), e.g. CC-BY-NC-4.0.", max_length=8),
]
DrawsQ = Annotated[int, Query(ge=100, le=10000, description="Monte Carlo draws.")]
SeedQ = Annotated[int, Query(ge=0, le=2**31 - 1, description="Random seed.")]
