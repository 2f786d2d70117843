"""An index is data: a validated framework config (indicators, tree, step choices).

A framework YAML names its indicators (each an atlas facts ``variable`` or a named derived
indicator), their direction, the aggregation tree, and the choice made at every step of the
OECD/JRC handbook.  Validation is strict and loud: every problem names the YAML key path and
says how to fix it, because a silently skipped step (COINr issue #60) corrupts an index
without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from computestrata.errors import InputError, closest

IMPUTE_METHODS = (
    "none",
    "mean",
    "median",
    "group_mean",
    "group_median",
    "panel_linear",
    "panel_locf",
    "panel_latest",
    "row_mean",
    "row_median",
    "em",
)
#: panel methods (fill a unit's gap from its own other years)
PANEL_METHODS = ("panel_linear", "panel_locf", "panel_latest")
#: transforms applied to a flagged indicator (directly, or when winsorisation fails):
#: ``log`` = ``log_CT_orig`` log(x − min + 1) (our default), ``log_CT`` = COINr's default
#: log(x − min + 0.01·range), ``log_CT_plus`` (mirrored for negative skew), ``boxcox`` (λ)
LOG_TRANSFORMS = ("log", "log_CT", "log_CT_orig", "log_CT_plus", "boxcox")
OUTLIER_METHODS = ("none", "winsorise", *LOG_TRANSFORMS)
NORMALISE_METHODS = (
    "minmax",
    "zscore",
    "rank",
    "percentile",
    "dist_target",
    "dist_frontier",
    "goalposts",
    "borda",
    "ratio_ref",
    "scaled",
    "dist_ref",
    "ordinal_rank",
)
#: rank tie rules (scipy names; COINr's ``ties.method = "min"`` is ``min``)
TIE_RULES = ("average", "min", "max", "dense", "ordinal")
WEIGHT_METHODS = ("equal", "manual", "pca", "pca_signed", "entropy", "bod")
AGGREGATE_METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")
ZERO_RULES = ("error", "zero", "epsilon", "shift")
#: aggregation methods that need strictly positive inputs (log or 1/x inside)
POSITIVE_METHODS = ("geometric", "harmonic")
#: fewest Sobol points an uncertainty/sensitivity run takes (see uncertainty.check_n)
MIN_SAMPLES = 8


def _fail(path: str, problem: str, fix: str) -> InputError:
    return InputError(f"framework config: {path}: {problem}", hint=fix)


def _names(raw: Any, path: str) -> dict[str, str]:
    if isinstance(raw, str):
        return {"en": raw}
    if not isinstance(raw, Mapping) or "en" not in raw:
        raise _fail(path, "needs a name", "write `name: {en: ..., ko: ..., zh: ...}`")
    return {str(k): str(v) for k, v in raw.items()}


def _texts(raw: Any, path: str) -> dict[str, str]:
    """A text shown to people: a plain (English) string or a ``{en:, ko:, zh:}`` map."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        return {"en": raw}
    if not isinstance(raw, Mapping) or "en" not in raw:
        raise _fail(path, "must be a text or a map of languages", "write `text` or `{en: ..., ko: ..., zh: ...}`")
    return {str(k): str(v) for k, v in raw.items()}


def in_lang(texts: Mapping[str, str], lang: str = "en") -> str:
    """A text in ``lang``, English if it is not translated, "" if there is none."""
    return texts.get(lang) or texts.get("en", "")


def _choice(value: Any, choices: Sequence[str], path: str) -> str:
    text = str(value)
    if choices is IMPUTE_METHODS and text.startswith("custom:") and len(text) > 7:
        return text  # a registered Python function (impute.register), checked when used
    if text not in choices:
        near = ", ".join(closest(text, choices, 3))
        raise _fail(path, f"unknown choice {text!r}", f"use one of {', '.join(choices)} (closest: {near})")
    return text


def _number(value: Any, path: str, positive: bool = False) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise _fail(path, f"{value!r} is not a number", "write a plain number") from None
    if positive and not out > 0:
        raise _fail(path, f"{value!r} must be > 0", "use a positive number")
    return out


def _count(value: Any, path: str, low: int) -> int:
    """A whole number of at least ``low`` (counts: samples, draws, points, years)."""
    out = _number(value, path)
    if out != int(out) or out < low:
        raise _fail(path, f"{value!r} is not a whole number of at least {low}", f"use a whole number >= {low}")
    return int(out)


def _unknown_keys(raw: Mapping[str, Any], allowed: Sequence[str], path: str) -> None:
    for key in raw:
        if key not in allowed:
            near = ", ".join(closest(str(key), allowed, 3))
            raise _fail(f"{path}.{key}", "unknown key", f"remove it or use one of: {near}")


@dataclass(frozen=True)
class Indicator:
    """One indicator: where its values come from and which way is better."""

    id: str
    name: dict[str, str]
    source: str
    parent: str
    direction: int = 1
    weight: float = 1.0
    stands_for: dict[str, str] = field(default_factory=dict)  # per language
    denominator: str | None = None
    target: float | None = None
    goalposts: tuple[float, float] | None = None
    available: bool = True
    unavailable_reason: dict[str, str] = field(default_factory=dict)  # per language
    scale: float = 1.0  # denominated value = value / denominator × scale
    normalise: dict[str, Any] | None = None  # per-indicator method and parameters
    treat: dict[str, Any] | None = None  # per-indicator outlier treatment ("none", forced winsorising…)
    impute: str | None = None  # per-indicator imputation method

    @property
    def derived(self) -> str | None:
        """Name of the derived indicator (``derived:NAME`` sources), else None."""
        return self.source.split(":", 1)[1] if self.source.startswith("derived:") else None


