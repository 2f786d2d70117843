"""`strata measure` commands: national compute, Table 1, concentration, stratification, core–periphery.

Heavy libraries are imported inside the commands so `strata --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from computestrata.cli_common import AtlasOpt, ExcludeLicenseOpt, JsonOpt, LangOpt, Output, emit, open_atlas

app = typer.Typer(no_args_is_help=True)

DrawsOpt = Annotated[int, typer.Option("--draws", help="Monte Carlo draws.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (fixed default: reproducible).")]
DEFAULT_DRAWS = 4000
DEFAULT_SEED = 20260301


def _round(row: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    return {k: round(v, digits) if isinstance(v, float) else v for k, v in row.items()}


@app.command("compute")
def compute_cmd(
    kind: Annotated[str, typer.Option("--kind", help="super, intelligent or basic.")] = "super",
    year: Annotated[int, typer.Option("--year", help="Year (end-of-year stock; TOP500 November list).")] = 2024,
    top: Annotated[int, typer.Option("--top", help="Countries shown in the table (JSON has all).")] = 15,
    all_clusters: Annotated[
        bool,
        typer.Option("--all-clusters", help="Use every Epoch cluster record, not only Epoch's standard-analysis set."),
    ] = False,
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: SeedOpt = DEFAULT_SEED,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """National compute by country for one year as p5/median/p95, with method and sources."""
    from computestrata.i18n import set_lang, t
    from computestrata.measure import estimates as es

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    est = es.from_atlas(a, kind, year, draws=draws, seed=seed, standard_only=not all_clusters)
    rows = [_round(r) for r in est.rows]
    for r in rows:
        for k in ("share_p5", "share_median", "share_p95"):
            r[k.replace("share", "share_pct")] = None if r[k] is None else round(100 * r[k], 2)
    cols = ["country", "value_p5", "value_median", "value_p95", "share_pct_p5", "share_pct_median", "share_pct_p95"] + (
        ["systems"] if kind == "super" else ["clusters", "observed_h100e"] if kind == "intelligent" else []
    )
    title = t("measure.title.compute", kind=t(f"measure.kind.{kind}"), year=year) + f" [{est.unit}]"
    data = {"kind": kind, "year": year, "unit": est.unit, "method": est.method, **est.data}
    notes = [est.method, *est.notes]
    if as_json:
        emit(Output(title=title, rows=rows, data=data, source_ids=est.source_ids, notes=notes), True, a)
    else:
        emit(Output(title=title, rows=rows[:top], columns=cols, source_ids=est.source_ids, notes=notes), False, a)


@app.command("table1")
def table1_cmd(
    draws: DrawsOpt = DEFAULT_DRAWS,
    seed: SeedOpt = DEFAULT_SEED,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The paper's Table 1 (CAICT shares) beside our open estimates, US and China, 2020–2024."""
    from computestrata.i18n import set_lang, t
    from computestrata.measure.table1 import COLUMNS, build_table1

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    tab = build_table1(a, draws=draws, seed=seed)
    notes = tab.notes + [f"{k}: {v}" for k, v in tab.methods.items() if k in ("super", "intelligent")]
    if as_json:
        emit(
            Output(
                title=t("measure.title.table1"),
                rows=[_round(r, 2) for r in tab.rows],
                columns=list(COLUMNS),
                data={"methods": tab.methods},
                source_ids=tab.source_ids,
                notes=notes,
            ),
            True,
            a,
        )
        return
    wide, refs = table1_wide(tab.rows)
    notes = [f"[{i}] {text}" for text, i in refs.items()] + notes
    emit(
        Output(
            title=t("measure.title.table1"),
            rows=wide,
            columns=list(wide[0]) if wide else None,
            source_ids=tab.source_ids,
            notes=notes,
        ),
        False,
        a,
    )


