"""The combination rule as data: ``rules.yaml`` (or a user's file) validated by a pydantic schema.

Why a schema: the weights and thresholds are modelling choices an analyst will change; a typo
(a weight of ``0,4``, a missing threshold, a posture the rule does not know) must stop the run
with the file, the key and the fix, never fall back to a default silently.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from computestrata.errors import InputError
from computestrata.i18n import t as _t

SCHEMA_VERSION = 1
STATUSES = (
    "free",
    "exception",
    "approval",
    "license",
    "within_cap",
    "measure",
    "case_by_case",
    "indeterminate",
    "denial",
)
TIERS = ("frontier", "high", "medium", "low")
LAYERS = ("L1", "L2", "L3", "L4", "L5")
DEMAND_INDICATORS = ("gdp", "h100e")
Unit = float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Proxy(_Strict):
    segment: str
    reason: str


class TradeProducts(_Strict):
    hs6: list[str]
    segments: list[str]

    @field_validator("hs6")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not (len(c) == 6 and c.isdigit())]
        if bad:
            raise ValueError(f"HS6 codes are 6 digits in quotes; got {', '.join(map(repr, bad))}")
        return v


class Posture(_Strict):
    values: dict[str, float]
    by_tier: dict[str, str] = Field(default_factory=dict)
    by_layer: dict[str, str]
    fence_at: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _known(self) -> Posture:
        for name, v in self.values.items():
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"posture value {name}={v} must be within [0, 1]")
        for where, table in (("by_tier", self.by_tier), ("by_layer", self.by_layer)):
            for key, post in table.items():
                if post not in self.values:
                    raise ValueError(f"{where}.{key}: posture {post!r} is not one of {sorted(self.values)}")
        for t in self.by_tier:
            if t not in TIERS:
                raise ValueError(f"by_tier: unknown tier {t!r} (tiers: {', '.join(TIERS)})")
        missing = [layer for layer in LAYERS if layer not in self.by_layer]
        if missing:
            raise ValueError(f"by_layer needs every layer; missing {', '.join(missing)}")
        return self


class Weights(_Strict):
    controllability: float = Field(ge=0, le=1)
    complementarity: float = Field(ge=0, le=1)
    posture: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self) -> Weights:
        total = self.controllability + self.complementarity + self.posture
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1 (they sum to {total:g})")
        return self


class Thresholds(_Strict):
    open: float = Field(gt=0, le=1)
    limited: float = Field(ge=0, lt=1)

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.limited >= self.open:
            raise ValueError(f"limited ({self.limited}) must be below open ({self.open})")
        return self


class Gates(_Strict):
    restricted_at: float = Field(ge=0, le=1)
    limited_at: float = Field(ge=0, le=1)


class RepresentativeItem(_Strict):
    kind: Literal["chip", "hbm"]
    name: str | None = None
    spec: dict[str, float | bool] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one(self) -> RepresentativeItem:
        if (self.name is None) == (self.spec is None):
            raise ValueError("give either name (a catalogue chip) or spec (figures), not both or neither")
        return self


class ThirdWeights(_Strict):
    market: float = Field(ge=0, le=1)
    compute_gap: float = Field(ge=0, le=1)
    green: float = Field(ge=0, le=1)
    access: float = Field(ge=0, le=1)
    complement: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self) -> ThirdWeights:
        total = self.market + self.compute_gap + self.green + self.access + self.complement
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"third-market weights must sum to 1 (they sum to {total:g})")
        return self


class ThirdMarkets(_Strict):
    market_saturation: float = Field(gt=0, le=1)
    carbon_ceiling_g_per_kwh: float = Field(gt=0)
    access_segment: str
    supply_layers: list[str]
    weights: ThirdWeights
    regions: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("supply_layers")
    @classmethod
    def _layers(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if x not in LAYERS]
        if bad or not v:
            raise ValueError(f"supply_layers must be non-empty layers of {', '.join(LAYERS)}; got {v}")
        return v


class Rules(_Strict):
    """The whole combination rule (see ``rules.yaml`` for what each key means)."""

    version: int
    restriction_levels: dict[str, float]
    sensitivity: dict[str, float]
    fdp_us_tech: bool | None
    sensitivity_discount: float = Field(ge=0, le=1)
    capability_saturation: float = Field(gt=0, le=1)
    demand_saturation: float = Field(gt=0, le=1)
    demand_weight: float = Field(ge=0, le=1)
    rca_saturation: float = Field(gt=0)
    trade_products: dict[str, TradeProducts] = Field(default_factory=dict)
    capability_proxies: dict[str, Proxy] = Field(default_factory=dict)
    demand_indicators: dict[str, list[str]]
    posture: Posture
    weights: Weights
    thresholds: Thresholds
    gates: Gates
    representative_items: dict[str, RepresentativeItem] = Field(default_factory=dict)
    third_markets: ThirdMarkets

    @field_validator("version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != SCHEMA_VERSION:
            raise ValueError(f"version {v} is not supported; this release reads version {SCHEMA_VERSION}")
        return v

    @field_validator("restriction_levels")
    @classmethod
    def _levels(cls, v: dict[str, float]) -> dict[str, float]:
        missing = [s for s in STATUSES if s not in v]
        if missing:
            raise ValueError(f"missing statuses {', '.join(missing)}")
        extra = [s for s in v if s not in STATUSES]
        if extra:
            raise ValueError(f"unknown statuses {', '.join(extra)} (known: {', '.join(STATUSES)})")
        for k, x in v.items():
            if not 0.0 <= x <= 1.0:
                raise ValueError(f"{k}={x} must be within [0, 1]")
        return v

    @field_validator("sensitivity")
    @classmethod
    def _tiers(cls, v: dict[str, float]) -> dict[str, float]:
        if sorted(v) != sorted(TIERS):
            raise ValueError(f"give exactly the tiers {', '.join(TIERS)}")
        for k, x in v.items():
            if not 0.0 <= x <= 1.0:
                raise ValueError(f"{k}={x} must be within [0, 1]")
        return v

    @field_validator("demand_indicators")
    @classmethod
    def _demand(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for layer in LAYERS:
            if not v.get(layer):
                raise ValueError(f"layer {layer} needs at least one indicator ({', '.join(DEMAND_INDICATORS)})")
        for layer, names in v.items():
            if layer not in LAYERS:
                raise ValueError(f"unknown layer {layer!r}")
            bad = [n for n in names if n not in DEMAND_INDICATORS]
            if bad:
                raise ValueError(
                    f"{layer}: unknown indicators {', '.join(bad)} (known: {', '.join(DEMAND_INDICATORS)})"
                )
        return v

    @model_validator(mode="after")
    def _segments(self) -> Rules:
        from computestrata.stack.segments import segments

        ids = {s.id for s in segments()}
        for sid, p in self.capability_proxies.items():
            if sid not in ids:
                raise ValueError(f"capability_proxies: unknown segment {sid!r}")
            if p.segment not in ids:
                raise ValueError(f"capability_proxies.{sid}: unknown proxy segment {p.segment!r}")
        for group, tp in self.trade_products.items():
            for sid in tp.segments:
                if sid not in ids:
                    raise ValueError(f"trade_products.{group}: unknown segment {sid!r}")
        if self.third_markets.access_segment not in ids:
            raise ValueError(f"third_markets.access_segment: unknown segment {self.third_markets.access_segment!r}")
        for sid in self.representative_items:
            if sid not in ids:
                raise ValueError(f"representative_items: unknown segment {sid!r}")
        return self


def default_path() -> Path:
    return Path(str(resources.files("computestrata.cooperation") / "rules.yaml"))


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def parse(data: Any, where: str) -> Rules:
    """Validate loaded YAML; the error names the file, the key and the fix."""
    if not isinstance(data, dict):
        raise InputError.keyed("input.rules_not_mapping", "input.rules_file.hint", where=where)
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        errs = exc.errors()
        shown = [_problem(err) for err in errs[:MAX_PROBLEMS]]
        first = errs[0]
        key = shown[0][0]
        hint_key = {"missing": "input.rules_fix_missing", "extra_forbidden": "input.rules_fix_extra"}.get(
            first["type"], "input.rules_fix_edit"
        )
        problems = "; ".join(f"{k}: {p}" for k, p in shown)
        if len(errs) > MAX_PROBLEMS:
            problems += "; " + _t("input.rules_more", n=len(errs) - MAX_PROBLEMS)
        raise InputError.keyed(
            "input.rules_invalid", hint_key, where=where, n=len(errs), problems=problems, name=key
        ) from None


#: Problems listed in one message (every one up to this many; then how many more).
MAX_PROBLEMS = 12

_EXPECTED = {
    "int": "input.rules_type_int",
    "float": "input.rules_type_number",
    "bool": "input.rules_type_bool",
    "string": "input.rules_type_text",
    "dict": "input.rules_type_mapping",
    "list": "input.rules_type_list",
}


def _problem(err: Any) -> tuple[str, str]:
    """(key, problem) in the reader's language for one pydantic error, without pydantic's wording
    for the common kinds (a missing or unknown key, a wrong type, a bound, a choice)."""
    key = _key(err["loc"])
    kind = str(err["type"])
    ctx = err.get("ctx") or {}
    msg = str(err["msg"]).removeprefix("Value error, ")
    if not err["loc"]:
        # a whole-file check names its key at the start of the message ("trade_products.memory: …")
        head, sep, rest = msg.partition(": ")
        if sep and head and " " not in head:
            key, msg = head, rest
    if kind == "missing":
        return key, _t("input.rules_missing")
    if kind == "extra_forbidden":
        return key, _t("input.rules_extra")
    base = kind.removesuffix("_parsing").removesuffix("_type")
    if base in _EXPECTED and base != kind:
        return key, _t("input.rules_type", expected=_t(_EXPECTED[base]), value=repr(err.get("input")))
    for bound in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        if kind == bound:
            limit = next(iter(ctx.values()), "")
            return key, _t(f"input.rules_{bound}", limit=limit, value=repr(err.get("input")))
    if kind == "literal_error":
        return key, _t("input.rules_choice", choices=ctx.get("expected", ""), value=repr(err.get("input")))
    return key, msg


def load(path: Path | str | None = None) -> Rules:
    """The rules in ``path`` (default: the shipped ``rules.yaml``)."""
    if path is None:
        return _shipped()
    return _read(Path(path))


@cache
def _shipped() -> Rules:
    return _read(default_path())


def _read(path: Path) -> Rules:
    import yaml

    if path.is_dir():
        raise InputError.keyed("input.rules_file_folder", "input.rules_file.hint", path=path)
    if not path.is_file():
        raise InputError.keyed("input.rules_file_missing", "input.rules_file.hint", path=path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = _t("input.rules_yaml_at", line=mark.line + 1, column=mark.column + 1) if mark is not None else ""
        raise InputError.keyed("input.rules_yaml_broken", "input.rules_yaml_broken.hint", path=path, at=at) from None
    return parse(data, str(path))