@dataclass(frozen=True)
class Aggregate:
    """A node of the tree above the indicators (pillar, sub-index, index)."""

    id: str
    name: dict[str, str]
    parent: str | None
    weight: float = 1.0
    method: str | None = None  # overrides the level's method (mixed methods within a level)
    weights: str | None = None  # overrides the level's weighting method
    thin: dict[str, str] = field(default_factory=dict)  # why the pillar is thin, per language

    def thin_note(self, lang: str = "en") -> str:
        """The thin-pillar note in ``lang`` (English if not translated, "" if none)."""
        return in_lang(self.thin, lang)


@dataclass(frozen=True)
class Steps:
    """The choice made at each handbook step (the nominal index)."""

    min_unit_coverage: float = 0.66
    min_indicator_coverage: float = 0.66
    impute: str = "mean"
    impute_group: str | None = None
    impute_panel: str | None = None  # panel fill before everything (stale series carried)
    panel_max_age: int | None = None  # years a panel fill may reach from an observation
    outliers: str = "winsorise"
    skew: float = 2.0
    kurtosis: float = 3.5
    max_points: int = 5
    outlier_fallback: str = "log"
    boxcox_lambda: float = 0.5
    force_winsorise: bool = False
    normalise: str = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    centre: float = 0.0
    spread: float = 1.0
    reference_unit: str | None = None
    panel_bounds: str = "by_year"  # or "global": one set of normalisation bounds for all years
    ties: str = "average"  # rank tie rule for rank/percentile (COINr: min)
    cap: bool = True  # dist_target / dist_ref: cap scores at the target (COINr default: no cap)
    trunc: bool = True  # goalposts: clip to the posts (COINr trunc2posts, default yes)
    scaled: tuple[float, float, float] = (0.0, 100.0, 100.0)  # n_scaled: low, high, scale factor
    weights: str = "manual"
    weights_by_level: dict[int, str] = field(default_factory=dict)
    aggregate: str = "arithmetic"
    aggregate_by_level: dict[int, str] = field(default_factory=dict)
    power: float = 2.0
    zeros: str = "error"
    epsilon: float = 1e-6
    min_coverage: float = 0.5
    power_by_level: dict[int, float] = field(default_factory=dict)
    min_coverage_by_level: dict[int, float] = field(default_factory=dict)
    coverage: str = "weight"  # or "count": share of children present, not of their weight
    weight_set: str | None = None  # a named set from the framework's ``weight_sets``
    min_unit_nonzero: float = 0.0  # screen: share of non-zero values a unit needs (COINr nonzero_thresh)
    include_units: tuple[str, ...] = ()  # screen: kept whatever their coverage
    exclude_units: tuple[str, ...] = ()  # screen: removed whatever their coverage
    screen_after: bool = False  # screen: on the imputed data (COINr Screen(dset = "Imputed"))

    def power_at(self, level: int) -> float:
        return self.power_by_level.get(level, self.power)

    def coverage_at(self, level: int) -> float:
        return self.min_coverage_by_level.get(level, self.min_coverage)

    def weights_at(self, level: int) -> str:
        return self.weights_by_level.get(level, self.weights)

    def aggregate_at(self, level: int) -> str:
        return self.aggregate_by_level.get(level, self.aggregate)


@dataclass(frozen=True)
class Uncertainty:
    """Which choices vary in the Monte Carlo / Sobol analysis, and how."""

    n: int = 1024
    seed: int = 1
    impute: tuple[str, ...] = ()
    normalise: tuple[str, ...] = ()
    aggregate: dict[int, tuple[str, ...]] = field(default_factory=dict)
    weight_noise: float = 0.0
    weight_sets: int = 100
    weight_levels: tuple[int, ...] = ()
    data_draws: int = 0  # 0 = no data noise; else draws from p5/p95 bands
    #: levels whose aggregation method is one factor (switched together), e.g. ((2, 3),)
    tied: tuple[tuple[int, ...], ...] = ()
    #: any step parameter before aggregation: path (see PARAM_PATHS) → its values
    params: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    #: named weight sets to choose among (the nominal weights are level 0), all levels at once
    weight_set_names: tuple[str, ...] = ()

    def agg_factor(self, level: int) -> str | None:
        """The name of the factor that switches ``level``'s aggregation (None: not varied)."""
        ch = self.aggregate.get(level)
        if not ch or len(ch) < 2:
            return None
        group = next((g for g in self.tied if level in g), (level,))
        return "aggregate_L" + "+".join(str(v) for v in group)

    def factor_names(self) -> list[str]:
        """Names of the active factors, in sampling order."""
        names = []
        if len(self.impute) > 1:
            names.append("impute")
        if len(self.normalise) > 1:
            names.append("normalise")
        names.extend(f"param:{p}" for p in self.params)
        for lvl in sorted(self.aggregate):
            name = self.agg_factor(lvl)
            if name is not None and name not in names:
                names.append(name)
        if self.weight_noise > 0:
            names.extend(f"weights_L{lvl}" for lvl in self.weight_levels)
        if self.weight_set_names:
            names.append("weight_set")
        if self.data_draws > 0:
            names.append("data")
        return names


