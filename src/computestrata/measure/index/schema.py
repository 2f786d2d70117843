"""Pydantic schema of an index framework file: the shape and types of every entry.

:func:`check` runs before :func:`computestrata.measure.index.config.parse` turns the mapping
into a :class:`~computestrata.measure.index.config.Framework`: it catches a wrong type or an
out-of-range value in the top level, the indicators and the aggregates, and says where
(``file: indicators[3] (gdp).direction``), what is wrong and how to fix it.  What a schema
cannot say — unknown keys with their closest spelling, the tree (one root, no cycle, parents
that exist), the step and uncertainty options, which depend on each other — ``config`` checks
by hand, with errors in the same form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from computestrata.errors import InputError

Text = str | dict[str, str]  # plain text, or {en: ..., ko: ..., zh: ...}
Number = float | int


class _Entry(BaseModel):
    # unknown keys are reported by ``config`` (with the closest allowed key as the fix)
    model_config = ConfigDict(extra="allow")


class IndicatorEntry(_Entry):
    """One ``indicators:`` item."""

    id: str = Field(min_length=1)
    parent: str = Field(min_length=1)
    name: Text | None = None
    source: str | None = None
    direction: Literal[1, -1] = 1
    weight: Number = 1.0
    stands_for: Text | None = None
    denominator: str | None = None
    target: Number | None = None
    goalposts: tuple[Number, Number] | None = None
    available: StrictBool = True
    unavailable_reason: Text | None = None
    unit: str | None = None
    scale: Number = Field(default=1.0, gt=0)
    normalise: str | dict[str, Any] | None = None
    treat: str | dict[str, Any] | None = None
    impute: str | None = None

    @field_validator("id", "parent", mode="before")
    @classmethod
    def _ids_are_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class AggregateEntry(_Entry):
    """One ``aggregates:`` item (a pillar, sub-index or the root index)."""

    id: str = Field(min_length=1)
    parent: str | None = None
    name: Text | None = None
    weight: Number = 1.0
    method: str | None = None

    @field_validator("id", "parent", mode="before")
    @classmethod
    def _ids_are_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


class FrameworkFile(_Entry):
    """The top level of a framework file."""

    id: str = Field(min_length=1)
    name: Text | None = None
    description: Text | None = None
    analogue_of: Text | None = None
    units: list[str] | None = None
    indicators: list[IndicatorEntry] = Field(min_length=1)
    aggregates: list[AggregateEntry] = Field(min_length=1)
    steps: dict[str, Any] | None = None
    uncertainty: dict[str, Any] | None = None
    weight_sets: dict[str, Any] | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_is_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


#: how to fix a bad value, by key (the last part of the path)
FIXES: dict[str, str] = {
    "id": "give it an `id` (text)",
    "parent": "give the id of the aggregate it belongs to",
    "direction": "use 1 (higher is better) or -1 (lower is better)",
    "weight": "write a number, e.g. `weight: 1`",
    "target": "write a number in the indicator's unit",
    "goalposts": "write `goalposts: [low, high]`",
    "available": "write `available: true` or `available: false` (and an `unavailable_reason`)",
    "scale": "write a positive number, e.g. `scale: 1e-3`",
    "indicators": "list at least two indicators (`- id: ...` with name, source, parent)",
    "aggregates": "list the pillars and the index (root), each `- id: ...`",
    "analogue_of": "name the published index, e.g. `analogue_of: {en: ..., ko: ..., zh: ...}`",
    "units": "list unit ids, e.g. `units: [USA, CHN]`",
    "steps": "write the steps as a mapping (see docs/index-engine.md)",
    "uncertainty": "write the uncertainty factors as a mapping (see docs/index-engine.md)",
    "weight_sets": "write `weight_sets: {name: {node: weight, ...}}`",
}


def _where(loc: Sequence[Any], raw: Mapping[str, Any]) -> str:
    """``('indicators', 3, 'direction')`` → ``indicators[3] (gdp).direction`` (as ``config`` words it)."""
    out = ""
    node: Any = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, Sequence) and 0 <= part < len(node) else None
            if isinstance(node, Mapping) and node.get("id"):
                out += f" ({node['id']})"
        elif part in ("str", "dict[str,str]", "float", "int") or "[" in str(part):
            continue  # pydantic's name of a union member, not a key
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out or "(top)"


def check(raw: Any, origin: str = "") -> FrameworkFile:
    """Validate the shape of a framework mapping; the first problem is an :class:`InputError`
    naming the file, the key and the fix."""
    where = f"framework config{f' {origin}' if origin else ''}"
    if not isinstance(raw, Mapping):
        raise InputError(f"{where}: (top): the file is not a mapping", hint="start with `id:`, `indicators:`, ...")
    try:
        return FrameworkFile.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        key = next((str(p) for p in reversed(loc) if isinstance(p, str) and p in FIXES), "")
        value = err.get("input")
        problem = err["msg"][0].lower() + err["msg"][1:]
        if err["type"] == "missing":
            problem = "is missing"
        elif err["type"] in ("too_short",) and isinstance(value, list):
            problem = "is empty"
        elif not isinstance(value, Mapping | list):
            problem = f"{value!r}: {problem}"
        raise InputError(
            f"{where}: {_where(loc, raw)}: {problem}", hint=FIXES.get(key, "see docs/index-engine.md")
        ) from None
