"""The index engine end to end on small hand-computed panels, config validation, analysis."""

from __future__ import annotations

import math
from copy import deepcopy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from computestrata.errors import InputError
from computestrata.measure.index import analysis, config, engine

NAN = float("nan")

# 4 units × 4 indicators, year 2020; D lacks i1 (imputed by the mean of 0, 10, 20 = 10)
VALUES = {
    "i1": [0.0, 10.0, 20.0, NAN],
    "i2": [1.0, 2.0, 3.0, 5.0],
    "i3": [5.0, 5.0, 0.0, 10.0],  # direction -1
    "i4": [2.0, 4.0, 6.0, 8.0],
}
UNITS = ["A", "B", "C", "D"]


def small_config(**steps: Any) -> dict[str, Any]:
    base = {
        "screen": {"min_unit_coverage": 0.5, "min_indicator_coverage": 0.5},
        "impute": {"method": "mean"},
        "outliers": {"method": "none"},
        "normalise": {"method": "minmax", "range": [0, 100]},
        "weights": {"method": "equal"},
        "aggregate": {"method": "arithmetic", "by_level": {3: "geometric"}, "zeros": "zero"},
    }
    base.update(steps)
    return {
        "id": "small",
        "name": {"en": "Small", "ko": "작은", "zh": "小"},
        "indicators": [
            {"id": "i1", "source": "S|i1", "parent": "p1"},
            {"id": "i2", "source": "S|i2", "parent": "p1"},
            {"id": "i3", "source": "S|i3", "parent": "p2", "direction": -1},
            {"id": "i4", "source": "S|i4", "parent": "p2"},
        ],
        "aggregates": [
            {"id": "p1", "parent": "idx"},
            {"id": "p2", "parent": "idx"},
            {"id": "idx"},
        ],
        "steps": base,
    }


def small_panel(years: tuple[int, ...] = (2020,)) -> engine.Panel:
    rows = []
    for k, y in enumerate(years):
        for ind, vals in VALUES.items():
            for u, v in zip(UNITS, vals, strict=True):
                if not math.isnan(v):
                    rows.append({"unit": u, "year": y, "indicator": ind, "value": v + k, "source_id": f"src_{ind}_{y}"})
    return engine.Panel(pd.DataFrame(rows), groups={"A": "g1", "B": "g1", "C": "g2", "D": "g2"})


def test_small_panel_matches_hand_computation() -> None:
    fw = config.parse(small_config())
    res = engine.build(fw, small_panel(), 2020)
    sc = res.scores
    assert sc["i1"].tolist() == pytest.approx([0, 50, 100, 50])  # D imputed as 10
    assert sc["i3"].tolist() == pytest.approx([50, 50, 100, 0])  # lower is better
    assert sc["p1"].tolist() == pytest.approx([0, 37.5, 75, 75])
    assert sc["p2"].tolist() == pytest.approx([25, 125 / 3, 250 / 3, 50])
    # geometric mean with a zero: A's pillar 1 is 0, so A's index is 0 (rule "zero")
    assert sc["idx"].tolist() == pytest.approx(
        [0, math.sqrt(37.5 * 125 / 3), math.sqrt(75 * 250 / 3), math.sqrt(75 * 50)]
    )
    assert res.ranks["idx"].tolist() == [4, 3, 1, 2]
    assert res.imputed.loc["D", "i1"] and res.imputed_share() == pytest.approx(1 / 16)
    assert res.source_ids == sorted(f"src_{i}_2020" for i in VALUES)
    assert any("imputed" in n for n in res.notes)


def test_geometric_mean_with_zero_is_loud_by_default() -> None:
    cfg = small_config()
    cfg["steps"]["aggregate"]["zeros"] = "error"
    fw = config.parse(cfg)
    with pytest.raises(InputError, match=r"zero values.*A"):
        engine.build(fw, small_panel(), 2020)
    cfg["steps"]["normalise"]["range"] = [1, 100]  # the fix the hint suggests
    res = engine.build(config.parse(cfg), small_panel(), 2020)
    assert (res.index > 0).all()


def test_mixed_methods_within_one_level() -> None:
    cfg = small_config()
    cfg["aggregates"][1]["method"] = "geometric"
    cfg["steps"]["normalise"]["range"] = [1, 100]
    res = engine.build(config.parse(cfg), small_panel(), 2020)
    i3, i4 = res.scores["i3"], res.scores["i4"]
    assert res.scores["p2"].tolist() == pytest.approx(np.sqrt(i3 * i4).tolist())
    assert res.scores["p1"].tolist() == pytest.approx(((res.scores["i1"] + res.scores["i2"]) / 2).tolist())


