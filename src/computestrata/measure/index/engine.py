"""Build an index: screen → impute → treat outliers → normalise → weight → aggregate.

:func:`prepare` does everything that does not depend on the step choices varied in an
uncertainty analysis (unit/indicator selection, screening, panel gaps, nominal data), and
:func:`transform` / :func:`aggregate_tree` do the rest, so :mod:`.uncertainty` can reuse
the very same steps to precompute its variants.  The result keeps every intermediate
data set, the weights, a log of every action, and the source ids of the facts used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.i18n import get_lang, t
from computestrata.measure.index.config import Framework

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import NDArray

    Array = NDArray[Any]

PANEL_COLUMNS = ("unit", "year", "indicator", "value", "p5", "p95", "source_id")


@dataclass
class Panel:
    """Indicator values in long form: one row per unit, year and indicator.

    Columns: unit, year (int), indicator (framework indicator id), value, p5, p95 (optional
    uncertainty band), source_id.  ``groups`` maps units to a group label (for group
    imputation), e.g. the World Bank income group.
    """

    data: pd.DataFrame
    groups: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import pandas as pd

        missing = [c for c in ("unit", "year", "indicator", "value") if c not in self.data.columns]
        if missing:
            raise InputError(
                f"panel data lacks column(s) {', '.join(missing)}", hint=f"give columns {', '.join(PANEL_COLUMNS)}"
            )
        df = self.data.copy()
        for c in ("p5", "p95", "source_id"):
            if c not in df.columns:
                df[c] = None
        df["year"] = pd.to_numeric(df["year"], errors="raise").astype(int)
        for c in ("value", "p5", "p95"):
            df[c] = pd.to_numeric(df[c], errors="raise").astype(float)
        dup = df.duplicated(["unit", "year", "indicator"], keep=False)
        if dup.any():
            first = df[dup].iloc[0]
            raise InputError(
                f"panel data has {int(dup.sum())} duplicated unit/year/indicator rows, e.g. "
                f"{first['unit']} {first['year']} {first['indicator']}",
                hint="aggregate or deduplicate the facts before building the index",
            )
        self.data = df

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.data["year"].unique())

    def cube(self, column: str, units: list[str], indicators: list[str], years: list[int]) -> Array:
        """``(years, units, indicators)`` array of one column (NaN where absent)."""
        import numpy as np
        import pandas as pd

        df = self.data[
            self.data["unit"].isin(units) & self.data["indicator"].isin(indicators) & self.data["year"].isin(years)
        ]
        idx = pd.MultiIndex.from_product([years, units], names=["year", "unit"])
        wide = df.pivot_table(index=["year", "unit"], columns="indicator", values=column, aggfunc="first", dropna=False)
        wide = wide.reindex(index=idx, columns=indicators)
        return np.asarray(wide.to_numpy(dtype=float), dtype=float).reshape(len(years), len(units), len(indicators))


@dataclass
class Prepared:
    """Everything fixed before the step choices: units, indicators, tree, nominal data."""

    fw: Framework
    year: int
    units: list[str]
    indicators: list[str]
    raw: Array  # (units, indicators), the year's values before imputation
    p5: Array
    p95: Array
    groups: list[str | None]
    children: dict[str, list[str]]  # live tree (after screening)
    levels: dict[int, list[str]]  # aggregate ids per level (2..L)
    panel_filled: dict[str, Array] = field(default_factory=dict)  # panel method → year slice
    stats_from: Array | None = None
    prefilled: Array | None = None  # cells filled by steps.impute.panel before screening
    log: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)

    @property
    def direction(self) -> Array:
        import numpy as np

        return np.array([self.fw.indicator(i).direction for i in self.indicators], dtype=float)

    def cross(self, impute: str) -> Array:
        """The year's raw values, with panel gaps filled when ``impute`` is a panel method."""
        return self.panel_filled.get(impute, self.raw)

    def normalise_kwargs(self) -> dict[str, Any]:
        import numpy as np

        fw, s = self.fw, self.fw.steps
        inds = [fw.indicator(i) for i in self.indicators]
        ref = None
        if s.reference_unit is not None:
            if s.reference_unit not in self.units:
                from computestrata.errors import unknown

                raise unknown("reference unit", s.reference_unit, self.units)
            ref = self.units.index(s.reference_unit)
        return {
            "out_range": s.range,
            "centre": s.centre,
            "spread": s.spread,
            "ref_index": ref,
            "target": np.array([np.nan if i.target is None else i.target for i in inds]),
            "goalposts": np.array([i.goalposts or (np.nan, np.nan) for i in inds], dtype=float),
            "names": self.indicators,
            "ties": s.ties,
            "cap": s.cap,
            "trunc": s.trunc,
            "scaled": s.scaled,
        }


