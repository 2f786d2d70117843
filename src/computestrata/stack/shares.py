"""Country capability per segment and year: world shares (0–1), each with its source.

Where the shares come from depends on the segment's ``share_basis`` (``segments.yaml``):

* ``cset`` — ETO Chip Explorer provision table.  Per input: the country rows; where an
  input has no country shares, firm rows rolled up to the firm's country.  One year per
  input: the latest year with shares at or before the requested year (the table mixes
  2019, 2021, 2022 and 2025).  A segment of several inputs is their average weighted by
  CSET's global market size; a country not listed for an input holds 0 of it (CSET lists
  every provider).  ``EUR`` (Europe) and ``VAR`` (various countries) are groups, kept so
  shares still sum; ``VAR`` never counts as a holder country.
* ``curated`` — ``curated_shares.csv`` in this package (cited figures for segments CSET
  leaves out, e.g. HBM and <10 nm logic capacity).  They are citations outside the atlas:
  figures quoted from reports, labelled ``LicenseRef-compiled-facts`` like the atlas's
  hand-compiled tables, so ``--exclude-license LicenseRef-compiled-facts`` hides them too.
* ``gpu_clusters`` — Epoch GPU clusters: H100-equivalents of existing clusters operational
  by the end of the year, by country (Chinese clusters are under-covered by Epoch); an
  earlier phase of an upgraded cluster is dropped once its later (cumulative) phase runs.
* ``top500`` — Rmax share of the year's last TOP500 list (China has submitted few systems
  since about 2019, so TOP500 understates it).
* ``ai_models`` — Epoch notable models published in the three years to the year, counted
  per organisation country (a model with k countries counts 1/k for each).
* ``paper_dc_capacity`` — the paper's data-centre capacity shares (USA 53 %, CHN 15 %).
* ``derived`` — no data of its own: another segment's shares stand in (``derived_from``), with a
  note.  DRAM and NAND derive from memory fabrication, because CSET has one memory series (N5,
  memory sales by firm headquarters, DRAM and NAND together; memory firms design and fabricate).
  :meth:`ShareBook.all` leaves derived segments out, so concentration tables and chokepoints
  count that series once.
* ``cloud`` — Synergy Research shares (compiled table ``cloud_market_share``; the paper's
  2024Q3 figures for years it lacks), by provider rolled up to headquarters (:data:`CLOUD_HQ`).

Over-coverage: rounded source shares can add up to more than 100 % (CSET's EDA row sums
to 102 %).  A world share cannot, so such shares are scaled to sum to 1 and the raw sum is
kept (``raw_coverage``) and named in a note; every output (tables, CR-k, HHI, exposure)
uses the scaled shares, so the shares shown and the metrics agree.  Shares summing to less
than 1 are never scaled up: the rest of the world is missing, not spread.

Licence filter: with ``--exclude-license`` the atlas hides the excluded sources' rows, so a
segment can lose its shares; :meth:`ShareBook.hidden_by_license` names such segments (by
comparing with the unfiltered atlas) so outputs can say so instead of "no data".

Notes are rendered when a segment's shares are asked for, in the reader's language, with
the segment's name (not its id).

Missing stays missing: a segment without data has no shares (never zeros).
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from computestrata.errors import InputError
from computestrata.i18n import get_lang, t
from computestrata.stack.segments import Segment, segment, segments

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas

GROUPS = {"EUR": "Europe (group)", "VAR": "various countries (group)", "UNK": "country unknown"}
#: Who may hold a group's share (a declared reading: CSET does not publish the composition).
#: ``EUR`` = CSET's "Europe": the EU-27, the other EEA states, Switzerland and the United Kingdom.
#: ``VAR`` ("various countries") = every country not listed separately for that segment and not
#: in a listed group; ``UNK`` = any country.  :func:`may_hold` applies the rule per segment.
EUR_MEMBERS = frozenset(
    [
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
        "ISL",
        "LIE",
        "NOR",
        "CHE",
        "GBR",
    ]
)
GROUP_RULE = (
    "Groups: EUR (Europe) = EU-27 + Iceland, Liechtenstein, Norway, Switzerland, United Kingdom; "
    "VAR (various countries) = the countries not listed separately for the segment (nor in a listed group); "
    "UNK = any country. A group's share is kept when none of its possible members is cut, lost when "
    "all are, and otherwise uncertain: counted as lost in the figure shown (a lower bound) and as kept "
    "in the upper bound."
)


def may_hold(group: str, country: str, listed: Iterable[str]) -> bool:
    """Whether ``country`` may hold part of ``group``'s share (per :data:`GROUP_RULE`).

    >>> may_hold("EUR", "DEU", ["EUR", "USA"]), may_hold("VAR", "DEU", ["EUR", "USA", "VAR"])
    (True, False)
    >>> may_hold("VAR", "IND", ["EUR", "USA", "VAR"]), may_hold("VAR", "USA", ["USA", "VAR"])
    (True, False)
    """
    names = set(listed)
    if country in names or country in GROUPS:
        return False
    if group == "EUR":
        return country in EUR_MEMBERS
    if group == "VAR":
        return not ("EUR" in names and country in EUR_MEMBERS)
    return True


# Units that are not one country: they never count as a holder in CR-k, HHI or n90
# (see :mod:`computestrata.stack.concentration` for what happens to their mass).
NON_HOLDERS = frozenset(GROUPS)
CURATED_SOURCE = "stack_curated_shares"
CURATED_LICENSE = "LicenseRef-compiled-facts"
# Cloud providers → headquarters country (company annual reports / 10-K filings).
CLOUD_HQ = {
    "aws": "USA",
    "amazon": "USA",
    "microsoft": "USA",
    "microsoft azure": "USA",
    "google": "USA",
    "google cloud": "USA",
    "ibm": "USA",
    "salesforce": "USA",
    "oracle": "USA",
    "alibaba": "CHN",
    "alibaba cloud": "CHN",
    "tencent": "CHN",
    "tencent cloud": "CHN",
    "huawei": "CHN",
    "huawei cloud": "CHN",
    "baidu": "CHN",
    "baidu cloud": "CHN",
}
CLOUD_HQ_CITATION = (
    "provider headquarters per company annual reports (Amazon, Microsoft, Alphabet 10-K; "
    "Alibaba, Tencent, Huawei annual reports)"
)


@dataclass
class SegmentShares:
    """World shares of one segment in one data year, with where they come from."""

    segment_id: str
    year: int
    shares: dict[str, float]
    basis: str
    source_ids: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    raw_coverage: float | None = None  # sum of the shares as the source gives them (None: = coverage)

    @property
    def coverage(self) -> float:
        """Sum of the known shares (1 = the whole world is accounted for)."""
        return float(sum(self.shares.values()))

    @property
    def non_holders(self) -> dict[str, float]:
        """Mass held by groups or unknown origin (``EUR``, ``VAR``, ``UNK``): not one country."""
        return {e: v for e, v in self.shares.items() if e in NON_HOLDERS and v > 0}

    def share_of(self, entity: str) -> float | None:
        """``entity``'s share; 0 when the data are complete and it is not listed, else None."""
        if entity in self.shares:
            return self.shares[entity]
        return 0.0 if self.coverage >= 0.95 else None

    def record(self) -> dict[str, Any]:
        return {
            "segment": self.segment_id,
            "year": self.year,
            "basis": self.basis,
            "shares": dict(sorted(self.shares.items(), key=lambda kv: -kv[1])),
            "coverage": self.coverage,
            "raw_coverage": self.raw_coverage if self.raw_coverage is not None else self.coverage,
            "source_ids": self.source_ids,
            "citations": self.citations,
            "notes": self.notes,
            "inputs": self.inputs,
        }


