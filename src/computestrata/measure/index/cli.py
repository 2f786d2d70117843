"""`strata index` commands: build, uncertainty, sensitivity, analyse, frameworks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.measure.index.config import Framework
    from computestrata.measure.index.engine import Panel

app = typer.Typer(no_args_is_help=True)

FrameworkOpt = Annotated[
    str, typer.Option("--framework", "-f", help="Shipped framework (gci, caict5, fiveforce) or a YAML file.")
]
YearOpt = Annotated[int, typer.Option("--year", "-y", help="Year of the data to index.")]
NOpt = Annotated[int | None, typer.Option("--n", help="Replications (UA) or base samples N (SA).")]


def _load(
    framework: str, atlas_path: Any, exclude: list[str] | None, lang: str | None
) -> tuple[Atlas, Framework, Panel, list[str]]:
    from computestrata.cli_common import open_atlas
    from computestrata.i18n import set_lang
    from computestrata.measure.index import config, indicators

    if lang:
        set_lang(lang)
    fw = config.load(framework)
    atlas = open_atlas(atlas_path, exclude)
    panel, fw, notes = indicators.load_panel(atlas, fw)
    return atlas, fw, panel, notes


def _whole(value: Any) -> Any:
    """Ranks as integers for display (missing stays None)."""
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _lang() -> str:
    from computestrata.i18n import get_lang

    return get_lang()


@app.command("frameworks")
def frameworks_cmd(
    framework: Annotated[
        str | None, typer.Option("--framework", "-f", help="Show one framework's indicators in detail.")
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List the shipped frameworks and their pillars, or one framework's indicators."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import set_lang, t
    from computestrata.measure.index import config

    if lang:
        set_lang(lang)
    rows: list[dict[str, Any]] = []
    if framework:
        fw = config.load(framework)
        for ind in fw.indicators:
            rows.append(
                {
                    "indicator": ind.id,
                    "name": ind.name.get(_lang()) or ind.name["en"],
                    "pillar": ind.parent,
                    "source": ind.source,
                    "direction": ind.direction,
                    "stands_for": ind.stands_for if ind.available else "",
                    "unavailable_reason": "" if ind.available else ind.unavailable_reason,
                }
            )
        notes = [f"{x['node']}: {x['note']}" for x in fw.thin_pillars() if x["note"]]
        emit(
            Output(title=fw.name_of(fw.root.id, _lang()), rows=rows, notes=[fw.description, *notes]), as_json, lang=lang
        )
        return
    for name in config.shipped():
        fw = config.load(name)
        thin = {x["node"] for x in fw.thin_pillars()}
        for node in fw.nodes_at(2):
            below = [i for i in fw.indicators if i.parent == node]
            rows.append(
                {
                    "framework": name,
                    "pillar": node,
                    "pillar_name": fw.name_of(node, _lang()),
                    "indicators": ", ".join(i.id for i in below if i.available),
                    "unavailable": ", ".join(i.id for i in below if not i.available),
                    "thin": node in thin,
                }
            )
    emit(Output(title=t("index.title.frameworks"), rows=rows), as_json, lang=lang)


@app.command("build")
def build_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    level: Annotated[int, typer.Option("--level", help="Also show scores of this level.")] = 2,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Build an index for one year: scores and ranks at every level, with sources."""
    from computestrata.cli_common import Output, emit
    from computestrata.errors import InputError
    from computestrata.i18n import t
    from computestrata.measure.index import engine

    at, fw, panel, notes = _load(framework, atlas, exclude_license, lang)
    res = engine.build(fw, panel, year)
    root = fw.root.id
    if level not in res.levels and level != 1:
        raise InputError(f"no level {level} in {fw.id}", hint=f"levels: 1..{max(res.levels)}")
    cols = res.indicators if level == 1 else res.levels[level]
    if level == max(res.levels):
        cols = []
    rows = []
    for unit in res.ranks.sort_values(root).index:
        row: dict[str, Any] = {
            "index_rank": _whole(res.ranks.loc[unit, root]),
            "unit": unit,
            "index_score": res.scores.loc[unit, root],
        }
        for c in cols:
            row[c] = res.scores.loc[unit, c]
        rows.append(row)
    data: dict[str, Any] = {
        "framework": fw.id,
        "year": str(year),
        "units": len(res.units),
        "indicators_used": res.indicators,
        "imputed_share": round(res.imputed_share(), 4),
    }
    if as_json:
        data["levels"] = {str(k): v for k, v in res.levels.items()}
        data["weights"] = {
            k: (v.tolist() if getattr(v, "ndim", 1) == 1 else "per unit (BoD)") for k, v in res.weights.items()
        }
        data["scores"] = {u: res.scores.loc[u].to_dict() for u in res.units}
        data["log"] = res.log
    lead = [t("index.note.open_analogue")] if fw.origin.startswith("shipped") else []
    emit(
        Output(
            title=t("index.title.build", name=fw.name_of(root, _lang()), year=year),
            rows=rows,
            data=data,
            source_ids=res.source_ids,
            notes=lead + notes + res.notes,
        ),
        as_json,
        atlas=at,
        lang=lang,
    )


