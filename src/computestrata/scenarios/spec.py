"""Scenarios as data: the YAML schema (pydantic), loading, and parameter checks.

Interface contract (used by :mod:`.model`, :mod:`.sweep` and the CLI):

- :func:`load_scenario` ``(name_or_path: str) -> Scenario`` — a shipped name (``baseline``,
  ``small_yard_high_fence``, ``big_yard_high_fence``, ``no_yard``) or a path to a YAML file;
- ``Scenario.parameters: dict[str, Parameter]`` — flat, every uncertain number of the
  scenario, each ``Parameter(central, low, high, source)`` (floats; ``low <= central <= high``);
- :func:`list_scenarios` ``() -> list[str]`` — the shipped names.

A scenario file may ``extends: <name>`` another one: its parameters are taken over and the
file's own sections override them (one source of truth for the shared assumptions, so the
posture scenarios differ from ``baseline`` by their control path only).

The YAML groups parameters by what they describe — ``supply``, ``demand`` (demand and
efficiency), ``allocation`` (how controls turn into shipments), ``stock`` (retirement) and
``control`` (the posture's timing) — but names are unique across groups, and the flat
``parameters`` dict is what the model reads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from computestrata.errors import InputError, unknown

LIBRARY = Path(__file__).with_name("library")
MAX_HORIZON = 2035
GROUPS = ("supply", "demand", "allocation", "stock", "control")


class Parameter(BaseModel):
    """One uncertain number: central value, declared range, unit, and where it comes from.

    ``source`` is an atlas source id, a cited publication, or says ``judgement`` when the
    value is the model author's (the range then carries the doubt).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    central: float
    low: float
    high: float
    source: str = Field(min_length=3)
    unit: str = ""
    group: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Parameter:
        if not all(math.isfinite(v) for v in (self.central, self.low, self.high)):
            raise ValueError("central, low and high must be finite numbers")
        if not self.low <= self.central <= self.high:
            raise ValueError(f"need low <= central <= high, got {self.low} <= {self.central} <= {self.high}")
        return self


