"""The index results people see, as typed functions: one way to compute each figure.

The CLI (``strata index ...``), reports, the dashboard and Python callers all call these
functions, so a rank or a note never differs between them.  Each returns an
:class:`IndexTable` (title, rows, data, notes, source ids) whose text is in the current
language (:func:`computestrata.i18n.set_lang`).  Data come from the atlas (``atlas=`` an
open :class:`~computestrata.atlas.store.Atlas`, a path, or ``None`` for the shipped one) or
from a ready :class:`~computestrata.measure.index.engine.Panel` (``panel=``), which lets
tests and notebooks index hand-made data.

Heavy libraries are imported inside the functions: the CLI imports this package at start-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.i18n import get_lang, t
from computestrata.measure.index.config import Framework

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.measure.index.engine import Panel

FrameworkRef = str | Path | Framework


@dataclass
class IndexTable:
    """One result as shown: rows (a table), data (figures about it), notes and sources."""

    title: str
    rows: list[dict[str, Any]]
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    columns: list[str] | None = None
    #: for tables only (JSON keeps ids): header per column/data key, shown text per id value
    #: of a column, and further tables shown after this one (their data is in ``data``)
    labels: dict[str, str] = field(default_factory=dict)
    cells: dict[str, dict[str, str]] = field(default_factory=dict)
    parts: list[IndexTable] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the ``--json`` payload without the atlas's source records)."""
        return {"title": self.title, **self.data, "rows": self.rows, "source_ids": self.source_ids, "notes": self.notes}


@dataclass
class Loaded:
    """A framework with its data: what every index function starts from."""

    fw: Framework
    panel: Panel
    notes: list[str]
    #: the framework before ``--exclude-license`` marked indicators unavailable (None: same as fw)
    declared: Framework | None = None
    #: licences excluded, and the indicators they left without data
    licences: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    @property
    def screened(self) -> Framework:
        """The framework years are screened against: as declared, so indicators a licence
        filter hides count as missing data (else a thin year would pass as a full one)."""
        return self.declared if self.declared is not None else self.fw

    def valid_years(self) -> list[int]:
        """The framework's valid years on the data actually available (licence filter applied)."""
        from computestrata.measure.index import years

        return years.valid_years(self.screened, self.panel)

    def year(self, year: int | None, option: str = "--year") -> int:
        """``year`` checked against the framework's valid years (:mod:`.years`), or the
        latest valid year when ``None`` (said in a note, since the caller did not choose it).

        Screening uses the declared framework on the filtered data: indicators hidden by
        ``--exclude-license`` count as missing, and a refusal names the filter as the cause."""
        from computestrata.errors import InputError
        from computestrata.measure.index import years

        try:
            chosen, defaulted = years.check_year(self.screened, self.panel, year, option)
        except InputError as exc:
            if not self.hidden:
                raise
            raise InputError(
                t(
                    "index.error.licence_year",
                    msg=exc.message,
                    licences=", ".join(self.licences),
                    n=len(self.hidden),
                    total=len(self.screened.active),
                    hidden=", ".join(self.hidden),
                ),
                hint=t("index.error.licence_year_hint", licences=", ".join(self.licences)),
            ) from exc
        if defaulted:
            self.notes.insert(0, t("index.note.year_default", year=chosen, fw=self.fw.id))
        return chosen


def label(key: str) -> str:
    """Header of a column or data field: ``index.col.KEY``, else the shared ``col.KEY``, else KEY."""
    from computestrata.i18n import catalog

    cat = catalog()
    for k in (f"index.col.{key}", f"col.{key}"):
        if k in cat:
            return t(k)
    return key


def factor_label(name: str) -> str:
    """An uncertain choice (``impute``, ``aggregate_L2``, ``weights_L3``, ``data``) in words."""
    kind, _, level = name.partition("_L")
    if level.isdigit():
        return t(f"index.factor.{kind}", level=level)
    return t(f"index.factor.{name}") if f"index.factor.{name}" in _keys() else name


def _keys() -> dict[str, dict[str, str]]:
    from computestrata.i18n import catalog

    return catalog()


def _names(fw: Framework, ids: list[str]) -> dict[str, str]:
    """Node/indicator ids → names in the current language (for table cells)."""
    lang = get_lang()
    known = {i.id for i in fw.indicators} | {a.id for a in fw.aggregates}
    return {i: fw.name_of(i, lang) for i in ids if i in known}


def _yes_no(value: bool) -> str:
    return t("index.word.yes") if value else t("index.word.no")


