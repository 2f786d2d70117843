"""The measure API (what the CLI, report and dashboard call) on the full atlas.

Each API result is checked on its data and against the JSON of the `strata measure`
command that wraps it: one way to compute each figure means the two cannot differ.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from computestrata import measure
from computestrata.cli_common import to_json
from computestrata.errors import InputError
from computestrata.measure import coreperiphery as cp
from computestrata.measure import estimates as es
from computestrata.measure import stratification as st
from computestrata.measure import table1 as t1

integration = pytest.mark.integration


def cli_json(atlas_dir: Path, *args: str) -> dict[str, Any]:
    """JSON printed by `strata measure <args> --atlas <atlas_dir> --json`."""
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["measure", *args, "--atlas", str(atlas_dir), "--json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    out: dict[str, Any] = json.loads(res.output)
    return out


def plain(obj: Any) -> Any:
    """``obj`` as it reads back from the CLI's JSON (tuples → lists, NaN → null)."""
    return json.loads(to_json(obj))


def source_ids(payload: dict[str, Any]) -> set[str]:
    return {s["source_id"] for s in payload["sources"]}


def decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0"))


# ---------------------------------------------------------------- package surface (no atlas)


def test_package_exports_the_entry_points() -> None:
    assert measure.analyse_stratification is st.analyse
    assert measure.concentration_for is st.concentration_for
    assert measure.national_compute is es.national_compute
    assert measure.build_table1 is t1.build_table1
    assert measure.analyse_core_periphery is cp.analyse
    assert set(measure.__all__) <= set(dir(measure))
    with pytest.raises(AttributeError):
        _ = measure.no_such_function


def test_cli_start_up_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, computestrata.cli, computestrata.measure as m; "
        "print(sorted(x for x in ('pandas', 'numpy', 'scipy', 'networkx') if x in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class _EmptyAtlas:
    """An atlas without any table: every dataset must come back as an explained no_data verdict."""

    def has(self, name: str) -> bool:
        return False


def test_stratification_without_tables_says_no_data() -> None:
    res = st.analyse(_EmptyAtlas(), robust=True)  # type: ignore[arg-type]
    assert [(v.dataset, v.outcome) for v in res.verdicts] == [(d, "no_data") for d in st.DATASETS]
    assert res.rows == [] and res.robustness == [] and res.source_ids == set()
    assert "gpu_clusters" in res.verdict_for("clusters").text  # type: ignore[union-attr]
    assert res.notes[: len(st.DATASETS)] == [v.text for v in res.verdicts]


# ---------------------------------------------------------------- stratification


@pytest.fixture(scope="module")
def strat(atlas: Any) -> st.StratificationResult:
    from computestrata.i18n import set_lang

    set_lang("en")
    return st.analyse(atlas)


@integration
def test_stratification_verdicts_are_allowed_and_match_the_cli(
    strat: st.StratificationResult, built_atlas: Path
) -> None:
    assert [v.dataset for v in strat.verdicts] == list(st.DATASETS)
    for v in strat.verdicts:
        assert v.outcome in st.OUTCOMES
        assert v.outcome != "no_data"  # the full atlas has every table and enough periods
        assert v.numbers["periods"] >= 3
        assert v.text in strat.notes
    data = cli_json(built_atlas, "stratification")
    assert {v["dataset"]: v["outcome"] for v in data["verdicts"]} == {v.dataset: v.outcome for v in strat.verdicts}
    d = plain(strat.to_dict())
    assert data["verdicts"] == d["verdicts"]
    assert data["robustness"] == d["robustness"]
    assert data["rows"] == d["rows"]
    assert data["notes"] == d["notes"]
    assert source_ids(data) == strat.source_ids


@integration
def test_stratification_rows_are_shown_rounded_per_tier(strat: st.StratificationResult) -> None:
    assert strat.rows
    for ds in st.DATASETS:
        tiers = {r["tier"] for r in strat.rows if r["dataset"] == ds}
        assert tiers == set(st.TIERS)
    for r in strat.rows:
        assert 0 < r["hhi"] <= 10_000
        assert 0 < r["cr1"] <= r["cr3"] <= 1 + 1e-9
        assert 0 < r["lead_share"] <= 1
        assert r["lead_unit"]
        assert (r["hhi_excess"] is None) == (r["tier"] == "rest")
        for k in ("hhi", "gini", "theil", "theil_between", "theil_within", "lead_share"):
            assert decimals(r[k]) <= 4, (k, r[k])
    prefixes = ("top500_", "epoch_gpu_clusters", "epoch_chips_")
    assert all(any(s.startswith(p) for s in strat.source_ids) for p in prefixes)


