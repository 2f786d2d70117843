"""Ecosystem fragmentation: are separate hardware–model ecosystems forming around the US and China?

From Epoch AI's model tables (``ai_models`` in the atlas), each model gets:

* a **bloc** from its organisations' countries (the bloc definition of the regionalisation
  trend): one bloc when every country is in it, ``mixed`` when its organisations sit in
  different blocs (a cross-bloc collaboration), ``rest`` when none is in a bloc;
* its **hardware blocs** from ``Training hardware`` (vendor → country → bloc, per
  ``data/hardware_origin.yaml``); *domestic* = trained on hardware from its own bloc;
* **open weights** from ``Model accessibility`` (``Open weights …``);
* **lineage** from ``Base model``: the base model's bloc, found in Epoch's own tables (exact
  name) or else by family (``data/model_families.yaml``); *cross-bloc* = a base from the
  other named bloc.

Indicators [claim direction]: China-bloc domestic-hardware share (slope, +), cross-bloc
lineage share (slope, −; a rising share argues *against* fragmentation and is reported
so).  Bloc shares of models and open-weights shares are shown without a direction.
Intervals: bootstrap over models, the slope of the yearly shares re-fitted per draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from computestrata.trends import stats
from computestrata.trends.blocs import BlocDefinition, BlocFile
from computestrata.trends.result import Indicator, TrendResult, licence_notes

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas

HOME, RIVAL = "us_allies", "china"
DEFAULT_START = 2017
MIN_PER_YEAR = 3  # a year enters a share's trend only with at least this many models behind it
DATASETS = ("notable", "all", "frontier")


@cache
def _patterns(name: str, key: str) -> tuple[tuple[str, str, str], ...]:
    import yaml

    text = (resources.files("computestrata.trends") / "data" / name).read_text(encoding="utf-8")
    rows = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))[key]  # shipped: same data
    label = "vendor" if key == "vendors" else "org"
    out = [(str(r["pattern"]).lower(), str(r[label]), str(r["country"])) for r in rows]
    return tuple(sorted(out, key=lambda r: -len(r[0])))


def vendor_country(entry: str) -> str | None:
    """Country of an accelerator's designer ("NVIDIA H800 SXM5" → USA); None if unknown."""
    s = entry.strip().lower()
    return next((c for p, _, c in _patterns("hardware_origin.yaml", "vendors") if s.startswith(p)), None)


def family_country(name: str) -> str | None:
    """Country of a base-model family ("Qwen2.5-7B" → CHN) when Epoch does not list the base."""
    s = name.strip().lower()
    return next((c for p, _, c in _patterns("model_families.yaml", "families") if s.startswith(p)), None)


def model_bloc(countries: Iterable[str] | None, of: Callable[[str | None], str | None]) -> str | None:
    """A model's bloc from its organisations' countries (None = no country known)."""
    cs = [c for c in (countries or []) if c]
    if not cs:
        return None
    blocs = {of(c) or "rest" for c in cs}
    named = blocs - {"rest"}
    if len(named) > 1:
        return "mixed"
    if named:
        return named.pop()
    return "rest"


def _codes(cell: object) -> list[str]:
    """A list cell from the atlas (Arrow list → numpy array) as strings; missing → []."""
    if cell is None or isinstance(cell, str) or not hasattr(cell, "__iter__"):
        return []
    return [str(c) for c in cell if c is not None]


def _split(cell: object) -> list[str]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return []
    try:
        if cell != cell:  # pandas NA
            return []
    except (TypeError, ValueError):
        pass
    return [p.strip() for p in str(cell).split(",") if p.strip()]


