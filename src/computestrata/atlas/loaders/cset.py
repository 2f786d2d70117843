"""ETO Chip Explorer (Georgetown CSET, Emerging Technology Observatory): the chip supply chain.

Five CSV files become five tables: ``sc_stages``, ``sc_inputs``, ``sc_providers``,
``sc_provision`` and ``sc_sequence``; one :class:`Source` per file (licence CC-BY-NC-4.0,
so ``--exclude-license CC-BY-NC-4.0`` hides all of it).

Share cells (``share_provided``) come in several forms; :func:`parse_share` turns each into
``share`` (a 0–1 fraction, NaN when the value is not known), ``share_raw`` (the text as
published) and ``share_flag``:

==================  ===========================  ===================================
cell                 share                        share_flag
==================  ===========================  ===================================
``61`` / ``61.0``    0.61 (percentage points:      ``number``
                     CSET's numeric cells sum to
                     ~100 per input)
``61%``              0.61                          ``percent_string``
``~5%``, ``ca. 5``   0.05                          ``approximate``
``<1%``              NaN (bounded above by 0.01)   ``less_than``
``negligible``       NaN                           ``negligible``
empty                NaN                           ``unknown``
==================  ===========================  ===================================

"negligible" stays NaN rather than a made-up tiny value: CSET defines it as a country share
of 2 % or less (rounded) *or* a provider far behind the state of the art, so no single number
is right; downstream code sees the flag and decides (the stack treats it as missing).

Years are mixed within the provision table (2019 report figures, 2021/2022 WSTS/SIA, 2025
TechInsights); every row keeps its own year and the stack picks one year per input.

Country-type providers include two groups that are not countries: ``EUR`` (Europe) and
"Various countries".  They keep ``country_iso3`` empty and carry ``group_code`` ``EUR`` /
``VAR`` so that shares still sum and nothing is silently dropped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.sources import Source, file_source
from computestrata.errors import RowError

if TYPE_CHECKING:
    import pandas as pd

NAME = "cset"
FOLDER = "eto_chip_explorer"
LICENSE = "CC-BY-NC-4.0"
PUBLISHER = "Georgetown CSET, Emerging Technology Observatory"
URL = "https://eto.tech/dataset-docs/chipexplorer"
REPORT = "Khan, Mann & Peterson (2021), The Semiconductor Supply Chain: Assessing National Competitiveness, CSET"

FILES = {
    "stages": "stages.csv",
    "inputs": "inputs.csv",
    "providers": "providers.csv",
    "provision": "provision.csv",
    "sequence": "sequence.csv",
}
# Provider "countries" that are groups, not countries (kept, never dropped).
GROUPS = {"eur": "EUR", "europe": "EUR", "various countries": "VAR", "various": "VAR"}

_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_PLAIN = re.compile(rf"^{_NUM}$")
_PERCENT = re.compile(rf"^{_NUM}\s*%$")
_APPROX = re.compile(rf"^(?:~|≈|ca\.?|about|approx\.?|approximately)\s*{_NUM}\s*%?$", re.I)
_LESS = re.compile(rf"^(?:<|less than|under)\s*{_NUM}\s*%?$", re.I)
_NEGLIGIBLE = {"negligible", "neg.", "neg", "n", "minimal", "*"}


@dataclass(frozen=True)
class ParsedShare:
    """One share cell read: fraction (NaN when unknown), the flag, and an upper bound if any."""

    share: float
    flag: str
    upper: float | None = None


def parse_share(cell: object) -> ParsedShare | None:
    """Parse a CSET share cell (see module docstring); ``None`` means unreadable.

    Numeric cells are percentage points (0–100); a value outside 0–100 is unreadable.
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ParsedShare(math.nan, "unknown")
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        text = repr(float(cell))
    else:
        text = str(cell).strip().replace(",", ".")
    if text == "" or text.lower() in {"nan", "n/a", "na", "unknown", "-", "—"}:
        return ParsedShare(math.nan, "unknown")
    if text.lower() in _NEGLIGIBLE:
        return ParsedShare(math.nan, "negligible", upper=0.02)
    for pattern, flag in ((_PLAIN, "number"), (_PERCENT, "percent_string"), (_APPROX, "approximate")):
        m = pattern.match(text)
        if m:
            value = float(m.group(1))
            return ParsedShare(value / 100.0, flag) if 0.0 <= value <= 100.0 else None
    m = _LESS.match(text)
    if m:
        value = float(m.group(1))
        return ParsedShare(math.nan, "less_than", upper=value / 100.0) if 0 < value <= 100 else None
    return None


