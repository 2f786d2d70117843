"""The paper's Table 1 (CAICT compute shares) beside our open estimates, with the gaps explained.

For each year 2020–2024, kind (total, basic, intelligent, super) and country (USA, CHN):
CAICT's share as the paper prints it, our open share (median and p5–p95 band, in %), the
gap in percentage points and an explanation computed from the data behind our estimate
(how many systems China still submits to TOP500, how many Chinese clusters Epoch records,
what the chip-stock model leaves out).  Figures that open data cannot reproduce (basic and
total compute) stay empty and say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.measure.montecarlo import DEFAULT_DRAWS, DEFAULT_SEED
from computestrata.provenance import Provenance, sourced

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas
    from computestrata.measure.estimates import Estimate

YEARS = (2020, 2021, 2022, 2023, 2024)
COUNTRIES = ("USA", "CHN")
TABLE1_KINDS = ("total", "basic", "intelligent", "super")
VARIABLE = {k: f"Compute|{k.capitalize()}|Share" for k in TABLE1_KINDS}
COLUMNS = (
    "year",
    "kind",
    "country",
    "caict_share_pct",
    "open_share_pct",
    "open_p5_pct",
    "open_p95_pct",
    "gap_pp",
    "explanation",
)


@dataclass
class Table1:
    """The comparison rows plus the sources and notes behind them."""

    rows: list[dict[str, Any]]
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)
    #: where the numbers come from (filled by :func:`computestrata.provenance.sourced`)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        """Translated title (in the current language)."""
        from computestrata.i18n import t

        return t("measure.title.table1")

    def shown_rows(self, digits: int = 2) -> list[dict[str, Any]]:
        """The rows with floats rounded as shown (percentages to ``digits`` places)."""
        from computestrata.measure.rounding import round_floats

        return [round_floats(r, digits) for r in self.rows]

    def shown_notes(self) -> list[str]:
        """Notes plus the method of each estimated kind (super, intelligent), as shown with the table."""
        from computestrata.i18n import t

        return self.notes + [
            f"{t(f'measure.kind.{k}')}: {v}" for k, v in self.methods.items() if k in ("super", "intelligent")
        ]

    def paper_layout(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The paper's layout (:func:`paper_layout`) and its explanations as ``[n] text`` notes."""
        wide, refs = paper_layout(self.rows)
        return wide, [f"[{i}] {text}" for text, i in refs.items()]

    def shown_layout(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        """:meth:`paper_layout` as people read it: translated headers and kinds.

        Returns (rows keyed by header, headers in order, ``[n] text`` notes).
        """
        from computestrata.i18n import t

        wide, refs = self.paper_layout()
        headers = [layout_label(k) for k in (wide[0] if wide else ())]
        rows = [
            {layout_label(k): t(f"measure.kind.{v}") if k == "kind" else v for k, v in line.items()} for line in wide
        ]
        return rows, headers, refs

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: methods, rows as shown, notes and source ids."""
        return {
            "methods": self.methods,
            "rows": self.shown_rows(),
            "notes": self.shown_notes(),
            "source_ids": self.source_ids,
        }


def caict_shares(paper_figures: pd.DataFrame) -> dict[tuple[int, str, str], tuple[float, str | None]]:
    """(year, kind, country) → (CAICT share in %, source_id) from the paper's Table 1 rows."""
    out: dict[tuple[int, str, str], tuple[float, str | None]] = {}
    t1 = paper_figures[paper_figures["figure_id"].astype(str) == "T1"]
    by_var = {v: k for k, v in VARIABLE.items()}
    for _, r in t1.iterrows():
        kind = by_var.get(str(r["variable"]))
        if kind is None:
            continue
        sid = r.get("source_id")
        out[(int(str(r["year"])[:4]), kind, str(r["entity"]))] = (
            float(r["value"]),
            None if sid is None or sid != sid else str(sid),
        )
    return out


def top500_submissions(
    top500: pd.DataFrame, list_id: str, countries: Sequence[str] = COUNTRIES
) -> dict[str, tuple[int, int]]:
    """Per country: (systems on the list, systems installed in the list's year).

    The installation year is TOP500's ``year`` column; a country that stops submitting new
    machines shows few systems installed in the list year.
    """
    lst = top500[top500["list_id"].astype(str) == list_id]
    year = int(list_id[:4])
    out = {}
    for c in countries:
        sub = lst[lst["country_iso3"] == c]
        new = int((sub["year"] == year).sum()) if "year" in sub.columns else -1
        out[c] = (len(sub), new)
    return out


def _pct(x: float | None) -> float | None:
    return None if x is None or x != x else 100.0 * x


def compare(
    caict: dict[tuple[int, str, str], tuple[float, str | None]],
    estimates: dict[tuple[int, str], Estimate | None],
    explanations: dict[tuple[int, str], str],
    years: Sequence[int] = YEARS,
) -> list[dict[str, Any]]:
    """Join CAICT's shares with open estimates; ``estimates[(year, kind)]`` None = not estimated."""
    from computestrata.i18n import t

    rows = []
    for year in years:
        for kind in TABLE1_KINDS:
            est = estimates.get((year, kind))
            for c in COUNTRIES:
                ca = caict.get((year, kind, c))
                share = est.share(c) if est is not None else None
                med = _pct(share["median"]) if share else None
                # a country absent from an estimate that has rows holds 0 % of it
                if est is not None and est.rows and share is None:
                    med, share = 0.0, {"p5": 0.0, "median": 0.0, "p95": 0.0}
                gap = None if med is None or ca is None else med - ca[0]
                expl = explanations.get((year, kind)) or t(f"measure.method.{kind}")
                rows.append(
                    {
                        "year": year,
                        "kind": kind,
                        "country": c,
                        "caict_share_pct": ca[0] if ca else None,
                        "open_share_pct": med,
                        "open_p5_pct": _pct(share["p5"]) if share else None,
                        "open_p95_pct": _pct(share["p95"]) if share else None,
                        "gap_pp": gap,
                        "explanation": expl,
                    }
                )
    return rows


@sourced
def build_table1(
    atlas: Atlas, years: Sequence[int] = YEARS, draws: int = DEFAULT_DRAWS, seed: int | None = DEFAULT_SEED
) -> Table1:
    """Table 1 side by side from an opened atlas (tables that are missing leave gaps, said so)."""
    from computestrata.i18n import t
    from computestrata.measure import estimates as es
    from computestrata.measure import montecarlo as mc

    mc.check_draws(draws)
    mc.check_seed(seed)
    atlas.require("paper_figures")
    paper = atlas.table("paper_figures")
    caict = caict_shares(paper)
    sources: set[str] = {s for _, s in caict.values() if s}
    notes = [t("measure.note.shares_pct"), t("measure.note.caict_method")]
    ests: dict[tuple[int, str], Estimate | None] = {}
    expl: dict[tuple[int, str], str] = {}
    methods: dict[str, str] = {"basic": t("measure.method.basic"), "total": t("measure.method.total")}

    top = (
        es.load_top500(atlas, ("list_id", "rank", "country_iso3", "rmax_tflops", "year", "source_id"))
        if atlas.has("top500_systems")
        else None
    )
    clusters = es.load_clusters(atlas) if atlas.has("gpu_clusters") else None
    chips = atlas.table("chip_stocks") if atlas.has("chip_stocks") else None
    # a table hidden by --exclude-license is as missing as an absent one
    top = None if top is None or top.empty else top
    clusters = None if clusters is None or clusters.empty else clusters
    chips = None if chips is None or chips.empty else chips
    for year in years:
        ests[(year, "basic")] = None
        ests[(year, "total")] = None
        if top is not None:
            e = es.super_compute(top, year)
            ests[(year, "super")] = e
            sub = top500_submissions(top, e.data["list_id"])
            expl[(year, "super")] = t(
                "measure.explain.super",
                list_id=e.data["list_id"],
                year=year,
                chn=sub["CHN"][0],
                chn_new=sub["CHN"][1],
                usa=sub["USA"][0],
                usa_new=sub["USA"][1],
            )
            sources.update(e.source_ids)
            methods["super"] = t(
                "measure.method.super",
                list_id=t("measure.lists_november", first=f"{years[0]}-11", last=f"{years[-1]}-11"),
            )
        else:
            ests[(year, "super")] = None
            expl[(year, "super")] = t("measure.explain.missing_table", table="top500_systems")
        if clusters is not None:
            e = es.intelligent_compute(clusters, chips, year, draws=draws, seed=seed)
            ests[(year, "intelligent")] = e
            comp = e.data["components"]
            chip = comp.get("china_share_chip_stocks")
            chip_txt = t("measure.explain.intelligent_chip", chip=100 * chip["median"]) if chip else ""
            chn = next((r["clusters"] for r in e.rows if r["country"] == "CHN"), 0)
            expl[(year, "intelligent")] = t(
                "measure.explain.intelligent",
                n=e.data["clusters"],
                chn=chn,
                cl=100 * comp["china_share_clusters"]["median"],
                chip=chip_txt,
            )
            sources.update(e.source_ids)
            methods["intelligent"] = e.method
        else:
            ests[(year, "intelligent")] = None
            expl[(year, "intelligent")] = t("measure.explain.missing_table", table="gpu_clusters")
    for kind in ("super", "intelligent"):
        if kind not in methods:
            notes.append(expl[(years[0], kind)])
    if clusters is not None:
        notes.append(es.EPOCH_COVERAGE_CITATION)
        if chips is None:
            notes.append(t("measure.explain.missing_table", table="chip_stocks"))
    rows = compare(caict, ests, expl, years)
    return Table1(rows=rows, source_ids=sorted(sources), notes=notes, methods=methods)


#: columns of :func:`paper_layout` per country: key template → catalogue key of its header
_LAYOUT = {
    "{c} CAICT %": "measure.col.caict_pct",
    "{c} open % (p5–p95)": "measure.col.open_band",
    "{c} gap pp": "measure.col.gap_pp",
}


def layout_label(key: str) -> str:
    """Translated header of a :func:`paper_layout` column (``year``, ``kind``, ``USA gap pp``, ``why``…)."""
    from computestrata.i18n import t
    from computestrata.measure.display import label

    for c in COUNTRIES:
        for template, cat_key in _LAYOUT.items():
            if key == template.format(c=c):
                return t(cat_key, country=c)
    return label(key)


def paper_layout(rows: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The paper's layout: one line per year and kind, China | USA, explanations as ``[n]``.

    Cells are text (``median (p5–p95)``, gap with its sign); returns the lines and the
    explanation → number map.  Works on full-precision rows so the one-decimal text is
    rounded once.
    """

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
            caict, open_band, gap_pp = (template.format(c=c) for template in _LAYOUT)
            line[caict] = "—" if ca is None else f"{ca:.0f}"
            line[open_band] = band(cell)
            line[gap_pp] = gap(cell)
        text = next(iter(pair.values()))["explanation"]
        refs.setdefault(text, len(refs) + 1)
        line["why"] = f"[{refs[text]}]"
        out.append(line)
    return out, refs
