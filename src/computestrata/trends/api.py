"""The four structural trends of the paper as measured indicators — the typed API.

``trend(atlas, kind)`` tests one trend (``stratification``, ``regionalisation``,
``fragmentation``, ``institutions``) and returns a :class:`TrendResult`: verdict
(``holds``/``partly``/``does_not_hold``/``no_clear_trend``), the indicators with the intervals
behind it, robustness variants, the series, notes and sources.  ``trends(atlas)`` runs all
four for the side-by-side view.  The CLI (``strata trends``) and the overview only call
these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.trends.result import KINDS, Indicator, TrendResult
from computestrata.trends.stats import OUTCOMES

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

__all__ = [
    "KINDS",
    "OUTCOMES",
    "Indicator",
    "TrendResult",
    "cited_sources",
    "outcome_label",
    "robustness_agreement",
    "series_groups",
    "trend",
    "trends",
]


def outcome_label(code: str) -> str:
    """A trend outcome in the reader's language (JSON keeps the code)."""
    from computestrata.i18n import t

    if code not in OUTCOMES:
        from computestrata.errors import unknown

        raise unknown("trend outcome", code, OUTCOMES)
    return t(f"trends.outcome.{code}")


def check_kind(kind: str) -> str:
    """``kind`` if it is one of :data:`KINDS` (case-insensitive), else an InputError with the closest."""
    k = kind.strip().lower()
    aliases = {"regionalization": "regionalisation", "institutional": "institutions", "strata": "stratification"}
    k = aliases.get(k, k)
    if k not in KINDS:
        from computestrata.errors import unknown

        raise unknown("trend kind", kind, KINDS)
    return k


#: years a trend can be asked about at all (a typo such as ``--from -5`` or ``--to 20245``)
YEAR_RANGE = (1900, 2100)


def check_years(start: int | None, end: int | None) -> None:
    """``--from``/``--to`` are plausible years and in order (else InputError)."""
    lo, hi = YEAR_RANGE
    for opt, y in (("--from", start), ("--to", end)):
        if y is not None and not lo <= y <= hi:
            raise InputError.keyed("trends.err.not_a_year", "trends.err.not_a_year_hint", opt=opt, year=y, lo=lo, hi=hi)
    if start is not None and end is not None and start > end:
        raise InputError.keyed("trends.err.from_after_to", "trends.err.from_after_to_hint", start=start, end=end)


def check_window(start: int | None, end: int | None, span: tuple[int, int] | None, kind: str) -> None:
    """``--from``/``--to`` ordered and overlapping the years with data for ``kind`` (else InputError)."""
    check_years(start, end)
    if span is None:
        return
    lo, hi = span
    if (start is not None and start > hi) or (end is not None and end < lo):
        got = " ".join(
            x for x in (f"--from {start}" if start is not None else "", f"--to {end}" if end is not None else "") if x
        )
        # the English message starts "years outside the data" (``trends`` recognises it by that)
        raise InputError.keyed("trends.err.outside", "trends.err.outside_hint", kind=kind, lo=lo, hi=hi, got=got)


def _span(atlas: Atlas, kind: str, instruments: Path | None) -> tuple[int, int] | None:
    """Years with data for a kind (None = let the kind's own check decide)."""
    if kind == "regionalisation":
        atlas.require("trade_semis_bilateral", "trade_taiwan_ic_exports")
        row = atlas.rows(
            "SELECT min(y) lo, max(y) hi FROM (SELECT year y FROM trade_semis_bilateral "
            "UNION ALL SELECT year FROM trade_taiwan_ic_exports)"
        )[0]
        return (int(row["lo"]), int(row["hi"])) if row["lo"] is not None else None
    if kind == "fragmentation":
        atlas.require("ai_models")
        row = atlas.rows("SELECT min(year(publication_date)) lo, max(year(publication_date)) hi FROM ai_models")[0]
        return (int(row["lo"]), int(row["hi"])) if row["lo"] is not None else None
    if kind == "institutions":
        from computestrata.trends import institutions

        return institutions.data_years(institutions.load(instruments))
    return None  # stratification: measure.stratification checks its own years


def trend(
    atlas: Atlas,
    kind: str,
    start: int | None = None,
    end: int | None = None,
    blocs: Path | None = None,
    instruments: Path | None = None,
    robust: bool = True,
    descriptive: bool = True,
) -> TrendResult:
    """Test one trend on the atlas (and the curated files), with its verdict and intervals.

    ``blocs``/``instruments`` replace the shipped bloc definitions / instrument coding with
    a user's file (validated; errors name the file, entry and fix).  Bad input (unknown
    kind, ``start`` after ``end``, years outside the data) is an :class:`InputError`.
    ``descriptive=False`` leaves out series that no indicator or verdict uses (regionalisation's
    network structure): the same verdict, indicators and sources, computed faster.
    """
    k = check_kind(kind)
    check_years(start, end)
    check_window(start, end, _span(atlas, k, instruments), k)
    return _run(atlas, k, start, end, blocs, instruments, robust, descriptive)


