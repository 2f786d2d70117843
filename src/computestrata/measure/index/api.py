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

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the ``--json`` payload without the atlas's source records)."""
        return {"title": self.title, **self.data, "rows": self.rows, "source_ids": self.source_ids, "notes": self.notes}


@dataclass
class Loaded:
    """A framework with its data: what every index function starts from."""

    fw: Framework
    panel: Panel
    notes: list[str]


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
    panel, fw, notes = indicators.load_panel(at, fw)
    return Loaded(fw, panel, notes)


def _atlas(atlas: Atlas | Path | str | None, exclude_license: list[str] | None) -> Atlas:
    from computestrata.atlas.store import Atlas

    if isinstance(atlas, Atlas):
        return atlas
    from computestrata.cli_common import open_atlas

    return open_atlas(Path(atlas) if atlas is not None else None, exclude_license)


def list_frameworks(framework: FrameworkRef | None = None) -> IndexTable:
    """The shipped frameworks and their pillars, or one framework's indicators in detail."""
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
                    "stands_for": ind.stands_for if ind.available else "",
                    "unavailable_reason": "" if ind.available else ind.unavailable_reason,
                }
            )
        notes = [f"{x['node']}: {x['note']}" for x in fw.thin_pillars(lang) if x["note"]]
        return IndexTable(title=fw.name_of(fw.root.id, lang), rows=rows, notes=[fw.description, *notes])
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
    return IndexTable(title=t("index.title.frameworks"), rows=rows)


def build_index(
    framework: FrameworkRef,
    year: int,
    atlas: Atlas | Path | str | None = None,
    level: int = 2,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
) -> IndexTable:
    """Scores and ranks of one year: index rank/score per unit plus the scores of ``level``
    (1 = indicators; the top level adds no columns).  ``detail`` adds levels, weights, all
    scores and the step log to ``data``."""
    from computestrata.errors import InputError
    from computestrata.measure.index import engine

    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
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
    )


def uncertainty_table(
    framework: FrameworkRef,
    year: int,
    n: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Monte Carlo over the framework's uncertain choices: rank interval of every unit."""
    import numpy as np

    from computestrata.measure.index import uncertainty as ua

    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
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
    )


def sensitivity_table(
    framework: FrameworkRef,
    year: int,
    n: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    exclude_license: list[str] | None = None,
    detail: bool = False,
) -> IndexTable:
    """Sobol first-order and total indices of the mean rank shift per uncertain choice;
    ``detail`` adds the indices of every unit's rank."""
    from computestrata.measure.index import uncertainty as ua

    src = load(framework, atlas, panel, exclude_license)
    fw = src.fw
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
    )


def analyse_unit(
    framework: FrameworkRef,
    year: int,
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
    res = engine.build(fw, src.panel, year)
    data: dict[str, Any] = {"framework": fw.id, "year": str(year)}
    if detail:
        data["correlations"] = analysis.correlations(res)
        data["within"] = {node: analysis.within(res, node) for node in res.children}
    if unit:
        data["profile"] = analysis.strengths_weaknesses(res, unit)
    if drop_one:
        data["drop_one"] = analysis.drop_one(fw, src.panel, year, nominal=res)
    return IndexTable(
        title=t("index.title.analyse", name=fw.id, year=year),
        rows=analysis.structure(res),
        data=data,
        notes=[t("index.note.alpha"), *src.notes, *res.notes],
        source_ids=list(res.source_ids),
    )


def compare_versions(
    framework: FrameworkRef,
    other: FrameworkRef,
    year: int,
    other_year: int | None = None,
    atlas: Atlas | Path | str | None = None,
    *,
    panel: Panel | None = None,
    other_panel: Panel | None = None,
    exclude_license: list[str] | None = None,
) -> IndexTable:
    """Two index versions (configs or years): rank change of every common unit, mean
    |shift| and Spearman correlation.  ``panel`` serves both versions unless ``other_panel``."""
    from computestrata.measure.index import analysis, engine

    at = _atlas(atlas, exclude_license) if panel is None else atlas  # open once for both versions
    src_a = load(framework, at, panel, exclude_license)
    src_b = load(other, at, other_panel if other_panel is not None else panel, exclude_license)
    a = engine.build(src_a.fw, src_a.panel, year)
    b = engine.build(src_b.fw, src_b.panel, other_year or year)
    cmp = analysis.compare(a, b)
    return IndexTable(
        title=t("index.title.compare", a=src_a.fw.id, b=src_b.fw.id, year=year),
        rows=[{**r, **{k: whole(r[k]) for k in ("rank_a", "rank_b", "change")}} for r in cmp["rows"]],
        data={k: v for k, v in cmp.items() if k != "rows"},
        notes=src_a.notes + src_b.notes,
        source_ids=sorted(set(a.source_ids) | set(b.source_ids)),
    )