def whole(value: Any) -> int | None:
    """A rank as an integer for display (missing stays None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def load(
    framework: FrameworkRef,
    atlas: Atlas | Path | str | None = None,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
) -> Loaded:
    """The framework (name, YAML path or object) and its panel (given, or read from the atlas)."""
    from computestrata.measure.index import config

    fw = framework if isinstance(framework, Framework) else config.load(framework)
    if panel is not None:
        return Loaded(fw, panel, [])
    from computestrata.measure.index import indicators

    at = _atlas(atlas, exclude_license)
    panel, kept, notes = indicators.load_panel(at, fw)
    hidden = tuple(i.id for i in fw.active if not any(k.id == i.id and k.available for k in kept.indicators))
    return Loaded(kept, panel, notes, declared=fw, licences=tuple(at.exclude_licenses), hidden=hidden)


def _atlas(atlas: Atlas | Path | str | None, exclude_license: list[str] | None) -> Atlas:
    from computestrata.atlas.store import Atlas

    if isinstance(atlas, Atlas):
        return atlas
    from computestrata.cli_common import open_atlas

    return open_atlas(Path(atlas) if atlas is not None else None, exclude_license)


def list_frameworks(framework: FrameworkRef | None = None, excluded_licenses: list[str] | None = None) -> IndexTable:
    """The shipped frameworks and their pillars, or one framework's indicators in detail.

    ``excluded_licenses`` (from ``--exclude-license``) does not change the listing, which reads
    no data; a note says so and points to where the filter applies (build, uncertainty …)."""
    from computestrata.measure.index import config
    from computestrata.measure.index.config import in_lang

    lang = get_lang()
    rows: list[dict[str, Any]] = []
    if framework is not None:
        fw = framework if isinstance(framework, Framework) else config.load(framework)
        for ind in fw.indicators:
            rows.append(
                {
                    "indicator": ind.id,
                    "name": ind.name.get(lang) or ind.name["en"],
                    "pillar": ind.parent,
                    "source": ind.source,
                    "direction": ind.direction,
                    "stands_for": in_lang(ind.stands_for, lang) if ind.available else "",
                    "unavailable_reason": "" if ind.available else in_lang(ind.unavailable_reason, lang),
                }
            )
        notes = [f"{fw.name_of(x['node'], lang)}: {x['note']}" for x in fw.thin_pillars(lang) if x["note"]]
        desc = in_lang(fw.description, lang)
        return IndexTable(
            title=fw.name_of(fw.root.id, lang),
            rows=rows,
            notes=([desc, *notes] if desc else notes) + _licence_listing_note(excluded_licenses),
            labels={"name": label("indicator_name")},
            cells={
                "pillar": _names(fw, [a.id for a in fw.aggregates]),
                "direction": {"1": t("index.word.higher_better"), "-1": t("index.word.lower_better")},
            },
        )
    for name in config.shipped():
        fw = config.load(name)
        thin = {x["node"] for x in fw.thin_pillars(lang)}
        for node in fw.nodes_at(2):
            below = [i for i in fw.indicators if i.parent == node]
            rows.append(
                {
                    "framework": name,
                    "pillar": node,
                    "pillar_name": fw.name_of(node, lang),
                    "indicators": ", ".join(i.id for i in below if i.available),
                    "unavailable": ", ".join(i.id for i in below if not i.available),
                    "thin": node in thin,
                }
            )
    return IndexTable(
        title=t("index.title.frameworks"),
        rows=rows,
        notes=_licence_listing_note(excluded_licenses),
        columns=["framework", "pillar_name", "indicators", "unavailable", "thin"],
        cells={"thin": {"True": _yes_no(True), "False": _yes_no(False)}},
    )


def _licence_listing_note(excluded: list[str] | None) -> list[str]:
    """The note that ``--exclude-license`` does not change a framework listing (none without it)."""
    return [t("index.note.licence_listing", licences=", ".join(excluded))] if excluded else []


def build_index(
    framework: FrameworkRef,
    year: int | None = None,
    atlas: Atlas | Path | str | None = None,
    level: int = 2,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
) -> IndexTable:
    """Scores and ranks of one year: index rank/score per unit plus the scores of ``level``
    (1 = indicators; the top level adds no columns).  ``year`` must be one of the
    framework's valid years (:mod:`.years`); ``None`` = the latest.  ``detail`` adds levels,
    weights, all scores and the step log to ``data``."""
    from computestrata.errors import InputError
    from computestrata.measure.index import engine

    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
    top = fw.n_levels
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= top:
        raise InputError(
            f"--level must be between 1 and {top} (got {level})",
            hint=f"1 = indicators, 2 = pillars, {top} = the index itself ({fw.id})",
        )
    year = src.year(year)
    res = engine.build(fw, src.panel, year)
    root = fw.root.id
    if level not in res.levels and level != 1:
        raise InputError(f"no level {level} in {fw.id}", hint=f"levels: 1..{max(res.levels)}")
    cols = [] if level == max(res.levels) else res.indicators if level == 1 else res.levels[level]
    rows = []
    for unit in res.ranks.sort_values(root).index:
        row: dict[str, Any] = {
            "index_rank": whole(res.ranks.loc[unit, root]),
            "unit": unit,
            "index_score": res.scores.loc[unit, root],
        }
        row.update({c: res.scores.loc[unit, c] for c in cols})
        rows.append(row)
    data: dict[str, Any] = {
        "framework": fw.id,
        "year": str(year),
        "units": len(res.units),
        "indicators_used": res.indicators,
        "imputed_share": round(res.imputed_share(), 4),
    }
    if detail:
        data["levels"] = {str(k): v for k, v in res.levels.items()}
        data["weights"] = {
            k: (v.tolist() if getattr(v, "ndim", 1) == 1 else "per unit (BoD)") for k, v in res.weights.items()
        }
        data["scores"] = {u: res.scores.loc[u].to_dict() for u in res.units}
        data["log"] = res.log
    lead = [t("index.note.open_analogue")] if fw.origin.startswith("shipped") else []
    return IndexTable(
        title=t("index.title.build", name=fw.name_of(root, get_lang()), year=year),
        rows=rows,
        data=data,
        notes=lead + src.notes + res.notes,
        source_ids=list(res.source_ids),
        labels=_names(fw, cols),
    )


def uncertainty_table(
    framework: FrameworkRef,
    year: int | None = None,
    n: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Monte Carlo over the framework's uncertain choices: rank interval of every unit.

    ``n`` replications (default: the framework's ``uncertainty.n``) must be at least
    :data:`.uncertainty.MIN_N`; a count that is not a power of two is rounded up (noted)."""
    import numpy as np

    from computestrata.measure.index import uncertainty as ua

    ua.check_n(n, 1 << 10)  # refuse a bad count before loading any data
    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
    year = src.year(year)
    res = ua.run_ua(fw, src.panel, year, n=n)
    rows = res.rank_table()
    for row in rows:
        for k in ("rank", "rank_median", "rank_p5", "rank_p95"):
            row[k] = whole(row[k])
    data: dict[str, Any] = {
        "framework": fw.id,
        "year": str(year),
        "replications": res.n,
        "factors": {f.name: len(f.levels) for f in res.factors},
        "mean_rank_shift": float(np.mean(res.mean_shift)),
        "mean_rank_shift_p95": float(np.percentile(res.mean_shift, 95)),
        "seconds": round(res.seconds, 3),
    }
    return IndexTable(
        title=t("index.title.uncertainty", name=fw.id, year=year, n=res.n),
        rows=rows,
        data=data,
        notes=[t("index.note.rank_interval"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        cells={"factors": {f.name: factor_label(f.name) for f in res.factors}},
    )


def sensitivity_table(
    framework: FrameworkRef,
    year: int | None = None,
    n: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
) -> IndexTable:
    """Sobol first-order and total indices of the mean rank shift per uncertain choice;
    ``detail`` adds the indices of every unit's rank.  ``n`` base samples (at least
    :data:`.uncertainty.MIN_N`, rounded up to a power of two) give N·(factors + 2) runs."""
    from computestrata.measure.index import uncertainty as ua

    ua.check_n(n, 1 << 10, "base samples")
    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
    year = src.year(year)
    res = ua.run_sa(fw, src.panel, year, n=n)
    rows = [
        {
            "uncertain_factor": r["factor"],
            "n_levels": r["levels"],
            "sobol_S1": r["S1"],
            "sobol_S1_conf": r["S1_conf"],
            "sobol_ST": r["ST"],
            "sobol_ST_conf": r["ST_conf"],
        }
        for r in res.factor_table()
    ]
    data: dict[str, Any] = {
        "framework": fw.id,
        "year": str(year),
        "base_samples": res.n_base,
        "replications": res.runs,
        "seconds": round(res.seconds, 3),
    }
    if detail:
        data["per_unit"] = {
            u: {
                f.name: {"S1": float(res.unit_s1[i, j]), "ST": float(res.unit_st[i, j])}
                for i, f in enumerate(res.factors)
            }
            for j, u in enumerate(res.units)
        }
    return IndexTable(
        title=t("index.title.sensitivity", name=fw.id, year=year),
        rows=rows,
        data=data,
        notes=[t("index.note.sobol"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        cells={"uncertain_factor": {f.name: factor_label(f.name) for f in res.factors}},
    )


def analyse_unit(
    framework: FrameworkRef,
    year: int | None = None,
    unit: str | None = None,
    drop_one: bool = False,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
) -> IndexTable:
    """Structure of the index (α, PC1 share, weakest child per aggregate); with ``unit`` its
    strengths and weaknesses, with ``drop_one`` the rank shift when each indicator is
    dropped, with ``detail`` all correlations and within-aggregate matrices."""
    from computestrata.measure.index import analysis, engine

    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
    year = src.year(year)
    res = engine.build(fw, src.panel, year)
    data: dict[str, Any] = {"framework": fw.id, "year": str(year)}
    names = _names(fw, [*res.indicators, *res.children])
    parts: list[IndexTable] = []
    if detail:
        data["correlations"] = analysis.correlations(res)
        data["within"] = {node: analysis.within(res, node) for node in res.children}
    if unit:
        prof = analysis.strengths_weaknesses(res, unit)
        data["profile"] = prof
        for kind in ("strengths", "weaknesses"):
            parts.append(
                IndexTable(
                    title=t(f"index.title.{kind}", unit=prof["unit"], rank=whole(prof["index_rank"])),
                    rows=[{k: r[k] for k in ("indicator", "rank", "of", "value", "imputed")} for r in prof[kind]],
                    cells={"indicator": names, "imputed": {"True": _yes_no(True), "False": _yes_no(False)}},
                    labels={"rank": label("indicator_rank"), "of": label("of_units"), "value": label("raw_value")},
                )
            )
    if drop_one:
        data["drop_one"] = analysis.drop_one(fw, src.panel, year, nominal=res)
        parts.append(
            IndexTable(
                title=t("index.title.drop_one"),
                rows=[
                    {k: r[k] for k in ("indicator", "mean_abs_shift", "max_abs_shift", "note")}
                    for r in data["drop_one"]
                ],
                cells={"indicator": names},
            )
        )
    return IndexTable(
        title=t("index.title.analyse", name=fw.id, year=year),
        rows=analysis.structure(res),
        data=data,
        notes=[t("index.note.alpha"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        cells={"node": names, "weakest_child": names},
        parts=parts,
    )


def compare_versions(
    framework: FrameworkRef,
    other: FrameworkRef,
    year: int | None = None,
    other_year: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    other_panel: Panel | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Two index versions (configs or years): rank change of every common unit, mean
    |shift| and Spearman correlation.  ``panel`` serves both versions unless ``other_panel``.
    ``other_year`` defaults to ``year``; with neither, the latest year valid for both."""
    from computestrata.errors import InputError
    from computestrata.measure.index import analysis, engine

    at = _atlas(atlas, exclude_license) if panel is None else atlas  # open once for both versions
    src_a = load(framework, at, panel, exclude_license)
    src_b = load(other, at, other_panel if other_panel is not None else panel, exclude_license)
    notes: list[str] = []
    if year is None and other_year is None:
        both = sorted(set(src_a.valid_years()) & set(src_b.valid_years()))
        if not both:
            raise InputError(
                f"{src_a.fw.id} and {src_b.fw.id} have no valid year in common",
                hint="give --year and --other-year (see each framework's valid years in `strata index build`)",
            )
        year = other_year = both[-1]
        notes.append(t("index.note.year_default", year=year, fw=f"{src_a.fw.id}, {src_b.fw.id}"))
    year = src_a.year(year)
    if other_year is None:
        other_year = src_b.year(year, f"--year (for --other {src_b.fw.id})")
    else:
        other_year = src_b.year(other_year, "--other-year")
    a = engine.build(src_a.fw, src_a.panel, year)
    b = engine.build(src_b.fw, src_b.panel, other_year)
    cmp = analysis.compare(a, b)
    return IndexTable(
        title=t("index.title.compare", a=src_a.fw.id, b=src_b.fw.id, year=year),
        rows=[{**r, **{k: whole(r[k]) for k in ("rank_a", "rank_b", "change")}} for r in cmp["rows"]],
        data={"year": str(year), "other_year": str(other_year), **{k: v for k, v in cmp.items() if k != "rows"}},
        notes=notes + src_a.notes + src_b.notes,
        source_ids=sorted(set(a.source_ids) | set(b.source_ids)),
    )
