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
)
OUTLIER_METHODS = ("none", "winsorise", "log")
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
)
WEIGHT_METHODS = ("equal", "manual", "pca", "entropy", "bod")
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
    normalise: str = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    centre: float = 0.0
    spread: float = 1.0
    reference_unit: str | None = None
    panel_bounds: str = "by_year"  # or "global": one set of normalisation bounds for all years
    weights: str = "manual"
    weights_by_level: dict[int, str] = field(default_factory=dict)
    aggregate: str = "arithmetic"
    aggregate_by_level: dict[int, str] = field(default_factory=dict)
    power: float = 2.0
    zeros: str = "error"
    epsilon: float = 1e-6
    min_coverage: float = 0.5

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

    def factor_names(self) -> list[str]:
        """Names of the active factors, in sampling order."""
        names = []
        if len(self.impute) > 1:
            names.append("impute")
        if len(self.normalise) > 1:
            names.append("normalise")
        for lvl, ch in sorted(self.aggregate.items()):
            if len(ch) > 1:
                names.append(f"aggregate_L{lvl}")
        if self.weight_noise > 0:
            names.extend(f"weights_L{lvl}" for lvl in self.weight_levels)
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
    )
    _unknown_keys(raw, allowed, path)
    for key in ("id", "source", "parent"):
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
        source=str(raw["source"]),
        parent=str(raw["parent"]),
        direction=int(direction),
        weight=_number(raw.get("weight", 1.0), f"{path}.weight"),
        stands_for=_texts(raw.get("stands_for"), f"{path}.stands_for"),
        denominator=str(raw["denominator"]) if raw.get("denominator") else None,
        target=None if raw.get("target") is None else _number(raw["target"], f"{path}.target"),
        goalposts=goalposts,
        available=available,
        unavailable_reason=reason,
    )


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
    _unknown_keys(sc, ("min_unit_coverage", "min_indicator_coverage"), "steps.screen")
    _unknown_keys(im, ("method", "group", "panel", "max_age"), "steps.impute")
    _unknown_keys(ou, ("method", "skew", "kurtosis", "max_points", "fallback"), "steps.outliers")
    _unknown_keys(no, ("method", "range", "centre", "spread", "reference_unit", "panel_bounds"), "steps.normalise")
    _unknown_keys(we, ("method", "by_level"), "steps.weights")
    _unknown_keys(ag, ("method", "by_level", "power", "zeros", "epsilon", "min_coverage"), "steps.aggregate")
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
        impute_panel=_choice(im["panel"], ("panel_linear", "panel_locf"), "steps.impute.panel")
        if im.get("panel")
        else None,
        panel_max_age=_count(im["max_age"], "steps.impute.max_age", 0) if im.get("max_age") is not None else None,
        outliers=_choice(ou.get("method", "winsorise"), OUTLIER_METHODS, "steps.outliers.method"),
        skew=_number(ou.get("skew", 2.0), "steps.outliers.skew", positive=True),
        kurtosis=_number(ou.get("kurtosis", 3.5), "steps.outliers.kurtosis"),
        max_points=_count(ou.get("max_points", 5), "steps.outliers.max_points", 0),
        outlier_fallback=_choice(ou.get("fallback", "log"), ("log", "none"), "steps.outliers.fallback"),
        normalise=_choice(no.get("method", "minmax"), NORMALISE_METHODS, "steps.normalise.method"),
        range=(lo, hi),
        centre=_number(no.get("centre", 0.0), "steps.normalise.centre"),
        spread=_number(no.get("spread", 1.0), "steps.normalise.spread", positive=True),
        reference_unit=str(no["reference_unit"]) if no.get("reference_unit") else None,
        panel_bounds=_choice(no.get("panel_bounds", "by_year"), ("by_year", "global"), "steps.normalise.panel_bounds"),
        weights=_choice(we.get("method", "manual"), WEIGHT_METHODS, "steps.weights.method"),
        weights_by_level=_by_level(we.get("by_level"), WEIGHT_METHODS, "steps.weights.by_level"),
        aggregate=_choice(ag.get("method", "arithmetic"), AGGREGATE_METHODS, "steps.aggregate.method"),
        aggregate_by_level=_by_level(ag.get("by_level"), AGGREGATE_METHODS, "steps.aggregate.by_level"),
        power=_number(ag.get("power", 2.0), "steps.aggregate.power"),
        zeros=_choice(ag.get("zeros", "error"), ZERO_RULES, "steps.aggregate.zeros"),
        epsilon=_number(ag.get("epsilon", 1e-6), "steps.aggregate.epsilon", positive=True),
        min_coverage=_number(ag.get("min_coverage", 0.5), "steps.aggregate.min_coverage"),
    )
    for name in ("min_unit_coverage", "min_indicator_coverage", "min_coverage"):
        v = getattr(steps, name)
        if not 0 <= v <= 1:
            raise _fail(f"steps.*.{name}", f"{v} is not a share", "use a number from 0 to 1")
    return steps


