"""Acceptance findings on the own-data index flow, each pinned by a test that failed before
its fix: the exported imputed data, titles of year-less data in Korean and Chinese, the
sensitivity title following ``--target``, the ``weights`` command (effective and optimised
weights) and screening after imputation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.i18n import use_lang
from computestrata.measure.index import api, config, engine, export

runner = CliRunner()
UNITS = ["KOR", "CHN", "USA", "JPN", "DEU", "FRA", "IND", "BRA", "CAN", "AUS", "SGP", "ISR"]
CODES = ["gpu", "dc", "pwr", "tal", "pat", "inv"]


def _data(tmp_path: Path) -> Path:
    """12 units × 6 indicators with five gaps; JPN misses half its indicators."""
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"uCode": UNITS})
    for c in CODES:
        df[c] = np.round(rng.lognormal(2, 0.6, len(UNITS)), 3)
    df.loc[UNITS.index("USA"), "gpu"] = np.nan
    df.loc[UNITS.index("FRA"), "pat"] = np.nan
    df.loc[UNITS.index("JPN"), ["gpu", "dc", "pwr"]] = np.nan
    path = tmp_path / "idata.csv"
    df.to_csv(path, index=False)
    return path


def _framework(tmp_path: Path, **screen: object) -> Path:
    raw = {
        "id": "qa",
        "name": {"en": "QA index"},
        "indicators": [{"id": c, "parent": "p1" if k < 3 else "p2"} for k, c in enumerate(CODES)],
        "aggregates": [{"id": "p1", "parent": "index"}, {"id": "p2", "parent": "index"}, {"id": "index"}],
        "steps": {
            "screen": {"min_unit_coverage": 0.66, "min_indicator_coverage": 0.66, **screen},
            "impute": {"method": "mean"},
            "outliers": {"method": "none"},
            "normalise": {"method": "minmax", "range": [0, 100]},
            "weights": {"method": "manual"},
            "aggregate": {"method": "arithmetic"},
        },
        "uncertainty": {
            "n": 16,
            "factors": {"normalise": ["minmax", "rank"], "weights": {"noise": 0.25, "sets": 10, "levels": [2]}},
        },
    }
    path = tmp_path / "qa.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_export_data_imputed_holds_the_imputed_values(tmp_path: Path) -> None:
    """The ``Data_imputed`` sheet held True/False flags, not the data after imputation."""
    data, fw = _data(tmp_path), _framework(tmp_path)
    res = engine.build(config.load(fw), api.load(fw, data=data).panel, 0)
    sheets = export.tables(res)
    imputed = sheets["Data_imputed"].set_index("unit")
    raw = pd.read_csv(data).set_index("uCode")
    kept = [u for u in UNITS if u != "JPN"]  # JPN is screened out (3 of 6 indicators)
    assert imputed.loc["USA", "gpu"] == pytest.approx(raw.loc[kept, "gpu"].mean())
    assert imputed.loc["KOR", "dc"] == raw.loc["KOR", "dc"]
    flags = sheets["Imputed_cells"].set_index("unit")
    assert bool(flags.loc["USA", "gpu"]) and not bool(flags.loc["KOR", "dc"])
    assert flags.to_numpy().sum() == 2


@pytest.mark.parametrize(("lang", "bad"), [("ko", "(연도 없음)년"), ("zh", "（无年份）年")])
def test_year_less_data_titles_read_right(tmp_path: Path, lang: str, bad: str) -> None:
    """Titles glued the year suffix to "(no year)": "(연도 없음)년", "（无年份）年"."""
    data, fw = _data(tmp_path), _framework(tmp_path)
    with use_lang(lang):
        out = api.build_index(fw, data=data)
        dated = api.build_index(fw, data=data, year=2024)
    assert bad not in out.title and out.data["year"] is None
    assert ("2024년" if lang == "ko" else "2024年") in dated.title and dated.data["year"] == "2024"


def test_sensitivity_title_follows_the_target(tmp_path: Path) -> None:
    data, fw = _data(tmp_path), _framework(tmp_path)
    rank = api.sensitivity_table(fw, data=data, n=16, target="rank:KOR")
    assert "rank of KOR" in rank.title and "mean rank shift" not in rank.title
    assert "rank of KOR" in rank.notes[0]
    with use_lang("ko"):
        gap = api.sensitivity_table(fw, data=data, n=16, target="gap:KOR-CHN")
    assert "KOR와 CHN의 점수 차" in gap.title
    assert "mean rank shift" in api.sensitivity_table(fw, data=data, n=16).title


def test_weights_command_effective_and_optimal(tmp_path: Path) -> None:
    data, fw = _data(tmp_path), _framework(tmp_path)
    eff = api.weights_table(fw, data=data)
    by = {r["component"]: r for r in eff.rows}
    assert sum(by[c]["effective_weight"] for c in CODES) == pytest.approx(1.0)
    assert by["gpu"]["effective_weight"] == pytest.approx(1 / 6) and by["p1"]["effective_weight"] == 0.5
    opt = api.weights_table(fw, data=data, kind="optimal", target=[1.0, 3.0])
    assert [r["target_share"] for r in opt.rows] == pytest.approx([0.25, 0.75])
    assert [r["obtained"] for r in opt.rows] == pytest.approx([0.25, 0.75], abs=0.02)
    res = runner.invoke(app, ["index", "weights", "-f", str(fw), "--data", str(data), "--kind", "optimal", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["kind"] == "optimal" and sum(r["optimal_weight"] for r in doc["rows"]) == pytest.approx(1.0)
    for bad in (["--kind", "opt"], ["--kind", "optimal", "--objective", "max"], ["--kind", "optimal", "--level", "3"]):
        res = runner.invoke(app, ["index", "weights", "-f", str(fw), "--data", str(data), *bad])
        assert isinstance(res.exception, InputError), (bad, res.output)  # `strata` prints it, exit 2


def test_screening_after_imputation_keeps_a_unit_imputation_can_fill(tmp_path: Path) -> None:
    data = _data(tmp_path)
    before = api.build_index(_framework(tmp_path), data=data)
    assert "JPN" not in {r["unit"] for r in before.rows}
    fw = _framework(tmp_path, when="after")
    after = engine.build(config.load(fw), api.load(fw, data=data).panel, 0)
    assert "JPN" in after.units
    raw = pd.read_csv(data).set_index("uCode")
    assert after.filled is not None
    # imputed with every unit's data, before screening (COINr Screen on dset "Imputed")
    assert after.filled.loc["JPN", "gpu"] == pytest.approx(raw["gpu"].mean())
    assert bool(after.imputed.loc["JPN", "gpu"]) and after.imputed.to_numpy().sum() == 5
    ua = api.uncertainty_table(fw, data=data, n=16)
    assert "JPN" in {r["unit"] for r in ua.rows}


def test_screening_when_is_checked(tmp_path: Path) -> None:
    data = _data(tmp_path)
    with pytest.raises(InputError, match=r"steps\.screen\.when"):
        api.build_index(_framework(tmp_path, when="later"), data=data)
    raw = yaml.safe_load(_framework(tmp_path, when="after").read_text(encoding="utf-8"))
    raw["steps"]["impute"]["method"] = "row_mean"
    fw = tmp_path / "row.yaml"
    fw.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(InputError, match="row_mean"):
        api.build_index(fw, data=data)


# --- mutation survivors: the outlier rule's thresholds and the index ranks' tie rule ---


def _treated(values: list[float]) -> list[dict[str, object]]:
    from computestrata.measure.index import outliers

    x = np.array(values, dtype=float)[:, None]
    _, log = outliers.treat(x, "winsorise", skew=2.0, kurtosis=3.5, max_points=5, fallback="none", names=["x"])
    return log


def test_outlier_rule_needs_both_skew_and_kurtosis() -> None:
    """COINr's check_SkewKurt: an indicator fails only when |skew| ≥ 2 AND kurtosis ≥ 3.5."""
    from computestrata.measure.index import outliers

    skewed_light = [0.1, 0.3, 1.5, 0.4, 1.3, 234.8, 0.3, 145.8, 3.2, 1.7]  # skew 2.05, kurtosis 3.29
    heavy_not_skewed = [0.6, 1.8, 0.5, 0.5, 0.2]  # skew 1.90, kurtosis 4.01
    for values in (skewed_light, heavy_not_skewed):
        s, k = outliers.skew_kurt(np.array(values))
        assert (abs(s) >= 2.0) != (k >= 3.5)
        assert _treated(values) == []
    just_over = [1.8, 49.1, 0.1, 22.4, 1.1, 1.9, 0.2, 1.9]  # skew 2.07, kurtosis 3.94: fails, treated
    assert [e["indicator"] for e in _treated(just_over)] == ["x"]