def _screen(
    fw: Framework, units: list[str], inds: list[str], x: Array, log: list[dict[str, Any]], notes: list[str]
) -> tuple[list[str], list[str]]:
    import numpy as np

    s = fw.steps
    have = ~np.isnan(x)
    cov_i = have.mean(axis=0) if len(units) else np.zeros(len(inds))
    keep_i = cov_i >= s.min_indicator_coverage
    for j in np.nonzero(~keep_i)[0]:
        log.append({"step": "screen", "indicator": inds[j], "coverage": float(cov_i[j]), "action": "dropped"})
        notes.append(
            t(
                "index.note.indicator_dropped",
                ind=inds[j],
                share=f"{cov_i[j]:.0%}",
                min=f"{s.min_indicator_coverage:.0%}",
            )
        )
    have = have[:, keep_i]
    cov_u = have.mean(axis=1) if keep_i.any() else np.zeros(len(units))
    keep_u = cov_u >= s.min_unit_coverage
    if s.min_unit_nonzero > 0:  # COINr Screen(nonzero_thresh): share of non-zero values among those present
        xs = x[:, keep_i]
        with np.errstate(invalid="ignore"):
            nonzero = (np.nan_to_num(xs) != 0).sum(axis=1) / np.maximum((~np.isnan(xs)).sum(axis=1), 1)
        for u in np.nonzero(keep_u & (nonzero < s.min_unit_nonzero))[0]:
            log.append({"step": "screen", "unit": units[u], "nonzero": float(nonzero[u]), "action": "dropped"})
        keep_u &= nonzero >= s.min_unit_nonzero
    for k, name in enumerate(units):  # forced include/exclude (COINr Force): said in the log
        if name in s.include_units and not keep_u[k]:
            keep_u[k] = True
            log.append({"step": "screen", "unit": name, "coverage": float(cov_u[k]), "action": "forced in"})
        if name in s.exclude_units and keep_u[k]:
            keep_u[k] = False
            log.append({"step": "screen", "unit": name, "coverage": float(cov_u[k]), "action": "forced out"})
    for u in np.nonzero(~keep_u)[0]:
        if units[u] in s.exclude_units or (s.min_unit_nonzero > 0 and cov_u[u] >= s.min_unit_coverage):
            continue
        log.append({"step": "screen", "unit": units[u], "coverage": float(cov_u[u]), "action": "dropped"})
    if (~keep_u).any():
        notes.append(t("index.note.units_dropped", n=int((~keep_u).sum()), min=f"{s.min_unit_coverage:.0%}"))
    return [u for u, k in zip(units, keep_u, strict=True) if k], [i for i, k in zip(inds, keep_i, strict=True) if k]


def _live_tree(fw: Framework, inds: list[str], notes: list[str]) -> dict[str, list[str]]:
    live: dict[str, list[str]] = {}
    alive = set(inds)
    for lvl in range(2, fw.n_levels + 1):
        for node in fw.nodes_at(lvl):
            kids = [c for c in fw.children(node) if c in alive]
            if kids:
                live[node] = kids
                alive.add(node)
            else:
                notes.append(t("index.note.pillar_left_out", node=fw.name_of(node, get_lang())))
    if fw.root.id not in live:
        raise InputError(
            f"index {fw.id}: no indicator has enough data", hint="lower steps.screen thresholds or add data"
        )
    return live


def _sources(panel: Panel, prep: Prepared, year: int, from_panel: bool) -> list[str]:
    """Source ids of the rows used: the year's values, and for cells filled from other
    years, the nearest observation before and after the year (what interpolation uses)."""
    df = panel.data
    used = df[df["unit"].isin(prep.units) & df["indicator"].isin(prep.indicators) & df["value"].notna()]
    ids = set(used.loc[used["year"] == year, "source_id"].dropna())
    if from_panel:
        import numpy as np

        filled = np.zeros(prep.raw.shape, dtype=bool)
        if prep.prefilled is not None:
            filled |= prep.prefilled.astype(bool)
        for arr in prep.panel_filled.values():
            filled |= np.isnan(prep.raw) & ~np.isnan(arr)
        gaps = np.argwhere(filled)
        for ui, ii in gaps:
            rows = used[(used["unit"] == prep.units[ui]) & (used["indicator"] == prep.indicators[ii])]
            before = rows[rows["year"] < year]
            after = rows[rows["year"] > year]
            if len(before):
                ids.update(before.loc[before["year"] == before["year"].max(), "source_id"].dropna())
            if len(after):
                ids.update(after.loc[after["year"] == after["year"].min(), "source_id"].dropna())
    return sorted({part.strip() for s in ids for part in str(s).split(";") if part.strip()})


