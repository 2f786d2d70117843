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
    if horizon <= base_year:
        raise InputError(
            f"{what} {horizon} is not after the base year {base_year}",
            hint=f"give a year between {base_year + 1} and {MAX_HORIZON}",
        )
    if horizon > MAX_HORIZON:
        raise InputError(
            f"{what} {horizon} is after {MAX_HORIZON}, the last year the scenarios are built for",
            hint=f"give a year between {base_year + 1} and {MAX_HORIZON}",
        )
    return horizon


def check_params(scenario: Scenario, params: Mapping[str, float]) -> dict[str, float]:
    """The scenario's central values overridden by ``params``; unknown names or values outside
    the declared range are an :class:`InputError` (the range is the model's domain of validity)."""
    out = scenario.central()
    for k, v in params.items():
        p = scenario.parameters.get(k)
        if p is None:
            raise unknown(f"parameter of scenario {scenario.name!r}", k, scenario.parameters)
        x = float(v)
        if not (p.low <= x <= p.high):
            raise InputError(
                f"parameter {k}={x:g} is outside its declared range [{p.low:g}, {p.high:g}]"
                f" in scenario {scenario.name!r}",
                hint=f"give a value between {p.low:g} and {p.high:g}, or widen the range in the scenario file",
            )
        out[k] = x
    return out


def list_scenarios() -> list[str]:
    """Names of the shipped scenarios (files in ``library/``), baseline first."""
    names = sorted(p.stem for p in LIBRARY.glob("*.yaml"))
    return sorted(names, key=lambda n: (n != "baseline", n))


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(f"cannot read scenario file {path}: {e.strerror}", hint="check the path") from e
    except yaml.YAMLError as e:
        raise InputError(f"scenario file {path} is not valid YAML: {e}", hint="fix the YAML syntax") from e
    if not isinstance(raw, dict):
        raise InputError(f"scenario file {path} must hold a mapping", hint="see library/baseline.yaml for the layout")
    return raw


def _flatten(raw: dict[str, Any], path: Path) -> dict[str, Any]:
    """Move the grouped parameter sections into one ``parameters`` dict (group kept on each)."""
    params: dict[str, Any] = {}
    for g in GROUPS:
        section = raw.pop(f"{g}_parameters", None) if g == "control" else raw.pop(g, None)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise InputError(f"{path}: section {g!r} must map parameter names to values", hint="see baseline.yaml")
        for name, body in section.items():
            if name in params:
                raise InputError(f"{path}: parameter {name!r} appears twice", hint="parameter names are unique")
            params[name] = {**body, "group": g} if isinstance(body, dict) else body
    raw["parameters"] = params
    return raw


def _resolve(word: str) -> Path:
    p = Path(word)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise InputError(f"scenario file {word} does not exist", hint="give a shipped name or a YAML file path")
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
            raise InputError(f"{path}: 'extends' goes round in a circle ({' -> '.join((*seen, parent))})", hint="")
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
        first = e.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise InputError(
            f"scenario file {path}: {loc}: {first['msg']} ({e.error_count()} problem(s))",
            hint="see library/baseline.yaml and docs/scenarios.md for the fields",
        ) from e