@dataclass(frozen=True)
class Framework:
    """A validated index: indicators, aggregation tree, step choices, uncertainty spec."""

    id: str
    name: dict[str, str]
    description: dict[str, str]  # per language
    indicators: tuple[Indicator, ...]
    aggregates: tuple[Aggregate, ...]
    steps: Steps
    uncertainty: Uncertainty
    units: tuple[str, ...] | None = None
    origin: str = ""
    #: the published index this framework is an open-data analogue of, per language (empty: none)
    analogue_of: dict[str, str] = field(default_factory=dict)
    #: named weight sets: set name → {node id: weight} (COINr ``coin$Meta$Weights``)
    weight_sets: dict[str, dict[str, float]] = field(default_factory=dict)

    # --- tree helpers -------------------------------------------------------------------
    @property
    def root(self) -> Aggregate:
        return next(a for a in self.aggregates if a.parent is None)

    @property
    def active(self) -> tuple[Indicator, ...]:
        """Indicators with data (declared-unavailable ones are listed, not used)."""
        return tuple(i for i in self.indicators if i.available)

    def children(self, node: str, active_only: bool = True) -> list[str]:
        inds = self.active if active_only else self.indicators
        kids = [i.id for i in inds if i.parent == node]
        kids += [a.id for a in self.aggregates if a.parent == node]
        return kids

    def level_of(self, node: str) -> int:
        """1 for indicators, 2 for their parents, … up to the root."""
        if any(i.id == node for i in self.indicators):
            return 1
        kids = self.children(node, active_only=False)
        return 1 + max(self.level_of(k) for k in kids)

    @property
    def n_levels(self) -> int:
        return self.level_of(self.root.id)

    def nodes_at(self, level: int) -> list[str]:
        if level == 1:
            return [i.id for i in self.active]
        return [a.id for a in self.aggregates if self.level_of(a.id) == level]

    def aggregate(self, node: str) -> Aggregate:
        return next(a for a in self.aggregates if a.id == node)

    def indicator(self, ind: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ind)

    def weight_of(self, node: str) -> float:
        chosen = self.weight_sets.get(self.steps.weight_set or "", {})
        if node in chosen:
            return chosen[node]
        for i in self.indicators:
            if i.id == node:
                return i.weight
        return self.aggregate(node).weight

    def name_of(self, node: str, lang: str = "en") -> str:
        for i in self.indicators:
            if i.id == node:
                return i.name.get(lang) or i.name["en"]
        a = self.aggregate(node)
        return a.name.get(lang) or a.name["en"]

    def method_at(self, node: str) -> str:
        agg = self.aggregate(node)
        return agg.method or self.steps.aggregate_at(self.level_of(node))

    def thin_pillars(self, lang: str = "en") -> list[dict[str, Any]]:
        """Aggregates with fewer than two available indicators below them, or declared thin
        (``note`` in ``lang``)."""
        out = []
        for a in self.aggregates:
            if a.parent is None:
                continue
            below = self.indicators_below(a.id)
            have = [i for i in below if i.available]
            if len(have) < 2 or a.thin:
                out.append(
                    {
                        "node": a.id,
                        "available": len(have),
                        "declared": len(below),
                        "missing": [i.id for i in below if not i.available],
                        "note": a.thin_note(lang),
                    }
                )
        return out

    def undocumented_thin_pillars(self) -> list[str]:
        """Pillars with fewer than two available indicators but no ``thin:`` note: a shipped
        framework documents every thin pillar it has (a well-covered one needs none)."""
        return [
            a.id
            for a in self.aggregates
            if a.parent is not None and not a.thin and sum(i.available for i in self.indicators_below(a.id)) < 2
        ]

    def unavailable(self, lang: str = "en") -> list[tuple[str, str]]:
        """Declared indicators open data cannot fill: (id, reason in ``lang``)."""
        return [(i.id, in_lang(i.unavailable_reason, lang)) for i in self.indicators if not i.available]

    def indicators_below(self, node: str) -> list[Indicator]:
        """Every indicator under ``node`` (available or not), at any depth."""
        out = [i for i in self.indicators if i.parent == node]
        for a in self.aggregates:
            if a.parent == node:
                out += self.indicators_below(a.id)
        return out


# --- parsing ------------------------------------------------------------------------------


def _parse_indicator(raw: Any, k: int) -> Indicator:
    path = f"indicators[{k}]"
    if not isinstance(raw, Mapping):
        raise _fail(path, "must be a mapping", "write `- id: ...` with name, source, parent")
    allowed = (
        "id",
        "name",
        "source",
        "parent",
        "direction",
        "weight",
        "stands_for",
        "denominator",
        "target",
        "goalposts",
        "available",
        "unavailable_reason",
        "unit",
        "scale",
        "normalise",
        "treat",
        "impute",
    )
    _unknown_keys(raw, allowed, path)
    for key in ("id", "parent"):
        if not raw.get(key):
            raise _fail(f"{path}.{key}", "is missing", f"give the indicator a `{key}`")
    ind_id = str(raw["id"])
    path = f"indicators[{k}] ({ind_id})"
    direction = raw.get("direction", 1)
    if direction not in (1, -1):
        raise _fail(
            f"{path}.direction", f"{direction!r} is not 1 or -1", "use 1 (higher is better) or -1 (lower is better)"
        )
    gp = raw.get("goalposts")
    goalposts = None
    if gp is not None:
        if not isinstance(gp, Sequence) or len(gp) != 2:
            raise _fail(f"{path}.goalposts", "needs two numbers", "write `goalposts: [low, high]`")
        goalposts = (_number(gp[0], f"{path}.goalposts[0]"), _number(gp[1], f"{path}.goalposts[1]"))
        if goalposts[1] <= goalposts[0]:
            raise _fail(f"{path}.goalposts", "high must exceed low", "swap the two numbers")
    available = bool(raw.get("available", True))
    reason = _texts(raw.get("unavailable_reason"), f"{path}.unavailable_reason")
    if not available and not reason:
        raise _fail(f"{path}.unavailable_reason", "is missing", "say why the indicator has no open data")
    return Indicator(
        id=ind_id,
        name=_names(raw.get("name", ind_id), f"{path}.name"),
        source=str(raw.get("source") or "data"),
        parent=str(raw["parent"]),
        direction=int(direction),
        weight=_number(raw.get("weight", 1.0), f"{path}.weight"),
        stands_for=_texts(raw.get("stands_for"), f"{path}.stands_for"),
        denominator=str(raw["denominator"]) if raw.get("denominator") else None,
        target=None if raw.get("target") is None else _number(raw["target"], f"{path}.target"),
        goalposts=goalposts,
        available=available,
        unavailable_reason=reason,
        scale=_number(raw.get("scale", 1.0), f"{path}.scale", positive=True),
        normalise=_spec(raw.get("normalise"), NORMALISE_METHODS, f"{path}.normalise"),
        treat=_spec(raw.get("treat"), ("none", "winsorise", *LOG_TRANSFORMS), f"{path}.treat"),
        impute=_choice(raw["impute"], IMPUTE_METHODS, f"{path}.impute") if raw.get("impute") else None,
    )