def _impute_before_screen(
    fw: Framework, inds: list[str], x: Array, groups: list[str | None], notes: list[str]
) -> Array:
    """The year's data imputed over every unit, for ``steps.screen.when: after`` (COINr
    ``Screen(dset = "Imputed")``): screening then sees the imputed values, and the kept
    units keep the values imputed with everyone's data."""
    import numpy as np

    from computestrata.measure.index import impute as imp

    own = [fw.indicator(i).impute or fw.steps.impute for i in inds]
    odd = sorted({m for m in own if m.startswith(("row_", "panel_"))})
    if odd:
        raise InputError(
            f"steps.screen.when: after cannot be combined with imputation {', '.join(odd)}",
            hint="screen before imputation (when: before), or impute by mean, median, group_*, em or custom:NAME",
        )
    out = np.array(x, dtype=float, copy=True)
    some = ~np.isnan(out).all(axis=0)  # an indicator with no value at all stays empty (screened out)
    for m in sorted(set(own)):
        cols = [j for j, o in enumerate(own) if o == m and some[j]]
        if cols:
            filled, _, nt = imp.impute_cross(out[:, cols], m, groups)
            out[:, cols] = filled
            notes += nt
    return out


def prepare(fw: Framework, panel: Panel, year: int) -> Prepared:
    """Select units and indicators, screen coverage, fill panel gaps, collect sources."""

    years = panel.years
    if year not in years:
        from computestrata.measure.index.years import valid_years

        ok = valid_years(fw, panel)
        raise InputError(
            f"no data for year {year}",
            hint=f"years {fw.id} can be built for: {', '.join(map(str, ok))}" if ok else "add data for the year",
        )
    wanted = [i.id for i in fw.active]
    present = set(panel.data["indicator"].unique())
    absent = [i for i in wanted if i not in present]
    if absent:
        raise InputError(
            f"index {fw.id}: no data at all for indicator(s) {', '.join(absent)}",
            hint="check each `source:` against the atlas, or mark the indicator "
            "`available: false` with an `unavailable_reason`",
        )
    all_units = sorted(panel.data["unit"].unique())
    if fw.units:
        unknown_units = [u for u in fw.units if u not in all_units]
        units = [u for u in fw.units if u in all_units]
    else:
        unknown_units, units = [], all_units
    log: list[dict[str, Any]] = []
    notes: list[str] = [t("index.note.unit_no_data", unit=u) for u in unknown_units]
    cube = panel.cube("value", units, wanted, years)
    yi = years.index(year)
    prefilled = None
    if fw.steps.impute_panel:
        from computestrata.measure.index.impute import impute_panel as _fill

        cube, filled_mask = _fill(cube, years, fw.steps.impute_panel, fw.steps.panel_max_age)
        prefilled = filled_mask[yi]
        if prefilled.any():
            age = t("index.note.max_age", n=fw.steps.panel_max_age) if fw.steps.panel_max_age is not None else ""
            notes.append(
                t("index.note.panel_filled", n=int(prefilled.sum()), year=year, method=fw.steps.impute_panel, age=age)
            )
    if fw.steps.screen_after:
        import numpy as np

        cube = cube.copy()
        done = _impute_before_screen(fw, wanted, cube[yi], [panel.groups.get(u) for u in units], notes)
        now = np.isnan(cube[yi]) & ~np.isnan(done)
        cube[yi] = done
        prefilled = now if prefilled is None else (prefilled.astype(bool) | now)
    units2, inds2 = _screen(fw, units, wanted, cube[yi], log, notes)
    if len(units2) < 3:
        raise InputError(
            f"index {fw.id} {year}: only {len(units2)} unit(s) pass screening",
            hint="lower steps.screen.min_unit_coverage or choose another year",
        )
    ui = [units.index(u) for u in units2]
    ii = [wanted.index(i) for i in inds2]
    cube = cube[:, ui][:, :, ii]
    children = _live_tree(fw, inds2, notes)
    levels = {lvl: [n for n in fw.nodes_at(lvl) if n in children] for lvl in range(2, fw.n_levels + 1)}
    prep = Prepared(
        fw=fw,
        year=year,
        units=units2,
        indicators=inds2,
        raw=cube[yi].copy(),
        p5=panel.cube("p5", units2, inds2, [year])[0],
        p95=panel.cube("p95", units2, inds2, [year])[0],
        groups=[panel.groups.get(u) for u in units2],
        children=children,
        levels=levels,
        log=log,
        notes=notes,
    )
    if prefilled is not None:
        prep.prefilled = prefilled[ui][:, ii]
    from computestrata.measure.index.impute import impute_panel

    methods = {fw.steps.impute, *fw.uncertainty.impute}
    for m in sorted(methods):
        if m.startswith("panel_"):
            filled, _ = impute_panel(cube, years, m, fw.steps.panel_max_age)  # panel_* methods
            prep.panel_filled[m] = filled[yi]
    if fw.steps.panel_bounds == "global":
        if fw.steps.outliers == "log":
            raise InputError(
                "global panel bounds with log-transformed outliers mix scales",
                hint="use outliers winsorise/none, or panel_bounds by_year",
            )
        prep.stats_from = cube.reshape(-1, len(inds2))
    prep.source_ids = _sources(
        panel, prep, year, any(m.startswith("panel_") for m in methods) or fw.steps.impute_panel is not None
    )
    return prep