def test_group_imputation_and_bod_weights() -> None:
    cfg = small_config(
        impute={"method": "group_mean", "group": "income"}, weights={"method": "equal", "by_level": {3: "bod"}}
    )
    res = engine.build(config.parse(cfg), small_panel(), 2020)
    assert np.isnan(res.raw.loc["D", "i1"])
    assert res.treated.loc["D", "i1"] == 20.0  # group g2 = {C, D}: only C has i1
    assert res.weights["idx"].shape == (4, 2)  # per-unit weights
    assert res.index.max() == pytest.approx(100.0)  # BoD score 1 × range top


def test_screening_drops_indicator_and_says_so() -> None:
    cfg = small_config(screen={"min_unit_coverage": 0.5, "min_indicator_coverage": 0.9})
    res = engine.build(config.parse(cfg), small_panel(), 2020)
    assert "i1" not in res.indicators
    assert any("i1 dropped" in n for n in res.notes)
    assert res.children["p1"] == ["i2"]


def test_panel_years_and_panel_interpolation() -> None:
    panel = small_panel((2019, 2020, 2021))
    data = panel.data
    panel = engine.Panel(data[~((data["unit"] == "B") & (data["year"] == 2020) & (data["indicator"] == "i2"))])
    cfg = small_config(impute={"method": "panel_linear"})
    fw = config.parse(cfg)
    results = engine.build_panel(fw, panel)
    assert sorted(results) == [2019, 2020, 2021]
    res = results[2020]
    assert res.raw.loc["B", "i2"] == pytest.approx(3.0)  # (2 + 4) / 2 from 2019 and 2021
    assert res.imputed.loc["B", "i2"]
    assert "src_i2_2019" in res.source_ids and "src_i2_2021" in res.source_ids


def test_every_normaliser_builds_an_index() -> None:
    for method in config.NORMALISE_METHODS:
        cfg = small_config(normalise={"method": method, "range": [1, 100], "reference_unit": "D"})
        cfg["steps"]["aggregate"] = {"method": "arithmetic"}
        for ind in cfg["indicators"]:
            ind["target"] = -1 if ind.get("direction") == -1 else 30
            ind["goalposts"] = [-1, 40]
        if method in ("dist_frontier", "dist_ref"):
            continue  # dist_frontier refuses i1's zero; D is the worst unit on i3 (both tested elsewhere)
        res = engine.build(config.parse(cfg), small_panel(), 2020)
        assert res.index.notna().all(), method


def test_unknown_year_and_missing_indicator_are_loud() -> None:
    fw = config.parse(small_config())
    with pytest.raises(InputError, match="no data for year 1999"):
        engine.build(fw, small_panel(), 1999)
    data = small_panel().data
    with pytest.raises(InputError, match="i4"):
        engine.build(fw, engine.Panel(data[data["indicator"] != "i4"]), 2020)
    dup = pd.concat([data, data.iloc[:1]])
    with pytest.raises(InputError, match="duplicated"):
        engine.Panel(dup)


# --- config validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda c: c["indicators"][0].update(direction=2), r"indicators\[0\] \(i1\)\.direction"),
        (lambda c: c["indicators"][0].update(parent="nope"), "i1.parent.*not an aggregate"),
        (lambda c: c["steps"]["normalise"].update(method="minmaxx"), "steps.normalise.method"),
        (lambda c: c["steps"].update(weigths={}), "steps.weigths: unknown key"),
        (lambda c: c["indicators"][0].update(available=False), "unavailable_reason"),
        (lambda c: c["aggregates"].append({"id": "root2"}), "exactly one root"),
        (lambda c: c["aggregates"][0].update(parent="p2") or c["aggregates"][1].update(parent="p1"), "cycle"),
        (
            lambda c: (
                c["steps"].update(weights={"method": "manual"}) or [i.update(weight=0) for i in c["indicators"][:2]]
            ),
            r"aggregates \(p1\).*sum to 0",
        ),
        (lambda c: c["steps"].update(normalise={"method": "dist_target"}), "needs a target"),
        (lambda c: c["steps"].update(impute={"method": "group_mean"}), "steps.impute.group"),
    ],
)
def test_config_errors_name_the_key_and_the_fix(mutate: Any, match: str) -> None:
    cfg = deepcopy(small_config())
    cfg["aggregates"][2]["method"] = None
    mutate(cfg)
    if cfg["aggregates"][2].get("method") is None:
        cfg["aggregates"][2].pop("method")
    with pytest.raises(InputError, match=match) as exc:
        config.parse(cfg)
    assert exc.value.hint