# ---------------------------------------------------------------- pure functions on frames


def cset_input_shares(provision: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    """Per CSET input and year: entity shares (country rows, else firm rows rolled up).

    Returns columns ``input_id, year, entity, share, method, source_id``; inputs with no
    known share in a year are absent (missing, not zero).

    One pass over the rows in plain Python (a pandas group-by per input and year cost a
    third of a second); each share is the numpy sum of its rows in table order, as a
    group-by sum gives, so the figures are the same to the last bit.
    """
    import pandas as pd

    p = provision.merge(
        providers[["provider_id", "provider_type", "country_iso3", "group_code"]], on="provider_id", how="left"
    )
    p = p[p["share"].notna() & p["input_id"].notna()]
    entity = p["country_iso3"].fillna(p["group_code"]).fillna("UNK").tolist()
    is_country = (p["provider_type"] == "country").fillna(False).to_numpy(dtype=bool).tolist()
    keys = list(zip(p["input_id"].tolist(), p["year"].tolist(), strict=True))
    shares = p["share"].to_numpy(dtype="float64")
    sources = p["source_id"].tolist()
    # an input-year with country rows uses only those; otherwise its firm rows, rolled up
    with_countries = {k for k, c in zip(keys, is_country, strict=True) if c}
    groups: dict[tuple[Any, Any, Any], list[int]] = {}
    for i, (k, c, ent) in enumerate(zip(keys, is_country, entity, strict=True)):
        if c == (k in with_countries):
            groups.setdefault((k[0], k[1], ent), []).append(i)
    out = [
        {
            "input_id": iid,
            "year": int(year),
            "entity": ent,
            "share": float(shares[rows].sum()),
            "method": "country_rows" if (iid, year) in with_countries else "firm_rollup",
            "source_id": sources[rows[0]],
        }
        for (iid, year, ent), rows in sorted(groups.items(), key=lambda kv: kv[0])
    ]
    return pd.DataFrame(out, columns=["input_id", "year", "entity", "share", "method", "source_id"])


def aggregate_inputs(
    input_shares: pd.DataFrame, inputs: Iterable[str], sizes: Mapping[str, float | None], as_of: int | None = None
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Weighted average of several inputs' entity shares (weights = market size, else equal).

    Each input uses its latest year ``<= as_of``; inputs without data are skipped and listed
    with ``used=False``.  Returns ``(shares, inputs_used)``.
    """
    chosen: list[tuple[str, int, dict[str, float]]] = []
    used: list[dict[str, Any]] = []
    for iid in inputs:
        d = input_shares[input_shares["input_id"] == iid]
        if as_of is not None:
            d = d[d["year"] <= as_of]
        if d.empty:
            used.append({"input_id": iid, "year": None, "used": False, "weight": None, "method": None})
            continue
        y = int(d["year"].max())
        dy = d[d["year"] == y]
        chosen.append((iid, y, dict(zip(dy["entity"], dy["share"], strict=True))))
        used.append({"input_id": iid, "year": y, "used": True, "method": str(dy["method"].iloc[0]), "weight": None})
    if not chosen:
        return {}, used
    size = [sizes.get(iid) for iid, _, _ in chosen]
    equal = any(s is None or (isinstance(s, float) and math.isnan(s)) or s <= 0 for s in size)
    weights = [1.0] * len(chosen) if equal else [float(s) for s in size]  # type: ignore[arg-type]
    total = sum(weights)
    out: dict[str, float] = defaultdict(float)
    for (_iid, _y, sh), w in zip(chosen, weights, strict=True):
        for ent, v in sh.items():
            out[ent] += v * w / total
    wmap = {iid: w / total for (iid, _, _), w in zip(chosen, weights, strict=True)}
    for u in used:
        if u["used"]:
            u["weight"] = wmap[u["input_id"]]
            u["weighting"] = "equal" if equal else "market_size"
    return dict(out), used


def shares_from_values(values: Mapping[str, float]) -> dict[str, float]:
    """Values per entity → shares of their total (empty when the total is not positive)."""
    total = sum(v for v in values.values() if v == v)
    return {k: v / total for k, v in values.items() if v == v} if total > 0 else {}


def scale_over_coverage(shares: Mapping[str, float]) -> tuple[dict[str, float], float]:
    """Shares scaled to sum to 1 when they sum to more (rounding in the source), and the raw sum.

    >>> scale_over_coverage({"USA": 0.96, "JPN": 0.03, "CHN": 0.01, "GBR": 0.01, "ISR": 0.01})[0]["USA"]
    0.9411764705882353
    >>> scale_over_coverage({"USA": 0.53, "CHN": 0.15})  # under-coverage is left alone
    ({'USA': 0.53, 'CHN': 0.15}, 0.68)
    """
    raw = float(sum(shares.values()))
    if raw > 1.0 + 1e-9:
        return {k: v / raw for k, v in shares.items()}, raw
    return dict(shares), raw


# ---------------------------------------------------------------- the book of shares

# A note kept as (catalogue key, arguments) and rendered on demand in the reader's language;
# an argument given as {en:, ko:, zh:} is picked in that language.  ``segment`` is filled in.
NoteSpec = tuple[str, dict[str, Any]]
Candidate = tuple[int, dict[str, float], list[str], list[str], list[NoteSpec], list[dict[str, Any]]]


def render_note(note: NoteSpec, seg: Segment, lang: str | None = None) -> str:
    """A note's text in ``lang`` (default: current), naming the segment by its name."""
    code = lang or get_lang()
    key, fmt = note
    args = {k: (v.get(code) or v["en"]) if isinstance(v, Mapping) else v for k, v in fmt.items()}
    return t(key, lang=code, **{"segment": seg.label(code), **args})


def over_coverage_note(seg: Segment, raw: float | None) -> str | None:
    """The note saying a segment's raw shares summed to more than 100 % (None when they did not,
    or only by rounding that does not show at whole percent)."""
    if raw is None or raw <= 1.0 or f"{raw:.0%}" == f"{1:.0%}":
        return None
    return render_note(("stack.note.over_coverage", {"raw": f"{raw:.0%}"}), seg)


def segment_names(ids: Iterable[str], lang: str | None = None) -> list[str]:
    """Segment ids as names in the reader's language (for notes listing segments)."""
    code = lang or get_lang()
    return [segment(i).label(code) for i in ids]


class ShareBook:
    """Reads the atlas tables once and answers share questions per segment and year."""

    def __init__(self, atlas: Atlas | None, curated: Iterable[Mapping[str, Any]] | None = None) -> None:
        self.atlas = atlas
        self._all_curated = list(curated) if curated is not None else load_curated()
        excluded = set(self.excluded_licenses)
        self._curated = [r for r in self._all_curated if r.get("license", CURATED_LICENSE) not in excluded]
        self._cache: dict[str, list[Candidate]] = {}
        self._cset: tuple[pd.DataFrame, dict[str, float | None]] | None = None
        self._cset_ids: list[str] = []
        self._unfiltered: ShareBook | None = None

    @property
    def excluded_licenses(self) -> tuple[str, ...]:
        """Licences the user excluded (``--exclude-license``); empty without an atlas."""
        return tuple(self.atlas.exclude_licenses) if self.atlas is not None else ()

    # --- public
    def years(self) -> list[int]:
        """Every data year any segment has shares for (sorted)."""
        ys: set[int] = set()
        for s in segments():
            ys.update(c[0] for c in self._candidates(s))
        return sorted(ys)

    def check_year(self, year: int | None) -> int:
        """``year`` if shares exist at or before it, else an error listing valid years (closest first)."""
        ys = self.years()
        if not ys:
            raise InputError(
                "no share data in this atlas",
                hint="build the atlas with the cset loader: `strata atlas build --raw DIR`",
            )
        if year is None:
            return ys[-1]
        if ys[0] <= year <= ys[-1] + 1:
            return year
        near = sorted(ys, key=lambda y: (abs(y - year), -y))
        raise InputError(
            f"unknown year {year}: share data cover {ys[0]}–{ys[-1]}",
            hint=f"closest: {', '.join(map(str, near[:5]))} (valid: {len(ys)} in all)",
        )

    def for_segment(self, seg: Segment | str, year: int | None = None) -> SegmentShares | None:
        """Shares of one segment as of ``year`` (latest data year at or before it); None if none."""
        s = segment(seg) if isinstance(seg, str) else seg
        if s.derived_from is not None:  # a proxy: the parent's shares, said so
            base = self.for_segment(s.derived_from, year)
            if base is None:
                return None
            note = render_note(("stack.note.derived", {"parent": segment(s.derived_from).label(get_lang())}), s)
            return dataclasses.replace(
                base, segment_id=s.id, basis=f"derived:{s.derived_from}", notes=[*base.notes, note]
            )
        cands = [c for c in self._candidates(s) if year is None or c[0] <= year]
        if not cands:
            return None
        y, shares, sids, cites, specs, used = max(cands, key=lambda c: c[0])
        scaled, raw = scale_over_coverage(shares)
        notes = [render_note(n, s) for n in specs]
        over = over_coverage_note(s, raw)
        if over:
            notes.append(over)
        return SegmentShares(s.id, y, scaled, s.share_basis, list(sids), list(cites), notes, list(used), raw)

    def all(self, year: int | None = None) -> dict[str, SegmentShares | None]:
        """Shares of every segment with its own data (derived segments are left out: their
        parent's series is counted once, under the parent)."""
        return {s.id: self.for_segment(s, year) for s in segments() if s.derived_from is None}

    # --- the licence filter
    def unfiltered(self) -> ShareBook | None:
        """The same book without the licence filter (None when nothing is excluded)."""
        if self.atlas is None or not self.excluded_licenses:
            return None
        if self._unfiltered is None:
            from computestrata.atlas import store

            self._unfiltered = ShareBook(store.open(self.atlas.path, exclude_licenses=[]), self._all_curated)
        return self._unfiltered

    def hidden_by_license(self, year: int | None = None, ids: Sequence[str] | None = None) -> dict[str, list[str]]:
        """Segments (of ``ids``, default all) with shares as of ``year`` that the licence filter hides
        entirely: segment id → the excluded licences their shares come from."""
        full = self.unfiltered()
        if full is None:
            return {}
        out: dict[str, list[str]] = {}
        for sid in ids if ids is not None else [s.id for s in segments() if s.derived_from is None]:
            if self.for_segment(sid, year) is not None:
                continue
            sh = full.for_segment(sid, year)
            if sh is None:
                continue
            lic = {str(r["license"]) for r in full.atlas.sources(sh.source_ids)} if full.atlas else set()
            lic |= {str(r.get("license", CURATED_LICENSE)) for r in self._all_curated if r["segment_id"] == sid}
            out[sid] = sorted(lic & set(self.excluded_licenses)) or list(self.excluded_licenses)
        return out

    # --- per basis
    def _candidates(self, s: Segment) -> list[Candidate]:
        if s.id not in self._cache:
            fn = {
                "cset": self._from_cset,
                "curated": self._from_curated,
                "gpu_clusters": self._from_clusters,
                "top500": self._from_top500,
                "ai_models": self._from_models,
                "paper_dc_capacity": self._from_paper_dc,
                "cloud": self._from_cloud,
            }.get(s.share_basis)
            self._cache[s.id] = fn(s) if fn else []
        return self._cache[s.id]

    def _has(self, table: str) -> bool:
        return self.atlas is not None and self.atlas.has(table)

    def _cset_frames(self) -> tuple[pd.DataFrame, dict[str, float | None]] | None:
        if self._cset is None:
            if not (self._has("sc_provision") and self._has("sc_providers")):
                return None
            assert self.atlas is not None
            providers = self.atlas.table("sc_providers")
            table = cset_input_shares(self.atlas.table("sc_provision"), providers)
            # every share also rests on the providers table (provider → country) and the inputs
            # table (what each input is, its market size): both are cited with the provision rows
            self._cset_ids = sorted(set(providers["source_id"].dropna().astype(str)))
            sizes: dict[str, float | None] = {}
            if self._has("sc_inputs"):
                for r in self.atlas.rows("SELECT input_id, market_size_usd, source_id FROM sc_inputs"):
                    sizes[r["input_id"]] = r["market_size_usd"]
                    if r["source_id"] and r["source_id"] not in self._cset_ids:
                        self._cset_ids.append(str(r["source_id"]))
            self._cset = (table, sizes)
        return self._cset

    def _from_cset(self, s: Segment) -> list[Candidate]:
        frames = self._cset_frames()
        if frames is None:
            return []
        table, sizes = frames
        sub = table[table["input_id"].isin(s.cset_inputs)]
        out: list[Candidate] = []
        for y in sorted(set(sub["year"])):
            shares, used = aggregate_inputs(sub, s.cset_inputs, sizes, as_of=int(y))
            if not shares:
                continue
            sids = sorted(set(sub["source_id"]) | set(self._cset_ids))
            years = sorted({u["year"] for u in used if u["used"]})
            notes: list[NoteSpec] = []
            if len(years) > 1:
                notes.append(("stack.note.mixed_years", {"years": years}))
            if any(u.get("method") == "firm_rollup" for u in used):
                notes.append(("stack.note.firm_rollup", {}))
            skipped = [u["input_id"] for u in used if not u["used"]]
            if skipped:
                notes.append(("stack.note.cset_skipped", {"inputs": ", ".join(skipped)}))
            out.append((int(max(years)), shares, sids, [], notes, used))
        return out

    def _from_curated(self, s: Segment) -> list[Candidate]:
        rows = [r for r in self._curated if r["segment_id"] == s.id]
        out: list[Candidate] = []
        for y in sorted({int(r["year"]) for r in rows}):
            ry = [r for r in rows if int(r["year"]) == y]
            shares = {r["entity"]: float(r["share"]) for r in ry}
            cites = sorted({curated_citation(r) for r in ry})
            notes: list[NoteSpec] = [
                (
                    "stack.note.curated",
                    {"text": {lang: r.get(f"note_{lang}") or r["note"] for lang in ("ko", "zh")} | {"en": r["note"]}},
                )
                for r in ry
                if r.get("note")
            ]
            out.append((y, shares, [], cites, notes, []))
        return out

    def _from_clusters(self, s: Segment) -> list[Candidate]:
        if not self._has("gpu_clusters"):
            return []
        assert self.atlas is not None
        df = self.atlas.df(
            "SELECT coalesce(country_iso3, 'UNK') AS entity, h100e, year(first_operational_date) AS y0, "
            "year(decommissioned_date) AS y1, name, superseded_by, source_id FROM gpu_clusters "
            "WHERE status IN ('Existing', 'Decommissioned') AND h100e IS NOT NULL "
            "AND first_operational_date IS NOT NULL "
            "AND NOT coalesce(exclude, false) AND NOT coalesce(possible_duplicate, false)"
        )
        out: list[Candidate] = []
        for y in range(int(df["y0"].min()) if len(df) else 0, int(df["y0"].max()) + 1 if len(df) else 0):
            live = df[(df["y0"] <= y) & (df["y1"].isna() | (df["y1"] > y))]
            # an earlier phase of an upgraded cluster is inside its later phase once that runs
            live = live[~live["superseded_by"].isin(set(live["name"].dropna()))]
            shares = shares_from_values(
                {str(k): float(v) for k, v in live.groupby("entity")["h100e"].sum().to_dict().items()}
            )
            if shares and live["h100e"].sum() >= 1000:  # before ~2017 the data are too thin
                out.append(
                    (
                        y,
                        shares,
                        sorted(set(live["source_id"])),
                        [],
                        [("stack.note.gpu_clusters", {})],
                        [],
                    )
                )
        return out

    def _from_top500(self, s: Segment) -> list[Candidate]:
        if not self._has("top500_systems"):
            return []
        assert self.atlas is not None
        df = self.atlas.df(
            "SELECT list_id, coalesce(country_iso3, 'UNK') AS entity, sum(rmax_tflops) AS rmax, "
            "min(source_id) AS source_id FROM top500_systems GROUP BY ALL"
        )
        out: list[Candidate] = []
        df["y"] = df["list_id"].str[:4].astype(int)
        for y, g in df.groupby("y"):
            last = g[g["list_id"] == g["list_id"].max()]
            out.append(
                (
                    int(str(y)),
                    shares_from_values(dict(zip(last["entity"], last["rmax"], strict=True))),
                    sorted(set(last["source_id"])),
                    [],
                    [("stack.note.top500", {"list_id": str(last["list_id"].iloc[0])})],
                    [],
                )
            )
        return out

    def _from_models(self, s: Segment) -> list[Candidate]:
        if not self._has("ai_models"):
            return []
        assert self.atlas is not None
        df = self.atlas.df(
            "SELECT country_iso3s, year(publication_date) AS y, source_id FROM ai_models "
            "WHERE (is_notable OR is_frontier) AND publication_date IS NOT NULL"
        )
        out: list[Candidate] = []
        if df.empty:
            return out
        for y in range(max(int(df["y"].min()) + 2, 2015), int(df["y"].max()) + 1):
            win = df[(df["y"] > y - 3) & (df["y"] <= y)]
            counts: dict[str, float] = defaultdict(float)
            for cs in win["country_iso3s"]:
                cs = [
                    c
                    for c in (list(cs) if isinstance(cs, list | tuple) or hasattr(cs, "__array__") else [])
                    if isinstance(c, str) and c
                ] or ["UNK"]
                for c in cs:
                    counts[c] += 1.0 / len(cs)
            shares = shares_from_values(counts)
            if shares:
                out.append(
                    (
                        y,
                        shares,
                        sorted(set(win["source_id"])),
                        [],
                        [("stack.note.ai_models", {"first": y - 2, "last": y})],
                        [],
                    )
                )
        return out

    def _paper(self) -> pd.DataFrame | None:
        if not self._has("paper_figures"):
            return None
        assert self.atlas is not None
        return self.atlas.table("paper_figures")

    def _from_paper_dc(self, s: Segment) -> list[Candidate]:
        pf = self._paper()
        if pf is None:
            return []
        d = pf[pf["variable"] == "DataCenters|Capacity|Share"]
        if d.empty:
            return []
        shares = {
            str(r.entity_iso3 if isinstance(r.entity_iso3, str) else r.entity): float(cast(Any, r.value)) / 100.0
            for r in d.itertuples()
        }
        return [
            (
                2023,
                shares,
                sorted(set(d["source_id"])),
                [],
                [("stack.note.paper_dc", {})],
                [],
            )
        ]

    def _from_cloud(self, s: Segment) -> list[Candidate]:
        out = self._cloud_from_table(s)
        covered = {c[0] for c in out}
        return out + [c for c in self._cloud_from_paper(s) if c[0] not in covered]

    def _cloud_from_table(self, s: Segment) -> list[Candidate]:
        """Synergy Research shares (compiled table), latest quarter of each year, rolled up to HQ."""
        if not self._has("cloud_market_share"):
            return []
        assert self.atlas is not None
        df = self.atlas.df("SELECT period, provider, share_pct, source_id FROM cloud_market_share")
        out: list[Candidate] = []
        df["y"] = df["period"].astype(str).str[:4]
        for y, g in df.groupby("y"):
            mapped = g[g["provider"].astype(str).str.lower().isin(CLOUD_HQ)]
            periods = [p for p in sorted(set(mapped["period"]), reverse=True) if (mapped["period"] == p).sum() >= 2]
            if not periods:
                continue
            last = mapped[mapped["period"] == periods[0]]
            values: dict[str, float] = defaultdict(float)
            for r in last.itertuples():
                values[CLOUD_HQ[str(r.provider).lower()]] += float(cast(Any, r.share_pct)) / 100.0
            out.append(
                (
                    int(str(y)),
                    dict(values),
                    sorted(set(last["source_id"])),
                    [CLOUD_HQ_CITATION],
                    [("stack.note.cloud_table", {"period": str(periods[0])})],
                    [],
                )
            )
        return out

    def _cloud_from_paper(self, s: Segment) -> list[Candidate]:
        pf = self._paper()
        if pf is None:
            return []
        d = pf[(pf["variable"] == "Cloud|MarketShare") & pf["entity"].astype(str).str.startswith("WLD:")]
        if d.empty:
            return []
        values: dict[str, float] = defaultdict(float)
        unmapped = []
        for r in d.itertuples():
            firm = str(r.entity).split(":", 1)[1]
            hq = CLOUD_HQ.get(firm.lower())
            if hq is None:
                unmapped.append(firm)
                continue
            values[hq] += float(cast(Any, r.value)) / 100.0
        year = int(str(d["year"].iloc[0])[:4])
        notes: list[NoteSpec] = [("stack.note.cloud_shares", {"year": str(d["year"].iloc[0])})]
        if unmapped:
            notes.append(("stack.note.unmapped", {"providers": unmapped}))
        return [(year, dict(values), sorted(set(d["source_id"])), [CLOUD_HQ_CITATION], notes, [])]


def curated_citation(row: Mapping[str, Any]) -> str:
    """How a curated row is cited in ``citations`` (and so how its source record is found again)."""
    return f"{row['citation']} <{row['url']}> (confidence: {row['confidence']})"


CURATED_FILE = "computestrata/stack/curated_shares.csv"


def curated_records(curated: Iterable[Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Source records (atlas ``sources`` shape) of the cited figures behind the curated shares and
    the cloud headquarters mapping, keyed by the citation text that :class:`SegmentShares` carries.

    Curated figures are quoted from reports, not held in the atlas; as records they are listed in
    ``sources`` with their licence like every atlas source.  One record per segment, year and
    citation: ``stack_curated_<segment>_<year>`` (``_2``, ``_3`` … when a year has several)."""
    from computestrata.controls.sources import record

    out: dict[str, dict[str, Any]] = {}
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for r in curated if curated is not None else load_curated():
        cite = curated_citation(r)
        if cite in out:
            continue
        key = (str(r["segment_id"]), int(r["year"]))
        seen[key] += 1
        n = seen[key]
        publisher, _, _ = str(r["citation"]).partition(" (")
        out[cite] = record(
            f"{CURATED_SOURCE}_{key[0]}_{key[1]}" + (f"_{n}" if n > 1 else ""),
            publisher or "as cited",
            f"{segment(key[0]).label('en')} world shares, {key[1]} (quoted figure)",
            f"{r['citation']} (confidence: {r['confidence']})",
            str(r.get("license") or CURATED_LICENSE),
            url=r.get("url") or None,
            locator=f"{key[0]} {key[1]}",
            raw_file=CURATED_FILE,
        )
    out[CLOUD_HQ_CITATION] = record(
        f"{CURATED_SOURCE}_cloud_hq",
        "compiled by computestrata from company annual reports",
        "Cloud providers' headquarters countries",
        CLOUD_HQ_CITATION,
        CURATED_LICENSE,
        locator="computestrata.stack.shares.CLOUD_HQ",
    )
    return out


def load_curated() -> list[dict[str, str]]:
    """Rows of the package's ``curated_shares.csv`` (validated)."""
    text = (resources.files("computestrata.stack") / "curated_shares.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    ids = {s.id for s in segments()}
    for i, r in enumerate(rows, start=2):
        if r["segment_id"] not in ids:
            raise InputError(
                f"curated_shares.csv row {i}: unknown segment {r['segment_id']!r}",
                hint="use a segment id from segments.yaml",
            )
        try:
            v = float(r["share"])
        except ValueError as exc:
            raise InputError(
                f"curated_shares.csv row {i}: share {r['share']!r} is not a number",
                hint="write a fraction between 0 and 1",
            ) from exc
        if not 0.0 <= v <= 1.0 or not r.get("citation"):
            raise InputError(
                f"curated_shares.csv row {i}: share must be 0–1 with a citation",
                hint="write a fraction and cite its source",
            )
        if not r.get("license"):
            raise InputError(
                f"curated_shares.csv row {i}: column license is empty",
                hint=f"give the licence of the quoted figure, e.g. {CURATED_LICENSE}, so --exclude-license applies",
            )
    return rows


def shares_frame(book: ShareBook, year: int | None = None) -> pd.DataFrame:
    """Long table: segment, entity, data year, share, basis, sources (one row per known share)."""
    import pandas as pd

    rows = []
    for sid, sh in book.all(year).items():
        if sh is None:
            continue
        for ent, v in sorted(sh.shares.items(), key=lambda kv: -kv[1]):
            rows.append(
                {
                    "segment": sid,
                    "entity": ent,
                    "year": sh.year,
                    "share": v,
                    "basis": sh.basis,
                    "source_ids": ";".join(sh.source_ids),
                    "citations": " | ".join(sh.citations),
                }
            )
    return pd.DataFrame(rows, columns=["segment", "entity", "year", "share", "basis", "source_ids", "citations"])
