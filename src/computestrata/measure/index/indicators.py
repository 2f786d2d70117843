"""Country-year indicators for an index, from the atlas (handbook step 2: data selection).

An indicator's ``source`` is either an atlas facts ``variable`` (periods 'YYYY', 'YYYY-MM'
or 'YYYYQn'; the latest period within a year stands for that year) or ``derived:NAME``,
one of the derivations below, computed from the atlas detail tables.  Each derived value
carries the source ids of the rows it was computed from.

Zeros in derived counts are real zeros *of the list*: a country with no system on a TOP500
list, no listed GPU cluster or no notable model gets 0 for the units the framework names —
each derivation says so in its note, because these lists are not complete censuses of
national capacity (TOP500 is opt-in and China stopped submitting; Epoch's clusters cover an
estimated 10–20% of AI compute).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from computestrata.errors import InputError
from computestrata.i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas
    from computestrata.measure.index.config import Framework
    from computestrata.measure.index.engine import Panel

#: columns every derivation returns
COLUMNS = ["unit", "year", "value", "p5", "p95", "source_id"]


@dataclass(frozen=True)
class Derived:
    """A derived indicator: what it measures, its unit, the tables it needs, how."""

    name: str
    unit: str
    tables: tuple[str, ...]
    note: str
    fn: Callable[[Atlas, list[str] | None], pd.DataFrame]


def _zero_fill(df: pd.DataFrame, units: list[str] | None, years: list[int]) -> pd.DataFrame:
    """Add explicit zeros for named units absent from a list (count/sum of list entries)."""
    import pandas as pd

    if not units or df.empty:
        return df
    grid = pd.MultiIndex.from_product([units, years], names=["unit", "year"]).to_frame(index=False)
    out = grid.merge(df, on=["unit", "year"], how="left")
    per_year = df.groupby("year")["source_id"].agg(
        lambda s: ";".join(sorted({p for x in s.dropna() for p in str(x).split(";")}))
    )
    zero = out["value"].isna()
    out.loc[zero, "value"] = 0.0
    out.loc[zero, "source_id"] = out.loc[zero, "year"].map(per_year)
    return pd.concat([df[~df["unit"].isin(units)], out], ignore_index=True)


def _sid(series: pd.Series) -> str:
    return ";".join(sorted({str(s) for s in series.dropna()}))


def _top500(atlas: Atlas, units: list[str] | None, kind: str) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    df = atlas.df(
        "SELECT list_id, country_iso3 AS unit, rmax_tflops, power_kw, accelerator, source_id "
        "FROM top500_systems WHERE country_iso3 IS NOT NULL"
    )
    df["year"] = df["list_id"].str[:4].astype(int)
    last = df.groupby("year")["list_id"].transform("max")
    df = df[df["list_id"] == last]
    acc = df["accelerator"].fillna("").astype(str).str.strip().str.lower()
    df["accel"] = ~acc.isin(["", "none", "nan", "n/a"])
    if kind == "rmax_cpu":
        df = df[~df["accel"]]
    elif kind == "rmax_accel":
        df = df[df["accel"]]
    g = df.groupby(["unit", "year"])
    if kind == "systems":
        out = g.size().rename("value").reset_index()
    elif kind == "gflops_per_watt":
        ok = df[df["power_kw"] > 0]
        g2 = ok.groupby(["unit", "year"])
        out = (g2["rmax_tflops"].sum() / g2["power_kw"].sum()).rename("value").reset_index()
        out = out.merge(g2["source_id"].agg(_sid).reset_index(), on=["unit", "year"])
        out["p5"] = np.nan
        out["p95"] = np.nan
        return out[COLUMNS]  # efficiency: no zero-fill (no system = no measurement)
    else:
        out = g["rmax_tflops"].sum().rename("value").reset_index()
    out = out.merge(g["source_id"].agg(_sid).reset_index(), on=["unit", "year"])
    out = _zero_fill(out, units, sorted(df["year"].unique().tolist()))
    out["p5"] = np.nan
    out["p95"] = np.nan
    return pd.DataFrame(out[COLUMNS])


def _clusters(atlas: Atlas, units: list[str] | None, column: str) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    df = atlas.df(
        f"SELECT country_iso3 AS unit, {column} AS v, status, first_operational_date, "
        "decommissioned_date, include_in_standard_analysis, possible_duplicate, source_id "
        "FROM gpu_clusters WHERE country_iso3 IS NOT NULL AND first_operational_date IS NOT NULL "
        "AND status IN ('Existing', 'Decommissioned')"
    )
    df = df[(df["possible_duplicate"] != True) & (df["include_in_standard_analysis"] != False)]  # noqa: E712
    start = pd.to_datetime(df["first_operational_date"]).dt.year
    stop = pd.to_datetime(df["decommissioned_date"]).dt.year
    years = list(range(int(start.min()), int(start.max()) + 1)) if len(df) else []
    rows = []
    for y in years:
        live = df[(start <= y) & (stop.isna() | (stop > y))]
        for unit, grp in live.groupby("unit"):
            rows.append(
                {"unit": unit, "year": y, "value": float(grp["v"].fillna(0).sum()), "source_id": _sid(grp["source_id"])}
            )
    out = pd.DataFrame(rows, columns=["unit", "year", "value", "source_id"])
    out = _zero_fill(out, units, years)
    out["p5"] = np.nan
    out["p95"] = np.nan
    return pd.DataFrame(out[COLUMNS])


def _models(atlas: Atlas, units: list[str] | None, kind: str, window: int = 3) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    df = atlas.df(
        "SELECT model, country_iso3s, publication_date, training_compute_flop, is_notable, "
        "is_large_scale, source_id FROM ai_models WHERE publication_date IS NOT NULL"
    )
    df["year"] = pd.to_datetime(df["publication_date"]).dt.year
    if kind == "notable":
        df = df[df["is_notable"] == True]  # noqa: E712
    df = df.explode("country_iso3s").rename(columns={"country_iso3s": "unit"})
    df = df[df["unit"].notna() & (df["unit"].astype(str).str.len() == 3)]
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1)) if len(df) else []
    rows = []
    for y in years:
        win = df[(df["year"] > y - window) & (df["year"] <= y)]
        for unit, grp in win.groupby("unit"):
            if kind == "frontier_compute":
                v = grp["training_compute_flop"].max()
                if not v > 0:
                    continue
                value = float(np.log10(v))
            else:
                value = float(grp["model"].nunique())
            rows.append({"unit": unit, "year": y, "value": value, "source_id": _sid(grp["source_id"])})
    out = pd.DataFrame(rows, columns=["unit", "year", "value", "source_id"])
    if kind != "frontier_compute":
        out = _zero_fill(out, units, years)
    out["p5"] = np.nan
    out["p95"] = np.nan
    return pd.DataFrame(out[COLUMNS])


def _supply_chain(atlas: Atlas, units: list[str] | None) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    df = atlas.df(
        "SELECT s.input_id, s.year, s.share, p.country_iso3 AS unit, s.source_id, "
        "p.source_id AS psid FROM sc_provision s JOIN sc_providers p USING (provider_id) "
        "WHERE s.share IS NOT NULL"
    )
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    n_inputs = df["input_id"].nunique()
    rows = []
    for y in sorted(df["year"].unique()):
        # each input at its latest year up to y (the table mixes years per input)
        sub = df[df["year"] <= y]
        latest = sub.groupby("input_id")["year"].transform("max")
        sub = sub[(sub["year"] == latest) & sub["unit"].notna()]
        for unit, grp in sub.groupby("unit"):
            rows.append(
                {
                    "unit": unit,
                    "year": int(y),
                    "value": float(grp["share"].sum() / n_inputs * 100),
                    "source_id": _sid(pd.concat([grp["source_id"], grp["psid"]])),
                }
            )
    out = pd.DataFrame(rows, columns=["unit", "year", "value", "source_id"])
    out = _zero_fill(out, units, sorted(int(y) for y in df["year"].unique()))
    out["p5"] = np.nan
    out["p95"] = np.nan
    return pd.DataFrame(out[COLUMNS])


def _semi_equipment(atlas: Atlas, units: list[str] | None) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    df = atlas.df(
        "SELECT period, region_iso3 AS unit, billings_usd_bn AS value, source_id "
        "FROM semi_equipment_billings WHERE region_iso3 IS NOT NULL "
        "AND length(period) = 4"
    )
    df["year"] = df["period"].astype(int)
    out = df.groupby(["unit", "year"]).agg(value=("value", "first"), source_id=("source_id", _sid)).reset_index()
    out["p5"] = np.nan
    out["p95"] = np.nan
    return pd.DataFrame(out[COLUMNS])


DERIVED: dict[str, Derived] = {
    d.name: d
    for d in (
        Derived(
            "top500_rmax",
            "TFlop/s (FP64 HPL)",
            ("top500_systems",),
            "sum of Rmax of the country's systems on the year's last TOP500 list; 0 = no "
            "system listed (TOP500 is opt-in; China stopped submitting around 2019)",
            lambda a, u: _top500(a, u, "rmax"),
        ),
        Derived(
            "top500_rmax_cpu",
            "TFlop/s (FP64 HPL)",
            ("top500_systems",),
            "Rmax of listed systems without accelerators (general-purpose compute)",
            lambda a, u: _top500(a, u, "rmax_cpu"),
        ),
        Derived(
            "top500_rmax_accel",
            "TFlop/s (FP64 HPL)",
            ("top500_systems",),
            "Rmax of listed systems with accelerators",
            lambda a, u: _top500(a, u, "rmax_accel"),
        ),
        Derived(
            "top500_systems",
            "count",
            ("top500_systems",),
            "systems on the year's last TOP500 list",
            lambda a, u: _top500(a, u, "systems"),
        ),
        Derived(
            "top500_gflops_per_watt",
            "GFlop/s per W",
            ("top500_systems",),
            "Σ Rmax / Σ power of listed systems that report power (missing if none)",
            lambda a, u: _top500(a, u, "gflops_per_watt"),
        ),
        Derived(
            "gpu_h100e",
            "H100-equivalents",
            ("gpu_clusters",),
            "H100e of Epoch GPU clusters operational in the year (no duplicates); Epoch covers "
            "an estimated 10–20% of AI compute, Chinese entries are rounded",
            lambda a, u: _clusters(a, u, "h100e"),
        ),
        Derived(
            "gpu_power_mw",
            "MW",
            ("gpu_clusters",),
            "power of Epoch GPU clusters operational in the year",
            lambda a, u: _clusters(a, u, "power_mw"),
        ),
        Derived(
            "ai_models_notable",
            "models (3 years)",
            ("ai_models",),
            "notable AI models (Epoch) published in the 3 years to the year, credited to every "
            "country of the developing organisations",
            lambda a, u: _models(a, u, "notable"),
        ),
        Derived(
            "ai_models_all",
            "models (3 years)",
            ("ai_models",),
            "all Epoch-listed AI models (notable, large-scale, frontier) in the 3 years to the year",
            lambda a, u: _models(a, u, "all"),
        ),
        Derived(
            "ai_frontier_compute",
            "log10 FLOP",
            ("ai_models",),
            "log10 of the largest training compute of the country's models in the 3 years "
            "to the year (missing if none has a compute estimate)",
            lambda a, u: _models(a, u, "frontier_compute"),
        ),
        Derived(
            "chip_supply_share",
            "% (mean over inputs)",
            ("sc_provision", "sc_providers"),
            "mean over semiconductor supply-chain inputs of the summed market share of the "
            "country's providers (CSET ETO, CC-BY-NC-4.0; each input at its latest year)",
            _supply_chain,
        ),
        Derived(
            "semi_equipment_billings",
            "USD bn",
            ("semi_equipment_billings",),
            "chip-making equipment billings by region (SEMI), only where the region is a country",
            _semi_equipment,
        ),
    )
}


def _facts(atlas: Atlas, variable: str) -> pd.DataFrame:
    import pandas as pd

    df = atlas.df(
        "SELECT entity AS unit, period, value, p5, p95, source_id FROM facts "
        "WHERE variable = ? AND length(entity) = 3 AND value IS NOT NULL",
        [variable],
    )
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    df["year"] = pd.to_numeric(df["period"].astype(str).str[:4], errors="coerce")
    df = df[df["year"].notna() & df["period"].astype(str).str.match(r"^\d{4}($|-\d{2}|Q\d)")]
    df["year"] = df["year"].astype(int)
    df = df.sort_values("period").groupby(["unit", "year"], as_index=False).last()
    return pd.DataFrame(df[COLUMNS])


def fetch(atlas: Atlas, source: str, units: list[str] | None = None) -> pd.DataFrame:
    """Country-year values of one indicator source (facts variable or ``derived:NAME``)."""
    if source.startswith("derived:"):
        name = source.split(":", 1)[1]
        if name not in DERIVED:
            from computestrata.errors import unknown

            raise unknown("derived indicator", name, DERIVED)
        d = DERIVED[name]
        missing = [t for t in d.tables if not atlas.has(t)]
        if missing:
            raise InputError(
                f"derived indicator {name} needs atlas table(s) {', '.join(missing)}",
                hint="rebuild the atlas with `strata atlas build`",
            )
        return d.fn(atlas, units)
    return _facts(atlas, source)


def load_panel(atlas: Atlas, fw: Framework) -> tuple[Panel, Framework, list[str]]:
    """The framework's indicators from the atlas as a :class:`Panel`, plus notes.

    Returns the framework too: indicators left out for licence reasons are marked
    unavailable in it, so the engine does not look for them.

    An active indicator with no data is a loud error naming the source — unless the user
    excluded licences, in which case it is left out and said so.
    """
    import pandas as pd

    from computestrata.measure.index.engine import Panel

    units = list(fw.units) if fw.units else None
    notes: list[str] = []
    frames = []
    dropped: list[str] = []
    variables = None
    for ind in fw.active:
        df = fetch(atlas, ind.source, units)
        if ind.denominator:
            den = fetch(atlas, ind.denominator, units)
            df = df.merge(den[["unit", "year", "value", "source_id"]], on=["unit", "year"], suffixes=("", "_den"))
            df = df[df["value_den"] > 0]
            for c in ("value", "p5", "p95"):
                df[c] = df[c] / df["value_den"]
            df["source_id"] = df["source_id"].astype(str) + ";" + df["source_id_den"].astype(str)
            df = df[COLUMNS]
        if units:
            df = df[df["unit"].isin(units)]
        if df.empty:
            if atlas.exclude_licenses:
                notes.append(t("index.note.licence_excluded", ind=ind.id, licences=", ".join(atlas.exclude_licenses)))
                dropped.append(ind.id)
                continue
            if variables is None:
                variables = [r["variable"] for r in atlas.rows("SELECT DISTINCT variable FROM facts")]
            from computestrata.errors import closest

            choices = variables + [f"derived:{n}" for n in DERIVED]
            raise InputError(
                f"indicator {ind.id}: source {ind.source!r} has no data in atlas {atlas.path}",
                hint=f"closest sources: {', '.join(closest(ind.source, choices, 4))}; or mark "
                "the indicator `available: false` with an `unavailable_reason`",
            )
        frames.append(df.assign(indicator=ind.id))
    if not frames:
        raise InputError(f"index {fw.id}: no indicator has data", hint="check the atlas")
    data = pd.concat(frames, ignore_index=True)
    groups: dict[str, str] = {}
    if atlas.has("countries"):
        for r in atlas.rows("SELECT iso3, income_group FROM countries WHERE income_group IS NOT NULL"):
            groups[str(r["iso3"])] = str(r["income_group"])
    if dropped:
        from dataclasses import replace

        from computestrata.i18n import LANGS

        why = {lang: t("index.word.licence_excluded", lang) for lang in LANGS}
        fw = replace(
            fw,
            indicators=tuple(
                replace(i, available=False, unavailable_reason=why) if i.id in dropped else i for i in fw.indicators
            ),
        )
    panel = Panel(data[["unit", "year", "indicator", "value", "p5", "p95", "source_id"]], groups=groups)
    return panel, fw, notes
