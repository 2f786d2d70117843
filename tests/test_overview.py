"""The main job (`strata overview`): each section comes from its own command's function,
and the numbers in it are the data's, not the paper's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from computestrata import overview as ov


@pytest.mark.integration
def test_top500_section_matches_the_list(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.top500_section(atlas, "2024-11")
    by = {r["country_iso3"]: r for r in sec.rows}
    assert by["USA"]["systems"] == 173 and by["CHN"]["systems"] == 63
    assert sec.source_ids == {"top500_2024_11"}
    assert any("2019" in n for n in sec.notes)  # China's non-submission is said


@pytest.mark.integration
def test_chokepoints_section_names_euv_and_advanced_fabs(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.chokepoints_section(atlas)
    segs = {r["segment"] for r in sec.rows}
    assert {"euv_lithography", "advanced_logic_fab"} <= segs
    assert all(r["n90"] <= 3 for r in sec.rows)
    assert sec.source_ids and {"cset_chip_explorer_provision", "cset_chip_explorer_providers"} <= sec.source_ids
    # every segment tested is cited, chokepoint or not (issue 8 item 13), and the note says so
    assert "epoch_gpu_clusters" in sec.source_ids and any("tested" in n for n in sec.notes)


@pytest.mark.integration
def test_chokepoints_section_equals_stack_chokepoints_json(built_atlas: Path) -> None:
    """The overview shows the figures, sources and notes of `strata stack chokepoints` (one API call)."""
    from typer.testing import CliRunner

    from computestrata.atlas.store import open as open_atlas
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["stack", "chokepoints", "--atlas", str(built_atlas), "--json"])
    assert res.exit_code == 0, res.output
    cmd = json.loads(res.output)
    sec = ov.chokepoints_section(open_atlas(built_atlas)).to_dict()
    keys = ("segment", "year", "hhi", "cr1", "cr3", "n90", "top")
    assert [{k: r[k] for k in keys} for r in sec["rows"]] == [{k: r[k] for k in keys} for r in cmd["rows"]]
    assert sec["rows"]
    assert set(sec["source_ids"]) == {s["source_id"] for s in cmd["sources"]}
    assert sec["notes"] == cmd["notes"]


@pytest.mark.integration
def test_controls_section_counts_every_chip_each_date(atlas) -> None:  # type: ignore[no-untyped-def]
    sec = ov.controls_section(atlas, "CHN", ("2022-06-01", "2023-12-01"))
    chips = [{k: v for k, v in r.items() if k != "date" and not k.startswith("equipment_")} for r in sec.rows]
    totals = {r["date"]: sum(c.values()) for r, c in zip(sec.rows, chips, strict=True)}
    assert len(set(totals.values())) == 1 and next(iter(totals.values())) > 100
    before, after = sec.rows
    assert before.get("denial", 0) == 0  # no advanced-computing rule before 2022-10-07
    assert after["denial"] > 0 and after["free"] < before["free"]
    # equipment counts too: only the Wassenaar baseline (EUV, substrates) before 2022-10-07, the SME paragraphs after
    assert 0 < before["equipment_licence"] < after["equipment_licence"] <= after["equipment_modelled"]


@pytest.mark.integration
def test_overview_json_cites_every_source(built_atlas: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "overview", "--atlas", str(built_atlas), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout)
    assert [s["key"] for s in data["sections"]] == [
        "top500",
        "chokepoints",
        "controls",
        "table1",
        "stratification",
        "trends",
    ]
    cited = {s for sec in data["sections"] for s in sec["source_ids"]}
    listed = {s["source_id"] for s in data["sources"]}
    assert cited == listed
    strat = next(s for s in data["sections"] if s["key"] == "stratification")
    by = {r["dataset"]: r for r in strat["rows"]}
    assert set(by) == {"top500", "clusters", "chips"}
    # frontier HHI 3254 → 5287, rest 2044 → 1413; but the frontier trend's 95 % interval spans 0
    assert by["top500"]["outcome"] == "partly" and "no clear frontier trend" in by["top500"]["verdict"]
    assert "3254" in by["top500"]["verdict"] and "5287" in by["top500"]["verdict"]
    assert by["chips"]["outcome"] not in {"holds", "no_data"}  # the chip frontier's HHI falls


@pytest.mark.integration
def test_overview_runs_the_stratification_analysis_once(atlas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The stratification and trends sections show one analysis: it used to be computed twice.
    Each section alone still gives the same rows as the shared run."""
    from computestrata.measure import api as measure_api
    from computestrata.measure import stratification as ms

    calls: list[dict[str, object]] = []
    real = ms.analyse
    # resolve the API's lazy name first, so the patch's undo restores the real function
    assert measure_api.analyse_stratification is real

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ms, "analyse", counting)
    monkeypatch.setattr(measure_api, "analyse_stratification", counting)
    secs = {s.key: s for s in ov.overview(atlas)}
    assert len(calls) == 1
    alone = {"stratification": ov.stratification_section(atlas), "trends": ov.trends_section(atlas)}
    for key, sec in alone.items():
        assert sec.rows == secs[key].rows and sec.notes == secs[key].notes and sec.source_ids == secs[key].source_ids


@pytest.mark.integration
def test_trends_without_descriptive_series_keep_every_verdict(atlas) -> None:  # type: ignore[no-untyped-def]
    """The overview's cheaper path leaves out only the network series, never a verdict input."""
    from computestrata.trends import api

    full = api.trend(atlas, "regionalisation", robust=False)
    lean = api.trend(atlas, "regionalisation", robust=False, descriptive=False)
    assert any(r.get("series") == "network_structure" for r in full.series)
    assert not any(r.get("series") == "network_structure" for r in lean.series)
    assert (lean.outcome, lean.verdict_text, lean.source_ids) == (full.outcome, full.verdict_text, full.source_ids)
    assert [i.__dict__ for i in lean.indicators] == [i.__dict__ for i in full.indicators]


@pytest.mark.integration
def test_overview_does_not_import_scipy_stats(built_atlas: Path) -> None:
    """scipy.stats costs ~0.8 s to import; the overview needs only scipy.special's t quantile."""
    code = (
        "import sys\n"
        "from computestrata.atlas import store\n"
        "from computestrata import overview as ov\n"
        f"ov.overview(store.open({str(built_atlas)!r}))\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_slope_interval_matches_the_t_distribution() -> None:
    from scipy import stats

    from computestrata.measure.stratification import slope_interval

    x, y = [2015, 2016, 2017, 2018, 2019], [1.0, 2.5, 2.0, 4.0, 4.5]
    s, lo, hi = slope_interval(x, y)
    res = stats.linregress(x, y)
    half = stats.t.ppf(0.975, len(x) - 2) * res.stderr
    assert s == pytest.approx(res.slope, rel=1e-12)
    assert (lo, hi) == pytest.approx((res.slope - half, res.slope + half), rel=1e-12)