def pretreat(prep: Prepared, x: Array, impute: str) -> tuple[Array, dict[str, Any]]:
    """Impute and treat outliers in one ``(units, indicators)`` array (before normalising)."""
    import numpy as np

    from computestrata.measure.index import impute as imp
    from computestrata.measure.index import outliers as out

    s = prep.fw.steps
    own = [prep.fw.indicator(i).impute or impute for i in prep.indicators]
    filled = np.array(x, dtype=float, copy=True)
    mask = np.zeros(filled.shape, dtype=bool)
    notes: list[str] = []
    for m in sorted(set(own)):  # per-indicator methods (COINr: impute a group of indicators its own way)
        cols = [j for j, o in enumerate(own) if o == m]
        if m in ("row_mean", "row_median"):  # from the unit's siblings within each aggregate
            pos = {ind: j for j, ind in enumerate(prep.indicators)}
            sib = [[pos[k] for k in kids if k in pos] for kids in prep.children.values()]
            done = imp.impute_rows(filled, [g for g in sib if g], prep.direction, m[4:])
            gap = np.zeros(filled.shape, dtype=bool)
            gap[:, cols] = np.isnan(filled[:, cols]) & ~np.isnan(done[:, cols])
            filled = np.where(gap, done, filled)
            mask |= gap
            continue
        f, mk, nt = imp.impute_cross(filled[..., cols], m, prep.groups)
        filled[..., cols], mask[..., cols] = f, mk
        notes += nt
    panel_mask = np.isnan(prep.raw) & ~np.isnan(x)
    if prep.prefilled is not None:
        panel_mask = panel_mask | prep.prefilled.astype(bool)
    record = np.full(filled.shape, "", dtype=object)
    treated, tlog = out.treat(
        filled,
        s.outliers,
        skew=s.skew,
        kurtosis=s.kurtosis,
        max_points=s.max_points,
        fallback=s.outlier_fallback,
        names=prep.indicators,
        lam=s.boxcox_lambda,
        force=s.force_winsorise,
        specs=[prep.fw.indicator(i).treat for i in prep.indicators],
        record=record,
    )
    return treated, {
        "filled": filled,
        "imputed": mask | panel_mask,
        "impute_notes": notes,
        "treatment": tlog,
        "treated": treated,
        "points": record,
    }


#: per-indicator ``normalise:`` keys → keyword arguments of :func:`.normalise.normalise`
_SPEC_ARGS = {"range": "out_range", "ties": "ties", "cap": "cap", "trunc": "trunc", "scaled": "scaled"}
_SPEC_ARGS.update(centre="centre", spread="spread")