#: parameters a per-indicator ``normalise:`` / ``treat:`` spec may carry
SPEC_KEYS = (
    "method",
    "range",
    "ties",
    "cap",
    "trunc",
    "scaled",
    "centre",
    "spread",
    "max_points",
    "skew",
    "kurtosis",
    "fallback",
    "force",
    "lambda",
)


def _spec(raw: Any, methods: Sequence[str], path: str) -> dict[str, Any] | None:
    """A per-indicator step spec: a method name, or ``{method: ..., <parameters>}``."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return {"method": _choice(raw, methods, path)}
    if not isinstance(raw, Mapping) or "method" not in raw:
        raise _fail(
            path, "must be a method name or a mapping with `method:`", "e.g. `{method: goalposts, trunc: false}`"
        )
    _unknown_keys(raw, SPEC_KEYS, path)
    out = dict(raw)
    out["method"] = _choice(raw["method"], methods, f"{path}.method")
    if "ties" in out:
        out["ties"] = _choice(out["ties"], TIE_RULES, f"{path}.ties")
    if "fallback" in out:
        out["fallback"] = _choice(out["fallback"], ("none", *LOG_TRANSFORMS), f"{path}.fallback")
    for key in ("max_points", "skew", "kurtosis", "lambda", "centre", "spread"):
        if key in out:
            out[key] = _number(out[key], f"{path}.{key}")
    for key in ("range", "scaled"):
        if key in out:
            v = out[key]
            if not isinstance(v, Sequence) or len(v) not in (2, 3):
                raise _fail(f"{path}.{key}", "needs two (or, for scaled, three) numbers", "e.g. `[0, 100]`")
            out[key] = tuple(_number(x, f"{path}.{key}") for x in v)
    return out


def _parse_aggregate(raw: Any, k: int) -> Aggregate:
    path = f"aggregates[{k}]"
    if not isinstance(raw, Mapping) or not raw.get("id"):
        raise _fail(path, "needs an id", "write `- id: ...` with name and parent")
    _unknown_keys(raw, ("id", "name", "parent", "weight", "method", "weights", "thin"), path)
    agg_id = str(raw["id"])
    path = f"aggregates[{k}] ({agg_id})"
    method = raw.get("method")
    wmethod = raw.get("weights")
    return Aggregate(
        id=agg_id,
        name=_names(raw.get("name", agg_id), f"{path}.name"),
        parent=str(raw["parent"]) if raw.get("parent") else None,
        weight=_number(raw.get("weight", 1.0), f"{path}.weight"),
        method=_choice(method, AGGREGATE_METHODS, f"{path}.method") if method else None,
        weights=_choice(wmethod, WEIGHT_METHODS, f"{path}.weights") if wmethod else None,
        thin=_texts(raw.get("thin"), f"{path}.thin"),
    )


def _by_level(raw: Any, choices: Sequence[str], path: str) -> dict[int, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(path, "must map level numbers to methods", "write `by_level: {3: geometric}`")
    out = {}
    for lvl, m in raw.items():
        try:
            level = int(lvl)
        except (TypeError, ValueError):
            raise _fail(f"{path}.{lvl}", "is not a level number", "use 2, 3, ...") from None
        out[level] = _choice(m, choices, f"{path}.{lvl}")
    return out


def _flag(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail(path, f"{value!r} is not true or false", "write `true` or `false`")


def _strings(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(path, "must be a list", "write `[USA, CHN]`")
    return tuple(str(v) for v in value)


def _level_map(raw: Any, path: str) -> dict[int, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(path, "must map level numbers to values", "e.g. `{2: 0.5, 3: 1}`")
    out: dict[int, Any] = {}
    for lvl, v in raw.items():
        try:
            out[int(lvl)] = v
        except (TypeError, ValueError):
            raise _fail(f"{path}.{lvl}", "is not a level number", "use 2, 3, ...") from None
    return out


def _parse_steps(raw: Any) -> Steps:
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise _fail("steps", "must be a mapping", "see frameworks/gci.yaml for an example")
    _unknown_keys(raw, ("screen", "impute", "outliers", "normalise", "weights", "aggregate"), "steps")
    sc = raw.get("screen") or {}
    im = raw.get("impute") or {}
    ou = raw.get("outliers") or {}
    no = raw.get("normalise") or {}
    we = raw.get("weights") or {}
    ag = raw.get("aggregate") or {}
    _unknown_keys(
        sc,
        ("min_unit_coverage", "min_indicator_coverage", "min_unit_nonzero", "include", "exclude", "when"),
        "steps.screen",
    )
    _unknown_keys(im, ("method", "group", "panel", "max_age"), "steps.impute")
    _unknown_keys(ou, ("method", "skew", "kurtosis", "max_points", "fallback", "lambda", "force"), "steps.outliers")
    _unknown_keys(
        no,
        ("method", "range", "centre", "spread", "reference_unit", "panel_bounds", "ties", "cap", "trunc", "scaled"),
        "steps.normalise",
    )
    _unknown_keys(we, ("method", "by_level", "set"), "steps.weights")
    _unknown_keys(
        ag,
        (
            "method",
            "by_level",
            "power",
            "zeros",
            "epsilon",
            "min_coverage",
            "power_by_level",
            "min_coverage_by_level",
            "coverage",
        ),
        "steps.aggregate",
    )
    scaled = no.get("scaled", [0, 100, 100])
    if not isinstance(scaled, Sequence) or len(scaled) != 3:
        raise _fail("steps.normalise.scaled", "needs three numbers", "write `scaled: [low, high, scale_factor]`")
    rng = no.get("range", [0, 100])
    if not isinstance(rng, Sequence) or len(rng) != 2:
        raise _fail("steps.normalise.range", "needs two numbers", "write `range: [1, 100]`")
    lo, hi = _number(rng[0], "steps.normalise.range[0]"), _number(rng[1], "steps.normalise.range[1]")
    if hi <= lo:
        raise _fail("steps.normalise.range", "top must exceed bottom", "e.g. `range: [1, 100]`")
    impute = _choice(im.get("method", "mean"), IMPUTE_METHODS, "steps.impute.method")
    group = im.get("group")
    if impute.startswith("group_") and not group:
        raise _fail(
            "steps.impute.group",
            f"{impute} needs a grouping",
            "write `group: income_group` (a unit attribute given with the data)",
        )
    steps = Steps(
        min_unit_coverage=_number(sc.get("min_unit_coverage", 0.66), "steps.screen.min_unit_coverage"),
        min_indicator_coverage=_number(sc.get("min_indicator_coverage", 0.66), "steps.screen.min_indicator_coverage"),
        impute=impute,
        impute_group=str(group) if group else None,
        impute_panel=_choice(im["panel"], PANEL_METHODS, "steps.impute.panel") if im.get("panel") else None,
        panel_max_age=_count(im["max_age"], "steps.impute.max_age", 0) if im.get("max_age") is not None else None,
        outliers=_choice(ou.get("method", "winsorise"), OUTLIER_METHODS, "steps.outliers.method"),
        skew=_number(ou.get("skew", 2.0), "steps.outliers.skew", positive=True),
        kurtosis=_number(ou.get("kurtosis", 3.5), "steps.outliers.kurtosis"),
        max_points=_count(ou.get("max_points", 5), "steps.outliers.max_points", 0),
        outlier_fallback=_choice(ou.get("fallback", "log"), ("none", *LOG_TRANSFORMS), "steps.outliers.fallback"),
        boxcox_lambda=_number(ou.get("lambda", 0.5), "steps.outliers.lambda"),
        force_winsorise=_flag(ou.get("force", False), "steps.outliers.force"),
        normalise=_choice(no.get("method", "minmax"), NORMALISE_METHODS, "steps.normalise.method"),
        range=(lo, hi),
        centre=_number(no.get("centre", 0.0), "steps.normalise.centre"),
        spread=_number(no.get("spread", 1.0), "steps.normalise.spread", positive=True),
        reference_unit=str(no["reference_unit"]) if no.get("reference_unit") else None,
        panel_bounds=_choice(no.get("panel_bounds", "by_year"), ("by_year", "global"), "steps.normalise.panel_bounds"),
        ties=_choice(no.get("ties", "average"), TIE_RULES, "steps.normalise.ties"),
        cap=_flag(no.get("cap", True), "steps.normalise.cap"),
        trunc=_flag(no.get("trunc", True), "steps.normalise.trunc"),
        scaled=(
            _number(scaled[0], "steps.normalise.scaled[0]"),
            _number(scaled[1], "steps.normalise.scaled[1]"),
            _number(scaled[2], "steps.normalise.scaled[2]"),
        ),
        weights=_choice(we.get("method", "manual"), WEIGHT_METHODS, "steps.weights.method"),
        weights_by_level=_by_level(we.get("by_level"), WEIGHT_METHODS, "steps.weights.by_level"),
        aggregate=_choice(ag.get("method", "arithmetic"), AGGREGATE_METHODS, "steps.aggregate.method"),
        aggregate_by_level=_by_level(ag.get("by_level"), AGGREGATE_METHODS, "steps.aggregate.by_level"),
        power=_number(ag.get("power", 2.0), "steps.aggregate.power"),
        zeros=_choice(ag.get("zeros", "error"), ZERO_RULES, "steps.aggregate.zeros"),
        epsilon=_number(ag.get("epsilon", 1e-6), "steps.aggregate.epsilon", positive=True),
        min_coverage=_number(ag.get("min_coverage", 0.5), "steps.aggregate.min_coverage"),
        power_by_level={
            lvl: _number(v, f"steps.aggregate.power_by_level.{lvl}")
            for lvl, v in _level_map(ag.get("power_by_level"), "steps.aggregate.power_by_level").items()
        },
        min_coverage_by_level={
            lvl: _number(v, f"steps.aggregate.min_coverage_by_level.{lvl}")
            for lvl, v in _level_map(ag.get("min_coverage_by_level"), "steps.aggregate.min_coverage_by_level").items()
        },
        coverage=_choice(ag.get("coverage", "weight"), ("weight", "count"), "steps.aggregate.coverage"),
        weight_set=str(we["set"]) if we.get("set") else None,
        min_unit_nonzero=_number(sc.get("min_unit_nonzero", 0.0), "steps.screen.min_unit_nonzero"),
        include_units=_strings(sc.get("include"), "steps.screen.include"),
        exclude_units=_strings(sc.get("exclude"), "steps.screen.exclude"),
        screen_after=_choice(sc.get("when", "before"), ("before", "after"), "steps.screen.when") == "after",
    )
    both = set(steps.include_units) & set(steps.exclude_units)
    if both:
        raise _fail("steps.screen", f"unit(s) {', '.join(sorted(both))} both included and excluded", "keep one list")
    for lvl, v in steps.min_coverage_by_level.items():
        if not 0 <= v <= 1:
            raise _fail(f"steps.aggregate.min_coverage_by_level.{lvl}", f"{v} is not a share", "use 0 to 1")
    for name in ("min_unit_coverage", "min_indicator_coverage", "min_coverage", "min_unit_nonzero"):
        v = getattr(steps, name)
        if not 0 <= v <= 1:
            raise _fail(f"steps.*.{name}", f"{v} is not a share", "use a number from 0 to 1")
    return steps


#: step parameters an uncertainty run may vary (before aggregation) → the Steps field
PARAM_PATHS = {
    "outliers.max_points": "max_points",
    "outliers.skew": "skew",
    "outliers.kurtosis": "kurtosis",
    "outliers.fallback": "outlier_fallback",
    "outliers.lambda": "boxcox_lambda",
    "normalise.range": "range",
    "normalise.ties": "ties",
    "normalise.cap": "cap",
    "normalise.trunc": "trunc",
    "normalise.centre": "centre",
    "normalise.spread": "spread",
    "normalise.scaled": "scaled",
    "indicators.exclude": "",  # lists of indicators left out (indicator-set uncertainty)
}


def _param_values(path: str, raw: Any) -> tuple[Any, ...]:
    """The values one varied parameter takes: a list, or ``{uniform: [low, high], levels: k}``
    (a continuous distribution, sampled at the k midpoints of equal-probability bins)."""
    where = f"uncertainty.factors.params.{path}"
    if path not in PARAM_PATHS:
        near = ", ".join(closest(path, list(PARAM_PATHS), 3))
        raise _fail(where, "is not a parameter that can vary", f"use one of {', '.join(PARAM_PATHS)} (closest: {near})")
    if isinstance(raw, Mapping):
        _unknown_keys(raw, ("uniform", "levels"), where)
        lo_hi = raw.get("uniform")
        if not isinstance(lo_hi, Sequence) or len(lo_hi) != 2:
            raise _fail(f"{where}.uniform", "needs [low, high]", "e.g. `{uniform: [1.5, 3], levels: 8}`")
        lo, hi = _number(lo_hi[0], f"{where}.uniform[0]"), _number(lo_hi[1], f"{where}.uniform[1]")
        k = _count(raw.get("levels", 8), f"{where}.levels", 2)
        vals: tuple[Any, ...] = tuple(lo + (hi - lo) * (i + 0.5) / k for i in range(k))
        if path == "outliers.max_points":
            vals = tuple(sorted({round(v) for v in vals}))
        return vals
    if not isinstance(raw, Sequence) or isinstance(raw, str) or len(raw) < 2:
        raise _fail(where, "needs a list of at least two values", "e.g. `[3, 5, 7]`")
    out: list[Any] = []
    for k, v in enumerate(raw):
        at = f"{where}[{k}]"
        if path in ("normalise.range", "normalise.scaled"):
            n = 2 if path == "normalise.range" else 3
            if not isinstance(v, Sequence) or len(v) != n:
                raise _fail(at, f"needs {n} numbers", "e.g. `[0, 100]`")
            out.append(tuple(_number(x, at) for x in v))
        elif path == "indicators.exclude":
            out.append(_strings(v, at))
        elif path == "normalise.ties":
            out.append(_choice(v, TIE_RULES, at))
        elif path == "outliers.fallback":
            out.append(_choice(v, ("none", *LOG_TRANSFORMS), at))
        elif path in ("normalise.cap", "normalise.trunc"):
            out.append(_flag(v, at))
        elif path == "outliers.max_points":
            out.append(_count(v, at, 0))
        else:
            out.append(_number(v, at))
    return tuple(out)


def _parse_uncertainty(raw: Any, steps: Steps) -> Uncertainty:
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise _fail("uncertainty", "must be a mapping", "see frameworks/gci.yaml")
    _unknown_keys(raw, ("n", "seed", "factors"), "uncertainty")
    fac = raw.get("factors") or {}
    _unknown_keys(
        fac,
        ("impute", "normalise", "aggregate", "weights", "data_noise", "params", "weight_sets"),
        "uncertainty.factors",
    )
    imp = tuple(
        _choice(m, IMPUTE_METHODS, f"uncertainty.factors.impute[{k}]") for k, m in enumerate(fac.get("impute") or [])
    )
    nor = tuple(
        _choice(m, NORMALISE_METHODS, f"uncertainty.factors.normalise[{k}]")
        for k, m in enumerate(fac.get("normalise") or [])
    )
    agg: dict[int, tuple[str, ...]] = {}
    ag_raw = fac.get("aggregate") or {}
    if not isinstance(ag_raw, Mapping):
        raise _fail(
            "uncertainty.factors.aggregate",
            "must map levels to method lists",
            "write `aggregate: {3: [arithmetic, geometric]}`",
        )
    tied: list[tuple[int, ...]] = []
    for lvl, ms in ag_raw.items():
        try:  # "2+3": one switch for both levels (COINr cannot tie them)
            group = tuple(int(v) for v in str(lvl).split("+"))
        except ValueError:
            raise _fail(f"uncertainty.factors.aggregate.{lvl}", "is not a level", "write `3` or `2+3`") from None
        methods = tuple(_choice(m, AGGREGATE_METHODS, f"uncertainty.factors.aggregate.{lvl}") for m in ms)
        for level in group:
            if level in agg:
                raise _fail(f"uncertainty.factors.aggregate.{lvl}", f"level {level} is varied twice", "list it once")
            agg[level] = methods
        if len(group) > 1:
            tied.append(group)
    praw = fac.get("params") or {}
    if not isinstance(praw, Mapping):
        raise _fail("uncertainty.factors.params", "must map parameters to values", "e.g. `{outliers.skew: [2, 3]}`")
    params = {str(p): _param_values(str(p), v) for p, v in praw.items()}
    wsets = _strings(fac.get("weight_sets"), "uncertainty.factors.weight_sets")
    we = fac.get("weights") or {}
    _unknown_keys(we, ("noise", "sets", "levels"), "uncertainty.factors.weights")
    dn = fac.get("data_noise") or {}
    _unknown_keys(dn, ("draws",), "uncertainty.factors.data_noise")
    return Uncertainty(
        n=_count(raw.get("n", 1024), "uncertainty.n", MIN_SAMPLES),
        seed=int(raw.get("seed", 1)),
        impute=imp,
        normalise=nor,
        aggregate=agg,
        weight_noise=_number(we.get("noise", 0.0), "uncertainty.factors.weights.noise"),
        weight_sets=_count(we.get("sets", 100), "uncertainty.factors.weights.sets", 1),
        weight_levels=tuple(int(v) for v in we.get("levels", [])),
        data_draws=_count(dn.get("draws", 0), "uncertainty.factors.data_noise.draws", 0),
        tied=tuple(tied),
        params=params,
        weight_set_names=wsets,
    )


def _check_tree(fw: Framework) -> None:
    ids = [i.id for i in fw.indicators] + [a.id for a in fw.aggregates]
    dup = sorted({x for x in ids if ids.count(x) > 1})
    if dup:
        raise _fail(
            "indicators/aggregates",
            f"duplicate id(s) {', '.join(dup)}",
            "give every indicator and aggregate its own id",
        )
    roots = [a.id for a in fw.aggregates if a.parent is None]
    if len(roots) != 1:
        raise _fail(
            "aggregates",
            f"needs exactly one root (no parent), found {roots or 'none'}",
            "give every aggregate but the index itself a `parent`",
        )
    agg_ids = [a.id for a in fw.aggregates]
    links: list[tuple[str, str | None]] = [(i.id, i.parent) for i in fw.indicators]
    links += [(a.id, a.parent) for a in fw.aggregates]
    for node_id, parent in links:
        if parent is not None and parent not in agg_ids:
            raise _fail(
                f"{node_id}.parent",
                f"{parent!r} is not an aggregate id",
                f"closest: {', '.join(closest(parent, agg_ids, 3))}",
            )
    for a in fw.aggregates:  # a cycle in the aggregates is an orphan branch: it never reaches the root
        seen_up: list[str] = []
        walk_up: str | None = a.id
        while walk_up is not None:
            if walk_up in seen_up:
                loop = " → ".join([*seen_up[seen_up.index(walk_up) :], walk_up])
                raise _fail(
                    f"aggregates ({a.id}).parent",
                    f"the tree has a cycle ({loop}), so {a.id} never reaches the root {roots[0]}",
                    "fix the `parent` links so that every aggregate leads up to the root",
                )
            seen_up.append(walk_up)
            walk_up = fw.aggregate(walk_up).parent
    for a in fw.aggregates:
        if not fw.children(a.id, active_only=False):
            raise _fail(
                f"aggregates ({a.id})",
                "has no children",
                "point at least one indicator or aggregate at it with `parent:`",
            )
    # every indicator must sit at the same depth: levels must be well defined
    depth: dict[str, int] = {}
    for ind in fw.indicators:
        d, up = 1, ind.parent
        seen: set[str] = set()
        walk: str | None = up
        while walk is not None:
            if walk in seen:
                raise _fail(f"aggregates ({walk})", "is part of a cycle", "fix the `parent` links")
            seen.add(walk)
            d += 1
            walk = fw.aggregate(walk).parent
        depth[ind.id] = d
    if len(set(depth.values())) > 1:
        raise _fail(
            "indicators",
            f"indicators sit at different depths {depth}",
            "every indicator must be the same number of steps below the root",
        )
    # loud incompatibilities of step choices
    s = fw.steps
    node_ids = set(ids)
    for set_name, wset in fw.weight_sets.items():
        for node in wset:
            if node not in node_ids:
                raise _fail(
                    f"weight_sets.{set_name}.{node}",
                    "is not an indicator or aggregate id",
                    f"closest: {', '.join(closest(node, sorted(node_ids), 3))}",
                )
    if s.weight_set is not None and s.weight_set not in fw.weight_sets:
        raise _fail(
            "steps.weights.set",
            f"no weight set {s.weight_set!r}",
            f"name one of the framework's `weight_sets`: {', '.join(fw.weight_sets) or '(none defined)'}",
        )
    for a in fw.aggregates:
        if (a.weights or s.weights_at(fw.level_of(a.id))) != "manual":
            continue
        kids = fw.children(a.id)
        ws = [fw.weight_of(k) for k in kids]
        if kids and not sum(ws) > 0:
            where = f"weight_sets.{s.weight_set}" if s.weight_set else "weight"
            raise _fail(
                f"aggregates ({a.id})",
                f"the weights of its children {', '.join(kids)} sum to {sum(ws):g} ({where})",
                "give at least one child a positive `weight:` (weights are shares, so they cannot sum to zero)",
            )
        neg = [k for k, w in zip(kids, ws, strict=True) if w < 0]
        if neg:
            raise _fail(f"aggregates ({a.id})", f"negative weight for {', '.join(neg)}", "use weights >= 0")
    for ind in fw.active:
        if s.normalise == "dist_target" and ind.target is None:
            raise _fail(
                f"indicators ({ind.id}).target",
                "dist_target normalisation needs a target",
                "add `target: <value>` to the indicator",
            )
        if s.normalise == "goalposts" and ind.goalposts is None:
            raise _fail(
                f"indicators ({ind.id}).goalposts",
                "goalposts normalisation needs goalposts",
                "add `goalposts: [low, high]` to the indicator",
            )
    if s.normalise == "ratio_ref" and not s.reference_unit:
        raise _fail("steps.normalise.reference_unit", "ratio_ref needs a reference unit", "write `reference_unit: USA`")
    u = fw.uncertainty
    for name in u.weight_set_names:
        if name not in fw.weight_sets:
            raise _fail(
                "uncertainty.factors.weight_sets",
                f"no weight set {name!r}",
                f"define it under `weight_sets` (have: {', '.join(fw.weight_sets) or 'none'})",
            )
    if u.weight_set_names and u.weight_noise > 0:
        raise _fail("uncertainty.factors", "weight noise and named weight sets together", "vary one of them")
    for k, excluded in enumerate(u.params.get("indicators.exclude", ())):
        for ind in excluded:
            if ind not in {i.id for i in fw.active}:
                raise _fail(
                    f"uncertainty.factors.params.indicators.exclude[{k}]",
                    f"{ind!r} is not an available indicator",
                    f"closest: {', '.join(closest(ind, [i.id for i in fw.active], 3))}",
                )
    for lvl in u.aggregate:
        if not 2 <= lvl <= fw.n_levels:
            raise _fail(f"uncertainty.factors.aggregate.{lvl}", "no such level", f"use levels 2..{fw.n_levels}")
    for lvl in u.weight_levels:
        if not 2 <= lvl <= fw.n_levels:
            raise _fail("uncertainty.factors.weights.levels", f"no level {lvl}", f"use levels 2..{fw.n_levels}")
    if u.weight_noise > 0 and not u.weight_levels:
        raise _fail("uncertainty.factors.weights.levels", "weight noise needs levels", "write `levels: [2, 3]`")


def _weight_sets(raw: Any) -> dict[str, dict[str, float]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail("weight_sets", "must map set names to {node: weight}", "e.g. `weight_sets: {equal: {p1: 1}}`")
    out: dict[str, dict[str, float]] = {}
    for name, wset in raw.items():
        if not isinstance(wset, Mapping):
            raise _fail(f"weight_sets.{name}", "must map node ids to weights", "e.g. `{p1: 2, p2: 1}`")
        out[str(name)] = {str(k): _number(v, f"weight_sets.{name}.{k}") for k, v in wset.items()}
    return out


def uses_positive_means(fw: Framework) -> bool:
    """Whether some aggregate (nominal or varied) takes a geometric/harmonic mean (needs x > 0)."""
    methods = [fw.method_at(a.id) for a in fw.aggregates]
    methods += [m for ms in fw.uncertainty.aggregate.values() for m in ms]
    return any(m in POSITIVE_METHODS for m in methods)


def parse(raw: Any, origin: str = "") -> Framework:
    """Validate a parsed YAML mapping into a :class:`Framework` (loud on any problem).

    The shape and types are checked by the pydantic schema (:mod:`.schema`), the rest here;
    every error names the file (``origin``), the key and the fix."""
    from computestrata.measure.index import schema

    schema.check(raw, origin)
    try:
        return _parse(raw, origin)
    except InputError as exc:
        if origin and exc.message.startswith("framework config: ") and exc.key is None:
            raise InputError(
                exc.message.replace("framework config:", f"framework config {origin}:", 1), exc.hint
            ) from None
        raise


def _parse(raw: Any, origin: str = "") -> Framework:
    if not isinstance(raw, Mapping):
        raise _fail("(top)", "the file is not a mapping", "start with `id:`, `indicators:`, ...")
    _unknown_keys(
        raw,
        (
            "id",
            "name",
            "description",
            "analogue_of",
            "units",
            "indicators",
            "aggregates",
            "steps",
            "uncertainty",
            "weight_sets",
        ),
        "(top)",
    )
    if not raw.get("id"):
        raise _fail("id", "is missing", "give the framework an `id`")
    inds = raw.get("indicators") or []
    aggs = raw.get("aggregates") or []
    if not inds:
        raise _fail("indicators", "is empty", "list at least two indicators")
    if not aggs:
        raise _fail("aggregates", "is empty", "list the pillars and the index (root)")
    steps = _parse_steps(raw.get("steps"))
    units = raw.get("units")
    fw = Framework(
        id=str(raw["id"]),
        name=_names(raw.get("name", raw["id"]), "name"),
        description=_texts(raw.get("description"), "description"),
        indicators=tuple(_parse_indicator(r, k) for k, r in enumerate(inds)),
        aggregates=tuple(_parse_aggregate(r, k) for k, r in enumerate(aggs)),
        steps=steps,
        uncertainty=_parse_uncertainty(raw.get("uncertainty"), steps),
        units=tuple(str(u) for u in units) if units else None,
        origin=origin,
        analogue_of=_texts(raw.get("analogue_of"), "analogue_of"),
        weight_sets=_weight_sets(raw.get("weight_sets")),
    )
    _check_tree(fw)
    if not fw.active:
        raise _fail("indicators", "no indicator is available", "mark at least one `available: true`")
    return fw


def shipped() -> list[str]:
    """Names of the frameworks that ship with the package."""
    folder = resources.files("computestrata.measure.index") / "frameworks"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load(name_or_path: str | Path) -> Framework:
    """A shipped framework by name (``gci``) or a user's YAML file by path."""
    import yaml

    text: str
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise InputError.keyed("index.error.framework_missing", "index.error.framework_missing.hint", path=str(p))
        text, origin = p.read_text(encoding="utf-8"), str(p)
    else:
        names = shipped()
        if str(name_or_path) not in names:
            from computestrata.errors import unknown

            raise unknown("framework", str(name_or_path), names)
        f = resources.files("computestrata.measure.index") / "frameworks" / f"{name_or_path}.yaml"
        text, origin = f.read_text(encoding="utf-8"), f"shipped:{name_or_path}"
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError.keyed(
            "index.error.framework_yaml", "index.error.framework_yaml.hint", origin=origin, problem=str(exc)
        ) from exc
    fw = parse(raw, origin)
    if origin.startswith("shipped:") and fw.id != str(name_or_path):
        # `-f NAME` finds a shipped framework by its file name, results carry its id: they must agree
        raise InputError(
            f"framework file frameworks/{name_or_path}.yaml: key `id` is {fw.id!r}, not the file name {name_or_path!r}",
            hint=f"rename the file to frameworks/{fw.id}.yaml, or set `id: {name_or_path}` in it",
        )
    return fw