@integration
def test_every_source_id_is_in_the_atlas(strat: st.StratificationResult, atlas: Any) -> None:
    ids = sorted(strat.source_ids)
    assert {s["source_id"] for s in atlas.sources(ids)} == set(ids)


@integration
def test_stratification_robustness_contains_the_main_definition(strat: st.StratificationResult) -> None:
    by_ds: dict[str, list[dict[str, Any]]] = {}
    for r in strat.robustness:
        assert r["outcome"] in st.OUTCOMES
        by_ds.setdefault(r["dataset"], []).append(r)
    assert {k: len(v) for k, v in by_ds.items()} == {"top500": 6, "clusters": 6, "chips": 3}
    main = {"top500": "top 10", "clusters": "top 10", "chips": "frontier ≥ 50% of best"}
    for ds, variant in main.items():
        same = next(r for r in by_ds[ds] if r["variant"] == variant)
        assert same["outcome"] == strat.verdict_for(ds).outcome  # type: ignore[union-attr]


@integration
def test_stratification_without_china_and_without_robustness(strat: st.StratificationResult, atlas: Any) -> None:
    res = st.analyse(atlas, ["top500"], without=["CHN"], robust=False)
    assert [v.dataset for v in res.verdicts] == ["top500"]
    assert res.robustness == []
    assert all(r["lead_unit"] != "CHN" for r in res.rows)
    assert "CHN" in res.notes[-1]  # the 'without' note closes the notes
    variant = next(r for r in strat.robustness if r["variant"] == "top 10 without CHN" and r["dataset"] == "top500")
    assert res.verdicts[0].outcome == variant["outcome"]
    # no robustness → the same verdict, fewer notes
    quick = st.analyse(atlas, ["top500"], robust=False)
    assert quick.verdicts[0].outcome == strat.verdict_for("top500").outcome  # type: ignore[union-attr]
    assert quick.rows == [r for r in strat.rows if r["dataset"] == "top500"]


# ---------------------------------------------------------------- Table 1


@integration
def test_table1_rows_cover_years_and_countries_and_match_the_cli(atlas: Any, built_atlas: Path) -> None:
    tab = t1.build_table1(atlas, draws=1000)
    keys = {(r["year"], r["kind"], r["country"]) for r in tab.rows}
    assert keys == {(y, k, c) for y in range(2020, 2025) for k in t1.TABLE1_KINDS for c in ("CHN", "USA")}
    shown = tab.shown_rows()
    assert all(decimals(v) <= 2 for r in shown for v in r.values() if isinstance(v, float))
    assert [r["open_share_pct"] is None for r in shown] == [r["open_share_pct"] is None for r in tab.rows]
    data = cli_json(built_atlas, "table1", "--draws", "1000")
    d = plain(tab.to_dict())
    assert data["rows"] == d["rows"]
    assert data["methods"] == d["methods"]
    assert data["notes"] == d["notes"] == tab.shown_notes()
    assert source_ids(data) == set(tab.source_ids)


@integration
def test_table1_paper_layout_has_one_line_per_year_and_kind(atlas: Any) -> None:
    tab = t1.build_table1(atlas, draws=1000)
    wide, refs = tab.paper_layout()
    assert [(int(w["year"]), w["kind"]) for w in wide] == [(y, k) for y in t1.YEARS for k in t1.TABLE1_KINDS]
    assert [n.split("]")[0] + "]" for n in refs] == [f"[{i}]" for i in range(1, len(refs) + 1)]
    assert {w["why"] for w in wide} == {n.split(" ")[0] for n in refs}
    by = {(int(w["year"]), w["kind"]): w for w in wide}
    assert by[(2024, "basic")]["CHN open % (p5–p95)"] == "—"
    assert by[(2024, "super")]["USA CAICT %"] == "52"


# ---------------------------------------------------------------- national compute


@integration
def test_national_compute_intelligent_matches_the_cli(atlas: Any, built_atlas: Path) -> None:
    res = es.national_compute(atlas, "intelligent", 2024, draws=1000)
    assert (res.kind, res.year) == ("intelligent", 2024)
    assert res.columns[-2:] == ["clusters", "observed_h100e"]
    assert res.notes[0] == res.data["method"] == res.estimate.method
    for r in res.rows:
        assert r["value_p5"] <= r["value_median"] <= r["value_p95"]
        assert r["share_pct_median"] == pytest.approx(100 * r["share_median"], abs=0.006)
    assert sum(r["share_pct_median"] for r in res.rows) == pytest.approx(100, abs=2)
    data = cli_json(built_atlas, "compute", "--kind", "intelligent", "--year", "2024", "--draws", "1000")
    d = plain(res.to_dict())
    assert data["rows"] == d["rows"]
    assert data["notes"] == d["notes"]
    assert isinstance(data["title"], str) and data["title"]  # the envelope names what it holds
    assert {k: v for k, v in data.items() if k not in ("title", "rows", "notes", "sources")} == plain(res.data)
    assert source_ids(data) == set(res.source_ids)
    assert "epoch_gpu_clusters" in res.source_ids


