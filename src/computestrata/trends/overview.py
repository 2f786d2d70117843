"""The trends' part of `strata overview`: one row per trend, built from :func:`api.trends`.

Kept here so that ``overview.py`` (shared) only arranges; a trend whose tables are missing
from the atlas shows as "no clear trend" with the reason rather than breaking the overview.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.measure.stratification import StratificationResult


def section_parts(
    atlas: Atlas, strat: StratificationResult | None = None
) -> tuple[list[dict[str, Any]], list[str], set[str], list[dict[str, Any]]]:
    """Rows, notes, atlas source ids and extra source records for the overview section.

    ``strat``: the overview's own ``measure.stratification.analyse(atlas, robust=False)``
    (default window), reused rather than computed a second time — the same call
    ``api.trend(atlas, "stratification", robust=False)`` makes, so the row is the same."""
    from computestrata.errors import AtlasError
    from computestrata.i18n import t
    from computestrata.trends import api

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    ids: set[str] = set()
    extra: dict[str, dict[str, Any]] = {}
    for kind in api.KINDS:
        try:
            if kind == "stratification" and strat is not None:
                from computestrata.measure.stratification import DEFAULT_SINCE
                from computestrata.trends.stratification import from_measure

                res = from_measure(strat, DEFAULT_SINCE, None)
                res.verdict_text = api.verdict_text(res)
            else:
                res = api.trend(atlas, kind, robust=False, descriptive=False)  # the verdict only
        except AtlasError as exc:
            rows.append(
                {
                    "trend": kind,
                    "trend_kind": t(f"trends.kind.{kind}"),
                    "outcome": "no_clear_trend",
                    "trend_verdict": api.outcome_label("no_clear_trend"),
                    "trend_indicator": "—",
                    "trend_estimate": None,
                    "trend_interval": "—",
                }
            )
            notes.append(f"{t(f'trends.kind.{kind}')}: {t('trends.verdict.no_window', why=exc.message)}")
            continue
        h = res.headline
        rows.append(
            {
                "trend": kind,
                "trend_kind": t(f"trends.kind.{kind}"),
                "outcome": res.outcome,
                "trend_verdict": api.outcome_label(res.outcome),
                "trend_indicator": h.label if h else "—",
                "trend_estimate": None if h is None or h.estimate is None else f"{h.estimate:+.4g}",
                "trend_interval": "—"
                if h is None or h.lo is None or h.hi is None
                else f"[{h.lo:+.4g},{h.hi:+.4g}]",  # no space: the layout never drops an atomic number cell first
            }
        )
        notes.append(f"{t(f'trends.kind.{kind}')}: {res.verdict_text}")
        ids |= res.source_ids
        for s in res.extra_sources:
            extra.setdefault(s["source_id"], s)
    notes += [t("trends.note.rule"), t("overview.trends_note")]
    return rows, notes, ids, list(extra.values())
