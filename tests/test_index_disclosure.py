"""What a result discloses about itself: thin pillars as documented, declared-but-unavailable
indicators with their reasons, the published index a framework is an analogue of, the user's
own files as cited sources, and errors that name the cell and speak the reader's language."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.i18n import t
from computestrata.measure.index import api, config, userdata

HERE = Path(__file__).parent / "fixtures" / "index"
CSV = HERE / "own.csv"
FW = HERE / "own.yaml"
runner = CliRunner()


def own(**top: Any) -> dict[str, Any]:
    raw = yaml.safe_load(FW.read_text(encoding="utf-8"))
    raw.update(top)
    return raw


def written(tmp_path: Path, raw: dict[str, Any], name: str = "fw.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


# --- 1. thin pillars: documented exactly, none required -----------------------------------------


def test_a_well_covered_framework_has_no_thin_pillar_and_nothing_undocumented() -> None:
    fw = config.load(FW)  # two pillars, two available indicators each
    assert fw.thin_pillars() == []
    assert fw.undocumented_thin_pillars() == []


def test_a_one_indicator_pillar_must_say_why_it_is_thin() -> None:
    raw = own()
    raw["indicators"].append({"id": "extra", "parent": "lonely"})
    raw["aggregates"].insert(0, {"id": "lonely", "parent": "index"})
    assert config.parse(raw).undocumented_thin_pillars() == ["lonely"]
    raw["aggregates"][0]["thin"] = {"en": "one open indicator"}
    fw = config.parse(raw)
    assert fw.undocumented_thin_pillars() == []
    assert [x["node"] for x in fw.thin_pillars()] == ["lonely"]


def test_shipped_frameworks_document_exactly_their_thin_pillars() -> None:
    for name in config.shipped():
        fw = config.load(name)
        assert fw.undocumented_thin_pillars() == [], name
        assert {x["node"] for x in fw.thin_pillars()} == {a.id for a in fw.aggregates if a.thin}, name


# --- 2. declared-but-unavailable indicators are named, with their reason -------------------------


def test_unavailable_indicators_are_named_with_their_reason(tmp_path: Path) -> None:
    raw = own()
    raw["indicators"].append(
        {
            "id": "fabs",
            "parent": "compute",
            "available": False,
            "unavailable_reason": {
                "en": "fab capacity is proprietary",
                "ko": "팹 용량은 독점 자료",
                "zh": "晶圆厂产能为专有数据",
            },
        }
    )
    path = written(tmp_path, raw)
    out = api.build_index(path, data=CSV, year=2023)
    note = next(n for n in out.notes if "fabs" in n)
    assert "fab capacity is proprietary" in note
    for fn in (api.analyse_unit, api.weights_table, api.trends_table):
        res = fn(path, node="index", data=CSV) if fn is api.trends_table else fn(path, year=2023, data=CSV)
        assert any("fabs" in n and "proprietary" in n for n in res.notes), fn.__name__
    cli = runner.invoke(app, ["index", "build", "-f", str(path), "--data", str(CSV), "--json", "--lang", "ko"])
    assert cli.exit_code == 0, cli.output
    assert any("팹 용량은 독점 자료" in n for n in json.loads(cli.output)["notes"])
    assert not any("fabs" in n for n in api.build_index(FW, data=CSV, year=2023).notes)  # none declared: no note


def test_frameworks_listing_gives_each_unavailable_reason() -> None:
    rows = api.list_frameworks().rows
    gci = {r["pillar"]: r for r in rows if r["framework"] == "gci"}
    assert "server_shipments" in gci["capacity"]["unavailable"]
    assert "server_shipments: IDC server shipment data" in gci["capacity"]["unavailable_reason"]
    assert all(bool(r["unavailable"]) == bool(r["unavailable_reason"]) for r in rows)


# --- 3. "open-data analogue" only where the framework says so -----------------------------------


def test_analogue_note_follows_the_framework_key(tmp_path: Path) -> None:
    assert not any("analogue" in n for n in api.build_index(FW, data=CSV, year=2023).notes)
    path = written(tmp_path, own(analogue_of={"en": "the Example Index", "ko": "예시 지수", "zh": "示例指数"}))
    notes = api.build_index(path, data=CSV, year=2023).notes
    assert notes[0] == t("index.note.open_analogue", name="the Example Index")
    for name in config.shipped():
        assert config.load(name).analogue_of.keys() >= {"en", "ko", "zh"}, name


def test_analogue_of_is_schema_checked() -> None:
    with pytest.raises(InputError, match="analogue_of"):
        config.parse(own(analogue_of=[1, 2]))


# --- 4. init names the bad cell -----------------------------------------------------------------


def test_init_names_path_row_and_column_of_a_bad_cell(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,year,fabs,chips\nAAA,2023,1,2\nBBB,2023,abc,3\nCCC,2023,3,4\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        userdata.starter(bad)
    assert exc.value.message == f"data file {bad}: row 3, column 'fabs': 'abc' is not a number"
    out = runner.invoke(app, ["index", "init", "--data", str(bad), "--out", str(tmp_path / "x.yaml")])
    assert isinstance(out.exception, InputError) and "row 3, column 'fabs'" in out.exception.message
    assert not (tmp_path / "x.yaml").exists()
    text = tmp_path / "text.csv"  # a column of words is a group column, not an error
    text.write_text("unit,year,region,chips\nAAA,2023,north,2\nBBB,2023,south,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"data file {text}: fewer than two numeric"):
        userdata.starter(text)


# --- 5. the user's own files are cited ------------------------------------------------------------


def test_own_data_and_framework_files_are_cited() -> None:
    out = api.build_index(FW, data=CSV, year=2023)
    recs = {r["source_id"]: r for r in out.extra_sources}
    assert recs["user_data"]["sha256"] == hashlib.sha256(CSV.read_bytes()).hexdigest()
    assert recs["user_data"]["rows"] == 12 and recs["user_data"]["path"] == str(CSV)
    assert recs["user_framework:own"]["sha256"] == hashlib.sha256(FW.read_bytes()).hexdigest()
    cli = runner.invoke(app, ["index", "build", "-f", str(FW), "--data", str(CSV), "--json"])
    assert cli.exit_code == 0, cli.output
    assert {s["source_id"] for s in json.loads(cli.output)["sources"]} == {"user_data", "user_framework:own"}


def test_a_dataframe_is_cited_without_a_path() -> None:
    import pandas as pd

    out = api.build_index(FW, data=pd.read_csv(CSV), year=2023)
    rec = next(r for r in out.extra_sources if r["source_id"] == "user_data")
    assert rec["rows"] == 12 and "path" not in rec


# --- 6. errors in the reader's language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["build", "-f", str(FW), "--data", str(CSV), "--year", "1990"], "index.error.data_year"),
        (["build", "-f", "gci", "--year", "1990"], "index.error.bad_year"),
        (["uncertainty", "-f", str(FW), "--data", str(CSV), "--n", "3"], "index.error.n_low"),
        (["build", "-f", "nowhere.yaml"], "index.error.framework_missing"),
        (["build", "-f", str(FW), "--data", "nowhere.csv"], "index.error.data_missing"),
        (["uncertainty", "-f", str(FW), "--data", str(CSV), "--samples-in", "nowhere.csv"], "index.error.samples_in"),
        (
            ["import-coin-tool", "nowhere.xlsx", "--framework-out", "a.yaml", "--data-out", "a.csv"],
            "index.error.coin_missing",
        ),
    ],
)
@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_errors_are_translated(args: list[str], key: str, lang: str) -> None:
    out = runner.invoke(app, ["index", *args, "--lang", lang])
    assert isinstance(out.exception, InputError), out.output
    assert out.exception.key == key
    message, hint = out.exception.shown(lang)
    # the longest fixed part of the translated message (between its {placeholders})
    stem = max(t(key, lang=lang).replace("}", "{").split("{")[::2], key=len).strip(" :：")
    assert stem and stem in message and hint
    assert message != out.exception.message  # not the English text


def test_a_bad_cell_is_named_in_korean(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text(CSV.read_text(encoding="utf-8").replace("5.5", "n/a?"), encoding="utf-8")
    cmd = [sys.executable, "-m", "computestrata.cli", "index", "build", "-f", str(FW), "--data", str(bad)]
    run = subprocess.run([*cmd, "--lang", "ko"], capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "2행, 'net' 열: 'n/a?'은(는) 숫자가 아닙니다" in run.stderr
