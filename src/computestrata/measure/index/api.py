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
from computestrata.measure.index.config import Framework, in_lang

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.measure.index.engine import Panel

FrameworkRef = str | Path | Framework
#: the user's own data: a .csv/.xlsx/.parquet path or a DataFrame (wide or long)
DataRef = Any
#: the one unit grouping the atlas supplies for group imputation
ATLAS_GROUP = "income_group"


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
    #: source records outside the atlas: the user's data file and framework file (path, sha256)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)

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
    #: what reading the user's own data learnt (None: atlas or a ready panel)
    own_data: Any = None

    @property
    def screened(self) -> Framework:
        """The framework years are screened against: as declared, so indicators a licence
        filter hides count as missing data (else a thin year would pass as a full one)."""
        return self.declared if self.declared is not None else self.fw

    def extra_sources(self) -> list[dict[str, Any]]:
        """The user's own files as source records (a result from them cites them): the data
        file (path, sha256, rows) and a framework read from a file (path, sha256)."""
        out = []
        ud = self.own_data
        if ud is not None:
            p = Path(ud.origin)
            digest = _sha256(p) if p.is_file() else None
            cite = f"{ud.origin}, {ud.rows} rows" + (f", sha256 {digest}" if digest else "")
            rec: dict[str, Any] = {
                "source_id": "user_data",
                "publisher": "user",
                "title": f"Data file {ud.origin}" if digest else f"Data passed as a {ud.origin}",
                "citation": cite,
                "license": "user-supplied",
                "rows": ud.rows,
            }
            if digest:
                rec.update(path=str(p), sha256=digest)
            out.append(rec)
        origin = (self.declared or self.fw).origin
        if origin and not origin.startswith("shipped:") and Path(origin).is_file():
            digest = _sha256(Path(origin))
            out.append(
                {
                    "source_id": f"user_framework:{self.fw.id}",
                    "publisher": "user",
                    "title": f"Framework file {origin}",
                    "citation": f"{origin}, sha256 {digest}",
                    "license": "user-supplied",
                    "path": origin,
                    "sha256": digest,
                }
            )
        return out

    def when(self, year: int) -> str:
        """The year as shown: "(no year)" for own data without a year column."""
        from computestrata.measure.index.userdata import NO_YEAR

        if self.own_data is not None and not self.own_data.has_year and year == NO_YEAR:
            return t("index.word.no_year")
        return t("index.word.year", year=year)

    def stated(self, year: int) -> str | None:
        """The year as data (JSON, metadata): None for own data without a year column."""
        from computestrata.measure.index.userdata import NO_YEAR

        if self.own_data is not None and not self.own_data.has_year and year == NO_YEAR:
            return None
        return str(year)

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

        if self.own_data is not None and not self.own_data.has_year:
            if year is not None and year not in self.panel.years:
                raise InputError(f"{option} {year}: the data has no year column", hint=f"drop {option}")
            return self.panel.years[0]
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


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _merged(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Source records of several loads, each ``source_id`` once."""
    out: dict[str, dict[str, Any]] = {}
    for g in groups:
        for r in g:
            out.setdefault(r["source_id"], r)
    return list(out.values())


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
    data: DataRef | None = None,
    year: int | None = None,
) -> Loaded:
    """The framework (name, YAML path or object) and its panel: given, read from the user's
    ``data`` (file path or DataFrame, wide or long, see :mod:`.userdata`), or from the atlas."""
    from computestrata.errors import InputError
    from computestrata.measure.index import config

    fw = framework if isinstance(framework, Framework) else config.load(framework)
    if data is not None:
        from computestrata.measure.index import userdata

        if exclude_license:
            raise InputError("--exclude-license filters atlas sources", hint="drop it when giving --data")
        ud = userdata.load(data, fw, year)
        return Loaded(fw, ud.panel, [*_unavailable_note(fw), *ud.notes], own_data=ud)
    if panel is not None:
        return Loaded(fw, panel, _unavailable_note(fw))
    grouped = fw.steps.impute.startswith("group_") or any(m.startswith("group_") for m in fw.uncertainty.impute)
    if grouped and fw.steps.impute_group != ATLAS_GROUP:
        raise InputError(
            f"steps.impute.group: {fw.steps.impute_group!r} is not a grouping the atlas has",
            hint=f"use `group: {ATLAS_GROUP}` (World Bank income group), or give your own data with a group "
            "column (--data)",
        )
    from computestrata.measure.index import indicators

    at = _atlas(atlas, exclude_license)
    panel, kept, notes = indicators.load_panel(at, fw)
    notes = [*_unavailable_note(fw), *notes]
    hidden = tuple(i.id for i in fw.active if not any(k.id == i.id and k.available for k in kept.indicators))
    return Loaded(kept, panel, notes, declared=fw, licences=tuple(at.exclude_licenses), hidden=hidden)


def _unavailable_note(fw: Framework) -> list[str]:
    """The indicators the framework declares ``available: false``, each with its reason, so a
    result says what is missing instead of silently leaving it out (none: no note)."""

    gone = fw.unavailable(get_lang())
    if not gone:
        return []
    items = "; ".join(
        f"{fw.name_of(i, get_lang())} ({i}): {why}" if why else f"{fw.name_of(i, get_lang())} ({i})" for i, why in gone
    )
    return [t("index.note.unavailable", n=len(gone), items=items)]


def _atlas(atlas: Atlas | Path | str | None, exclude_license: list[str] | None) -> Atlas:
    from computestrata.atlas import store

    if isinstance(atlas, store.Atlas):
        return atlas
    return store.open(Path(atlas) if atlas is not None else None, exclude_licenses=exclude_license)


def list_frameworks(framework: FrameworkRef | None = None, excluded_licenses: list[str] | None = None) -> IndexTable:
    """The shipped frameworks and their pillars, or one framework's indicators in detail.

    ``excluded_licenses`` (from ``--exclude-license``) does not change the listing, which reads
    no data; a note says so and points to where the filter applies (build, uncertainty …)."""
    from computestrata.measure.index import config

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
                    "unavailable_reason": "; ".join(
                        f"{i.id}: {in_lang(i.unavailable_reason, lang)}" for i in below if not i.available
                    ),
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
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
    plot_dir: Path | str | None = None,
) -> IndexTable:
    """Scores and ranks of one year: index rank/score per unit plus the scores of ``level``
    (1 = indicators; the top level adds no columns).  ``year`` must be one of the
    framework's valid years (:mod:`.years`); ``None`` = the latest.  ``detail`` adds levels,
    weights, all scores and the step log to ``data``; ``plot_dir`` writes the pictures
    (:mod:`.plots`) there."""
    from computestrata.errors import InputError
    from computestrata.measure.index import engine

    src = load(framework, atlas, panel, exclude_license, data=data, year=year)
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
    payload: dict[str, Any] = {
        "framework": fw.id,
        "year": src.stated(year),
        "units": len(res.units),
        "indicators_used": res.indicators,
        "imputed_share": round(res.imputed_share(), 4),
    }
    if detail:
        payload["levels"] = {str(k): v for k, v in res.levels.items()}
        payload["weights"] = {
            k: (v.tolist() if getattr(v, "ndim", 1) == 1 else "per unit (BoD)") for k, v in res.weights.items()
        }
        payload["scores"] = {u: res.scores.loc[u].to_dict() for u in res.units}
        payload["log"] = res.log
    lead = [t("index.note.open_analogue", name=in_lang(fw.analogue_of, get_lang()))] if fw.analogue_of else []
    if plot_dir is not None:
        from computestrata.measure.index import plots

        files, pnotes = plots.write(plots.figures(res), plot_dir)
        payload["pictures"] = [str(f) for f in files if f.suffix != ".js"]
        lead += pnotes
    return IndexTable(
        title=t("index.title.build", name=fw.name_of(root, get_lang()), year=src.when(year)),
        rows=rows,
        data=payload,
        notes=lead + src.notes + res.notes,
        source_ids=list(res.source_ids),
        extra_sources=src.extra_sources(),
        labels=_names(fw, cols),
    )


def uncertainty_table(
    framework: FrameworkRef,
    year: int | None = None,
    n: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
    samples_out: Path | str | None = None,
    samples_in: Path | str | None = None,
) -> IndexTable:
    """Monte Carlo over the framework's uncertain choices: rank interval of every unit.

    ``n`` replications (default: the framework's ``uncertainty.n``) must be at least
    :data:`.uncertainty.MIN_N`; a count that is not a power of two is rounded up (noted).
    ``samples_out`` writes the sample (a CSV row per replication: each factor's level, the
    mean rank shift and every unit's rank); ``samples_in`` runs a sample read from such a CSV
    (its factor columns) instead of drawing one."""
    import numpy as np
    import pandas as pd

    from computestrata.errors import InputError
    from computestrata.measure.index import uncertainty as ua

    ua.check_n(n, 1 << 10)  # refuse a bad count before loading any data
    if samples_in is not None and not Path(samples_in).is_file():
        raise InputError.keyed("index.error.samples_in", "index.error.samples_in.hint", path=str(samples_in))
    src = load(framework, atlas, panel, exclude_license, data=data, year=year)
    fw = src.fw
    year = src.year(year)
    plan = ua.make_plan(fw, src.panel, year)
    codes = None
    if samples_in is not None:
        codes = ua.samples_from_frame(plan, pd.read_csv(samples_in, dtype=str), str(samples_in))
    res = ua.run_ua(fw, src.panel, year, n=n, plan=plan, codes=codes)
    if samples_out is not None:
        assert res.codes is not None
        table = ua.samples_to_frame(plan, res.codes).assign(mean_rank_shift=res.mean_shift)
        ranks = pd.DataFrame(res.ranks, columns=[f"rank:{u}" for u in res.units]).replace(0, pd.NA)
        target = Path(samples_out)
        tmp = target.with_name(f".{target.name}.part")
        pd.concat([table, ranks], axis=1).to_csv(tmp, index=False)
        tmp.replace(target)
    rows = res.rank_table()
    for row in rows:
        for k in ("rank", "rank_median", "rank_p5", "rank_p95"):
            row[k] = whole(row[k])
    payload: dict[str, Any] = {
        "framework": fw.id,
        "year": src.stated(year),
        "replications": res.n,
        "factors": {f.name: len(f.levels) for f in res.factors},
        "mean_rank_shift": float(np.mean(res.mean_shift)),
        "mean_rank_shift_p95": float(np.percentile(res.mean_shift, 95)),
        "seconds": round(res.seconds, 3),
    }
    return IndexTable(
        title=t("index.title.uncertainty", name=fw.id, year=src.when(year), n=res.n),
        rows=rows,
        data=payload,
        notes=[t("index.note.rank_interval"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        extra_sources=src.extra_sources(),
        cells={"factors": {f.name: factor_label(f.name) for f in res.factors}},
    )


def sensitivity_table(
    framework: FrameworkRef,
    year: int | None = None,
    n: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
    target: str = "mean_shift",
) -> IndexTable:
    """Sobol first-order and total indices of the mean rank shift per uncertain choice;
    ``detail`` adds the indices of every unit's rank.  ``n`` base samples (at least
    :data:`.uncertainty.MIN_N`, rounded up to a power of two) give N·(factors + 2) runs.
    ``target``: what is decomposed — ``mean_shift`` (COINr's), ``rank:UNIT``, ``score:UNIT``
    or ``gap:A-B``."""
    from computestrata.measure.index import uncertainty as ua

    ua.check_n(n, 1 << 10, "base samples")
    src = load(framework, atlas, panel, exclude_license, data=data, year=year)
    fw = src.fw
    year = src.year(year)
    res = ua.run_sa(fw, src.panel, year, n=n, target=target)
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
    payload: dict[str, Any] = {
        "framework": fw.id,
        "year": src.stated(year),
        "target": target,
        "base_samples": res.n_base,
        "replications": res.runs,
        "seconds": round(res.seconds, 3),
    }
    if detail:
        payload["per_unit"] = {
            u: {
                f.name: {"S1": float(res.unit_s1[i, j]), "ST": float(res.unit_st[i, j])}
                for i, f in enumerate(res.factors)
            }
            for j, u in enumerate(res.units)
        }
    what = target_words(target)
    return IndexTable(
        title=t("index.title.sensitivity", name=fw.id, year=src.when(year), what=what),
        rows=rows,
        data=payload,
        notes=[t("index.note.sobol", what=what), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        extra_sources=src.extra_sources(),
        cells={"uncertain_factor": {f.name: factor_label(f.name) for f in res.factors}},
    )


def target_words(target: str) -> str:
    """What a sensitivity analysis decomposes, in words (``target`` as checked by the run)."""
    kind, _, rest = target.partition(":")
    if kind == "gap":
        first, _, second = rest.partition("-")
        return t("index.word.target.gap", a=first, b=second)
    if kind in ("rank", "score"):
        return t(f"index.word.target.{kind}", unit=rest)
    return t("index.word.target.mean_shift")


def analyse_unit(
    framework: FrameworkRef,
    year: int | None = None,
    unit: str | None = None,
    drop_one: bool = False,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
) -> IndexTable:
    """Structure of the index (α, PC1 share, weakest child per aggregate); with ``unit`` its
    strengths and weaknesses, with ``drop_one`` the rank shift when each indicator (and each
    aggregate below the index) is
    dropped, with ``detail`` all correlations and within-aggregate matrices."""
    from computestrata.measure.index import analysis, engine

    src = load(framework, atlas, panel, exclude_license, data=data, year=year)
    fw = src.fw
    year = src.year(year)
    res = engine.build(fw, src.panel, year)
    payload: dict[str, Any] = {"framework": fw.id, "year": src.stated(year)}
    names = _names(fw, [*res.indicators, *res.children])
    parts: list[IndexTable] = []
    if detail:
        payload["correlations"] = analysis.correlations(res)
        payload["within"] = {node: analysis.within(res, node) for node in res.children}
    if unit:
        prof = analysis.strengths_weaknesses(res, unit)
        payload["profile"] = prof
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
        payload["drop_one"] = analysis.drop_one(fw, src.panel, year, nominal=res, aggregates=True)
        parts.append(
            IndexTable(
                title=t("index.title.drop_one"),
                rows=[
                    {k: r[k] for k in ("indicator", "mean_abs_shift", "max_abs_shift", "note")}
                    for r in payload["drop_one"]
                ],
                cells={"indicator": names},
            )
        )
    return IndexTable(
        title=t("index.title.analyse", name=fw.id, year=src.when(year)),
        rows=analysis.structure(res),
        data=payload,
        notes=[t("index.note.alpha"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        extra_sources=src.extra_sources(),
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
    data: DataRef | None = None,
    other_panel: Panel | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Two index versions (configs or years): rank change of every common unit, mean
    |shift| and Spearman correlation.  ``panel`` serves both versions unless ``other_panel``.
    ``other_year`` defaults to ``year``; with neither, the latest year valid for both."""
    from computestrata.errors import InputError
    from computestrata.measure.index import analysis, engine

    at = _atlas(atlas, exclude_license) if panel is None and data is None else atlas  # open once for both
    src_a = load(framework, at, panel, exclude_license, data=data, year=year)
    src_b = load(other, at, other_panel if other_panel is not None else panel, exclude_license, data=data)
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
        title=t("index.title.compare", a=src_a.fw.id, b=src_b.fw.id, year=src_a.when(year)),
        rows=[{**r, **{k: whole(r[k]) for k in ("rank_a", "rank_b", "change")}} for r in cmp["rows"]],
        data={"year": str(year), "other_year": str(other_year), **{k: v for k, v in cmp.items() if k != "rows"}},
        notes=notes + src_a.notes + src_b.notes,
        source_ids=sorted(set(a.source_ids) | set(b.source_ids)),
        extra_sources=_merged(src_a.extra_sources(), src_b.extra_sources()),
    )


def starter_framework(data: DataRef, name: str = "my_index", out: Path | str | None = None) -> str:
    """A starter framework (YAML text) for a data table (``strata index init``); with ``out``
    it is also written there (aside first, then moved, so a failure leaves no half file).
    The text is checked to parse, so what ``init`` writes always builds once edited."""
    import yaml

    from computestrata.errors import InputError
    from computestrata.measure.index import config, userdata

    text = userdata.starter(data, name)
    config.parse(yaml.safe_load(text), origin="init")
    if out is not None:
        target = Path(out)
        if target.exists():
            raise InputError(f"{target} exists", hint="choose another --out path or remove the file")
        if not target.parent.is_dir():
            raise InputError(f"--out {target}: folder {target.parent} does not exist", hint="create it first")
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return text


def export_index(
    framework: FrameworkRef,
    out: Path | str | None = None,
    year: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
    n: int | None = None,
    plot_dir: Path | str | None = None,
) -> IndexTable:
    """Build, analyse and (with ``n``) stress-test the index, then write every table to one
    ``.xlsx`` (a sheet per table) and/or the pictures to ``plot_dir`` (HTML, SVG when possible).
    Returns the list of sheets and files written."""
    from computestrata.errors import InputError
    from computestrata.measure.index import engine, export
    from computestrata.measure.index import uncertainty as ua

    if out is None and plot_dir is None:
        raise InputError("nothing to export", hint="give --out FILE.xlsx and/or --plot DIR")
    if out is not None and Path(out).suffix.lower() != ".xlsx":
        raise InputError(f"--out {out}: not an .xlsx path", hint="end the file name with .xlsx")
    if n is not None:
        ua.check_n(n, 1 << 10)
    src = load(framework, atlas, panel, exclude_license, data=data, year=year)
    fw = src.fw
    year = src.year(year)
    res = engine.build(fw, src.panel, year)
    unc = sens = None
    notes = list(src.notes) + list(res.notes)
    if n is not None and fw.uncertainty.factor_names():
        u = ua.run_ua(fw, src.panel, year, n=n)
        unc = u.rank_table()
        s = ua.run_sa(fw, src.panel, year, n=n)
        sens = s.factor_table()
        notes += [x for x in u.notes if x not in notes]
    elif n is not None:
        notes.append(t("index.note.no_factor"))
    rows: list[dict[str, Any]] = []
    if out is not None:
        sheets = export.tables(res, groups=src.panel.groups or None, uncertainty=unc, sensitivity=sens)
        path = export.write_xlsx(sheets, out)
        rows += [{"file": str(path), "sheet": name, "rows": len(df)} for name, df in sheets.items()]
    if plot_dir is not None:
        from computestrata.measure.index import plots

        files, pnotes = plots.write(plots.figures(res, unc, sens), plot_dir)
        rows += [{"file": str(f), "sheet": "", "rows": None} for f in files]
        notes += pnotes
    return IndexTable(
        title=t("index.title.export", name=fw.id, year=src.when(year)),
        rows=rows,
        data={"framework": fw.id, "year": src.stated(year), "units": len(res.units)},
        notes=notes,
        source_ids=list(res.source_ids),
        extra_sources=src.extra_sources(),
    )


def import_coin_tool(path: Path | str, framework_out: Path | str, data_out: Path | str) -> IndexTable:
    """A JRC COIN Tool workbook as a framework YAML and a wide data CSV (each written aside,
    then moved), checked to build together; returns what was written."""
    import yaml

    from computestrata.errors import InputError
    from computestrata.measure.index import coin_tool, config, userdata

    raw, table = coin_tool.read(path)
    fw = config.parse(raw, origin=str(path))
    userdata.from_frame(table, fw, origin=str(path))  # the two fit together
    outs = [Path(framework_out), Path(data_out)]
    for target in outs:
        if target.exists():
            raise InputError(f"{target} exists", hint="choose another output path or remove the file")
        if not target.parent.is_dir():
            raise InputError(f"{target}: folder {target.parent} does not exist", hint="create it first")
    texts = [
        "# Imported from a COIN Tool workbook by `strata index import-coin-tool`\n"
        + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True),
        table.to_csv(index=False),
    ]
    for target, text in zip(outs, texts, strict=True):
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return IndexTable(
        title=t("index.title.coin_tool", name=fw.id),
        rows=[
            {"file": str(outs[0]), "what": "framework", "count": len(fw.indicators)},
            {"file": str(outs[1]), "what": "data", "count": len(table)},
        ],
        data={"framework": fw.id, "indicators": len(fw.indicators), "units": len(table)},
    )


def weights_table(
    framework: FrameworkRef,
    year: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
    kind: str = "effective",
    level: int = 2,
    objective: str = "balance",
    target: list[float] | None = None,
) -> IndexTable:
    """The weights that actually act: ``effective`` — each node's share of the index (COINr
    ``get_eff_weights``); ``optimal`` — weights of ``level``'s nodes whose correlations with
    the index match ``target`` shares (default equal; ``objective="infomax"``: largest
    summed correlation), COINr ``get_opt_weights``."""
    import numpy as np

    from computestrata.errors import unknown
    from computestrata.measure.index import analysis, engine

    if kind not in ("effective", "optimal"):
        raise unknown("--kind", kind, ["effective", "optimal"])
    src = load(framework, atlas, panel, exclude_license, data=data, year=year)
    fw = src.fw
    year = src.year(year)
    res = engine.build(fw, src.panel, year)
    parent = {k: node for node, kids in res.children.items() for k in kids}
    nominal: dict[str, float] = {}
    for node, kids in res.children.items():
        w = np.asarray(res.weights.get(node), dtype=float)
        if w.ndim == 1 and w.sum() > 0:
            nominal.update(zip(kids, (w / w.sum()).tolist(), strict=True))
    payload: dict[str, Any] = {"framework": fw.id, "year": src.stated(year), "kind": kind}
    if kind == "effective":
        eff = analysis.effective_weights(res)
        depth = {i: 1 for i in res.indicators} | {n: lvl for lvl, ns in res.levels.items() for n in ns}
        order = sorted(parent, key=lambda n: (-depth[n], parent[n]))
        rows = [
            {
                "component": n,
                "parent": parent[n],
                "level": depth[n],
                "weight": nominal.get(n),
                "effective_weight": eff.get(n),
            }
            for n in order
        ]
        title = t("index.title.weights_effective", name=fw.id, year=src.when(year))
    else:
        if objective not in ("balance", "infomax"):
            raise unknown("--objective", objective, ["balance", "infomax"])
        opt = analysis.optimal_weights(res, level, target if target else "equal", kind=objective)
        rows = [
            {
                "component": n,
                "weight": nominal.get(n),
                "optimal_weight": opt["weights"][n],
                "target_share": None if opt["target"] is None else opt["target"][k],
                ("obtained" if opt["target"] is not None else "correlation"): opt["obtained"][k],
            }
            for k, n in enumerate(opt["nodes"])
        ]
        payload.update(level=level, objective=objective, converged=opt["converged"], iterations=opt["iterations"])
        title = t("index.title.weights_optimal", name=fw.id, year=src.when(year), level=level)
    return IndexTable(
        title=title,
        rows=rows,
        data=payload,
        notes=[t(f"index.note.weights_{kind}"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
        extra_sources=src.extra_sources(),
        cells={"component": _names(fw, list(parent)), "parent": _names(fw, list(res.children))},
    )


def trends_table(
    framework: FrameworkRef,
    node: str | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Each unit's score over every valid year of the framework and its compound annual
    growth (COINr ``get_trends`` / ``CAGR``), for the index or any ``node``."""
    from computestrata.errors import InputError, unknown
    from computestrata.measure.index import analysis, engine

    src = load(framework, atlas, panel, exclude_license, data=data)
    fw = src.fw
    if src.own_data is not None and not src.own_data.has_year:
        raise InputError(
            "trends need data for several years, and the data file has no year column",
            hint="add a year column (wide) or use the long layout (unit, year, indicator, value)",
        )
    years = src.valid_years()
    if len(years) < 2:
        raise InputError(
            f"trends need at least two valid years (have {', '.join(map(str, years)) or 'none'})",
            hint="give data for more years (a year column in your data)",
        )
    key = node or fw.root.id
    known = [i.id for i in fw.indicators] + [a.id for a in fw.aggregates]
    if key not in known:
        raise unknown("node", key, known)
    results = {y: engine.build(fw, src.panel, y) for y in years}
    rows = analysis.cagr(results, key)
    for row in rows:
        for y in years:
            r = results[y]
            row[str(y)] = float(r.scores.loc[row["unit"], key]) if row["unit"] in r.units else None
    return IndexTable(
        title=t("index.title.trends", name=fw.name_of(key, get_lang()), first=years[0], last=years[-1]),
        rows=rows,
        data={"framework": fw.id, "node": key, "years": [str(y) for y in years]},
        notes=[*src.notes, t("index.note.cagr")],
        source_ids=sorted({s for r in results.values() for s in r.source_ids}),
        extra_sources=src.extra_sources(),
        columns=["unit", *map(str, years), "cagr"],
    )


def compare_many(
    frameworks: list[FrameworkRef],
    year: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    data: DataRef | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Any number of index versions side by side (COINr ``compare_coins_multi``): each
    unit's rank in every version, and the largest rank difference across them."""
    from computestrata.errors import InputError
    from computestrata.measure.index import engine

    if len(frameworks) < 2:
        raise InputError("compare needs at least two versions", hint="repeat --other")
    at = _atlas(atlas, exclude_license) if panel is None and data is None else atlas
    loaded = [load(f, at, panel, exclude_license, data=data, year=year) for f in frameworks]
    if year is None:
        common = sorted(set.intersection(*(set(s.valid_years()) for s in loaded)))
        if not common:
            raise InputError("the versions have no valid year in common", hint="give --year")
        year = common[-1]
    built = [engine.build(s.fw, s.panel, s.year(year)) for s in loaded]
    ids = [f"{k + 1}:{s.fw.id}" for k, s in enumerate(loaded)]
    units = sorted(set.intersection(*(set(b.units) for b in built)))
    rows = []
    for u in units:
        ranks = [whole(b.ranks.loc[u, b.fw.root.id]) for b in built]
        row: dict[str, Any] = {"unit": u, **dict(zip(ids, ranks, strict=True))}
        have = [r for r in ranks if r is not None]
        row["max_rank_difference"] = (max(have) - min(have)) if have else None
        rows.append(row)
    rows.sort(key=lambda r: r[ids[0]] if r[ids[0]] is not None else 10**9)
    return IndexTable(
        title=t("index.title.compare_many", n=len(built), year=year),
        rows=rows,
        data={"year": str(year), "versions": ids, "units": len(units)},
        notes=[n for s in loaded for n in s.notes],
        source_ids=sorted({x for b in built for x in b.source_ids}),
        extra_sources=_merged(*(s.extra_sources() for s in loaded)),
    )