def _year(value: str) -> int | None:
    text = value.strip()
    if not re.fullmatch(r"\d{4}", text):
        return None
    y = int(text)
    return y if 1990 <= y <= 2100 else None


def _read(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _source(ctx: BuildContext, key: str) -> tuple[Path, Source]:
    path = ctx.path(FOLDER, FILES[key])
    src = file_source(
        path,
        ctx.raw,
        source_id=f"cset_chip_explorer_{key}",
        publisher=PUBLISHER,
        title=f"ETO Chip Explorer (Advanced Semiconductor Supply Chain Dataset): {FILES[key]}",
        url=URL,
        license=LICENSE,
        citation=f"{PUBLISHER}, Chip Explorer dataset, {FILES[key]} (CC BY-NC 4.0); based on {REPORT}",
        locator=FILES[key],
    )
    return path, src


def _require_columns(ctx: BuildContext, df: pd.DataFrame, fname: str, cols: tuple[str, ...]) -> bool:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        ctx.bad(
            RowError(
                fname,
                1,
                missing[0],
                None,
                f"header lacks column(s) {missing}",
                "use the Chip Explorer CSV as published (header row with these names)",
            )
        )
        return False
    return True


def _opt_year(ctx: BuildContext, fname: str, row: int, raw: str) -> int | None:
    if raw.strip() == "":
        return None
    y = _year(raw)
    if y is None:
        ctx.bad(RowError(fname, row, "year", raw, "not a year", "write a 4-digit year such as 2022"))
    return y


def load(ctx: BuildContext) -> LoadResult:
    sources: dict[str, Source] = {}
    frames: dict[str, pd.DataFrame] = {}
    paths: dict[str, Path] = {}
    for key in FILES:
        paths[key], sources[key] = _source(ctx, key)
        frames[key] = _read(paths[key])
    names = {k: str(p.relative_to(ctx.raw)) if p.is_relative_to(ctx.raw) else p.name for k, p in paths.items()}

    stages = _stages(ctx, frames["stages"], names["stages"], sources["stages"].source_id)
    inputs = _inputs(ctx, frames["inputs"], names["inputs"], sources["inputs"].source_id, set(stages["stage_id"]))
    providers = _providers(ctx, frames["providers"], names["providers"], sources["providers"].source_id)
    known_items = set(inputs["input_id"]) | set(stages["stage_id"])
    provision = _provision(
        ctx,
        frames["provision"],
        names["provision"],
        sources["provision"].source_id,
        set(providers["provider_id"]),
        known_items,
    )
    sequence = _sequence(
        ctx, frames["sequence"], names["sequence"], sources["sequence"].source_id, set(inputs["input_id"])
    )
    return LoadResult(
        tables={
            "sc_stages": stages,
            "sc_inputs": inputs,
            "sc_providers": providers,
            "sc_provision": provision,
            "sc_sequence": sequence,
        },
        sources=list(sources.values()),
    )


def _stages(ctx: BuildContext, raw: pd.DataFrame, fname: str, sid: str) -> pd.DataFrame:
    import pandas as pd

    cols = ("stage_id", "stage_name", "description")
    rows = []
    if _require_columns(ctx, raw, fname, cols):
        for i, r in enumerate(raw.to_dict("records")):
            if not r["stage_id"].strip():
                ctx.bad(RowError(fname, i + 2, "stage_id", "", "empty id", "give the stage an id like S1"))
                continue
            rows.append(
                {
                    "stage_id": r["stage_id"].strip(),
                    "stage_name": r["stage_name"].strip(),
                    "description": r["description"] or None,
                    "market_size_info": r.get("market_share_chart_global_market_size_info") or None,
                    "market_share_source": r.get("market_share_chart_source") or None,
                    "source_id": sid,
                }
            )
    return pd.DataFrame(
        rows, columns=["stage_id", "stage_name", "description", "market_size_info", "market_share_source", "source_id"]
    )


_SIZE = re.compile(r"\$\s*([\d.]+)\s*(billion|million|bn|m)\b", re.I)


def market_size_usd(text: str | None) -> float | None:
    """USD value of a CSET market-size note ("$13 billion (2025)" → 1.3e10); None when absent."""
    if not text:
        return None
    m = _SIZE.search(text)
    if not m:
        return None
    unit = 1e9 if m.group(2).lower() in {"billion", "bn"} else 1e6
    return float(m.group(1)) * unit


def _inputs(ctx: BuildContext, raw: pd.DataFrame, fname: str, sid: str, stage_ids: set[str]) -> pd.DataFrame:
    import pandas as pd

    cols = ("input_id", "input_name", "type", "stage_id", "description", "year")
    out = []
    if _require_columns(ctx, raw, fname, cols):
        seen: set[str] = set()
        for i, r in enumerate(raw.to_dict("records")):
            row = i + 2
            iid = r["input_id"].strip()
            if not re.fullmatch(r"N\d+", iid):
                ctx.bad(RowError(fname, row, "input_id", iid, "not an input id", "ids look like N20"))
                continue
            if iid in seen:
                continue  # the published file repeats a few inputs; first row wins
            stage = r["stage_id"].strip() or None
            if stage is not None and stage not in stage_ids:
                ctx.bad(RowError(fname, row, "stage_id", stage, "unknown stage", f"use one of {sorted(stage_ids)}"))
                continue
            size_info = r.get("market_share_chart_global_market_size_info", "") or None
            seen.add(iid)
            out.append(
                {
                    "input_id": iid,
                    "input_name": r["input_name"].strip(),
                    "type": r["type"].strip() or None,
                    "stage_id": stage,
                    "description": r["description"] or None,
                    "year": _opt_year(ctx, fname, row, r["year"]),
                    "market_size_info": size_info,
                    "market_size_usd": market_size_usd(size_info),
                    "market_share_source": r.get("market_share_chart_source", "") or None,
                    "source_id": sid,
                }
            )
    df = pd.DataFrame(
        out,
        columns=[
            "input_id",
            "input_name",
            "type",
            "stage_id",
            "description",
            "year",
            "market_size_info",
            "market_size_usd",
            "market_share_source",
            "source_id",
        ],
    )
    df["year"] = df["year"].astype("Int64")
    df["market_size_usd"] = df["market_size_usd"].astype("float64")
    return df


def _providers(ctx: BuildContext, raw: pd.DataFrame, fname: str, sid: str) -> pd.DataFrame:
    import pandas as pd

    cols = ("provider_name", "alias", "provider_id", "provider_type", "country")
    by_id: dict[str, dict[str, object]] = {}
    if _require_columns(ctx, raw, fname, cols):
        for i, r in enumerate(raw.to_dict("records")):
            row = i + 2
            pid, name, ptype = r["provider_id"].strip(), r["provider_name"].strip(), r["provider_type"].strip()
            if not re.fullmatch(r"P\d+", pid):
                ctx.bad(RowError(fname, row, "provider_id", pid, "not a provider id", "ids look like P88"))
                continue
            if ptype not in {"country", "organization"}:
                ctx.bad(
                    RowError(
                        fname, row, "provider_type", ptype, "unknown provider type", "use 'country' or 'organization'"
                    )
                )
                continue
            # A country row names itself; a firm row names its country.
            where = name if ptype == "country" else r["country"].strip()
            group = GROUPS.get(where.lower()) if where else None
            iso3 = (
                None
                if group or not where
                else ctx.iso3(where, fname, row, "provider_name" if ptype == "country" else "country")
            )
            if where and not group and iso3 is None:
                continue  # lenient build skipped the bad row
            alias = r["alias"].strip()
            if pid in by_id:  # extra rows of one provider carry aliases
                prev = by_id[pid]
                if (prev["provider_type"], prev["country_iso3"], prev["group_code"]) != (ptype, iso3, group):
                    ctx.bad(
                        RowError(
                            fname,
                            row,
                            "country",
                            r["country"],
                            f"provider {pid} listed twice with different type or country",
                            "make the repeated rows agree",
                        )
                    )
                    continue
                if alias and alias not in prev["aliases"]:  # type: ignore[operator]
                    prev["aliases"].append(alias)  # type: ignore[attr-defined]
                continue
            by_id[pid] = {
                "provider_id": pid,
                "provider_name": name,
                "aliases": [alias] if alias else [],
                "provider_type": ptype,
                "country_iso3": iso3,
                "group_code": group,
                "source_id": sid,
            }
    rows = [{**v, "alias": "; ".join(v["aliases"]) or None} for v in by_id.values()]  # type: ignore[arg-type]
    df = pd.DataFrame(
        rows,
        columns=["provider_id", "provider_name", "alias", "provider_type", "country_iso3", "group_code", "source_id"],
    )
    return df


def _provision(
    ctx: BuildContext, raw: pd.DataFrame, fname: str, sid: str, provider_ids: set[str], items: set[str]
) -> pd.DataFrame:
    import pandas as pd

    cols = ("provider_name", "provider_id", "provided_name", "provided_id", "share_provided", "year", "source")
    out = []
    if _require_columns(ctx, raw, fname, cols):
        for i, r in enumerate(raw.to_dict("records")):
            row = i + 2
            pid, iid = r["provider_id"].strip(), r["provided_id"].strip()
            if pid not in provider_ids:
                ctx.bad(
                    RowError(
                        fname,
                        row,
                        "provider_id",
                        pid,
                        "provider not in providers.csv",
                        "add the provider to providers.csv or fix the id",
                    )
                )
                continue
            if iid not in items:
                ctx.bad(
                    RowError(
                        fname,
                        row,
                        "provided_id",
                        iid,
                        "input/stage not in inputs.csv or stages.csv",
                        "fix the id (N… for inputs, S… for stages)",
                    )
                )
                continue
            year = _year(r["year"])
            if year is None:
                ctx.bad(
                    RowError(
                        fname,
                        row,
                        "year",
                        r["year"],
                        "not a year",
                        "every provision row needs the 4-digit year of its share",
                    )
                )
                continue
            parsed = parse_share(r["share_provided"])
            if parsed is None:
                ctx.bad(
                    RowError(
                        fname,
                        row,
                        "share_provided",
                        r["share_provided"],
                        "unreadable market share",
                        "write a percentage (61 or 61%), '<1%', 'negligible' or leave it empty",
                    )
                )
                continue
            out.append(
                {
                    "provider_id": pid,
                    "provider_name": r["provider_name"].strip(),
                    "input_id": iid,
                    "input_name": r["provided_name"].strip(),
                    "year": year,
                    "share": parsed.share,
                    "share_upper": parsed.upper,
                    "share_raw": r["share_provided"] or None,
                    "share_flag": parsed.flag,
                    "source_text": r["source"] or None,
                    "source_id": sid,
                }
            )
    df = pd.DataFrame(
        out,
        columns=[
            "provider_id",
            "provider_name",
            "input_id",
            "input_name",
            "year",
            "share",
            "share_upper",
            "share_raw",
            "share_flag",
            "source_text",
            "source_id",
        ],
    )
    df["year"] = df["year"].astype("int64")
    df["share"] = df["share"].astype("float64")
    df["share_upper"] = df["share_upper"].astype("float64")
    return df


def _sequence(ctx: BuildContext, raw: pd.DataFrame, fname: str, sid: str, input_ids: set[str]) -> pd.DataFrame:
    import pandas as pd

    cols = ("input_id", "goes_into_id", "is_type_of_id")
    out = []
    if _require_columns(ctx, raw, fname, cols):
        for i, r in enumerate(raw.to_dict("records")):
            row = i + 2
            iid = r["input_id"].strip()
            goes, typ = r["goes_into_id"].strip() or None, r["is_type_of_id"].strip() or None
            bad = next(
                (
                    (c, v)
                    for c, v in (("input_id", iid), ("goes_into_id", goes), ("is_type_of_id", typ))
                    if v is not None and v not in input_ids
                ),
                None,
            )
            if bad:
                ctx.bad(
                    RowError(
                        fname,
                        row,
                        bad[0],
                        bad[1],
                        "input id not in inputs.csv",
                        "every sequence edge must join two known inputs",
                    )
                )
                continue
            out.append(
                {
                    "input_id": iid,
                    "input_name": r.get("input_name", "").strip() or None,
                    "goes_into_id": goes,
                    "is_type_of_id": typ,
                    "source_id": sid,
                }
            )
    return pd.DataFrame(out, columns=["input_id", "input_name", "goes_into_id", "is_type_of_id", "source_id"])