def table1_wide(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Paper layout for the terminal: one line per year and kind, China | USA, explanations as [n]."""

    def band(r: dict[str, Any]) -> str:
        if r["open_share_pct"] is None:
            return "—"
        med, lo, hi = r["open_share_pct"], r["open_p5_pct"], r["open_p95_pct"]
        if lo is None or abs(hi - lo) < 0.05:
            return f"{med:.1f}"
        return f"{med:.1f} ({lo:.1f}–{hi:.1f})"

    def gap(r: dict[str, Any]) -> str:
        return "—" if r["gap_pp"] is None else f"{r['gap_pp']:+.1f}"

    refs: dict[str, int] = {}
    out = []
    by_key: dict[tuple[int, str], dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_key.setdefault((r["year"], r["kind"]), {})[r["country"]] = r
    for (year, kind), pair in by_key.items():
        line: dict[str, Any] = {"year": str(year), "kind": kind}
        for c in ("CHN", "USA"):
            cell = pair.get(c)
            if cell is None:
                continue
            ca = cell["caict_share_pct"]
            line[f"{c} CAICT %"] = "—" if ca is None else f"{ca:.0f}"
            line[f"{c} open % (p5–p95)"] = band(cell)
            line[f"{c} gap pp"] = gap(cell)
        text = next(iter(pair.values()))["explanation"]
        refs.setdefault(text, len(refs) + 1)
        line["why"] = f"[{refs[text]}]"
        out.append(line)
    return out, refs


def _periods(dataset: str, year: int | None, list_id: str | None) -> list[str] | None:
    if list_id:
        return [list_id]
    if year is None:
        return None
    return [f"{year}-11"] if dataset == "top500" else [str(year)]


@app.command("concentration")
def concentration_cmd(
    dataset: Annotated[str, typer.Option("--dataset", help="top500, clusters or chips.")] = "top500",
    tier: Annotated[str, typer.Option("--tier", help="frontier, rest or all.")] = "frontier",
    year: Annotated[int | None, typer.Option("--year", help="Year (default: latest).")] = None,
    list_id: Annotated[
        str | None, typer.Option("--list", help="TOP500 list (YYYY-MM) or chip-stock quarter (YYYY-MM).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Items in the frontier tier (top500, clusters).")] = 10,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """HHI, CR-k, Gini, Theil (between/within countries) of one tier of one dataset and period."""
    from computestrata.errors import InputError, unknown
    from computestrata.i18n import set_lang, t
    from computestrata.measure import stratification as st

    set_lang(lang)
    if tier not in (*st.TIERS, "all"):
        raise unknown("tier", tier, (*st.TIERS, "all"))
    a = open_atlas(atlas, exclude_license)
    frames = st.frames_from_atlas(a, dataset, _periods(dataset, year, list_id), since=0, top=top)
    if not frames:
        raise InputError(f"no {dataset} data for that period", hint="drop --year/--list to use the latest")
    frame = frames[-1]
    if tier == "all":
        items = frame.items
        res: dict[str, Any] = {"period": frame.period, "tier": "all", **st.metrics(items["value"], items["unit"])}
    else:
        res = st.tier_concentration(frame, tier)
    res = {"dataset": dataset, **_round(res)}
    if as_json:  # Lorenz curve over the owning units of the tier
        from computestrata.measure.concentration import lorenz

        items = frame.items if tier == "all" else frame.items[frame.items["tier"] == tier]
        pop, cum = lorenz(items.groupby("unit")["value"].sum().to_numpy())
        res["lorenz"] = [[round(float(p), 4), round(float(c), 4)] for p, c in zip(pop, cum, strict=True)]
    title = t(
        "measure.title.concentration",
        dataset=dataset,
        tier=t(f"measure.tier.{tier}") if tier != "all" else "all",
        period=frame.period,
    )
    notes = [
        t(f"measure.tier.def.{dataset}", top=top, next=top + 1, frac=st.CHIP_FRONTIER_FRACTION),
        t("measure.note.hhi_scale"),
    ]
    if tier == "frontier":
        notes.append(t("measure.note.random_baseline"))
    if dataset == "top500":
        notes.append(t("measure.note.top500_china"))
    emit(Output(title=title, data=res, source_ids=frame.source_ids, notes=notes), as_json, a)


@app.command("stratification")
def stratification_cmd(
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", help="Dataset(s) to test (repeatable; default: all three).")
    ] = None,
    since: Annotated[int, typer.Option("--since", help="First year of the series.")] = 2015,
    until: Annotated[int | None, typer.Option("--until", help="Last year of the series.")] = None,
    top: Annotated[int, typer.Option("--top", help="Items in the frontier tier (top500, clusters).")] = 10,
    without: Annotated[
        list[str] | None,
        typer.Option("--without", help="Drop a unit before tiering (repeatable), e.g. CHN: robustness check."),
    ] = None,
    robust: Annotated[
        bool, typer.Option("--robust/--no-robust", help="Also test other tier definitions and without China.")
    ] = True,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Frontier vs rest concentration over time, and whether 'frontier concentrates' holds in the data."""
    from computestrata.i18n import set_lang, t
    from computestrata.measure import stratification as st

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    chosen = dataset or list(st.DATASETS)
    all_rows: list[dict[str, Any]] = []
    robustness: list[dict[str, Any]] = []
    robust_notes: list[str] = []
    verdicts = []
    sources: set[str] = set()
    notes: list[str] = []
    for ds in chosen:
        needs = {"top500": "top500_systems", "clusters": "gpu_clusters", "chips": "chip_stocks"}
        if ds in needs and not a.has(needs[ds]):
            v = st.Verdict(
                ds,
                "no_data",
                t("measure.verdict.no_data", dataset=ds, why=t("measure.explain.missing_table", table=needs[ds])),
            )
            verdicts.append(v)
            continue
        frames = st.frames_from_atlas(a, ds, since=since, until=until, top=top, without=without or ())
        rows = st.series(frames)
        for f in frames:
            sources.update(f.source_ids)
        v = st.verdict(ds, rows)
        verdicts.append(v)
        notes.append(t(f"measure.tier.def.{ds}", top=top, next=top + 1, frac=st.CHIP_FRONTIER_FRACTION))
        if robust:
            variants = st.robustness(a, ds, since=since, until=until)
            robustness.extend(variants)
            same = sum(1 for x in variants if x["outcome"] == v.outcome)
            other = "; ".join(f"{x['variant']}: {x['outcome']}" for x in variants if x["outcome"] != v.outcome)
            robust_notes.append(
                t("measure.note.robust", dataset=ds, outcome=v.outcome, same=same, n=len(variants), other=other or "—")
            )
        for r in rows:
            lead = r["top_units"][0] if r["top_units"] else ["", float("nan")]
            all_rows.append(
                _round(
                    {
                        "dataset": ds,
                        "period": r["period"],
                        "tier": r["tier"],
                        "hhi": r["hhi"],
                        "cr1": r["cr1"],
                        "cr3": r["cr3"],
                        "gini": r["gini"],
                        "theil": r["theil"],
                        "theil_between": r["theil_between"],
                        "theil_within": r["theil_within"],
                        "n_units": r["n_units"],
                        "n_items": r["n_items"],
                        "hhi_excess": r.get("hhi_excess"),
                        "lead_unit": lead[0],
                        "lead_share": lead[1],
                    }
                )
            )
    notes = (
        [v.text for v in verdicts]
        + robust_notes
        + notes
        + [
            t("measure.note.verdict_rule"),
            t("measure.note.random_baseline"),
            t("measure.note.hhi_scale"),
            t("measure.note.top500_china"),
            t("measure.note.china_anonymised"),
        ]
    )
    if without:
        notes.append(t("measure.note.without", units=", ".join(without)))
    cols = [
        "dataset",
        "period",
        "tier",
        "hhi",
        "cr1",
        "cr3",
        "gini",
        "theil",
        "theil_between",
        "n_units",
        "n_items",
        "hhi_excess",
        "lead_unit",
        "lead_share",
    ]
    data = {
        "verdicts": [
            {"dataset": v.dataset, "outcome": v.outcome, "text": v.text, "numbers": v.numbers, "reasons": v.reasons}
            for v in verdicts
        ],
        "robustness": robustness,
    }
    emit(
        Output(
            title=t("measure.title.stratification"),
            rows=all_rows,
            columns=cols,
            data=data if as_json else None,
            source_ids=sorted(sources),
            notes=notes,
        ),
        as_json,
        a,
    )


@app.command("coreperiphery")
def coreperiphery_cmd(
    by: Annotated[str, typer.Option("--by", help="Segments: input (each CSET input) or type.")] = "input",
    top: Annotated[int, typer.Option("--top", help="Countries shown.")] = 20,
    atlas: AtlasOpt = None,
    exclude_license: ExcludeLicenseOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Borgatti–Everett core–periphery of the country × supply-chain-segment network (CSET)."""
    from computestrata.i18n import set_lang, t
    from computestrata.measure import coreperiphery as cp

    set_lang(lang)
    a = open_atlas(atlas, exclude_license)
    res, ids, _matrix = cp.from_atlas(a, by=by)
    rows = [_round({**r, "role": t(f"measure.role.{r['role']}")}) for r in cp.ranked(res, top)]
    data = {
        "fit": res.fit,
        "core_countries": res.core_rows,
        "core_segments": res.core_cols,
        "countries": len(res.rows),
        "segments": len(res.cols),
    }
    notes = [
        t("measure.note.cp_method"),
        t("measure.note.cp_data"),
        f"fit = {res.fit:.3f}; core = {', '.join(res.core_rows)}; "
        f"{len(res.core_cols)}/{len(res.cols)} segments in the core block",
    ]
    emit(
        Output(
            title=t("measure.title.coreperiphery"),
            rows=rows,
            columns=["country", "role", "coreness"],
            data=data if as_json else None,
            source_ids=ids,
            notes=notes,
        ),
        as_json,
        a,
    )