def normalise(prep: Prepared, treated: Array, method: str) -> Array:
    """Normalise treated data with the framework's range, targets and goalposts.

    Indicators with their own ``normalise:`` spec use it (COINr ``indiv_specs``) whatever
    ``method`` is; the others use ``method``.  When z-scores feed a geometric or harmonic
    mean, every z-scored column is shifted by one common constant so the smallest is 1
    (ranks under an arithmetic mean are unchanged; the geometric mean becomes defined).
    """
    import numpy as np

    from computestrata.measure.index import normalise as nrm
    from computestrata.measure.index.config import uses_positive_means

    kw = prep.normalise_kwargs()
    fw = prep.fw
    specs = [fw.indicator(i).normalise for i in prep.indicators]
    groups: dict[str, list[int]] = {}
    for j, spec in enumerate(specs):
        key = repr(sorted(spec.items())) if spec else ""
        groups.setdefault(key, []).append(j)
    d = prep.direction
    out = np.empty(np.shape(treated), dtype=float)
    zcols: list[int] = []
    for cols in groups.values():
        spec = specs[cols[0]] or {}
        m = spec.get("method", method)
        sub = dict(kw)
        sub.update({_SPEC_ARGS[k]: v for k, v in spec.items() if k in _SPEC_ARGS})
        sub["target"] = kw["target"][cols]
        sub["goalposts"] = kw["goalposts"][cols]
        sub["names"] = [prep.indicators[j] for j in cols]
        stats = None if prep.stats_from is None else prep.stats_from[..., cols]
        out[..., cols] = nrm.normalise(treated[..., cols], m, d[cols], stats_from=stats, **sub)
        if m == "zscore":
            zcols += cols
    if zcols and uses_positive_means(fw):
        z = out[..., zcols]
        low = np.nanmin(z.reshape(*z.shape[:-2], -1), axis=-1)[..., None, None]
        out[..., zcols] = z - low + 1.0
    return out


def transform(prep: Prepared, x: Array, impute: str, method: str) -> tuple[Array, dict[str, Any]]:
    """Impute, treat outliers and normalise one ``(units, indicators)`` array."""
    treated, info = pretreat(prep, x, impute)
    return normalise(prep, treated, method), info


def node_weights(prep: Prepared, node: str, kids_x: Array) -> tuple[Any, str, dict[str, Any]]:
    """Weights of ``node``'s children by the configured method (data-driven ones use ``kids_x``)."""
    import numpy as np

    from computestrata.measure.index import weights as wts

    fw = prep.fw
    kids = prep.children[node]
    agg = fw.aggregate(node)
    method = agg.weights or fw.steps.weights_at(fw.level_of(node))
    info: dict[str, Any] = {}
    if len(kids) == 1:
        return np.ones(1), method, info
    if method == "equal":
        w = wts.equal(len(kids))
    elif method == "manual":
        w = wts.manual([fw.weight_of(k) for k in kids])
    elif method == "pca":
        w, info = wts.pca(kids_x)
    elif method == "pca_signed":
        w, info = wts.pca(kids_x, signed=True)
    elif method == "entropy":
        w = wts.entropy(kids_x)
    else:  # bod
        bw, score = wts.bod(kids_x)
        info = {"scores": score}
        return bw, method, info
    return w, method, info


def aggregate_tree(prep: Prepared, normed: Array) -> tuple[dict[str, Array], dict[str, Any], list[dict[str, Any]]]:
    """Aggregate level by level; returns scores per node, weights per node, and a log."""
    import numpy as np

    from computestrata.measure.index import aggregate as agg

    fw, s = prep.fw, prep.fw.steps
    scores: dict[str, Array] = {i: normed[:, k] for k, i in enumerate(prep.indicators)}
    weights: dict[str, Any] = {}
    log: list[dict[str, Any]] = []
    for lvl in sorted(prep.levels):
        for node in prep.levels[lvl]:
            kids = prep.children[node]
            kx = np.column_stack([scores[k] for k in kids])
            w, wmethod, info = node_weights(prep, node, kx)
            method = fw.method_at(node)
            if wmethod == "bod":
                scores[node] = info["scores"] * s.range[1]
                weights[node] = w
                log.append(
                    {
                        "step": "aggregate",
                        "node": node,
                        "method": "bod",
                        "note": f"benefit-of-the-doubt score × {s.range[1]:g}",
                    }
                )
                continue
            if method == "copeland":
                if np.isnan(kx).any():
                    raise InputError(
                        f"Copeland aggregation of {node} needs complete data", hint="impute missing values first"
                    )
                scores[node] = agg.copeland(kx, w)
            else:
                scores[node] = agg.power_mean(
                    kx,
                    w,
                    method,
                    power=s.power_at(lvl),
                    zeros=s.zeros,
                    epsilon=s.epsilon,
                    min_coverage=s.coverage_at(lvl),
                    units=prep.units,
                    by_count=s.coverage == "count",
                )
            weights[node] = w
            log.append(
                {
                    "step": "aggregate",
                    "node": node,
                    "method": method,
                    "weights": wmethod,
                    **({"pca": info} if info else {}),
                }
            )
    return scores, weights, log