def test_shipped_frameworks_validate_and_document_thin_pillars() -> None:
    from importlib import resources

    names = config.shipped()
    # every YAML file in the framework folder is a shipped framework (adding one touches no test)
    folder = resources.files("computestrata.measure.index") / "frameworks"
    assert names == sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    assert {"caict5", "fiveforce", "gci"} <= set(names)  # the paper's frameworks stay shipped
    for name in names:
        fw = config.load(name)
        assert fw.id == name  # `-f NAME` and the results' framework id agree
        assert fw.n_levels == 3
        assert all(i.stands_for for i in fw.active), name
        # documents exactly the thin pillars it has (a well-covered framework needs none)
        assert fw.undocumented_thin_pillars() == [], name
        assert {x["node"] for x in fw.thin_pillars()} == {a.id for a in fw.aggregates if a.thin}, name
    five = config.load("fiveforce")
    assert {t["node"] for t in five.thin_pillars()} >= {"storage", "network"}
    with pytest.raises(InputError, match="closest"):
        config.load("gcii")


def test_shipped_framework_whose_file_name_differs_from_its_id_is_an_error(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A framework file ``frameworks/gcx.yaml`` holding ``id: gci`` used to load silently as "gci"."""
    from importlib import resources

    real = resources.files
    src = real("computestrata.measure.index") / "frameworks" / "gci.yaml"
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "gcx.yaml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(
        config.resources, "files", lambda pkg: tmp_path if pkg == "computestrata.measure.index" else real(pkg)
    )
    assert config.shipped() == ["gcx"]
    with pytest.raises(InputError, match=r"frameworks/gcx\.yaml: key `id` is 'gci'") as exc:
        config.load("gcx")
    assert "rename the file to frameworks/gci.yaml" in (exc.value.hint or "")


def test_user_yaml_file(tmp_path: Any) -> None:
    import yaml

    f = tmp_path / "mine.yaml"
    f.write_text(yaml.safe_dump(small_config()), encoding="utf-8")
    fw = config.load(f)
    assert fw.id == "small" and fw.origin == str(f)
    with pytest.raises(InputError, match="not found"):
        config.load(tmp_path / "missing.yaml")


# --- analysis ---------------------------------------------------------------------------------


def test_cronbach_alpha_by_hand() -> None:
    x = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]])
    # var(a)=1, var(b)=7/3, var(a+b)= var([3,5,8]) = 19/3 → α = 2·(1 − (10/3)/(19/3)) = 18/19
    assert analysis.cronbach_alpha(x) == pytest.approx(18 / 19)
    assert analysis.cronbach_alpha(np.column_stack([x[:, 0], x[:, 0]])) == pytest.approx(1.0)


def test_analysis_outputs() -> None:
    fw = config.parse(small_config())
    res = engine.build(fw, small_panel(), 2020)
    corr = {r["node"]: r for r in analysis.correlations(res)}
    assert corr["p1"]["parent"] == "idx" and -1 <= corr["i1"]["corr_parent"] <= 1
    w = analysis.within(res, "p2")
    assert w["children"] == ["i3", "i4"] and "pca" in w
    sw = analysis.strengths_weaknesses(res, "C", n=1)
    assert sw["strengths"][0]["rank"] == 1 and sw["index_rank"] == 1
    drops = analysis.drop_one(fw, small_panel(), 2020, nominal=res)
    assert {d["indicator"] for d in drops} == set(VALUES)
    assert all(d["mean_abs_shift"] is None or d["mean_abs_shift"] >= 0 for d in drops)
    same = analysis.compare(res, res)
    assert same["mean_abs_shift"] == 0 and same["spearman"] == pytest.approx(1.0)
    with pytest.raises(InputError):
        analysis.strengths_weaknesses(res, "ZZZ")


def test_zscores_under_a_geometric_mean_are_shifted_to_positive() -> None:
    """COINr refuses nothing here either; we shift every z-scored column by one constant
    so the smallest is 1, which keeps the geometric mean defined (documented divergence)."""
    cfg = small_config(normalise={"method": "zscore"})
    res = engine.build(config.parse(cfg), small_panel(), 2020)
    z = res.scores[res.indicators]
    assert z.min().min() == pytest.approx(1.0)
    assert res.index.notna().all()
    plain = engine.build(
        config.parse(small_config(normalise={"method": "zscore"}, aggregate={"method": "arithmetic"})),
        small_panel(),
        2020,
    )
    diff = z - plain.scores[res.indicators]
    assert np.allclose(diff.to_numpy(), diff.to_numpy()[0, 0])  # one common shift
