"""The pictures index makers publish, as Plotly figures from one module.

Scores and ranks (bar and dot charts), the framework tree with effective weights
(sunburst), the correlation heat map of the normalised indicators, the rank-interval chart
of an uncertainty run and the Sobol bars of a sensitivity run.  :func:`write` saves each as a
self-contained HTML page (plotly.js written once beside them, so the pages work offline) and,
when headless Chromium is installed, as PNG and SVG too (:mod:`computestrata.imaging`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

    from computestrata.measure.index.engine import IndexResult


def _go() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # an optional extra
        raise InputError("pictures need plotly", hint='install the extra: pip install "computestrata[plots]"') from exc
    return go


def scores_bar(res: IndexResult, node: str | None = None) -> Figure:
    """Scores of one node (default: the index) per unit, best first, stacked by children's
    weighted contributions when the node is an arithmetic mean (what moves each unit)."""
    go = _go()
    key = node or res.fw.root.id
    order = res.scores[key].sort_values(ascending=False).index
    fig = go.Figure()
    kids = res.children.get(key, [])
    w = res.weights.get(key)
    if kids and w is not None and getattr(w, "ndim", 1) == 1 and res.fw.method_at(key) == "arithmetic":
        ws = w / w.sum()
        for kid, wk in zip(kids, ws, strict=True):
            fig.add_bar(x=list(order), y=(res.scores.loc[order, kid] * wk).tolist(), name=res.fw.name_of(kid))
        fig.update_layout(barmode="stack")
    else:
        fig.add_bar(x=list(order), y=res.scores.loc[order, key].tolist(), name=res.fw.name_of(key))
    fig.update_layout(title=f"{res.fw.name_of(key)} ({res.year})", yaxis_title="score", xaxis_title="unit")
    return fig


def ranks_dot(res: IndexResult) -> Figure:
    """Each unit's rank on every aggregate (dots) against its index rank."""
    go = _go()
    root = res.fw.root.id
    order = res.ranks[root].sort_values().index
    fig = go.Figure()
    for col in res.ranks.columns:
        fig.add_scatter(x=res.ranks.loc[order, col].tolist(), y=list(order), mode="markers", name=res.fw.name_of(col))
    fig.update_layout(title="Ranks by aggregate", xaxis_title="rank (1 = best)", yaxis={"autorange": "reversed"})
    return fig


def framework_sunburst(res: IndexResult) -> Figure:
    """The framework tree, each node sized by its effective weight in the index."""
    from computestrata.measure.index import analysis

    go = _go()
    eff = analysis.effective_weights(res)
    ids, parents, labels, values = [], [], [], []
    parent_of = {k: p for p, kids in res.children.items() for k in kids}
    for node, w in eff.items():
        ids.append(node)
        parents.append(parent_of.get(node, ""))
        labels.append(res.fw.name_of(node))
        values.append(w)
    fig = go.Figure(go.Sunburst(ids=ids, parents=parents, labels=labels, values=values, branchvalues="total"))
    fig.update_layout(title="Framework (size = effective weight)")
    return fig


def correlation_heatmap(res: IndexResult, level: int = 1) -> Figure:
    """Pearson correlations of the nodes of one level (1 = normalised indicators)."""
    go = _go()
    corr = res.level(level).corr()
    fig = go.Figure(
        go.Heatmap(
            z=corr.to_numpy(),
            x=list(corr.columns),
            y=list(corr.index),
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=corr.round(2).to_numpy(),
            texttemplate="%{text}",
        )
    )
    fig.update_layout(title=f"Correlations, level {level}")
    return fig


def rank_intervals(rows: list[dict[str, Any]]) -> Figure:
    """Nominal rank, median and 5–95% interval of each unit over the replications."""
    go = _go()
    units = [r["unit"] for r in rows]
    med = [r["rank_median"] for r in rows]
    fig = go.Figure()
    fig.add_scatter(
        x=units,
        y=med,
        mode="markers",
        name="median rank",
        error_y={
            "type": "data",
            "symmetric": False,
            "array": [r["rank_p95"] - r["rank_median"] for r in rows],
            "arrayminus": [r["rank_median"] - r["rank_p5"] for r in rows],
        },
    )
    fig.add_scatter(x=units, y=[r["rank"] for r in rows], mode="markers", name="nominal rank", marker_symbol="x")
    fig.update_layout(title="Rank intervals (5–95%)", yaxis={"autorange": "reversed", "title": "rank"})
    return fig


def sobol_bars(rows: list[dict[str, Any]]) -> Figure:
    """First-order and total Sobol indices per uncertain factor, with bootstrap intervals."""
    go = _go()
    names = [r["factor"] for r in rows]
    fig = go.Figure()
    fig.add_bar(x=names, y=[r["S1"] for r in rows], name="S1", error_y={"array": [r["S1_conf"] for r in rows]})
    fig.add_bar(x=names, y=[r["ST"] for r in rows], name="ST", error_y={"array": [r["ST_conf"] for r in rows]})
    fig.update_layout(title="Sensitivity (Sobol indices of the mean rank shift)", barmode="group")
    return fig


def figures(
    res: IndexResult,
    uncertainty: list[dict[str, Any]] | None = None,
    sensitivity: list[dict[str, Any]] | None = None,
) -> dict[str, Figure]:
    """Every picture the results allow, by file stem."""
    figs = {
        "scores": scores_bar(res),
        "ranks": ranks_dot(res),
        "framework": framework_sunburst(res),
        "correlations": correlation_heatmap(res),
    }
    if uncertainty:
        figs["rank_intervals"] = rank_intervals(uncertainty)
    if sensitivity:
        figs["sobol"] = sobol_bars(sensitivity)
    return figs


def write(figs: dict[str, Figure], folder: str | Path) -> tuple[list[Path], list[str]]:
    """Save each figure as HTML (and SVG when a static engine works); returns the files and notes."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    notes: list[str] = []
    for stem, fig in figs.items():
        html = out / f"{stem}.html"
        fig.write_html(html, include_plotlyjs="directory", full_html=True)
        files.append(html)
    # PNG and SVG through the project's headless-Chromium renderer (one browser run per format)
    from computestrata import imaging
    from computestrata.errors import InputError

    specs = [fig.to_plotly_json() for fig in figs.values()]
    try:
        for fmt in imaging.FORMATS:
            for stem, data in zip(figs, imaging.render_images(specs, fmt), strict=True):
                files.append(imaging.write_atomic(out / f"{stem}.{fmt}", data))
    except InputError as exc:  # no Chromium: HTML only, said once
        from computestrata.i18n import t

        notes.append(t("index.note.no_static", error=exc.message))
    js = out / "plotly.min.js"
    if js.exists():
        files.append(js)
    return files, notes
