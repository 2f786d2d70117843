"""The typed index API (`computestrata.measure.index`): the functions the CLI, reports and
dashboard share.  Hand-made panels for the maths; the built atlas for the shipped frameworks,
the CLI = API identity and the translated framework notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from computestrata.errors import InputError
from computestrata.i18n import set_lang
from computestrata.measure.index import (
    IndexTable,
    analyse_unit,
    build_index,
    compare_versions,
    config,
    list_frameworks,
    sensitivity_table,
    synthetic,
    uncertainty_table,
)
from computestrata.measure.index.config import Framework
from computestrata.measure.index.engine import Panel

UNITS = ["A", "B", "C", "D", "E"]


def small() -> tuple[Framework, Panel]:
    """Two pillars of two indicators, five units; unit A is best on every indicator but y2
    (lower is better there, and A has the lowest value), so the ranking is known."""
    import pandas as pd

    raw = {
        "id": "tiny",
        "name": {"en": "Tiny index", "ko": "작은 지수", "zh": "小指数"},
        "indicators": [
            {"id": "x1", "source": "S|x1", "parent": "p1"},
            {"id": "x2", "source": "S|x2", "parent": "p1"},
            {"id": "y1", "source": "S|y1", "parent": "p2"},
            {"id": "y2", "source": "S|y2", "parent": "p2", "direction": -1},
        ],
        "aggregates": [
            {"id": "p1", "name": "Pillar 1", "parent": "tiny"},
            {
                "id": "p2",
                "name": "Pillar 2",
                "parent": "tiny",
                "thin": {"en": "thin on purpose", "ko": "일부러 빈약함"},
            },
            {"id": "tiny", "name": {"en": "Tiny", "ko": "작은 지수"}},
        ],
        "steps": {"outliers": {"method": "none"}, "weights": {"method": "equal"}},
        "uncertainty": {"n": 64, "seed": 3, "factors": {"normalise": ["minmax", "rank"], "impute": ["mean", "median"]}},
    }
    values = {
        "x1": [50, 40, 30, 20, 10],
        "x2": [9, 7, 5, 3, 1],
        "y1": [100, 80, 60, 40, 20],
        "y2": [1, 2, 3, 4, 5],
    }
    rows = [
        (u, 2023, ind, float(v[k]), None, None, f"src_{ind}") for ind, v in values.items() for k, u in enumerate(UNITS)
    ]
    df = pd.DataFrame(rows, columns=["unit", "year", "indicator", "value", "p5", "p95", "source_id"])
    return config.parse(raw, origin="test"), Panel(df)


def test_build_index_ranks_scores_and_levels() -> None:
    fw, panel = small()
    out = build_index(fw, 2023, panel=panel)
    assert isinstance(out, IndexTable)
    assert [r["unit"] for r in out.rows] == UNITS
    assert [r["index_rank"] for r in out.rows] == [1, 2, 3, 4, 5]
    assert all(isinstance(r["index_rank"], int) for r in out.rows)
    # min-max on [0, 100] of perfectly ordered data: the best unit scores 100 everywhere
    assert out.rows[0]["index_score"] == pytest.approx(100.0)
    assert out.rows[-1]["index_score"] == pytest.approx(0.0)
    assert set(out.rows[0]) == {"index_rank", "unit", "index_score", "p1", "p2"}
    assert out.data["units"] == 5 and out.data["indicators_used"] == ["x1", "x2", "y1", "y2"]
    assert sorted(out.source_ids) == ["src_x1", "src_x2", "src_y1", "src_y2"]
    assert "levels" not in out.data  # detail only on request
    assert any("thin on purpose" in n for n in out.notes)
    assert not any("Open-data analogue" in n for n in out.notes)  # not a shipped framework


def test_build_index_level_one_detail_and_bad_level() -> None:
    fw, panel = small()
    out = build_index(fw, 2023, level=1, panel=panel, detail=True)
    assert {"x1", "x2", "y1", "y2"} <= set(out.rows[0])
    assert out.data["levels"] == {"2": ["p1", "p2"], "3": ["tiny"]}
    assert out.data["scores"]["A"]["tiny"] == pytest.approx(100.0)
    top = build_index(fw, 2023, level=3, panel=panel)
    assert set(top.rows[0]) == {"index_rank", "unit", "index_score"}
    with pytest.raises(InputError, match=r"--level must be between 1 and 3 \(got 7\)"):
        build_index(fw, 2023, level=7, panel=panel)
    d = out.to_dict()
    assert d["title"] == out.title and d["rows"] == out.rows and d["framework"] == "tiny"
    assert d["source_ids"] == out.source_ids and d["notes"] == out.notes


def test_text_follows_the_language() -> None:
    fw, panel = small()
    set_lang("ko")
    out = build_index(fw, 2023, panel=panel)
    assert out.title.startswith("작은 지수")
    assert any("일부러 빈약함" in n for n in out.notes)
    assert not any("thin on purpose" in n for n in out.notes)
    set_lang("zh")  # no zh note: English, not nothing
    assert any("thin on purpose" in n for n in build_index(fw, 2023, panel=panel).notes)


def test_uncertainty_table_rank_intervals() -> None:
    fw, panel = small()
    out = uncertainty_table(fw, 2023, n=64, panel=panel)
    assert out.data["replications"] == 64
    assert out.data["factors"] == {"impute": 2, "normalise": 2}
    assert {r["unit"] for r in out.rows} == set(UNITS)
    for r in out.rows:
        assert r["rank_p5"] <= r["rank_median"] <= r["rank_p95"]
    # A is best on every indicator: no normalisation choice changes that
    best = next(r for r in out.rows if r["unit"] == "A")
    assert (best["rank"], best["rank_p5"], best["rank_p95"]) == (1, 1, 1)


def test_sensitivity_table_factors_and_per_unit() -> None:
    # the tiny panel's ranking never moves (Sobol indices undefined): use noisy synthetic data
    unc = {"seed": 5, "factors": {"normalise": ["minmax", "rank"], "aggregate": {2: ["arithmetic", "geometric"]}}}
    fw = synthetic.framework(n_ind=6, pillars=2, subindices=0, uncertainty=unc)
    panel = synthetic.panel(units=20, n_ind=6, seed=1)
    out = sensitivity_table(fw, 2023, n=16, panel=panel, detail=True)
    assert [r["uncertain_factor"] for r in out.rows] == fw.uncertainty.factor_names() == ["normalise", "aggregate_L2"]
    assert [r["n_levels"] for r in out.rows] == [2, 2]
    assert out.data["base_samples"] == 16
    assert out.data["replications"] == 16 * (2 + 2)
    assert all(r["sobol_ST"] >= 0 for r in out.rows)
    assert len(out.data["per_unit"]) == 20
    assert "per_unit" not in sensitivity_table(fw, 2023, n=16, panel=panel).data
    with pytest.raises(InputError, match="does not vary"):
        sensitivity_table(small()[0], 2023, n=16, panel=small()[1])


def test_analyse_unit_structure_profile_and_drop_one() -> None:
    fw, panel = small()
    out = analyse_unit(fw, 2023, unit="A", drop_one=True, panel=panel, detail=True)
    assert [r["node"] for r in out.rows] == ["p1", "p2", "tiny"]
    assert [r["children"] for r in out.rows] == [2, 2, 2]
    assert out.rows[0]["alpha"] == pytest.approx(1.0)  # x1 and x2 are perfectly correlated
    prof = out.data["profile"]
    assert prof["unit"] == "A" and prof["index_rank"] == 1
    assert all(s["rank"] == 1 for s in prof["strengths"])
    # every indicator, then every aggregate below the index (COINr remove_elements at any level)
    assert sorted(r["indicator"] for r in out.data["drop_one"]) == ["p1", "p2", "x1", "x2", "y1", "y2"]
    assert all(r["mean_abs_shift"] == 0 for r in out.data["drop_one"])  # same order whatever is dropped
    assert {c["node"] for c in out.data["correlations"]} == {"x1", "x2", "y1", "y2", "p1", "p2"}
    with pytest.raises(InputError):
        analyse_unit(fw, 2023, unit="ZZZ", panel=panel)


def test_compare_versions_same_and_reversed() -> None:
    fw, panel = small()
    same = compare_versions(fw, fw, 2023, panel=panel)
    assert same.data["units"] == 5 and same.data["mean_abs_shift"] == 0
    assert all(r["change"] == 0 for r in same.rows)
    raw = yaml.safe_load(yaml.safe_dump(_raw_reversed(fw)))
    rev = config.parse(raw, origin="test")
    out = compare_versions(fw, rev, 2023, panel=panel)
    assert out.data["spearman"] == pytest.approx(-1.0)
    first = out.rows[0]
    assert (first["unit"], first["rank_a"], first["rank_b"]) == ("A", 1, 5)


def _raw_reversed(fw: Framework) -> dict[str, Any]:
    """The same framework with every direction flipped: the ranking turns upside down."""
    return {
        "id": "tiny_rev",
        "indicators": [
            {"id": i.id, "source": i.source, "parent": i.parent, "direction": -i.direction} for i in fw.indicators
        ],
        "aggregates": [{"id": a.id, "parent": a.parent} if a.parent else {"id": a.id} for a in fw.aggregates],
        "steps": {"outliers": {"method": "none"}, "weights": {"method": "equal"}},
    }


def test_synthetic_panel_through_the_api() -> None:
    fw = synthetic.framework(n_ind=8, pillars=2, subindices=0)
    out = build_index(fw, 2023, panel=synthetic.panel(units=30, n_ind=8, seed=2))
    ranks = [r["index_rank"] for r in out.rows]
    assert ranks == sorted(ranks) and ranks[0] == 1 and len(ranks) == 30
    scores = [r["index_score"] for r in out.rows]
    assert scores == sorted(scores, reverse=True)


def test_thin_note_accepts_text_or_language_map() -> None:
    fw, _ = small()
    assert fw.aggregate("p2").thin_note("ko") == "일부러 빈약함"
    assert fw.aggregate("p2").thin_note("zh") == "thin on purpose"
    assert fw.aggregate("p1").thin_note("ko") == ""
    plain = synthetic.framework_dict(n_ind=4, pillars=2, subindices=0)
    plain["aggregates"][0]["thin"] = "plain English note"
    parsed = config.parse(plain)
    assert parsed.aggregate("p0").thin == {"en": "plain English note"}
    assert {x["node"]: x["note"] for x in parsed.thin_pillars("ko")}["p0"] == "plain English note"
    plain["aggregates"][0]["thin"] = {"ko": "영어 없음"}
    with pytest.raises(InputError, match=r"aggregates\[0\] \(p0\)\.thin"):
        config.parse(plain)


def test_shipped_thin_notes_are_translated() -> None:
    for name in config.shipped():
        for agg in config.load(name).aggregates:
            if agg.thin:
                assert set(agg.thin) == {"en", "ko", "zh"}, (name, agg.id)
                assert len({agg.thin["en"], agg.thin["ko"], agg.thin["zh"]}) == 3, (name, agg.id)


def test_list_frameworks() -> None:
    out = list_frameworks()
    assert {r["framework"] for r in out.rows} == set(config.shipped())
    gci = {r["pillar"]: r for r in out.rows if r["framework"] == "gci"}
    assert gci["application"]["thin"] is True and "it_spending" in gci["application"]["unavailable"]
    set_lang("zh")
    one = list_frameworks("gci")
    assert one.title == "全球计算力指数（公开）"
    assert "应用水平: IDC行业IT支出数据为专有数据；仅保留AI模型指标" in one.notes  # pillar by name
    assert {r["indicator"] for r in one.rows} >= {"rmax", "it_spending"}


# --- the shipped frameworks on the built atlas -------------------------------------------


@pytest.mark.integration
def test_cli_json_is_the_api_result(atlas: Any, built_atlas: Path) -> None:
    from computestrata.cli import app
    from computestrata.cli_common import to_json

    res = CliRunner().invoke(
        app, ["index", "build", "-f", "gci", "-y", "2023", "--json", "--atlas", str(built_atlas), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    shown = json.loads(res.output)
    api = json.loads(to_json(build_index("gci", 2023, atlas=atlas, detail=True).to_dict()))
    assert shown["rows"] == api["rows"]
    assert shown["notes"] == api["notes"]
    assert [s["source_id"] for s in shown["sources"]] == api["source_ids"]
    assert {k: shown[k] for k in ("units", "indicators_used", "imputed_share", "scores")} == {
        k: api[k] for k in ("units", "indicators_used", "imputed_share", "scores")
    }
    assert shown["rows"][0]["index_rank"] == 1


@pytest.mark.integration
def test_korean_build_has_no_framework_note_in_english(built_atlas: Path) -> None:
    from computestrata.cli import app

    res = CliRunner().invoke(
        app, ["index", "build", "-f", "gci", "-y", "2023", "--atlas", str(built_atlas), "--lang", "ko"]
    )
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())  # undo the table's line wrapping
    fw = config.load("gci")
    thin = [a for a in fw.aggregates if a.thin]
    assert thin
    for agg in thin:
        assert agg.thin["en"] not in text
        assert " ".join(agg.thin["ko"].split()) in text
    notes = text.split("참고", 1)[1]
    assert "open data" not in notes and "proprietary" not in notes and "Open-data analogue" not in notes


@pytest.mark.integration
def test_shipped_frameworks_through_every_api_function(atlas: Any) -> None:
    ua = uncertainty_table("gci", 2023, n=128, atlas=atlas)
    assert ua.data["replications"] == 128 and len(ua.rows) == 18
    sa = sensitivity_table("caict5", 2023, n=32, atlas=atlas)
    assert {r["uncertain_factor"] for r in sa.rows} == set(config.load("caict5").uncertainty.factor_names())
    an = analyse_unit("gci", 2023, unit="KOR", atlas=atlas)
    assert an.data["profile"]["unit"] == "KOR"
    cmp = compare_versions("gci", "caict5", 2023, atlas=atlas)
    assert cmp.data["units"] == len(cmp.rows) >= 2
    assert set(cmp.source_ids) >= set(build_index("gci", 2023, atlas=atlas).source_ids)
