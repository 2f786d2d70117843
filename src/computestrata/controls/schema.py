"""Schemas (pydantic 2) of the rule data: instruments (``rules/``, ``rules_beyond/``), country
groups (``groups/``) and is-informed letters (``measures/``).

A schema checks shape, types, dates and the closed vocabularies (:mod:`~.vocab`) of one file;
:mod:`~.regime` then checks what needs the other files (country codes, group ids, stack segment
ids) and builds the frozen dataclasses the engine folds.  Any failure becomes one
:class:`~computestrata.errors.InputError` naming the file, the component/condition, the key and
the fix (:func:`as_input_error`), as the hand-written checks it replaces did.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from computestrata.controls.vocab import Action, Authority, Confidence, ItemKind, Kind, Op, Policy, Quantity
from computestrata.errors import InputError, unknown


def _to_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError(
            "rule_date", "bad date {value!r}", {"value": value, "hint": "use YYYY-MM-DD"}
        ) from None


def _to_conf(value: Any) -> str:
    return str(value or "").strip().upper()


Day = Annotated[date, BeforeValidator(_to_date)]
Conf = Annotated[Confidence, BeforeValidator(_to_conf)]
Words = list[str]


def _list(value: Any) -> Any:
    return [] if value is None else value


Ids = Annotated[Words, BeforeValidator(_list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SelectorSchema(_Strict):
    """A set of countries: ``{all, groups, countries, except_groups, except_countries}``."""

    all: bool = False
    groups: Ids = []
    countries: Ids = []
    except_groups: Ids = []
    except_countries: Ids = []


class ConditionSchema(_Strict):
    """``quantity op value``: a number, or true/false for ``==``."""

    quantity: Quantity
    op: Op
    value: Any = None
    confidence: Conf = Confidence.H
    note: str | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> ConditionSchema:
        v = self.value
        if self.op == Op.EQ:
            if not isinstance(v, bool):
                raise PydanticCustomError(
                    "rule_value", "'==' needs true/false, got {value!r}", {"value": v, "hint": "value: true"}
                )
        elif isinstance(v, bool) or not isinstance(v, int | float):
            raise PydanticCustomError(
                "rule_value", "threshold must be a number, got {value!r}", {"value": v, "hint": "value: 4800"}
            )
        return self


class SuspensionSchema(_Strict):
    from_: Day = Field(alias="from")
    to: Day
    citation: str = ""


class ComponentSchema(_Strict):
    """One legal element of an instrument (see ``controls/regime.py``)."""

    id: str = Field(min_length=1)
    kind: Kind
    action: Action = Action.ADD
    confidence: Conf | None = None
    text: str = ""
    eccn: str | None = None
    segment: str | None = None
    item: ItemKind | None = None
    priority: int = 0
    paragraphs: Ids = []
    destinations: SelectorSchema | None = None
    hq: SelectorSchema | None = None
    all: Annotated[list[ConditionSchema], BeforeValidator(_list)] = []
    policy: Policy | None = None
    code: str | None = None
    notification: bool | None = None
    limits: dict[str, float] | None = None
    hypothetical: bool = False
    compliance: Day | None = None
    effective: Day | None = None
    until: Day | None = None
    suspended: Annotated[list[SuspensionSchema], BeforeValidator(_list)] = []
    # kind-specific fields kept verbatim (docs/controls-beyond-chips.md)
    end_uses: Any = None
    items: Any = None
    triggers: Any = None
    exempt_made_in: Any = None
    us_person: Any = None
    equivalent: Any = None
    reason: Any = None
    products: Any = None

    @model_validator(mode="after")
    def _kind_needs(self) -> ComponentSchema:
        if self.action != Action.ADD:
            return self
        if self.kind == Kind.REVIEW_POLICY and self.policy is None:
            raise PydanticCustomError(
                "rule_field", "a review policy needs a policy", {"hint": "policy: " + " | ".join(Policy)}
            )
        if self.kind == Kind.PARAGRAPH and (not self.eccn or self.item is None):
            raise PydanticCustomError(
                "rule_field",
                "a paragraph needs eccn and item ({items})",
                {"items": ", ".join(ItemKind), "hint": "item: chip"},
            )
        if self.kind == Kind.LICENSE_EXCEPTION and not self.code:
            raise PydanticCustomError("rule_field", "a license exception needs a code", {"hint": "code: NAC"})
        return self


class InstrumentSchema(_Strict):
    """An FR rule or BIS announcement (one YAML file)."""

    id: str
    kind: str
    title: str
    citation: str
    effective: Day
    confidence: Conf
    authority: Authority = Authority.USA
    compliance: Day | None = None
    published: Day | None = None
    until: Day | None = None
    fr_doc: str | None = None
    rin: str | None = None
    rescinds: Ids = []
    summary: str = ""
    sources: str = ""
    hypothetical: bool = False
    components: Annotated[list[ComponentSchema], BeforeValidator(_list)] = []

    @model_validator(mode="before")
    @classmethod
    def _unique_ids(cls, raw: Any) -> Any:
        seen: set[str] = set()
        for c in (raw.get("components") or []) if isinstance(raw, dict) else []:
            cid = c.get("id") if isinstance(c, dict) else None
            if cid and cid in seen:
                raise PydanticCustomError(
                    "rule_field",
                    "component {id}: id defined twice in one instrument",
                    {"id": cid, "hint": "rename one of them"},
                )
            if cid:
                seen.add(cid)
        return raw


class ChangeSchema(_Strict):
    date: Day
    add: Ids = []
    remove: Ids = []


class GroupSchema(_Strict):
    """A dated country group (explicit members, or built from other groups)."""

    id: str
    title: str | None = None
    citation: str = ""
    confidence: Conf
    valid_from: Day | None = None
    valid_to: Day | None = None
    members: Ids = []
    members_from: Ids = []
    complement_of: Ids = []
    except_: Ids = Field(default=[], alias="except")
    changes: Annotated[list[ChangeSchema], BeforeValidator(_list)] = []
    note: str = ""


class TreatedAsSchema(_Strict):
    as_: str = Field(alias="as")
    from_: Day = Field(alias="from")
    citation: str = ""
    confidence: Conf | None = None
    note: str = ""


class GroupsFileSchema(_Strict):
    groups: Annotated[list[GroupSchema], BeforeValidator(_list)] = []
    treated_as: Annotated[dict[str, TreatedAsSchema], BeforeValidator(lambda v: {} if v is None else v)] = {}


class MeasureItemsSchema(_Strict):
    names: list[list[str]] = []


class MeasureSchema(_Strict):
    """A company-specific is-informed letter."""

    id: str
    kind: str = "is_informed_letter"
    addressee: str = ""
    title: str | dict[str, str | None]
    citation: str
    effective: Day
    until: Day | None = None
    confidence: Conf
    items: MeasureItemsSchema = MeasureItemsSchema()
    destinations: SelectorSchema | None = None
    hq: SelectorSchema | None = None
    note: str = ""

    @model_validator(mode="after")
    def _english_title(self) -> MeasureSchema:
        if isinstance(self.title, dict) and not self.title.get("en"):
            raise PydanticCustomError(
                "rule_field", "title has no 'en' text", {"hint": "give title: {en: ..., ko: ..., zh: ...}"}
            )
        return self


class MeasuresFileSchema(_Strict):
    measures: Annotated[list[MeasureSchema], BeforeValidator(_list)] = []


#: A key's name as the messages say it.
_LABELS = {"op": "operator", "kind": "component kind", "item": "item kind", "policy": "review policy"}
_ENUMS: dict[str, type[StrEnum]] = {
    "op": Op,
    "quantity": Quantity,
    "kind": Kind,
    "action": Action,
    "authority": Authority,
    "confidence": Confidence,
    "item": ItemKind,
    "policy": Policy,
}


def _place(where: str, raw: Any, loc: tuple[int | str, ...]) -> tuple[str, list[str]]:
    """``where`` narrowed by the location (``…, component 3A090.a, condition 2``) and the key path left."""
    rest = list(loc)
    for section, word in (("components", "component"), ("measures", "measure"), ("groups", "country group")):
        if rest[:1] == [section] and len(rest) > 1 and isinstance(rest[1], int):
            items = raw.get(section) if isinstance(raw, dict) else None
            item = items[rest[1]] if isinstance(items, list) and rest[1] < len(items) else None
            name = item.get("id") if isinstance(item, dict) and item.get("id") else rest[1] + 1
            where = f"{where}, {word} {name!r}" if section != "components" else f"{where}, component {name}"
            raw, rest = item, rest[2:]
            break
    if rest[:1] == ["all"] and len(rest) > 1 and isinstance(rest[1], int):
        where, rest = f"{where}, condition {rest[1] + 1}", rest[2:]
    return where, [str(x) for x in rest]


def as_input_error(exc: ValidationError, where: str, raw: Any) -> InputError:
    """The first schema error as an :class:`InputError`: file and place, key, what is wrong, the fix."""
    err = exc.errors(include_url=False)[0]
    place, keys = _place(where, raw, tuple(err["loc"]))
    key = ".".join(k.rstrip("_") for k in keys)
    last = keys[-1].rstrip("_") if keys else ""
    ctx = err.get("ctx") or {}
    if err["type"] == "enum" and last in _ENUMS:
        return unknown(f"{_LABELS.get(last, last)} in {place}", str(err["input"]), tuple(_ENUMS[last]))
    if err["type"] == "missing":
        return InputError(f"{place}: missing field {key!r}", hint="see the other files in controls/rules/")
    if err["type"] == "extra_forbidden":
        return InputError(
            f"{place}: unknown key {key!r}",
            hint="check its spelling; docs/controls-beyond-chips.md and docs/controls.md list the keys",
        )
    if err["type"].startswith("rule_"):
        msg = f"{place}: {key}: {err['msg']}" if key else f"{place}: {err['msg']}"
        return InputError(msg, hint=str(ctx.get("hint", "")) or None)
    return InputError(
        f"{place}: {key}: {err['msg']} (got {err.get('input')!r})", hint="see the other files in controls/rules/"
    )


def validate(schema: type[BaseModel], raw: Any, where: str) -> Any:
    """``raw`` (as read from YAML) checked against ``schema``, or an :class:`InputError` naming ``where``."""
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise as_input_error(exc, where, raw) from None