class Transformation(BaseModel):
    """A user-defined change of the rules (one function of :mod:`computestrata.controls.scope`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["scale_thresholds", "add_segments", "drop_segments", "fence", "drop_destinations"]
    factor: float | None = None
    segments: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _needs(self) -> Transformation:
        need = {
            "scale_thresholds": self.factor is not None,
            "add_segments": bool(self.segments),
            "drop_segments": bool(self.segments),
            "fence": bool(self.groups or self.countries),
            "drop_destinations": bool(self.countries),
        }
        if not need[self.kind]:
            what = {
                "scale_thresholds": "factor",
                "add_segments": "segments",
                "drop_segments": "segments",
                "fence": "groups or countries",
                "drop_destinations": "countries",
            }[self.kind]
            raise ValueError(f"transformation {self.kind!r} needs {what}")
        return self


class ControlPath(BaseModel):
    """The enacted rules until today, then (optionally) a posture and/or transformations from ``start``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    posture: str | None = None
    start: date | None = None
    transformations: tuple[Transformation, ...] = ()
    rationale: str = ""

    @field_validator("posture")
    @classmethod
    def _known_posture(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from computestrata.controls.scope import POSTURES

        if v not in POSTURES:
            raise unknown("posture", v, POSTURES)
        return v

    @model_validator(mode="after")
    def _dated(self) -> ControlPath:
        if (self.posture or self.transformations) and self.start is None:
            raise ValueError("a posture or transformation needs a start date (control.start: YYYY-MM-DD)")
        return self

    @property
    def changes(self) -> bool:
        return bool(self.posture or self.transformations)


class Scenario(BaseModel):
    """One scenario: horizon, control path and every assumption with its range and source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str
    base_year: int = Field(ge=2020, le=MAX_HORIZON)
    horizon: int
    control: ControlPath = ControlPath()
    parameters: dict[str, Parameter]
    extends: str | None = None

    @model_validator(mode="after")
    def _years(self) -> Scenario:
        check_horizon(self.base_year, self.horizon, "horizon")
        return self

    def central(self) -> dict[str, float]:
        return {k: p.central for k, p in self.parameters.items()}


def check_horizon(base_year: int, horizon: int, what: str = "--to") -> int:
    """``horizon`` within (base_year, 2035], else a clear :class:`InputError`."""
    years = {"what": what, "horizon": str(horizon), "base": str(base_year), "top": str(MAX_HORIZON)}
    years |= {"lo": str(base_year + 1), "hi": str(MAX_HORIZON)}
    if horizon <= base_year:
        raise InputError.keyed("scenario.error.horizon_before", "scenario.error.horizon_hint", **years)
    if horizon > MAX_HORIZON:
        raise InputError.keyed("scenario.error.horizon_after", "scenario.error.horizon_hint", **years)
    return horizon


def check_params(scenario: Scenario, params: Mapping[str, float]) -> dict[str, float]:
    """The scenario's central values overridden by ``params``; unknown names or values outside
    the declared range are an :class:`InputError` (the range is the model's domain of validity)."""
    out = scenario.central()
    for k, v in params.items():
        p = scenario.parameters.get(k)
        if p is None:
            raise unknown("scenario parameter", k, scenario.parameters)
        out[k] = check_value(scenario.name, k, float(v), p.low, p.high)
    return out


def check_value(scenario: str, name: str, x: float, low: float, high: float) -> float:
    """``x`` if it lies in the parameter's declared range [low, high], else a translated :class:`InputError`."""
    if not (low <= x <= high):  # NaN is outside too
        raise InputError.keyed(
            "scenario.error.out_of_range",
            "scenario.error.out_of_range_hint",
            name=name,
            value=f"{x:g}",
            low=f"{low:g}",
            high=f"{high:g}",
            scenario=repr(scenario),
        )
    return x


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios (files in ``library/``), baseline first."""
    names = sorted(p.stem for p in LIBRARY.glob("*.yaml"))
    return sorted(names, key=lambda n: (n != "baseline", n))


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError.keyed(
            "scenario.error.file_unreadable", "scenario.error.file_unreadable_hint", path=str(path), reason=e.strerror
        ) from e
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        problem = " ".join(str(e).split())
        raise InputError.keyed(
            "scenario.error.file_yaml", "scenario.error.file_yaml_hint", path=str(path), problem=problem
        ) from e
    if not isinstance(raw, dict):
        raise InputError.keyed(
            "scenario.error.file_layout", "scenario.error.file_layout_hint", path=str(path), what="the file"
        )
    return raw


def _flatten(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """Move the grouped parameter sections into one ``parameters`` dict (group kept on each)."""
    if "parameters" in raw:  # parameters live in the group sections; a flat block would be dropped unseen
        raise InputError.keyed(
            "scenario.error.file_flat",
            "scenario.error.file_sections_hint",
            path=str(path),
            sections=", ".join(f"{g}_parameters" if g == "control" else g for g in GROUPS),
        )
    params: dict[str, Any] = {}
    for g in GROUPS:
        section = raw.pop(f"{g}_parameters", None) if g == "control" else raw.pop(g, None)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise InputError.keyed(
                "scenario.error.file_layout", "scenario.error.file_layout_hint", path=str(path), what=repr(g)
            )
        for name, body in section.items():
            if name in params:
                raise InputError.keyed(
                    "scenario.error.file_twice", "scenario.error.file_twice_hint", path=str(path), name=repr(name)
                )
            params[name] = {**body, "group": g} if isinstance(body, dict) else body
    raw["parameters"] = params
    return raw


def _resolve(word: str) -> Path:
    p = Path(word)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise InputError.keyed("scenario.error.file_missing", "scenario.error.file_missing_hint", path=word)
        return p
    lib = LIBRARY / f"{word}.yaml"
    if not lib.is_file():
        raise unknown("scenario", word, list_scenarios())
    return lib


def _load_raw(word: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], Path]:
    path = _resolve(word)
    raw = _flatten(_read(path), path)
    parent = raw.get("extends")
    if parent:
        if parent in seen:
            raise InputError.keyed(
                "scenario.error.file_cycle",
                "scenario.error.file_cycle_hint",
                path=str(path),
                chain=" -> ".join((*seen, str(parent))),
            )
        base, _ = _load_raw(str(parent), (*seen, str(parent)))
        raw["parameters"] = {**base["parameters"], **raw["parameters"]}
        for key in ("base_year", "horizon", "control"):
            raw.setdefault(key, base.get(key))
    return raw, path


def load_scenario(name_or_path: str) -> Scenario:
    """A validated scenario: a shipped name or a YAML path (errors name the file and field)."""
    return _load_cached(str(name_or_path))


@cache
def _load_cached(word: str) -> Scenario:
    raw, path = _load_raw(word)
    try:
        return Scenario.model_validate(raw)
    except ValidationError as e:
        problems = [f"{'.'.join(str(x) for x in err['loc']) or '(top)'}: {err['msg']}" for err in e.errors()]
        shown = "; ".join(problems[:6]) + ("; …" if len(problems) > 6 else "")
        raise InputError.keyed(
            "scenario.error.file_schema",
            "scenario.error.file_schema_hint",
            path=str(path),
            n=str(len(problems)),
            problems=shown,
        ) from e
