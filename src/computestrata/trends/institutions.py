"""Institutional differentiation: are AI, data and compute governance regimes diverging?

The data are our own coding (``data/instruments.yaml``; codebook ``docs/trends-codebook.md``):
dated instruments per jurisdiction, each coded on documented dimensions.  A jurisdiction's
**profile** at the end of a year summarises the instruments then in force as six features
in [0, 1]:

* ``strategy`` — a national AI strategy is in force (1/0);
* ``binding_ai`` — a binding AI-specific instrument is in force (1/0);
* ``risk_based`` / ``content_based`` — shares of the in-force AI instruments coded so
  (missing when no AI instrument is in force);
* ``data_localisation`` — strictest in-force data rule: none 0, conditional transfer ½,
  localisation 1 (no rule = free flow = 0);
* ``state_compute`` — strongest in-force state role in compute: none 0, subsidy ⅓, public
  provision ⅔, state-directed 1.

Distance between two jurisdictions = Gower distance (mean absolute feature difference over
the features both have).  Indicators [claim: +]: slope of the mean pairwise distance,
slope of the US–China distance, slope of (China's distance to the US-aligned group −
the mean distance within that group).  Intervals: delete-one-instrument jackknife
(resampling with replacement would drop a third of the instruments per draw and bias
presence-based profiles).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.trends import stats
from computestrata.trends.result import Indicator, TrendResult

if TYPE_CHECKING:
    pass

SHIPPED = "instruments.yaml"
#: allowed values per coded dimension (the codebook documents each)
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "scope": ("ai", "data", "compute", "strategy", "standards"),
    "type": (
        "law",
        "regulation",
        "executive_order",
        "strategy",
        "guidance",
        "standard",
        "programme",
        "industrial_policy",
    ),
    "binding": ("binding", "voluntary"),
    "ai_approach": ("risk_based", "content_based", "pro_innovation", "n/a"),
    "data_localisation": ("none", "conditional", "localisation", "n/a"),
    "state_compute_role": ("none", "subsidy", "public_provision", "state_directed", "n/a"),
    "confidence": ("H", "M", "L"),
}
LOCALISATION = {"none": 0.0, "conditional": 0.5, "localisation": 1.0}
STATE_ROLE = {"none": 0.0, "subsidy": 1 / 3, "public_provision": 2 / 3, "state_directed": 1.0}
FEATURES = ("strategy", "binding_ai", "risk_based", "content_based", "data_localisation", "state_compute")
#: the US-aligned group for the between/within indicator (our grouping; see docs)
ALIGNED = ("USA", "EU", "GBR", "JPN", "KOR")
DEFAULT_START = 2015
REQUIRED = (
    "id",
    "jurisdiction",
    "title",
    "type",
    "scope",
    "adopted",
    "binding",
    "ai_approach",
    "data_localisation",
    "state_compute_role",
    "confidence",
    "source",
)


@dataclass(frozen=True)
class Instrument:
    id: str
    jurisdiction: str
    title: str
    type: str
    scope: str
    adopted: date
    in_force: date
    ended: date | None
    binding: str
    ai_approach: str
    data_localisation: str
    state_compute_role: str
    confidence: str
    source: str
    note: str = ""

    def active(self, year: int) -> bool:
        """In force at the end of ``year``."""
        end = date(year, 12, 31)
        return self.in_force <= end and (self.ended is None or self.ended > end)


@dataclass(frozen=True)
class InstrumentFile:
    path: str
    version: str
    coder: str
    jurisdictions: Mapping[str, str]
    instruments: tuple[Instrument, ...] = field(default_factory=tuple)

    def source_record(self) -> dict[str, Any]:
        shipped = self.path == SHIPPED
        h = sum(i.confidence == "H" for i in self.instruments)
        return {
            "source_id": "computestrata_instruments" if shipped else "user_instruments",
            "publisher": self.coder,
            "title": f"AI, data and compute governance instruments, coded (version {self.version})",
            "url": "docs/trends-codebook.md" if shipped else self.path,
            "date_published": self.version,
            "date_accessed": None,
            "license": "LicenseRef-computestrata-coding" if shipped else "LicenseRef-user-supplied",
            "citation": f"{len(self.instruments)} instruments of {len(self.jurisdictions)} jurisdictions, each "
            f"citing its official source; coding ours ({h} tagged H)",
            "locator": self.path,
            "sha256": None,
            "raw_file": None,
        }


def _date(path: str, iid: str, key: str, value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            f"instrument file {path}: instrument {iid!r}: {key} {value!r} is not a date",
            hint=f"write {key}: YYYY-MM-DD",
        ) from None


def parse(data: object, path: str) -> InstrumentFile:
    """Validate a parsed instrument file; an unknown dimension value names the instrument and the choices."""
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), list) or not data["instruments"]:
        raise InputError(f"instrument file {path}: no 'instruments' list", hint="see trends/data/instruments.yaml")
    juris = data.get("jurisdictions")
    if not isinstance(juris, dict) or not juris:
        raise InputError(
            f"instrument file {path}: no 'jurisdictions' mapping", hint="list codes and names, e.g. USA: United States"
        )
    out: list[Instrument] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["instruments"], start=1):
        if not isinstance(raw, dict):
            raise InputError(
                f"instrument file {path}: entry {n} is not a mapping", hint="write {id: ..., jurisdiction: ..., ...}"
            )
        iid = str(raw.get("id", f"#{n}"))
        missing = [k for k in REQUIRED if raw.get(k) in (None, "")]
        if missing:
            raise InputError(
                f"instrument file {path}: instrument {iid!r} lacks {', '.join(missing)}",
                hint="every instrument needs " + ", ".join(REQUIRED),
            )
        if iid in seen:
            raise InputError(
                f"instrument file {path}: instrument id {iid!r} is used twice", hint="give each instrument its own id"
            )
        seen.add(iid)
        if str(raw["jurisdiction"]) not in juris:
            raise InputError(
                f"instrument file {path}: instrument {iid!r}: unknown jurisdiction {raw['jurisdiction']!r}",
                hint=f"use one of {', '.join(juris)} or add it under 'jurisdictions'",
            )
        for dim, allowed in DIMENSIONS.items():
            v = str(raw[dim])
            if v not in allowed:
                raise InputError(
                    f"instrument file {path}: instrument {iid!r}: unknown {dim} value {v!r}",
                    hint=f"{dim} is one of {', '.join(allowed)} (see docs/trends-codebook.md)",
                )
        adopted = _date(path, iid, "adopted", raw["adopted"])
        in_force = _date(path, iid, "in_force", raw.get("in_force") or raw["adopted"])
        ended = _date(path, iid, "ended", raw["ended"]) if raw.get("ended") else None
        if ended is not None and ended <= in_force:
            raise InputError(
                f"instrument file {path}: instrument {iid!r} ends ({ended}) before it is in force ({in_force})",
                hint="check the dates",
            )
        out.append(
            Instrument(
                iid,
                str(raw["jurisdiction"]),
                str(raw["title"]),
                str(raw["type"]),
                str(raw["scope"]),
                adopted,
                in_force,
                ended,
                str(raw["binding"]),
                str(raw["ai_approach"]),
                str(raw["data_localisation"]),
                str(raw["state_compute_role"]),
                str(raw["confidence"]),
                str(raw["source"]),
                str(raw.get("note", "")),
            )
        )
    return InstrumentFile(
        path,
        str(data.get("version", "")),
        str(data.get("coder", "user")),
        {str(k): str(v) for k, v in juris.items()},
        tuple(out),
    )


def load(path: Path | None = None) -> InstrumentFile:
    """The shipped instrument file, or a user's (validated)."""
    from computestrata.trends.files import read_yaml

    data, name = read_yaml(
        path,
        SHIPPED,
        "instrument file",
        "give the path of a YAML instrument file (format: docs/trends-codebook.md)",
        "check indentation and quotes",
    )
    return parse(data, name)