def classify(
    models: pd.DataFrame,
    definition: BlocDefinition,
    lookup: Mapping[str, list[str]] | None = None,
    all_domestic: bool = False,
) -> pd.DataFrame:
    """One row per model with ``year, bloc, hw_known, domestic, open_weights, lineage_known, cross_bloc``.

    ``models`` needs columns ``model, year, countries, training_hardware, model_accessibility,
    base_model``.  ``lookup`` maps a lower-cased model name to its countries (for lineage);
    ``all_domestic`` counts a model as domestic only if *all* its hardware is (default: any).
    Unknown stays missing (NA), never False.
    """
    import pandas as pd

    lookup = lookup or {}
    recs: list[dict[str, Any]] = []
    for r in models.itertuples(index=False):
        year = int(r.year)  # type: ignore[arg-type]
        of = definition.mapper(year)
        bloc = model_bloc(r.countries, of)  # type: ignore[arg-type]
        hw = _split(r.training_hardware)
        hw_blocs = [of(vendor_country(h)) or ("rest" if vendor_country(h) else None) for h in hw]
        hw_known = bool(hw) and all(b is not None for b in hw_blocs)
        domestic: bool | None = None
        if hw_known and bloc in (HOME, RIVAL):
            hits = [b == bloc for b in hw_blocs]
            domestic = all(hits) if all_domestic else any(hits)
        acc = str(r.model_accessibility) if isinstance(r.model_accessibility, str) else None
        open_w = None if acc is None else acc.lower().startswith("open weights")
        bases = _split(r.base_model)
        base_blocs: list[str | None] = []
        for b in bases:
            cs = lookup.get(b.lower())
            if cs is None:
                fc = family_country(b)
                cs = [fc] if fc else None
            base_blocs.append(model_bloc(cs, of) if cs else None)
        lineage_known = bool(bases) and all(b is not None for b in base_blocs) and bloc in (HOME, RIVAL)
        cross = None
        if lineage_known:
            other = RIVAL if bloc == HOME else HOME
            cross = any(b == other for b in base_blocs)
        recs.append(
            {
                "model": r.model,
                "year": year,
                "bloc": bloc,
                "hw_known": hw_known,
                "domestic": domestic,
                "open_weights": open_w,
                "has_base": bool(bases),
                "lineage_known": lineage_known,
                "cross_bloc": cross,
            }
        )
    out = pd.DataFrame.from_records(
        recs,
        columns=[
            "model",
            "year",
            "bloc",
            "hw_known",
            "domestic",
            "open_weights",
            "has_base",
            "lineage_known",
            "cross_bloc",
        ],
    )
    for c in ("domestic", "open_weights", "cross_bloc"):
        out[c] = out[c].astype("boolean")
    return out


def yearly_shares(
    df: pd.DataFrame, column: str, mask: Any | None = None, weights: Any | None = None
) -> dict[int, tuple[float, float]]:
    """Year → (share of True among known ``column`` values, weighted count behind it)."""
    prep = _prepare(df, column, mask)
    return _shares(prep, weights)


def _prepare(df: pd.DataFrame, column: str, mask: Any | None) -> tuple[Any, Any, Any, Any]:
    """Arrays for fast yearly shares: unique years, year index, selected rows, True values."""
    import numpy as np

    sel = df[column].notna().to_numpy(dtype=bool).copy()
    if mask is not None:
        sel &= np.asarray(mask, dtype=bool)
    years, idx = np.unique(df["year"].to_numpy(dtype=int), return_inverse=True)
    vals = df[column].fillna(False).to_numpy(dtype=bool)
    return years, idx, sel.astype(float), (sel & vals).astype(float)


def _shares(prep: tuple[Any, Any, Any, Any], weights: Any | None) -> dict[int, tuple[float, float]]:
    import numpy as np

    years, idx, sel, hit = prep
    w = np.ones(len(idx)) if weights is None else np.asarray(weights, dtype=float)
    n = np.bincount(idx, weights=w * sel, minlength=len(years))
    k = np.bincount(idx, weights=w * hit, minlength=len(years))
    present = np.bincount(idx, weights=sel, minlength=len(years)) > 0
    return {
        int(y): (float(k[j] / n[j]) if n[j] > 0 else math.nan, float(n[j])) for j, y in enumerate(years) if present[j]
    }