def ranks(values: Array) -> Array:
    """Rank 1 = highest; ties share the best rank (the package's one tie rule,
    :mod:`computestrata.maths.ranking`); missing stays missing."""
    from computestrata.maths.ranking import rank_desc

    return rank_desc(values)


@dataclass
class IndexResult:
    """A built index: scores at every level, ranks, intermediate data, log, sources."""

    fw: Framework
    year: int
    units: list[str]
    indicators: list[str]
    scores: pd.DataFrame  # units × nodes (indicators normalised, then aggregates)
    ranks: pd.DataFrame  # units × aggregates
    raw: pd.DataFrame
    treated: pd.DataFrame
    imputed: pd.DataFrame  # bool
    weights: dict[str, Any]
    children: dict[str, list[str]]
    levels: dict[int, list[str]]
    log: list[dict[str, Any]]
    notes: list[str]
    source_ids: list[str]
    #: what outlier treatment did to each point: "", "winhi", "winlo" or a transform name
    treated_points: pd.DataFrame | None = None
    #: the data after imputation, before outlier treatment (COINr ``Imputed``)
    filled: pd.DataFrame | None = None

    @property
    def index(self) -> pd.Series:
        return self.scores[self.fw.root.id]

    def level(self, lvl: int) -> pd.DataFrame:
        """Scores of every node at one level (1 = normalised indicators)."""
        cols = self.indicators if lvl == 1 else self.levels[lvl]
        return self.scores[cols]

    def imputed_share(self) -> float:
        return float(self.imputed.to_numpy().mean())


def build(fw: Framework, panel: Panel, year: int, prep: Prepared | None = None) -> IndexResult:
    """Build the nominal index for ``year`` (every step as the framework configures it)."""
    import pandas as pd

    prep = prep or prepare(fw, panel, year)
    s = fw.steps
    x = prep.cross(s.impute)
    normed, info = transform(prep, x, s.impute, s.normalise)
    scores, weights, alog = aggregate_tree(prep, normed)
    log = list(prep.log)
    for tr in info["treatment"]:
        log.append({"step": "outliers", **tr})
    log += alog
    notes = list(prep.notes) + list(info["impute_notes"])
    imputed = info["imputed"]
    if imputed.any():
        notes.append(t("index.note.imputed", share=f"{imputed.mean():.1%}", method=s.impute))
    for tr in info["treatment"]:
        notes.append(
            t(
                "index.note.treated",
                ind=tr["indicator"],
                skew=f"{tr['skew_before']:.2f}",
                kurt=f"{tr['kurtosis_before']:.2f}",
                action=t(f"index.action.{tr['action']}", points=tr["points"]),
            )
        )
    for thin in fw.thin_pillars(get_lang()):
        if thin["node"] in prep.children:
            notes.append(
                t(
                    "index.note.thin",
                    node=fw.name_of(thin["node"], get_lang()),
                    have=thin["available"],
                    declared=thin["declared"],
                )
                + (f" — {thin['note']}" if thin["note"] else "")
            )
    idx = pd.Index(prep.units, name="unit")
    order = prep.indicators + [n for lvl in sorted(prep.levels) for n in prep.levels[lvl]]
    sc = pd.DataFrame({k: scores[k] for k in order}, index=idx)
    aggs = [n for lvl in sorted(prep.levels) for n in prep.levels[lvl]]
    rk = pd.DataFrame({k: ranks(scores[k]) for k in aggs}, index=idx)
    return IndexResult(
        fw=fw,
        year=year,
        units=prep.units,
        indicators=prep.indicators,
        scores=sc,
        ranks=rk,
        raw=pd.DataFrame(x, index=idx, columns=prep.indicators),
        treated=pd.DataFrame(info["treated"], index=idx, columns=prep.indicators),
        imputed=pd.DataFrame(imputed, index=idx, columns=prep.indicators),
        weights=weights,
        children=prep.children,
        levels=prep.levels,
        log=log,
        notes=notes,
        source_ids=prep.source_ids,
        treated_points=pd.DataFrame(info["points"], index=idx, columns=prep.indicators),
        filled=pd.DataFrame(info["filled"], index=idx, columns=prep.indicators),
    )


def build_panel(fw: Framework, panel: Panel, years: list[int] | None = None) -> dict[int, IndexResult]:
    """The index for several years (each year screened on its own data)."""
    return {y: build(fw, panel, y) for y in (years or panel.years)}