def test_winsorisation_stops_once_either_moment_passes() -> None:
    """After one point the skew is below 2 (kurtosis still above 3.5): COINr stops there."""
    log = _treated([-0.6, 0.8, -8.9, 2.4, 86.4, -0.7])  # skew 2.38, kurtosis 5.76; then -1.89, 3.95
    assert len(log) == 1 and log[0]["points"] == 1 and log[0]["action"] == "winsorised"


def test_index_ranks_share_the_best_rank_on_ties() -> None:
    """Rank 1 = highest; tied units share the best (minimum) rank and the next rank is skipped."""
    got = engine.ranks(np.array([50.0, 70.0, 70.0, np.nan, 10.0]))
    assert got[:3].tolist() == [3.0, 1.0, 1.0] and np.isnan(got[3]) and got[4] == 4.0


def test_init_and_import_into_a_missing_folder_or_from_a_broken_workbook(tmp_path: Path) -> None:
    """These raised FileNotFoundError / calamine's ZipError (a traceback, exit 1)."""
    data = _data(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        api.starter_framework(data, out=tmp_path / "nowhere" / "my.yaml")
    broken = tmp_path / "tool.xlsx"
    broken.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as a workbook"):
        api.import_coin_tool(broken, tmp_path / "fw.yaml", tmp_path / "data.csv")
    assert not list((tmp_path).glob("*.part")) and not (tmp_path / "fw.yaml").exists()


def test_trends_on_year_less_data_says_why(tmp_path: Path) -> None:
    """It said "have 0": the placeholder year of a file without a year column."""
    with pytest.raises(InputError, match="no year column"):
        api.trends_table(_framework(tmp_path), data=_data(tmp_path))
