"""The dashboard's scenario bands: one shipped scenario's trajectories with p5–p95 bands, as the
JSON envelope of ``/api/scenarios/bands`` — the numbers, caption and sources the report's
scenario section shows for that scenario (:func:`computestrata.scenarios.bands.scenario_bands`,
same seed and sample), so the dashboard and the report never disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas


def bands_envelope(atlas: Atlas, name: str, a: str, b: str, n: int, seed: int, lang: str) -> dict[str, Any]:
    """``{title, scenario, pair, seed, n_base, draws, bands, legend, axes, caption, sources, notes}``.

    ``name`` must be a shipped scenario (a path would read a file of the server); the pair is
    checked as ``strata coop pair`` checks it (closest names on a typo)."""
    from computestrata.cooperation.api import check_pair
    from computestrata.errors import unknown
    from computestrata.i18n import t
    from computestrata.i18n.formats import country_name
    from computestrata.report.captions import caption
    from computestrata.report.sections import scenarios as section
    from computestrata.scenarios import bands
    from computestrata.scenarios.spec import list_scenarios

    shipped = list_scenarios()
    if name not in shipped:
        raise unknown("scenario", name, shipped)
    pa, pb = check_pair(atlas, a, b)
    res = bands.scenario_bands(atlas, name, pair=(pa, pb), n=n, seed=seed)
    pair_name = f"{country_name(pa, lang)}–{country_name(pb, lang)}"
    title = section.scenario_title(res.scenario, res.title, lang)
    sources = atlas.sources(res.source_ids)
    seen = {s["source_id"] for s in sources}
    sources += [r for r in res.extra_sources if r["source_id"] not in seen]
    spread = section.spread_note([res], "coop.open_share", lang)
    return {
        "title": t("web.scenarios.bands.title", lang=lang, scenario=title, pair=pair_name),
        "scenario": res.scenario,
        "scenario_title": title,
        **{k: v for k, v in res.to_dict().items() if k not in ("scenario", "title")},
        "legend": {k: t(f"report.bands.legend.{k}", lang=lang) for k in ("band", "median", "central", "p95")},
        "axes": {
            "share.CHN": t("web.scenarios.bands.panel_share", lang=lang),
            "coop.open_share": t("web.scenarios.bands.panel_open", lang=lang, pair=pair_name),
            "year": t("report.compute.axis_year", lang=lang),
        },
        "caption": " ".join(x for x in (section.about([res], lang), caption(sources, lang)) if x),
        "sources": sources,
        "notes": [*([spread] if spread else []), *res.notes],
    }
