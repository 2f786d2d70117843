"""Epoch AI "AI Chip Sales" / "AI Chip Owners" model outputs → table ``chip_stocks`` + facts.

Nine CSVs, one long table: one row per (file, vendor, chip, owner, quarter, metric) with
p5/median/p95.  Every figure is cumulative since the file's start date (NVIDIA 2022-01,
TPU 2023-01, AMD and Trainium 2024-01): a stock of chips delivered, with NO retirements and
NO Huawei.  ``chip`` is 'total' in the totals files; ``owner`` is 'all' except in the
owners file (Microsoft, Meta, Amazon, Google, Oracle, China — NVIDIA chips only).
Metrics: ``units`` (chips), ``h100e`` (H100-equivalents, Epoch's normalisation),
``power_mw`` (chip TDP, MW) and ``tdp_w`` (owners file, W).

The last quarter of a file is often ``incomplete`` (based on fiscal quarters ending before
the calendar quarter): flagged, not dropped.  Facts ``Compute|Intelligent|Stock|H100e`` are
written for totals only: entity ``WLD:<vendor>`` for a vendor's world total, ``CHN`` for the
China owner row (NVIDIA chips only — says the note), ``ORG:<owner>`` for companies.  Percentile
bands are never added across vendors (that needs the Monte Carlo samples, which are not
published).
"""

from __future__ import annotations

import re
from datetime import date

from computestrata.atlas.loaders.base import BuildContext, LoadResult, facts_frame
from computestrata.atlas.loaders.parsing import Row, check_order, iter_rows, typed_frame
from computestrata.atlas.sources import Source, file_source

NAME = "epoch_chip_counts"
FOLDER = "epoch_ai_chip_counts"
#: file → (vendor, has a chip column, owners file)
FILES: dict[str, tuple[str, bool, bool]] = {
    "nvidia_cumulative_totals.csv": ("NVIDIA", False, False),
    "nvidia_cumulative_by_chip.csv": ("NVIDIA", True, False),
    "nvidia_owners_cumulative_totals.csv": ("NVIDIA", False, True),
    "tpu_cumulative_totals.csv": ("Google", False, False),
    "tpu_cumulative_by_chip.csv": ("Google", True, False),
    "amd_cumulative_totals.csv": ("AMD", False, False),
    "amd_cumulative_by_chip.csv": ("AMD", True, False),
    "trainium_cumulative_totals.csv": ("Amazon", False, False),
    "trainium_cumulative_by_chip.csv": ("Amazon", True, False),
}
#: metric → regex matching its raw column names (percentile suffix stripped)
METRICS: dict[str, re.Pattern[str]] = {
    "units": re.compile(r"^Number of units$", re.I),
    "h100e": re.compile(r"^(Compute estimate in )?H100e$", re.I),
    "power_mw": re.compile(r"^Power in MW$", re.I),
    "tdp_w": re.compile(r"^Total TDP \(W\)$", re.I),
}
_PCT = re.compile(r"\s*\((5th percentile|median|95th percentile)\)\s*$")
_QUARTER = re.compile(r"Q([1-4])\s+(\d{4})")
_GENERATED = re.compile(r"Estimates generated on:\s*(\d{2})-(\d{2})-(\d{4})")
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
STOCK_VARIABLE = "Compute|Intelligent|Stock|H100e"

SCHEMA: dict[str, str] = {
    "vendor": "string",
    "chip": "string",
    "owner": "string",
    "period": "date",
    "quarter": "string",
    "period_start": "date",
    "metric": "string",
    "cumulative": "boolean",
    "p5": "float64",
    "median": "float64",
    "p95": "float64",
    "incomplete": "boolean",
    "estimates_generated": "date",
    "name": "string",
    "source_id": "string",
}


def metric_columns(header: list[str]) -> dict[tuple[str, str], str]:
    """(metric, 'p5'|'median'|'p95') → raw column, from the varying header spellings."""
    out: dict[tuple[str, str], str] = {}
    for col in header:
        m = _PCT.search(col)
        stat = {"5th percentile": "p5", "95th percentile": "p95"}.get(m[1], "median") if m else "median"
        base = _PCT.sub("", col).strip()
        for metric, pat in METRICS.items():
            if pat.match(base):
                out[(metric, stat)] = col
    return out


