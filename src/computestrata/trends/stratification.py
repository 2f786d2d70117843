"""Stratification as one of the four trends: a thin view over ``measure.stratification``.

The test itself (tiers, HHI series, slope intervals, verdict per dataset, robustness
variants) is :func:`computestrata.measure.stratification.analyse`; this module only maps its
outcomes onto the trends' vocabulary and its slopes onto indicators.  Nothing is recomputed
differently here.  Intervals are the ones ``measure.stratification`` reports
(``*_slope_lo``/``*_slope_hi``); an older version without them falls back to an OLS
t-interval on the same shown series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from computestrata.trends import stats
from computestrata.trends.result import Indicator, TrendResult

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.measure.stratification import StratificationResult

#: measure.stratification outcome → trends outcome
OUTCOME_MAP = {
    "holds": "holds",
    "partly": "partly",
    "fails": "does_not_hold",
    "no_clear_trend": "no_clear_trend",
    "no_data": "no_clear_trend",
}


def combine_outcomes(outcomes: Sequence[str]) -> str:
    """One outcome from several datasets' outcomes (trends vocabulary).

    All tested datasets agree → that outcome; any holds/partly among mixed outcomes → partly;
    otherwise any does-not-hold → does not hold; else no clear trend.
    """
    tested = [o for o in outcomes if o]
    if not tested:
        return "no_clear_trend"
    if len(set(tested)) == 1:
        return tested[0]
    if any(o in ("holds", "partly") for o in tested):
        return "partly"
    if "does_not_hold" in tested:
        return "does_not_hold"
    return "no_clear_trend"


def _interval(v: Any, rows: list[dict[str, Any]], tier: str) -> tuple[float, float, float, str]:
    from computestrata.i18n import t

    n = v.numbers
    est = n.get(f"{tier}_slope", math.nan)
    lo, hi = n.get(f"{tier}_slope_lo"), n.get(f"{tier}_slope_hi")
    if lo is not None and hi is not None:
        level = round(100 * float(n.get("trend_level", 0.95)))
        return float(est), float(lo), float(hi), t("trends.method.strat_slope", level=level)
    mine = [r for r in rows if r["dataset"] == v.dataset and r["tier"] == tier]
    xs = [float(str(r["period"])[:4]) for r in mine]
    s, lo2, hi2 = stats.ols_slope(xs, [r["hhi"] for r in mine])
    return s, lo2, hi2, t("trends.method.ols", level=int(stats.LEVEL * 100))


def analyse(atlas: Atlas, start: int | None = None, end: int | None = None, robust: bool = True) -> TrendResult:
    """The stratification test of ``measure.stratification`` as a trend result."""
    from computestrata.errors import InputError
    from computestrata.measure import stratification as ms

    since = ms.DEFAULT_SINCE if start is None else start
    try:
        res = ms.analyse(atlas, since=since, until=end, robust=robust)
    except InputError as exc:  # same check, in this command's option names
        raise InputError(
            exc.message.replace("--since", "--from").replace("--until", "--to"),
            hint=(exc.hint or "").replace("--since", "--from").replace("--until", "--to") or None,
        ) from None
    return from_measure(res, since, end)


def from_measure(res: StratificationResult, since: int, end: int | None) -> TrendResult:
    """The trend result of an already computed ``measure.stratification.analyse`` (run with
    ``since``/``end``): the overview shows both views of the one analysis, computed once."""
    from computestrata.i18n import t

    inds: list[Indicator] = []
    outcomes: list[str] = []
    for v in res.verdicts:
        mapped = OUTCOME_MAP.get(v.outcome, "no_clear_trend")
        outcomes.append(mapped if v.outcome != "no_data" else "")
        for tier, sign in (("frontier", +1), ("rest", -1)):
            key = f"{v.dataset}_{tier}_hhi_slope"
            if v.outcome == "no_data":
                inds.append(
                    Indicator(
                        key,
                        t(f"trends.ind.strat_{tier}", dataset=v.dataset),
                        None,
                        None,
                        None,
                        "",
                        "",
                        "no_data",
                        note=v.text,
                    )
                )
                continue
            est, lo, hi, method = _interval(v, res.rows, tier)
            periods = sorted(str(r["period"])[:4] for r in res.rows if r["dataset"] == v.dataset and r["tier"] == tier)
            first, last = v.numbers.get(f"{tier}_hhi_first"), v.numbers.get(f"{tier}_hhi_last")
            inds.append(
                Indicator(
                    key,
                    t(f"trends.ind.strat_{tier}", dataset=v.dataset),
                    est,
                    lo,
                    hi,
                    t("trends.unit.hhi_per_year"),
                    method,
                    stats.direction(lo, hi, sign),
                    f"{periods[0]}–{periods[-1]}" if periods else "",
                    int(v.numbers.get("periods", 0)) or None,
                    t("trends.note.hhi_first_last", first=first, last=last, outcome=mapped),
                )
            )
    own = {v.dataset: OUTCOME_MAP.get(v.outcome, "no_clear_trend") for v in res.verdicts}
    robustness = [  # a variant is compared with its own dataset's verdict (``reference``)
        {
            "variant": f"{r['dataset']}: {r['variant']}",
            "outcome": OUTCOME_MAP.get(str(r["outcome"]), "no_clear_trend"),
            "reference": own.get(str(r["dataset"]), "no_clear_trend"),
        }
        for r in res.robustness
    ]
    series = [
        {k: r.get(k) for k in ("dataset", "period", "tier", "hhi", "cr3", "n_units", "hhi_excess", "lead_unit")}
        for r in res.rows
    ]
    notes = [t("trends.note.strat_from_measure"), *res.notes]
    return TrendResult(
        "stratification",
        combine_outcomes(outcomes),
        t("trends.claim.stratification"),
        "",
        inds,
        series,
        robustness,
        notes,
        set(res.source_ids),
        [],
        (since, end),
    )