def share_slope(
    df: pd.DataFrame, column: str, mask: Any | None = None, min_n: int = MIN_PER_YEAR, draws: int = stats.DRAWS
) -> tuple[float, float, float, list[int]]:
    """Slope (per year) of the yearly share of ``column`` with a bootstrap over models.

    A year enters the fit only with at least ``min_n`` (resampled) models behind its share;
    fewer than three such years give NaN.
    """
    import numpy as np

    prep = _prepare(df, column, mask)

    years_all, idx, sel, hit = prep
    xs_all = years_all.astype(float)

    def fit(w: Any) -> float:
        n = np.bincount(idx, weights=w * sel, minlength=len(years_all))
        k = np.bincount(idx, weights=w * hit, minlength=len(years_all))
        ok = n >= min_n
        if ok.sum() < 3:
            return math.nan
        return stats.slope(xs_all[ok], k[ok] / n[ok])

    def fit_all(w: Any) -> Any:
        # fit() for every draw: counts are sums of whole numbers (exact in any order); draws
        # with the same years in the fit share one slope computation over contiguous rows
        n_years = len(years_all)
        flat = (idx[None, :] + n_years * np.arange(len(w))[:, None]).ravel()
        n = np.bincount(flat, weights=(w * sel).ravel(), minlength=len(w) * n_years).reshape(len(w), n_years)
        k = np.bincount(flat, weights=(w * hit).ravel(), minlength=len(w) * n_years).reshape(len(w), n_years)
        return stats.slopes_by_pattern(xs_all, k, n, n >= min_n, min_points=3)

    base = _shares(prep, None)
    years = [y for y, (_, n) in base.items() if n >= min_n]
    est, lo, hi = stats.bootstrap(len(df), fit, draws=draws, batch=fit_all)
    return est, lo, hi, years


# ---------------------------------------------------------------- from the atlas


def read(atlas: Atlas, dataset: str = "notable") -> tuple[pd.DataFrame, dict[str, list[str]], set[str]]:
    """Epoch's models (one row each) with year and country list, a name → countries lookup, sources."""
    import pandas as pd

    from computestrata.errors import unknown

    if dataset not in DATASETS:
        raise unknown("model set", dataset, DATASETS)
    atlas.require("ai_models")
    df = atlas.table("ai_models")
    df = df[df["publication_date"].notna()].copy()
    df["year"] = pd.to_datetime(df["publication_date"].astype(str), errors="coerce").dt.year
    df = df[df["year"].notna()]
    df["year"] = df["year"].astype(int)
    df["countries"] = [_codes(c) for c in df["country_iso3s"]]
    lookup = {str(m).lower().strip(): cs for m, cs in zip(df["model"], df["countries"], strict=True) if cs}
    if dataset == "notable":
        df = df[df["is_notable"].fillna(False).astype(bool)]
    elif dataset == "frontier":
        df = df[df["is_frontier"].fillna(False).astype(bool)]
    ids = {s for cell in df["source_ids"] for s in _codes(cell)}
    return df.reset_index(drop=True), lookup, ids


@dataclass
class Options:
    definition: BlocDefinition
    dataset: str = "notable"
    start: int | None = DEFAULT_START
    end: int | None = None
    all_domestic: bool = False
    draws: int = stats.DRAWS
    #: also compute the descriptive (unjudged) indicators; robustness variants skip them
    #: because a variant's verdict counts judged indicators only
    descriptive: bool = True