def quarter_of(row: Row, end: date | None) -> str | None:
    """'2024Q3' from the row name ("… Q1 2024 to Q3 2024"), checked against the end date."""
    found = _QUARTER.findall(row.raw("Name"))
    if not found or end is None:
        row.fail(
            "Name",
            row.raw("Name"),
            "no quarter (e.g. 'Q3 2024') in the row name",
            "keep Epoch's row names, which end with the quarter",
        )
        return None
    q, year = int(found[-1][0]), int(found[-1][1])
    if (end.year, end.month, end.day) != (year, *QUARTER_END[q]):
        row.fail(
            "End date",
            row.raw("End date"),
            f"end date is not the end of Q{q} {year}",
            "the end date must be the last day of the quarter named in the row",
        )
        return None
    return f"{year}Q{q}"


def load(ctx: BuildContext) -> LoadResult:
    records: list[dict[str, object]] = []
    facts: list[dict[str, object]] = []
    sources: list[Source] = []
    for fname, (vendor, by_chip, owners) in FILES.items():
        path = ctx.path(FOLDER, fname)
        required = (
            ["Name", "Start date", "End date"] + (["Chip type"] if by_chip else []) + (["Owner"] if owners else [])
        )
        _, rows = iter_rows(ctx, path, required=required)
        header = list(rows[0].data) if rows else []
        cols = metric_columns(header)
        sid = "epoch_chips_" + fname.removesuffix(".csv")
        generated: list[date] = []
        for row in rows:
            start, end = row.date("Start date", required=True), row.date("End date", required=True)
            quarter = quarter_of(row, end)
            chip = row.text("Chip type", required=True) if by_chip else "total"
            owner = row.text("Owner", required=True) if owners else "all"
            incomplete = row.flag("Incomplete", empty=False) if "Incomplete" in row.data else False
            gm = _GENERATED.search(row.raw("Notes"))
            gen = date(int(gm[3]), int(gm[1]), int(gm[2])) if gm else None
            rows_out: list[dict[str, object]] = []
            for metric in METRICS:
                vals = {s: row.num(cols[(metric, s)]) if (metric, s) in cols else None for s in ("p5", "median", "p95")}
                if all(v is None for v in vals.values()):
                    continue
                check_order(row, cols.get((metric, "median"), metric), vals["p5"], vals["median"], vals["p95"])
                rows_out.append(
                    {
                        "vendor": vendor,
                        "chip": chip,
                        "owner": owner,
                        "period": end,
                        "quarter": quarter,
                        "period_start": start,
                        "metric": metric,
                        "cumulative": True,
                        **vals,
                        "incomplete": incomplete,
                        "estimates_generated": gen,
                        "name": row.raw("Name"),
                        "source_id": sid,
                    }
                )
            if not row.ok:
                continue
            if gen:
                generated.append(gen)
            records.extend(rows_out)
            for r in rows_out:
                if r["metric"] != "h100e" or chip != "total":
                    continue
                if owners:
                    code = row.ctx.countries.resolve(owner) if row.ctx.countries and owner else None
                    entity = code or f"ORG:{owner}"
                    note = (
                        f"{owner}'s cumulative NVIDIA chips only (Epoch AI chip owners model; "
                        "no Huawei or other chips, no retirements, excludes smuggled chips)"
                    )
                else:
                    entity = f"WLD:{vendor}"
                    note = (
                        f"world cumulative {vendor} AI chips delivered since {start}; "
                        "Epoch AI model estimate, no retirements"
                    )
                if incomplete:
                    note += "; last quarter incomplete (vendor fiscal quarter ends earlier)"
                facts.append(
                    {
                        "entity": entity,
                        "variable": STOCK_VARIABLE,
                        "unit": "H100e",
                        "period": quarter,
                        "value": r["median"],
                        "p5": r["p5"],
                        "p95": r["p95"],
                        "source_id": sid,
                        "note": note,
                    }
                )
        owners_title = "AI Chip Owners" if owners else "AI Chip Sales"
        url = "https://epoch.ai/data/ai-chip-owners" if owners else "https://epoch.ai/data/ai-chip-sales"
        sources.append(
            file_source(
                path,
                ctx.raw,
                source_id=sid,
                publisher="Epoch AI",
                title=f"{owners_title}: {fname}",
                url=url,
                license="CC-BY-4.0",
                citation=f"Epoch AI, 'Data on {owners_title}'. Published online at epoch.ai. Retrieved "
                f"from {url} (model outputs; code MIT-licensed)",
                date_published=max(generated).isoformat() if generated else None,
            )
        )
    return LoadResult(tables={"chip_stocks": typed_frame(records, SCHEMA)}, sources=sources, facts=facts_frame(facts))
