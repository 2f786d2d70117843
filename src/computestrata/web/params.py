"""Typed query parameters shared by the API routes: patterns, ranges and enums in one place,
so `/openapi.json` states what is accepted and a bad value is a 422 with a message."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import Query

DATE = r"^\d{4}-\d{2}-\d{2}$"
LIST = r"^\d{4}-\d{2}$"
#: A country as typed: ISO3, a name, also in Korean or Chinese; no control characters.
COUNTRY = r"^[^\x00-\x1f\x7f]{1,64}$"
NAME = r"^[^\x00-\x1f\x7f]{1,120}$"
WORDS = r"^[^\x00-\x1f\x7f]{1,400}$"
LICENCE = r"^[A-Za-z0-9.+\-]{1,64}$"


class Lang(StrEnum):
    en = "en"
    ko = "ko"
    zh = "zh"


class Basis(StrEnum):
    compliance = "compliance"
    effective = "effective"


class Posture(StrEnum):
    small_yard_high_fence = "small_yard_high_fence"
    big_yard_high_fence = "big_yard_high_fence"
    no_yard = "no_yard"


class Layer(StrEnum):
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"


class ItemKind(StrEnum):
    chip = "chip"
    hbm = "hbm"
    equipment = "equipment"
    eda = "eda"
    material = "material"


class Origin(StrEnum):
    all = "all"
    reference = "reference"
    epoch = "epoch"


class ScreenLists(StrEnum):
    el = "el"
    mofcom = "mofcom"
    csl = "csl"
    all = "all"


class ComputeKind(StrEnum):
    super = "super"
    intelligent = "intelligent"
    basic = "basic"


class Dataset(StrEnum):
    top500 = "top500"
    clusters = "clusters"
    chips = "chips"


class Tier(StrEnum):
    frontier = "frontier"
    rest = "rest"
    all = "all"


class Framework(StrEnum):
    gci = "gci"
    caict5 = "caict5"
    fiveforce = "fiveforce"


class TrendKind(StrEnum):
    stratification = "stratification"
    regionalisation = "regionalisation"
    fragmentation = "fragmentation"
    institutions = "institutions"


class Case(StrEnum):
    edwc = "edwc"
    korea = "korea"
    sea = "sea"


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