def indicators(
    models: pd.DataFrame, lookup: Mapping[str, list[str]], o: Options
) -> tuple[list[Indicator], list[dict[str, Any]], pd.DataFrame]:
    """The fragmentation indicators and yearly series for one set of options."""
    from computestrata.i18n import t

    m = models[models["year"].between(o.start or -9999, o.end or 9999)]
    cl = classify(m, o.definition, lookup, o.all_domestic)
    out: list[Indicator] = []
    rival = (cl["bloc"] == RIVAL).to_numpy(dtype=bool)
    for key, column, mask, sign in (
        ("china_domestic_hw_share", "domestic", rival, +1),
        ("cross_bloc_lineage_share", "cross_bloc", None, -1),
        ("china_open_weights_share", "open_weights", rival, 0),
        ("us_open_weights_share", "open_weights", (cl["bloc"] == HOME).to_numpy(dtype=bool), 0),
    ):
        if sign == 0 and not o.descriptive:
            continue
        est, lo, hi, _ = share_slope(cl, column, mask, draws=o.draws)
        base = yearly_shares(cl, column, mask)
        ys = sorted(y for y in base if base[y][1] >= MIN_PER_YEAR)
        n = int(sum(v[1] for v in base.values()))
        if len(ys) < 3 or math.isnan(est):
            out.append(
                Indicator(
                    key,
                    t(f"trends.ind.{key}"),
                    None,
                    None,
                    None,
                    "",
                    "",
                    "no_data",
                    n=n,
                    note=t("trends.why.few_models", n=MIN_PER_YEAR),
                )
            )
            continue
        direction = stats.direction(lo, hi, sign) if sign else "descriptive"
        note = t("trends.note.share_first_last", first=base[ys[0]][0], last=base[ys[-1]][0], y0=ys[0], y1=ys[-1])
        if key == "cross_bloc_lineage_share" and direction == "contradicts":
            note += " " + t("trends.note.lineage_against")
        out.append(
            Indicator(
                key,
                t(f"trends.ind.{key}"),
                est,
                lo,
                hi,
                t("trends.unit.per_year"),
                t("trends.method.bootstrap_models", n=n),
                direction,
                f"{ys[0]}–{ys[-1]}",
                n,
                note,
            )
        )
    series: list[dict[str, Any]] = []
    for y in sorted(cl["year"].unique()):
        f = cl[cl["year"] == y]
        named = f[f["bloc"].notna()]
        row: dict[str, Any] = {"series": "blocs", "year": int(y), "models": len(f)}
        for b in (HOME, RIVAL, "mixed", "rest"):
            row[f"{b}_models"] = int((f["bloc"] == b).sum())
            row[f"{b}_share"] = float((named["bloc"] == b).mean()) if len(named) else None
        for b, label in ((RIVAL, "china"), (HOME, "us_allies")):
            fb = f[f["bloc"] == b]
            row[f"{label}_with_hardware"] = int(fb["domestic"].notna().sum())
            row[f"{label}_domestic_hw"] = int(fb["domestic"].fillna(False).sum())
        row["with_base_model"] = int(f["has_base"].sum())
        row["lineage_known"] = int(f["lineage_known"].sum())
        row["cross_bloc"] = int(f["cross_bloc"].fillna(False).sum())
        series.append(row)
    series.extend(by_country(m))
    return out, series, cl


def by_country(models: pd.DataFrame, top: int = 8) -> list[dict[str, Any]]:
    """Models per organisation country and year; a model of k countries counts 1/k for each."""

    rows: list[dict[str, Any]] = []
    for y in sorted(models["year"].unique()):
        f = models[models["year"] == y]
        c: dict[str, float] = {}
        for cs in f["countries"]:
            for code in cs or []:
                c[code] = c.get(code, 0.0) + 1.0 / len(cs)
        total = sum(c.values())
        for code, n in sorted(c.items(), key=lambda kv: -kv[1])[:top]:
            rows.append(
                {
                    "series": "models_by_country",
                    "year": int(y),
                    "country": code,
                    "models": round(n, 2),
                    "share": n / total,
                }
            )
    return rows