# ---------------------------------------------------------------- profiles and distances


def profile(
    instruments: Iterable[Instrument], year: int, weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """One jurisdiction's features at the end of ``year`` (NaN = not applicable)."""
    act = [i for i in instruments if i.active(year) and (weights is None or weights.get(i.id, 0) > 0)]
    w = (lambda i: weights.get(i.id, 1.0)) if weights is not None else (lambda i: 1.0)
    ai = [i for i in act if i.scope == "ai"]
    coded = [i for i in ai if i.ai_approach != "n/a"]
    tot = sum(w(i) for i in coded)
    return {
        "strategy": float(any(i.scope == "strategy" for i in act)),
        "binding_ai": float(any(i.binding == "binding" for i in ai)),
        "risk_based": sum(w(i) for i in coded if i.ai_approach == "risk_based") / tot if tot else math.nan,
        "content_based": sum(w(i) for i in coded if i.ai_approach == "content_based") / tot if tot else math.nan,
        "data_localisation": max(
            (LOCALISATION.get(i.data_localisation, 0.0) for i in act if i.scope == "data"), default=0.0
        ),
        "state_compute": max(
            (STATE_ROLE.get(i.state_compute_role, 0.0) for i in act if i.scope == "compute"), default=0.0
        ),
    }


def gower(a: Mapping[str, float], b: Mapping[str, float], features: Sequence[str] = FEATURES) -> float:
    """Mean absolute difference over the features both profiles have (NaN if none)."""
    diffs = [abs(a[f] - b[f]) for f in features if not math.isnan(a[f]) and not math.isnan(b[f])]
    return sum(diffs) / len(diffs) if diffs else math.nan


def distances(
    inst: InstrumentFile, year: int, weights: Mapping[str, float] | None = None, features: Sequence[str] = FEATURES
) -> dict[tuple[str, str], float]:
    """Pairwise distances between jurisdictions at the end of ``year``."""
    by: dict[str, list[Instrument]] = {j: [] for j in inst.jurisdictions}
    for i in inst.instruments:
        by[i.jurisdiction].append(i)
    prof = {j: profile(v, year, weights) for j, v in by.items()}
    return {(a, b): gower(prof[a], prof[b], features) for a, b in combinations(sorted(prof), 2)}


def _mean(vals: Iterable[float]) -> float:
    v = [x for x in vals if not math.isnan(x)]
    return sum(v) / len(v) if v else math.nan


def summary(d: Mapping[tuple[str, str], float], aligned: Sequence[str] = ALIGNED) -> dict[str, float]:
    """Mean pairwise distance, US–China distance, China-vs-aligned minus within-aligned distance."""

    def get(a: str, b: str) -> float:
        return d.get((a, b), d.get((b, a), math.nan))

    within = _mean(get(a, b) for a, b in combinations(aligned, 2))
    china = _mean(get("CHN", a) for a in aligned)
    return {
        "mean_distance": _mean(d.values()),
        "us_china_distance": get("USA", "CHN"),
        "china_gap": china - within,
    }


@dataclass
class Options:
    start: int = DEFAULT_START
    end: int = 2026
    drop_low: bool = False
    binding_only: bool = False
    features: tuple[str, ...] = FEATURES


def _subset(inst: InstrumentFile, o: Options) -> InstrumentFile:
    keep = tuple(
        i
        for i in inst.instruments
        if not (o.drop_low and i.confidence == "L") and not (o.binding_only and i.binding != "binding")
    )
    return InstrumentFile(inst.path, inst.version, inst.coder, inst.jurisdictions, keep)


class Engine:
    """Vectorised profiles → distances → summaries for every year at once (for the bootstrap).

    Computes exactly what :func:`profile`, :func:`gower` and :func:`summary` compute (a test
    checks they agree), with instrument weights as an array.
    """

    def __init__(self, inst: InstrumentFile, years: Sequence[int], features: Sequence[str] = FEATURES) -> None:
        import numpy as np

        self.js = sorted(inst.jurisdictions)
        self.years = list(years)
        self.features = [FEATURES.index(f) for f in features]
        ins = inst.instruments
        jpos = {j: k for k, j in enumerate(self.js)}
        self.onehot = np.zeros((len(ins), len(self.js)))
        self.onehot[np.arange(len(ins)), [jpos[i.jurisdiction] for i in ins]] = 1.0
        self.active = np.array([[i.active(y) for y in self.years] for i in ins], dtype=float).reshape(
            len(ins), len(self.years)
        )

        def col(pred: Any) -> Any:
            return np.array([float(pred(i)) for i in ins])

        self.is_strategy = col(lambda i: i.scope == "strategy")
        self.is_binding_ai = col(lambda i: i.scope == "ai" and i.binding == "binding")
        self.is_coded_ai = col(lambda i: i.scope == "ai" and i.ai_approach != "n/a")
        self.is_risk = col(lambda i: i.ai_approach == "risk_based")
        self.is_content = col(lambda i: i.ai_approach == "content_based")
        self.loc = col(lambda i: LOCALISATION.get(i.data_localisation, 0.0) if i.scope == "data" else 0.0)
        self.role = col(lambda i: STATE_ROLE.get(i.state_compute_role, 0.0) if i.scope == "compute" else 0.0)
        self.aligned = [jpos[j] for j in ALIGNED if j in jpos]
        self.usa, self.chn = jpos.get("USA"), jpos.get("CHN")

    def features_of(self, w: Any) -> Any:
        """Jurisdiction × year × feature array for instrument weights ``w``."""
        import numpy as np

        on = self.active * (np.asarray(w, dtype=float) > 0)[:, None]  # instrument × year, in force and drawn
        wt = self.active * np.asarray(w, dtype=float)[:, None]
        j = self.onehot.T
        strategy = (j @ (on * self.is_strategy[:, None]) > 0).astype(float)
        binding = (j @ (on * self.is_binding_ai[:, None]) > 0).astype(float)
        den = j @ (wt * self.is_coded_ai[:, None])
        with np.errstate(invalid="ignore", divide="ignore"):
            risk = np.where(den > 0, (j @ (wt * (self.is_coded_ai * self.is_risk)[:, None])) / den, np.nan)
            content = np.where(den > 0, (j @ (wt * (self.is_coded_ai * self.is_content)[:, None])) / den, np.nan)
        loc = np.max(self.onehot[:, :, None] * (on * self.loc[:, None])[:, None, :], axis=0)
        role = np.max(self.onehot[:, :, None] * (on * self.role[:, None])[:, None, :], axis=0)
        return np.stack([strategy, binding, risk, content, loc, role], axis=-1)

    def summaries(self, w: Any) -> Any:
        """Year × 3 array: mean distance, US–China distance, China gap (as :func:`summary`)."""
        import numpy as np

        f = self.features_of(w)[:, :, self.features]
        diff = np.abs(f[:, None, :, :] - f[None, :, :, :])  # j × j × year × feature
        with np.errstate(invalid="ignore"):
            cnt = (~np.isnan(diff)).sum(axis=-1)
            d = np.where(cnt > 0, np.nansum(diff, axis=-1) / np.maximum(cnt, 1), np.nan)
        n = len(self.js)
        iu = np.triu_indices(n, 1)
        pairs = d[iu]  # pair × year
        out = np.full((len(self.years), 3), np.nan)
        with np.errstate(invalid="ignore"):
            out[:, 0] = _nanmean(pairs, axis=0)
            if self.usa is not None and self.chn is not None:
                out[:, 1] = d[self.usa, self.chn]
            al = self.aligned
            if self.chn is not None and len(al) >= 2:
                ia = np.array([(a, b) for k, a in enumerate(al) for b in al[k + 1 :]])
                within = _nanmean(d[ia[:, 0], ia[:, 1]], axis=0)
                china = _nanmean(d[self.chn, al], axis=0)
                out[:, 2] = china - within
        return out


def _nanmean(a: Any, axis: int) -> Any:
    import numpy as np

    cnt = (~np.isnan(a)).sum(axis=axis)
    return np.where(cnt > 0, np.nansum(a, axis=axis) / np.maximum(cnt, 1), np.nan)


KEYS = ("mean_distance", "us_china_distance", "china_gap")


def indicators(inst: InstrumentFile, o: Options) -> tuple[list[Indicator], list[dict[str, Any]]]:
    """The three distance-trend indicators and the yearly series behind them."""
    import numpy as np

    from computestrata.i18n import t

    sub = _subset(inst, o)
    years = list(range(o.start, o.end + 1))
    eng = Engine(sub, years, o.features)
    n = len(sub.instruments)
    base = eng.summaries(np.ones(n))
    series = [
        {"series": "distance", "year": y, **{k: float(base[r, c]) for c, k in enumerate(KEYS)}}
        for r, y in enumerate(years)
    ]
    xs = np.array(years, dtype=float)

    def slopes(arr: Any) -> Any:
        res = []
        for c in range(3):
            ys = arr[:, c]
            ok = ~np.isnan(ys)
            res.append(stats.slope(xs[ok], ys[ok]) if ok.sum() >= 3 else math.nan)
        return np.array(res)

    fits = stats.jackknife(n, lambda w: slopes(eng.summaries(w)))
    out: list[Indicator] = []
    for c, key in enumerate(KEYS):
        vals = base[:, c]
        est, lo, hi = fits[c] if c < len(fits) else (math.nan, math.nan, math.nan)
        if len(years) < 3 or math.isnan(est):
            out.append(
                Indicator(
                    key, t(f"trends.ind.{key}"), None, None, None, "", "", "no_data", note=t("trends.why.three_years")
                )
            )
            continue
        known = vals[~np.isnan(vals)]
        out.append(
            Indicator(
                key,
                t(f"trends.ind.{key}"),
                est,
                lo,
                hi,
                t("trends.unit.distance_per_year"),
                t("trends.method.jackknife_instruments", n=n, level=int(stats.LEVEL * 100)),
                stats.direction(lo, hi, +1),
                f"{years[0]}–{years[-1]}",
                n,
                t(
                    "trends.note.distance_first_last",
                    first=float(known[0]),
                    last=float(known[-1]),
                    y0=years[0],
                    y1=years[-1],
                ),
            )
        )
    return out, series


def matrix_rows(inst: InstrumentFile, year: int) -> list[dict[str, Any]]:
    """The distance matrix of one year as rows (one per jurisdiction, a column per other)."""
    d = distances(inst, year)
    js = sorted(inst.jurisdictions)
    rows = []
    for a in js:
        row: dict[str, Any] = {"series": "matrix", "year": year, "jurisdiction": a}
        for b in js:
            row[b] = 0.0 if a == b else d.get((a, b), d.get((b, a)))
        rows.append(row)
    return rows


def analyse(inst: InstrumentFile, start: int | None = None, end: int | None = None, robust: bool = True) -> TrendResult:
    """Test 'AI and data governance regimes diverge' on the coded instruments."""
    from computestrata.i18n import t

    first_year, last_year = data_years(inst)
    s = max(DEFAULT_START, first_year) if start is None else start
    e = last_year if end is None else end
    base = Options(s, e)
    inds, series = indicators(inst, base)
    outcome = stats.combine([i.direction for i in inds])
    robustness: list[dict[str, Any]] = []
    if robust:
        variants = [
            (t("trends.var.drop_low"), Options(s, e, drop_low=True)),
            (t("trends.var.binding_only"), Options(s, e, binding_only=True)),
            (t("trends.var.no_strategy"), Options(s, e, features=tuple(f for f in FEATURES if f != "strategy"))),
            (t("trends.var.since", year=2019), Options(max(s, 2019), e)),
        ]
        for name, opt in variants:
            vi, _ = indicators(inst, opt)
            vo = stats.combine([i.direction for i in vi])
            robustness.append(
                {
                    "variant": name,
                    "outcome": vo,
                    "supports": sum(i.direction == "supports" for i in vi),
                    "contradicts": sum(i.direction == "contradicts" for i in vi),
                    "unclear": sum(i.direction == "unclear" for i in vi),
                }
            )
    for y in range(s, e + 1):
        series.extend(matrix_rows(inst, y))
    conf = {c: sum(i.confidence == c for i in inst.instruments) for c in ("H", "M", "L")}
    notes = [
        t(
            "trends.note.inst_ours",
            n=len(inst.instruments),
            j=len(inst.jurisdictions),
            h=conf["H"],
            m=conf["M"],
            l=conf["L"],
        ),
        t("trends.note.inst_profile"),
        t("trends.note.inst_adoption"),
        t("trends.note.inst_aligned", group=", ".join(ALIGNED)),
    ]
    return TrendResult(
        "institutions",
        outcome,
        t("trends.claim.institutions"),
        "",
        inds,
        series,
        robustness,
        notes,
        set(),
        [inst.source_record()],
        (s, e),
    )


def data_years(inst: InstrumentFile) -> tuple[int, int]:
    first = min(i.in_force.year for i in inst.instruments)
    last = max(
        max(i.in_force.year for i in inst.instruments), int(inst.version[:4]) if inst.version[:4].isdigit() else 0
    )
    return first, last