@app.command("uncertainty")
def uncertainty_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    n: NOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Monte Carlo over the framework's uncertain choices: rank intervals per unit."""
    import numpy as np

    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.measure.index import uncertainty as ua

    at, fw, panel, notes = _load(framework, atlas, exclude_license, lang)
    res = ua.run_ua(fw, panel, year, n=n)
    rows = res.rank_table()
    for row in rows:
        for k in ("rank", "rank_median", "rank_p5", "rank_p95"):
            row[k] = _whole(row[k])
    data = {
        "framework": fw.id,
        "year": str(year),
        "replications": res.n,
        "factors": {f.name: len(f.levels) for f in res.factors},
        "mean_rank_shift": float(np.mean(res.mean_shift)),
        "mean_rank_shift_p95": float(np.percentile(res.mean_shift, 95)),
        "seconds": round(res.seconds, 3),
    }
    emit(
        Output(
            title=t("index.title.uncertainty", name=fw.id, year=year, n=res.n),
            rows=rows,
            data=data,
            source_ids=res.source_ids,
            notes=[t("index.note.rank_interval"), *notes, *res.notes],
        ),
        as_json,
        atlas=at,
        lang=lang,
    )


@app.command("sensitivity")
def sensitivity_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    n: NOpt = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Sobol first-order and total indices of the mean rank shift (and per unit in JSON)."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.measure.index import uncertainty as ua

    at, fw, panel, notes = _load(framework, atlas, exclude_license, lang)
    res = ua.run_sa(fw, panel, year, n=n)
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
    if as_json:
        data["per_unit"] = {
            u: {
                f.name: {"S1": float(res.unit_s1[i, j]), "ST": float(res.unit_st[i, j])}
                for i, f in enumerate(res.factors)
            }
            for j, u in enumerate(res.units)
        }
    emit(
        Output(
            title=t("index.title.sensitivity", name=fw.id, year=year),
            rows=rows,
            data=data,
            source_ids=res.source_ids,
            notes=[t("index.note.sobol"), *notes, *res.notes],
        ),
        as_json,
        atlas=at,
        lang=lang,
    )


@app.command("analyse")
def analyse_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    unit: Annotated[str | None, typer.Option("--unit", help="Strengths and weaknesses of one unit.")] = None,
    drop_one: Annotated[bool, typer.Option("--drop-one", help="Rank shift when each indicator is dropped.")] = False,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Structure of the index: Cronbach's alpha, PCA, correlations; optional unit profile."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.measure.index import analysis, engine

    at, fw, panel, notes = _load(framework, atlas, exclude_license, lang)
    res = engine.build(fw, panel, year)
    rows = analysis.structure(res)
    data: dict[str, Any] = {"framework": fw.id, "year": str(year)}
    if as_json:
        data["correlations"] = analysis.correlations(res)
        data["within"] = {n: analysis.within(res, n) for n in res.children}
    if unit:
        data["profile"] = analysis.strengths_weaknesses(res, unit)
    if drop_one:
        data["drop_one"] = analysis.drop_one(fw, panel, year, nominal=res)
    emit(
        Output(
            title=t("index.title.analyse", name=fw.id, year=year),
            rows=rows,
            data=data,
            source_ids=res.source_ids,
            notes=[t("index.note.alpha"), *notes, *res.notes],
        ),
        as_json,
        atlas=at,
        lang=lang,
    )


@app.command("compare")
def compare_cmd(
    framework: FrameworkOpt,
    year: YearOpt,
    other: Annotated[str, typer.Option("--other", help="The second version: framework name or YAML.")],
    other_year: Annotated[int | None, typer.Option("--other-year", help="Year of the second version.")] = None,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Compare two index versions (configs or years): rank change of every common unit."""
    from computestrata.cli_common import Output, emit
    from computestrata.i18n import t
    from computestrata.measure.index import analysis, engine

    at, fw_a, panel_a, notes_a = _load(framework, atlas, exclude_license, lang)
    _, fw_b, panel_b, notes_b = _load(other, atlas, exclude_license, lang)
    a = engine.build(fw_a, panel_a, year)
    b = engine.build(fw_b, panel_b, other_year or year)
    cmp = analysis.compare(a, b)
    data = {k: v for k, v in cmp.items() if k != "rows"}
    emit(
        Output(
            title=t("index.title.compare", a=fw_a.id, b=fw_b.id, year=year),
            rows=[{**r, **{k: _whole(r[k]) for k in ("rank_a", "rank_b", "change")}} for r in cmp["rows"]],
            data=data,
            source_ids=sorted(set(a.source_ids) | set(b.source_ids)),
            notes=notes_a + notes_b,
        ),
        as_json,
        atlas=at,
        lang=lang,
    )