def analyse(
    atlas: Atlas,
    blocs: BlocFile,
    start: int | None = None,
    end: int | None = None,
    dataset: str = "notable",
    robust: bool = True,
) -> TrendResult:
    """Test 'separate US and China hardware–model ecosystems are forming' on Epoch's models."""
    from computestrata.i18n import t

    models, lookup, ids = read(atlas, "all")
    start_eff = DEFAULT_START if start is None else start

    def subset(ds: str) -> pd.DataFrame:
        if ds == "notable":
            return models[models["is_notable"].fillna(False).astype(bool)]
        if ds == "frontier":
            return models[models["is_frontier"].fillna(False).astype(bool)]
        return models

    base = Options(blocs.definition(), dataset, start_eff, end)
    inds, series, cl = indicators(subset(dataset), lookup, base)
    outcome = stats.combine([i.direction for i in inds if i.direction != "descriptive"])
    robustness: list[dict[str, Any]] = []
    if robust:
        variants: list[tuple[str, Options]] = [
            (
                t("trends.var.blocs", name=k),
                Options(d, dataset, start_eff, end, draws=stats.VARIANT_DRAWS, descriptive=False),
            )
            for k, d in blocs.definitions.items()
            if k != blocs.default
        ]
        variants += [
            (
                t("trends.var.models", name=ds),
                Options(base.definition, ds, start_eff, end, draws=stats.VARIANT_DRAWS, descriptive=False),
            )
            for ds in DATASETS
            if ds != dataset
        ]
        variants += [
            (
                t("trends.var.all_domestic"),
                Options(
                    base.definition,
                    dataset,
                    start_eff,
                    end,
                    all_domestic=True,
                    draws=stats.VARIANT_DRAWS,
                    descriptive=False,
                ),
            ),
            (
                t("trends.var.since", year=2020),
                Options(
                    base.definition, dataset, max(start_eff, 2020), end, draws=stats.VARIANT_DRAWS, descriptive=False
                ),
            ),
        ]
        for name, opt in variants:
            vi, _, _ = indicators(subset(opt.dataset), lookup, opt)
            vo = stats.combine([i.direction for i in vi if i.direction != "descriptive"])
            robustness.append(
                {
                    "variant": name,
                    "outcome": vo,
                    "supports": sum(i.direction == "supports" for i in vi),
                    "contradicts": sum(i.direction == "contradicts" for i in vi),
                    "unclear": sum(i.direction == "unclear" for i in vi),
                }
            )
    rival = cl[cl["bloc"] == RIVAL]
    home = cl[cl["bloc"] == HOME]
    notes = [
        t("trends.note.frag_models", dataset=dataset, n=len(cl), start=start_eff),
        t(
            "trends.note.frag_coverage",
            cn=len(rival),
            cn_hw=int(rival["domestic"].notna().sum()),
            us=len(home),
            us_hw=int(home["domestic"].notna().sum()),
            mixed=int((cl["bloc"] == "mixed").sum()),
            unknown=int(cl["bloc"].isna().sum()),
        ),
        t(
            "trends.note.frag_lineage",
            base=int(cl["has_base"].sum()),
            known=int(cl["lineage_known"].sum()),
            cross=int(cl["cross_bloc"].fillna(False).sum()),
        ),
        t("trends.note.frag_hardware"),
        t("trends.note.frag_epoch_china"),
        *licence_notes(atlas, ("ai_models",)),
    ]
    return TrendResult(
        "fragmentation",
        outcome,
        t("trends.claim.fragmentation"),
        "",
        inds,
        series,
        robustness,
        notes,
        ids,
        [blocs.source_record(), _coding_source()],
        (start_eff, end),
    )


def _coding_source() -> dict[str, Any]:
    return {
        "source_id": "computestrata_model_coding",
        "publisher": "computestrata (our coding)",
        "title": "Accelerator vendor origin and base-model family tables",
        "url": "docs/trends.md#fragmentation",
        "date_published": "2026-12-04",
        "date_accessed": None,
        "license": "LicenseRef-computestrata-coding",
        "citation": "computestrata, trends/data/hardware_origin.yaml and model_families.yaml (vendor and "
        "releasing-organisation home countries, from public model cards and company records)",
        "locator": None,
        "sha256": None,
        "raw_file": None,
    }


def data_years(atlas: Atlas) -> tuple[int, int]:
    models, _, _ = read(atlas, "all")
    return int(models["year"].min()), int(models["year"].max())