def _parse_uncertainty(raw: Any, steps: Steps) -> Uncertainty:
    raw = raw or {}
    if not isinstance(raw, Mapping):
        raise _fail("uncertainty", "must be a mapping", "see frameworks/gci.yaml")
    _unknown_keys(raw, ("n", "seed", "factors"), "uncertainty")
    fac = raw.get("factors") or {}
    _unknown_keys(fac, ("impute", "normalise", "aggregate", "weights", "data_noise"), "uncertainty.factors")
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
    for lvl, ms in ag_raw.items():
        agg[int(lvl)] = tuple(_choice(m, AGGREGATE_METHODS, f"uncertainty.factors.aggregate.{lvl}") for m in ms)
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
    for lvl in range(2, fw.n_levels + 1):
        for agg_id in fw.nodes_at(lvl):
            m = fw.method_at(agg_id)
            if m in POSITIVE_METHODS and s.normalise == "zscore":
                raise _fail(
                    f"aggregates ({agg_id}).method",
                    f"{m} mean of z-scores (negative values)",
                    "use a bounded normaliser with `range: [1, 100]`, or arithmetic",
                )
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
    for m in u.normalise:
        if m == "zscore" and any(
            x in POSITIVE_METHODS
            for x in [*(a for ms in u.aggregate.values() for a in ms), *(fw.method_at(n) for n in fw.nodes_at(2))]
        ):
            raise _fail(
                "uncertainty.factors.normalise",
                "zscore mixed with geometric/harmonic means",
                "drop zscore from the choices or the positive-only means",
            )
    for lvl in u.aggregate:
        if not 2 <= lvl <= fw.n_levels:
            raise _fail(f"uncertainty.factors.aggregate.{lvl}", "no such level", f"use levels 2..{fw.n_levels}")
    for lvl in u.weight_levels:
        if not 2 <= lvl <= fw.n_levels:
            raise _fail("uncertainty.factors.weights.levels", f"no level {lvl}", f"use levels 2..{fw.n_levels}")
    if u.weight_noise > 0 and not u.weight_levels:
        raise _fail("uncertainty.factors.weights.levels", "weight noise needs levels", "write `levels: [2, 3]`")


def parse(raw: Any, origin: str = "") -> Framework:
    """Validate a parsed YAML mapping into a :class:`Framework` (loud on any problem)."""
    if not isinstance(raw, Mapping):
        raise _fail("(top)", "the file is not a mapping", "start with `id:`, `indicators:`, ...")
    _unknown_keys(
        raw, ("id", "name", "description", "units", "indicators", "aggregates", "steps", "uncertainty"), "(top)"
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
            raise InputError(f"framework file {p} not found", hint="give an existing YAML file path")
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
        raise InputError(f"framework {origin} is not valid YAML: {exc}", hint="check indentation and quotes") from exc
    return parse(raw, origin)