def _run(
    atlas: Atlas,
    k: str,
    start: int | None,
    end: int | None,
    blocs: Path | None,
    instruments: Path | None,
    robust: bool,
    descriptive: bool = True,
) -> TrendResult:
    from computestrata.trends import blocs as bl

    if k == "stratification":
        from computestrata.trends import stratification

        res = stratification.analyse(atlas, start, end, robust)
    elif k == "regionalisation":
        from computestrata.trends import regionalisation

        res = regionalisation.analyse(atlas, bl.load(blocs, atlas), start, end, robust, network=descriptive)
    elif k == "fragmentation":
        from computestrata.trends import fragmentation

        bf = bl.load(blocs, atlas)
        bl.require_blocs(bf, (fragmentation.HOME, fragmentation.RIVAL), "ecosystem fragmentation")
        res = fragmentation.analyse(atlas, bf, start, end, robust=robust)
    else:
        from computestrata.trends import institutions

        res = institutions.analyse(institutions.load(instruments), start, end, robust)
    res.verdict_text = verdict_text(res)
    return res


def trends(
    atlas: Atlas,
    start: int | None = None,
    end: int | None = None,
    kinds: Sequence[str] = KINDS,
    blocs: Path | None = None,
    instruments: Path | None = None,
    robust: bool = True,
) -> list[TrendResult]:
    """All four trends side by side.  A kind whose data lie outside the window gets a
    ``no_clear_trend`` result saying so; only a window outside every kind's data is an error."""
    from computestrata.i18n import t

    check_years(start, end)
    chosen = [check_kind(k) for k in kinds]
    out: list[TrendResult] = []
    errors: list[InputError] = []
    for k in chosen:
        try:
            check_window(start, end, _span(atlas, k, instruments), k)
            out.append(_run(atlas, k, start, end, blocs, instruments, robust))
        except InputError as exc:
            if not exc.message.startswith(("years outside the data", "--from must", "--since")):
                raise
            errors.append(exc)
            why = exc.shown()[0]
            res = TrendResult(k, "no_clear_trend", t(f"trends.claim.{k}"), "", notes=[why], window=(start, end))
            res.verdict_text = t("trends.verdict.no_window", why=why)
            out.append(res)
    if errors and len(errors) == len(chosen):
        err = InputError.keyed("trends.err.outside_all", details="; ".join(e.shown()[0] for e in errors))
        err.hint = errors[0].shown()[1]
        raise err
    return out


def verdict_text(res: TrendResult) -> str:
    """One sentence: outcome, how many indicators support/contradict, robustness agreement."""
    from computestrata.i18n import t

    judged = [i for i in res.indicators if i.direction in ("supports", "contradicts", "unclear")]
    text = t(
        "trends.verdict.summary",
        outcome=outcome_label(res.outcome),
        claim=res.claim,
        supports=sum(i.direction == "supports" for i in judged),
        contradicts=sum(i.direction == "contradicts" for i in judged),
        unclear=sum(i.direction == "unclear" for i in judged),
        n=len(judged),
    )
    if res.robustness:
        same = sum(r["outcome"] == r.get("reference", res.outcome) for r in res.robustness)
        text += " " + t("trends.verdict.robust", same=same, n=len(res.robustness))
    return text


def cited_sources(atlas: Atlas, results: Sequence[TrendResult]) -> list[dict[str, Any]]:
    """The source records behind ``results``: the atlas sources they cite, then their records
    from outside the atlas (package data, coded instruments), each once."""
    ids: set[str] = set()
    for r in results:
        ids |= r.source_ids
    out: list[dict[str, Any]] = atlas.sources(ids)
    seen = {s["source_id"] for s in out}
    for r in results:
        for s in r.extra_sources:
            if s["source_id"] not in seen:
                out.append(s)
                seen.add(s["source_id"])
    return out


def robustness_agreement(res: TrendResult) -> tuple[int, int]:
    """How many robustness variants reach the reference outcome, and how many variants there are."""
    same = sum(v["outcome"] == v.get("reference", res.outcome) for v in res.robustness)
    return same, len(res.robustness)


def series_groups(res: TrendResult) -> dict[str, list[dict[str, Any]]]:
    """The yearly series behind the indicators, grouped by series (or data set) name."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in res.series:
        groups.setdefault(str(r.get("series", r.get("dataset", res.kind))), []).append(r)
    return groups
