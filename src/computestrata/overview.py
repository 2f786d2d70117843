"""The main job: one pass over the paper's argument on the atlas at hand.

Each section calls the same API function its own command calls (``top500.api.countries`` as
``strata top500 countries``, ``stack.api.chokepoints`` as ``strata stack chokepoints``,
``controls.api.controls_matrix`` as ``strata controls matrix``, ``measure.api.build_table1`` and
``measure.api.analyse_stratification`` as ``strata measure table1`` / ``stratification``); the
overview only selects and arranges.  Nothing is computed here that a dedicated command would
compute differently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.measure.api import StratificationResult

#: Dates at which the export-control section reads the rules for China: before the first
#: rule, after each of the 2022, 2023, 2024 (HBM) rules, and under the 2026 overlay.
CONTROL_DATES = ("2022-06-01", "2022-12-01", "2023-12-01", "2025-01-15", "2026-03-01")
CONTROL_DEST = "CHN"


@dataclass
class Section:
    """One part of the overview: a title, rows to show, notes and the sources behind them."""

    key: str
    title: str
    rows: list[dict[str, Any]]
    columns: list[str]
    notes: list[str] = field(default_factory=list)
    source_ids: set[str] = field(default_factory=set)
    extra_sources: list[dict[str, Any]] = field(default_factory=list)  # cited records outside the atlas

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "rows": self.rows,
            "notes": self.notes,
            "source_ids": sorted(self.source_ids | {s["source_id"] for s in self.extra_sources}),
        }


def top500_section(atlas: Atlas, list_id: str | None = None, n: int = 8) -> Section:
    """The TOP500 list by country (paper: Nov 2024, US 173 systems, China 63)."""
    from computestrata.i18n import t
    from computestrata.top500 import api as top500

    res = top500.countries(list_id, atlas=atlas)
    rows = [
        {k: r[k] for k in ("country_iso3", "systems", "systems_share_pct", "rmax_share_pct", "best_rank")}
        for r in res[:n]
    ]
    lid = res[0]["list_id"] if res and "list_id" in res[0] else (list_id or top500.list_ids(atlas=atlas)[-1])
    return Section(
        "top500",
        t("overview.top500", list_id=lid),
        rows,
        ["country_iso3", "systems", "systems_share_pct", "rmax_share_pct", "best_rank"],
        list(res.notes),
        set(res.source_ids),
    )


def chokepoints_section(atlas: Atlas, year: int | None = None) -> Section:
    """Stack segments where three or fewer countries hold 90 % (CSET supply-chain shares): the
    view ``strata stack chokepoints`` shows (same rows, sources and notes), with segment names."""
    from computestrata.i18n import get_lang, t
    from computestrata.stack import api as stack

    view = stack.concentration_view(atlas, "chokepoints", year)
    keys = ("segment", "year", "hhi", "cr1", "cr3", "n90", "top")
    rows = [
        {"segment_name": stack.segment(r["segment"]).label(get_lang()), **{k: r[k] for k in keys}} for r in view.rows
    ]
    columns = ["segment_name", "year", "n90", "top", "hhi", "cr1"]  # as `strata stack chokepoints`
    return Section(
        "chokepoints",
        t("overview.chokepoints"),
        rows,
        columns,
        list(view.notes),
        set(view.source_ids),
        list(view.extra_sources),
    )


def controls_section(atlas: Atlas, dest: str = CONTROL_DEST, dates: tuple[str, ...] = CONTROL_DATES) -> Section:
    """How many catalogue chips need what to reach ``dest`` at each date (the matrix of
    ``strata controls matrix``, with its notes), and the equipment paragraphs beside them."""
    from computestrata.controls import api
    from computestrata.i18n import t

    res = api.securitisation(atlas, dest, list(dates))
    origins = Counter(e.origin for e in res.entries)
    notes = [
        t("overview.controls_note", n=len(res.entries), epoch=origins["epoch"], ref=origins["reference"], dest=dest),
        t("controls.beyond.overview_note", dest=dest),
        *res.notes,
        t("common.not_legal_advice"),
    ]
    columns = list(res.counts[0]) if res.counts else ["date"]
    return Section(
        "controls",
        t("overview.controls", dest=dest),
        res.counts,
        columns,
        notes,
        set(res.source_ids),
        res.extra_sources,
    )


def table1_section(atlas: Atlas, year: int = 2024) -> Section:
    """The paper's Table 1 (CAICT) beside open estimates, for one year — the same call, draws
    and seed as ``strata measure table1``, so the numbers match it exactly."""
    from computestrata.i18n import t
    from computestrata.measure.api import build_table1

    tab = build_table1(atlas)
    rows = [
        {
            k: r.get(k)
            for k in ("kind", "country", "caict_share_pct", "open_share_pct", "open_p5_pct", "open_p95_pct", "gap_pp")
        }
        for r in tab.shown_rows()
        if r["year"] == year
    ]
    return Section(
        "table1",
        t("overview.table1", year=year),
        rows,
        ["kind", "country", "caict_share_pct", "open_share_pct", "open_p5_pct", "open_p95_pct", "gap_pp"],
        [t("overview.table1_note")],
        set(tab.source_ids),
    )


def stratification_section(atlas: Atlas, strat: StratificationResult | None = None) -> Section:
    """Whether 'frontier concentrates, the rest diffuses' holds in each dataset (``strat``: the
    analysis already run for the overview, else it is run here)."""
    from computestrata.i18n import t
    from computestrata.measure.api import outcome_label

    res = strat if strat is not None else overview_stratification(atlas)
    rows = [
        {"dataset": v.dataset, "outcome": v.outcome, "outcome_label": outcome_label(v.outcome), "verdict": v.text}
        for v in res.verdicts
    ]
    return Section(
        "stratification",
        t("overview.stratification"),
        rows,
        ["dataset", "outcome_label", "verdict"],
        [t("overview.stratification_note")],
        set(res.source_ids),
    )


def overview_stratification(atlas: Atlas) -> StratificationResult:
    """The one stratification analysis both the stratification and the trends sections show."""
    from computestrata.measure.api import analyse_stratification

    return analyse_stratification(atlas, robust=False)


def trends_section(atlas: Atlas, strat: StratificationResult | None = None) -> Section:
    """The four structural trends side by side (``strata trends``, without robustness variants);
    ``strat`` is the stratification analysis already run for the overview, if any."""
    from computestrata.trends.overview import section_parts

    rows, notes, ids, extra = section_parts(atlas, strat)
    from computestrata.i18n import t

    columns = ["trend_kind", "trend_verdict", "trend_indicator", "trend_estimate", "trend_interval"]
    return Section("trends", t("overview.trends"), rows, columns, notes, ids, extra)


SECTIONS = (
    top500_section,
    chokepoints_section,
    controls_section,
    table1_section,
    stratification_section,
    trends_section,
)


#: Tables without which a section has nothing to show, and the section's key and title key.
NEEDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "top500_section": ("top500", "overview.top500", ("top500_systems", "top500_lists")),
}


def hidden_by_licence(atlas: Atlas, tables: tuple[str, ...]) -> list[str]:
    """The excluded licences that empty one of ``tables`` (:func:`computestrata.atlas.api.tables_hidden_by_licence`)."""
    from computestrata.atlas.api import tables_hidden_by_licence

    return tables_hidden_by_licence(atlas, tables)


def overview(atlas: Atlas) -> list[Section]:
    """Every overview section, in the order of the paper's argument.

    A section whose data ``--exclude-license`` hides entirely (the TOP500 lists under
    ``LicenseRef-TOP500-no-open-licence``) is shown empty with a note naming the licence,
    as the chokepoints section names the segments the CSET licence hides; the other
    sections still run."""
    from computestrata.i18n import t

    out = []
    strat: StratificationResult | None = None  # shared by the two sections that show it
    for make in SECTIONS:
        key, title, tables = NEEDS.get(make.__name__, ("", "", ()))
        hiding = hidden_by_licence(atlas, tables) if tables else []
        if hiding:
            name = t(title, list_id="—")
            key_note = "atlas.section_hidden" if atlas.exclude_licenses else "atlas.section_left_out"
            note = t(key_note, section=name, licenses=", ".join(hiding))
            out.append(Section(key, name, [], [], [note]))
            continue
        if make in (stratification_section, trends_section):
            strat = strat if strat is not None else overview_stratification(atlas)
            out.append(make(atlas, strat))
        else:
            out.append(make(atlas))
    return out