@integration
def test_national_compute_super_and_basic(atlas: Any, built_atlas: Path) -> None:
    res = es.national_compute(atlas, "super", 2020)
    assert res.data["list_id"] == "2020-11"
    assert res.columns[-1] == "systems"
    assert sum(r["systems"] for r in res.rows) == 500
    assert sum(r["share_pct_median"] for r in res.rows) == pytest.approx(100, abs=0.1)
    assert all(r["share_pct_p5"] == r["share_pct_median"] == r["share_pct_p95"] for r in res.rows)
    assert plain(res.to_dict())["rows"] == cli_json(built_atlas, "compute", "--kind", "super", "--year", "2020")["rows"]
    with pytest.raises(InputError, match="cannot be estimated from open data"):
        es.national_compute(atlas, "basic", 2022)  # an empty table would read as a result
    basic = es.from_atlas(atlas, "basic", 2022)  # the estimate layer keeps it empty, saying why
    assert basic.rows == [] and basic.source_ids == []
    assert any("Not estimated" in n for n in [basic.method, *basic.notes])
    with pytest.raises(InputError):
        es.national_compute(atlas, "supper", 2022)


# ---------------------------------------------------------------- concentration


@integration
def test_concentration_for_clusters_frontier_matches_the_cli(atlas: Any, built_atlas: Path) -> None:
    res = st.concentration_for(atlas, "clusters", "frontier", year=2024)
    m = res.metrics
    assert (res.period, m["dataset"], m["tier"], m["n_items"]) == ("2024", "clusters", "frontier", 10)
    assert m["hhi_excess"] == pytest.approx(m["hhi"] - m["hhi_random_tier"], abs=1e-3)
    assert m["lorenz"][0] == [0.0, 0.0] and m["lorenz"][-1] == [1.0, 1.0]
    assert len(m["lorenz"]) == m["n_units"] + 1
    data = cli_json(built_atlas, "concentration", "--dataset", "clusters", "--tier", "frontier", "--year", "2024")
    assert isinstance(data["title"], str) and data["title"]
    assert {k: v for k, v in data.items() if k not in ("title", "notes", "sources")} == plain(m)
    assert data["notes"] == res.notes
    assert source_ids(data) == set(res.source_ids)
    assert "lorenz" not in st.concentration_for(atlas, "clusters", "frontier", year=2024, with_lorenz=False).metrics


@integration
def test_concentration_for_all_is_frontier_plus_rest(atlas: Any) -> None:
    tiers = {t: st.concentration_for(atlas, "top500", t, list_id="2024-11").metrics for t in (*st.TIERS, "all")}
    assert tiers["all"]["n_items"] == tiers["frontier"]["n_items"] + tiers["rest"]["n_items"] == 500
    assert {m["period"] for m in tiers.values()} == {"2024-11"}
    with pytest.raises(InputError, match="tier"):
        st.concentration_for(atlas, "top500", "middle")
    with pytest.raises(InputError):
        st.concentration_for(atlas, "clusters", "frontier", year=1990)


# ---------------------------------------------------------------- core–periphery


@integration
def test_core_periphery_rows_and_data_match_the_cli(atlas: Any, built_atlas: Path) -> None:
    res = cp.analyse(atlas, top=20)
    assert 0 < res.data["fit"] <= 1
    assert len(res.rows) == min(20, res.data["countries"])
    assert res.matrix.shape == (res.data["countries"], res.data["segments"])
    roles = [r["role"] for r in res.rows]
    assert set(roles) <= {"core", "periphery"}
    assert roles == sorted(roles, key=lambda x: x != "core")  # core countries first
    assert [r["country"] for r in res.rows if r["role"] == "core"] == [
        c for c in sorted(res.data["core_countries"], key=lambda c: -res.model.row_coreness[c])
    ][: roles.count("core")]
    data = cli_json(built_atlas, "coreperiphery")
    d = plain(res.to_dict())
    assert data["rows"] == d["rows"]
    assert data["notes"] == d["notes"]
    assert {k: data[k] for k in res.data} == plain(res.data)
    assert source_ids(data) == set(res.source_ids)
