"""The user's own data in, and everything out: wide/long files and DataFrames checked against
the framework, loud errors naming file/row/column, ``init``, the Excel export and pictures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.measure.index import api, config, engine, userdata

HERE = Path(__file__).parent / "fixtures" / "index"
CSV = HERE / "own.csv"
FW = HERE / "own.yaml"
runner = CliRunner()


def fw() -> config.Framework:
    return config.load(FW)


def table(**changes: Any) -> pd.DataFrame:
    df = pd.read_csv(CSV)
    for key, value in changes.items():
        df[key] = value
    return df


def test_wide_csv_builds_and_denominates() -> None:
    out = api.build_index(FW, data=CSV, year=2023, level=1)
    assert out.data["year"] == "2023" and out.data["units"] == 6
    scores = {r["unit"]: r for r in out.rows}
    assert scores["AAA"]["index_rank"] == 1  # best on every indicator but power
    ud = userdata.load(CSV, fw(), 2023)
    got = ud.panel.data.query("year == 2023 and indicator == 'gdp_pc'").set_index("unit")["value"]
    assert got["BBB"] == pytest.approx(85 / 20 * 1000)
    assert ud.layout == "wide" and ud.has_year


def test_dataframe_long_xlsx_and_parquet_agree(tmp_path: Path) -> None:
    wide = pd.read_csv(CSV)
    ref = api.build_index(FW, data=wide, year=2023).rows
    long = wide.melt(id_vars=["uCode", "year", "income"], value_vars=["gdp", "pop", "net", "chips", "power"])
    long = long.rename(columns={"uCode": "unit", "variable": "indicator"})
    assert api.build_index(FW, data=long, year=2023).rows == ref
    wide.to_excel(tmp_path / "own.xlsx", index=False)
    assert api.build_index(FW, data=tmp_path / "own.xlsx", year=2023).rows == ref
    long.to_parquet(tmp_path / "own.parquet")
    assert api.build_index(FW, data=tmp_path / "own.parquet", year=2023).rows == ref


def test_group_imputation_uses_the_named_column() -> None:
    ud = userdata.load(CSV, fw(), 2022)
    res = engine.build(fw(), ud.panel, 2022)
    # BBB (high) lacks chips in 2022: the mean of the other high units AAA, FFF is imputed
    assert res.imputed.loc["BBB", "chips"]
    assert res.treated.loc["BBB", "chips"] == pytest.approx((30 + 12) / 2)
    # and DDD (low) lacks net: mean of CCC, EEE
    assert res.treated.loc["DDD", "net"] == pytest.approx((2.5 + 1.0) / 2)


def test_a_group_that_does_not_exist_is_an_error() -> None:
    raw = yaml.safe_load(FW.read_text())
    raw["steps"]["impute"]["group"] = "incme"
    with pytest.raises(InputError, match="'incme' is not a column") as exc:
        userdata.load(CSV, config.parse(raw))
    assert "income" in (exc.value.hint or "")
    with pytest.raises(InputError, match="not a grouping the atlas has"):
        api.load(config.parse(raw), panel=None, atlas=Path("/nonexistent"))


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda d: pd.concat([d, d.iloc[[1]]]), r"unit 'BBB' appears twice \(rows 3 and 14\) for year 2022"),
        (
            lambda d: d.astype({"chips": object}).assign(chips=lambda x: x["chips"].where(x.index != 4, "12 GW")),
            r"row 6, column 'chips': '12 GW' is not a number",
        ),
        (lambda d: d.rename(columns={"net": "nett"}), "(?s)net not found.*closest names in the data for net: nett"),
        (lambda d: d.assign(pop=lambda x: x["pop"].where(x.index != 2, 0)), "denominator pop of CCC is 0"),
        (lambda d: d.drop(columns=["uCode"]).rename(columns={"uName": "label"}), "no unit column"),
    ],
)
def test_bad_files_name_row_column_and_fix(tmp_path: Path, mutate: Any, match: str) -> None:
    path = tmp_path / "bad.csv"
    mutate(pd.read_csv(CSV)).to_csv(path, index=False)
    with pytest.raises(InputError, match=match) as exc:
        userdata.load(path, fw())
    assert exc.value.hint


def test_duplicate_indicator_codes_and_absent_year(tmp_path: Path) -> None:
    text = CSV.read_text().splitlines()
    text[0] = text[0].replace("chips", "net")
    path = tmp_path / "dup.csv"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(InputError, match="column name 'net' appears twice"):
        userdata.load(path, fw())
    with pytest.raises(InputError, match=r"--year 2019: data file .* has no data for that year") as exc:
        userdata.load(CSV, fw(), 2019)
    assert "2022, 2023" in (exc.value.hint or "")
    long = (
        pd.read_csv(CSV)
        .melt(id_vars=["uCode", "year"], value_vars=["net"])
        .rename(columns={"uCode": "unit", "variable": "indicator"})
    )
    with pytest.raises(InputError, match="rows 2 and 14 both give net of AAA"):
        userdata.from_frame(pd.concat([long, long.iloc[[0]]], ignore_index=True), fw(), text_cells=True)


def test_a_unit_without_data_is_reported_not_dropped_silently() -> None:
    df = table()
    df.loc[df["uCode"] == "EEE", ["gdp", "net", "chips", "power"]] = np.nan
    ud = userdata.load(df, fw(), 2023)
    assert any("EEE" in n for n in ud.notes)
    out = api.build_index(FW, data=df, year=2023)
    assert "EEE" not in {r["unit"] for r in out.rows}
    assert any("EEE" in n for n in out.notes)


def test_tree_cycle_and_zero_weights_are_refused() -> None:
    raw = yaml.safe_load(FW.read_text())
    cyc = yaml.safe_load(FW.read_text())
    cyc["aggregates"][0]["parent"] = "compute"
    cyc["aggregates"][1]["parent"] = "economy"
    with pytest.raises(InputError, match="cycle"):
        config.parse(cyc)
    raw["indicators"][0]["weight"] = 0
    raw["indicators"][1]["weight"] = 0
    with pytest.raises(InputError, match=r"aggregates \(economy\).*sum to 0"):
        config.parse(raw)


def test_data_without_a_year_column(tmp_path: Path) -> None:
    one = pd.read_csv(CSV).query("year == 2023").drop(columns=["year"])
    out = api.build_index(FW, data=one)
    assert "(no year)" in out.title and out.data["units"] == 6
    labelled = api.build_index(FW, data=one, year=2030)  # a year given labels year-less data
    assert "2030" in labelled.title and labelled.rows == out.rows


def test_init_writes_a_framework_that_builds(tmp_path: Path) -> None:
    target = tmp_path / "fw.yaml"
    text = api.starter_framework(CSV, name="mine", out=target)
    parsed = config.load(target)
    assert [i.id for i in parsed.indicators] == ["gdp", "pop", "net", "chips", "power"]
    assert parsed.steps.impute == "group_mean" and parsed.steps.impute_group == "income"
    assert target.read_text() == text
    assert api.build_index(target, data=CSV, year=2022).rows
    with pytest.raises(InputError, match="exists"):
        api.starter_framework(CSV, out=target)


def test_cli_four_commands_and_bad_input_exit_2(tmp_path: Path) -> None:
    data, frame = str(CSV), str(FW)
    res = runner.invoke(app, ["index", "build", "-f", frame, "--data", data, "--year", "2023", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["rows"][0]["unit"] == "AAA"
    for cmd in (["analyse"], ["uncertainty", "--n", "16"]):
        res = runner.invoke(app, ["index", *cmd, "-f", frame, "--data", data, "--year", "2023", "--json"])
        assert res.exit_code == 0, res.output
    out = tmp_path / "own.xlsx"
    res = runner.invoke(
        app, ["index", "export", "-f", frame, "--data", data, "--out", str(out), "--plot", str(tmp_path / "p")]
    )
    assert res.exit_code == 0, res.output
    assert out.exists() and (tmp_path / "p" / "framework.html").exists()
    bad = runner.invoke(app, ["index", "build", "-f", frame, "--data", data, "--year", "1999"])
    assert isinstance(bad.exception, InputError) and "2022, 2023" in (bad.exception.hint or "")
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "computestrata.cli", "index", "build", "-f", frame, "--data", data, "-y", "1999"]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "2022, 2023" in run.stderr


def test_export_has_a_sheet_per_table(tmp_path: Path) -> None:
    from computestrata.measure.index import export

    out = api.export_index(FW, tmp_path / "x.xlsx", 2023, data=CSV, n=16)
    sheets = export.read_xlsx(tmp_path / "x.xlsx")
    for name in ("Data_raw", "Data_treated", "Data_normalised", "Scores", "Ranks", "Weights", "Stats"):
        assert name in sheets
    assert {"Uncertainty", "Sensitivity", "Group_ranks"} <= set(sheets)
    scores = sheets["Scores"].set_index("unit")["index"]
    built = api.build_index(FW, data=CSV, year=2023).rows
    assert scores["AAA"] == pytest.approx(next(r["index_score"] for r in built if r["unit"] == "AAA"))
    assert len(out.rows) == len(sheets)
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(InputError, match=r"not an \.xlsx path"):
        api.export_index(FW, tmp_path / "x.csv", 2023, data=CSV)


def coin_tool_workbook(path: Path, bad_cell: bool = False) -> None:
    """A small workbook laid out as the JRC COIN Tool lays it out (see coin_tool.py)."""
    from openpyxl import Workbook

    wb = Workbook()
    db = wb.active
    db.title = "Database"
    inds = [  # code, name, weight, direction, lower, upper, pillar, sub-index
        ("i1", "Servers", 1, 1, None, None, "p.cap", "si.hard"),
        ("i2", "Fabs", 2, 1, None, None, "p.cap", "si.hard"),
        ("i3", "Price", 1, -1, 0, 10, "p.eff", "si.hard"),
        ("i4", "Talent", 1, 1, None, None, "p.use", "si.soft"),
        ("i5", "Policy", 1, 1, None, None, "p.use", "si.soft"),
    ]
    for k, (code, name, w, d, lo, hi, pil, sub) in enumerate(inds):
        col = 5 + k
        for row, value in ((7, w), (8, d), (9, lo), (10, hi), (11, "Index"), (12, sub), (13, pil), (14, "sp.x")):
            db.cell(row=row, column=col, value=value)
        db.cell(row=15, column=col, value=name)
        db.cell(row=16, column=col, value=code)
    units = [("Aland", "AAA"), ("Bland", "BBB"), ("Cland", "CCC"), ("Dland", "DDD")]
    values = [[10, 5, 2, 7, 1], [20, 3, 4, "n/a", 2], [5, 1, 8, 3, 3], [8, 8, 6, 9, 4]]
    if bad_cell:
        values[2][1] = "lots"
    for r, ((name, code), vals) in enumerate(zip(units, values, strict=True)):
        db.cell(row=17 + r, column=2, value=name)
        db.cell(row=17 + r, column=3, value=code)
        for k, v in enumerate(vals):
            db.cell(row=17 + r, column=5 + k, value=v)
    fr = wb.create_sheet("Framework")
    fr.cell(row=4, column=3, value="Dimension/indicator")
    for r, (code, w, name) in enumerate(
        [("Index", 1, "Toy index"), ("si.hard", 2, "Hardware"), ("si.soft", 1, "Software"), ("p.cap", 1, "Capacity")]
    ):
        fr.cell(row=5 + r, column=3, value=code)
        fr.cell(row=5 + r, column=5, value=w)
        fr.cell(row=5 + r, column=8, value=name)
    wb.save(path)


def test_coin_tool_workbook_imports_and_builds(tmp_path: Path) -> None:
    book = tmp_path / "tool.xlsx"
    coin_tool_workbook(book)
    out = api.import_coin_tool(book, tmp_path / "fw.yaml", tmp_path / "data.csv")
    assert out.data == {"framework": "tool", "indicators": 5, "units": 4}
    fw2 = config.load(tmp_path / "fw.yaml")
    assert fw2.n_levels == 4  # indicators → pillars → sub-indices → index (sp. level unused: dropped)
    assert fw2.indicator("i3").direction == -1 and fw2.indicator("i3").goalposts == (0.0, 10.0)
    assert fw2.aggregate("si.hard").weight == 2 and fw2.name_of("si.soft") == "Software"
    data = pd.read_csv(tmp_path / "data.csv")
    assert math_isnan(data.loc[1, "i4"]) and data["uCode"].tolist() == ["AAA", "BBB", "CCC", "DDD"]
    built = api.build_index(tmp_path / "fw.yaml", data=tmp_path / "data.csv")
    assert len(built.rows) == 4
    with pytest.raises(InputError, match="exists"):
        api.import_coin_tool(book, tmp_path / "fw.yaml", tmp_path / "other.csv")
    coin_tool_workbook(tmp_path / "bad.xlsx", bad_cell=True)
    with pytest.raises(InputError, match="row 19, indicator i2: 'lots' is not a number"):
        api.import_coin_tool(tmp_path / "bad.xlsx", tmp_path / "f2.yaml", tmp_path / "d2.csv")
    with pytest.raises(InputError, match="no sheet 'Database'"):
        pd.DataFrame({"a": [1]}).to_excel(tmp_path / "plain.xlsx", index=False)
        api.import_coin_tool(tmp_path / "plain.xlsx", tmp_path / "f3.yaml", tmp_path / "d3.csv")


def math_isnan(v: Any) -> bool:
    return v != v


def test_trends_compare_many_and_drop_one_aggregates(tmp_path: Path) -> None:
    tr = api.trends_table(FW, data=CSV)
    rows = {r["unit"]: r for r in tr.rows}
    assert rows["BBB"]["cagr"] == pytest.approx(rows["BBB"]["2023"] / rows["BBB"]["2022"] - 1)
    with pytest.raises(InputError, match="at least two valid years"):
        api.trends_table(FW, data=pd.read_csv(CSV).query("year == 2023"))
    raw = yaml.safe_load(FW.read_text())
    raw["steps"]["normalise"] = {"method": "rank"}
    other = tmp_path / "rank.yaml"
    other.write_text(yaml.safe_dump(raw))
    many = api.compare_many([FW, other, FW], 2023, data=CSV)
    assert many.data["versions"] == ["1:own", "2:own", "3:own"]
    for r in many.rows:
        assert r["1:own"] == r["3:own"] and r["max_rank_difference"] == abs(r["1:own"] - r["2:own"])
    two = api.compare_versions(FW, other, 2023, data=CSV)
    pairs = {r["unit"]: (r["rank_a"], r["rank_b"]) for r in two.rows}
    assert all(pairs[r["unit"]] == (r["1:own"], r["2:own"]) for r in many.rows)
    out = api.analyse_unit(FW, 2023, drop_one=True, data=CSV)
    dropped = {r["indicator"] for r in out.data["drop_one"]}
    assert {"economy", "compute", "net"} <= dropped


def test_row_imputation_in_a_build() -> None:
    raw = yaml.safe_load(FW.read_text())
    raw["steps"]["impute"] = {"method": "row_mean"}
    res = engine.build(config.parse(raw), userdata.load(CSV, config.parse(raw), 2022).panel, 2022)
    assert res.imputed.loc["BBB", "chips"] and not np.isnan(res.treated.loc["BBB", "chips"])
    # BBB's chips come from its own (scaled) value on power, the other compute indicator
    power = res.raw["power"]
    y = (power.max() - power["BBB"]) / (power.max() - power.min())  # direction −1
    chips = res.raw["chips"]
    assert res.treated.loc["BBB", "chips"] == pytest.approx(chips.min() + y * (chips.max() - chips.min()))
