"""`strata index` on a tiny atlas and a user's YAML; shipped frameworks on the real atlas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.measure.index import config, indicators

runner = CliRunner()
UNITS = ["USA", "CHN", "KOR", "JPN", "DEU", "FRA"]


def tiny_atlas(root: Path) -> Path:
    from computestrata.atlas.build import write_atlas

    rows = []
    for y in (2021, 2022):
        for k, u in enumerate(UNITS):
            rows.append((u, "Economy|GDP", "USD", str(y), 1e12 * (k + 1) + y, None, None, "wb_gdp", None))
            rows.append((u, "Population", "persons", str(y), 1e7 * (6 - k), None, None, "wb_pop", None))
            if not (u == "KOR" and y == 2022):
                rows.append(
                    (
                        u,
                        "Energy|Carbon intensity",
                        "gCO2/kWh",
                        str(y),
                        100.0 + 50 * k,
                        80.0 + 50 * k,
                        130.0 + 50 * k,
                        "owid",
                        None,
                    )
                )
    facts = pd.DataFrame(
        rows, columns=["entity", "variable", "unit", "period", "value", "p5", "p95", "source_id", "note"]
    )
    sources = pd.DataFrame(
        [
            {"source_id": s, "publisher": p, "title": s, "url": "", "license": "CC-BY-4.0", "citation": f"{p} citation"}
            for s, p in (("wb_gdp", "World Bank"), ("wb_pop", "World Bank"), ("owid", "OWID"))
        ]
    )
    out = root / "atlas"
    write_atlas({"facts": facts, "sources": sources}, out, {"loaders": ["test"]})
    return out


def user_yaml(root: Path) -> Path:
    cfg: dict[str, Any] = {
        "id": "mini",
        "name": {"en": "Mini", "ko": "미니", "zh": "迷你"},
        "units": UNITS,
        "indicators": [
            {"id": "gdp", "source": "Economy|GDP", "parent": "economy"},
            {"id": "gdp_pc", "source": "Economy|GDP", "denominator": "Population", "parent": "economy"},
            {"id": "carbon", "source": "Energy|Carbon intensity", "direction": -1, "parent": "green"},
            {"id": "pop", "source": "Population", "parent": "green"},
        ],
        "aggregates": [{"id": "economy", "parent": "mini"}, {"id": "green", "parent": "mini"}, {"id": "mini"}],
        "steps": {
            "normalise": {"method": "minmax", "range": [1, 100]},
            "outliers": {"method": "none"},
            "aggregate": {"method": "arithmetic", "by_level": {3: "geometric"}},
        },
        "uncertainty": {
            "n": 128,
            "factors": {
                "impute": ["mean", "median"],
                "normalise": ["minmax", "rank"],
                "aggregate": {3: ["geometric", "arithmetic"]},
                "weights": {"noise": 0.2, "sets": 10, "levels": [2]},
                "data_noise": {"draws": 8},
            },
        },
    }
    f = root / "mini.yaml"
    f.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("index_cli")
    return tiny_atlas(root), user_yaml(root)


def test_build_from_user_yaml_json(setup: tuple[Path, Path]) -> None:
    atlas, fw = setup
    out = runner.invoke(app, ["index", "build", "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [r["unit"] for r in data["rows"]][:1] and len(data["rows"]) == 6
    # the atlas sources of its indicators, and the user's framework file (path and sha256)
    assert {s["source_id"] for s in data["sources"]} == {"wb_gdp", "wb_pop", "owid", "user_framework:mini"}
    mine = next(s for s in data["sources"] if s["source_id"] == "user_framework:mini")
    assert mine["path"] == str(fw) and len(mine["sha256"]) == 64
    assert data["imputed_share"] == pytest.approx(1 / 24, abs=1e-4)  # KOR's 2022 carbon intensity
    assert data["indicators_used"] == ["gdp", "gdp_pc", "carbon", "pop"]
    scores = data["scores"]["USA"]
    assert 1 <= scores["mini"] <= 100


def test_uncertainty_and_sensitivity_end_to_end(setup: tuple[Path, Path]) -> None:
    atlas, fw = setup
    out = runner.invoke(
        app, ["index", "uncertainty", "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--n", "256", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["replications"] == 256 and set(data["factors"]) == {
        "impute",
        "normalise",
        "aggregate_L3",
        "weights_L2",
        "data",
    }
    for row in data["rows"]:
        assert row["rank_p5"] <= row["rank_median"] <= row["rank_p95"]
    out = runner.invoke(
        app, ["index", "sensitivity", "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--n", "128", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["replications"] == 128 * 7
    assert {r["uncertain_factor"] for r in data["rows"]} == set(
        json.loads(
            runner.invoke(
                app, ["index", "uncertainty", "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--n", "8", "--json"]
            ).output
        )["factors"]
    )
    assert set(data["per_unit"]) == set(UNITS)


def test_table_output_and_errors(setup: tuple[Path, Path]) -> None:
    atlas, fw = setup
    out = runner.invoke(app, ["index", "build", "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--lang", "ko"])
    assert out.exit_code == 0 and "순위" in out.output and "World Bank citation" in out.output
    out = runner.invoke(app, ["index", "build", "-f", str(fw), "-y", "1990", "--atlas", str(atlas)])
    assert out.exit_code != 0 and "1990" in str(out.exception)
    out = runner.invoke(app, ["index", "frameworks", "--json"])
    assert out.exit_code == 0
    assert {r["framework"] for r in json.loads(out.output)["rows"]} == set(config.shipped())


def test_shipped_framework_sources_must_exist(setup: tuple[Path, Path]) -> None:
    from computestrata.atlas import store
    from computestrata.errors import InputError

    atlas = store.open(setup[0])
    with pytest.raises(InputError, match="needs atlas table"):
        indicators.load_panel(atlas, config.load("gci"))


@pytest.mark.integration
@pytest.mark.parametrize("name", config.shipped())
def test_shipped_frameworks_on_the_built_atlas(built_atlas: Path, name: str) -> None:
    from computestrata.atlas import store
    from computestrata.measure.index import engine
    from computestrata.measure.index import uncertainty as ua

    atlas = store.open(built_atlas)
    panel, fw, _ = indicators.load_panel(atlas, config.load(name))
    res = engine.build(fw, panel, 2023)
    assert {"USA", "CHN"} <= set(res.units)
    if name in {"gci", "caict5", "fiveforce"}:  # the paper's frameworks put the USA first
        assert res.ranks[fw.root.id]["USA"] == 1
    assert res.source_ids and all(atlas.sources([s]) for s in res.source_ids)
    sa = ua.run_sa(fw, panel, 2023, n=64)
    assert len(sa.factor_table()) == sa.s1.size


def test_analyse_compare_and_framework_detail(setup: tuple[Path, Path]) -> None:
    atlas, fw = setup
    base = ["-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--json"]
    out = runner.invoke(app, ["index", "analyse", *base, "--unit", "KOR", "--drop-one"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {r["node"] for r in data["rows"]} == {"economy", "green", "mini"}
    assert data["profile"]["unit"] == "KOR" and len(data["drop_one"]) == 6  # 4 indicators + 2 pillars
    out = runner.invoke(app, ["index", "compare", *base, "--other", str(fw), "--other-year", "2021"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["units"] == 6 and len(data["rows"]) == 6
    out = runner.invoke(app, ["index", "frameworks", "-f", "gci", "--json"])
    rows = json.loads(out.output)["rows"]
    assert {r["indicator"] for r in rows if r["unavailable_reason"]} == {"server_shipments", "it_spending", "bandwidth"}
    assert all(r["stands_for"] for r in rows if not r["unavailable_reason"])
