"""TOP500 analysis (Python API and `strata top500` CLI) on a tiny atlas of mock lists."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from computestrata import top500
from computestrata.atlas.add import add_top500
from computestrata.errors import InputError

FIX = Path(__file__).resolve().parent / "fixtures" / "top500"
_spec = importlib.util.spec_from_file_location("top500_mock", FIX / "make_fixtures.py")
assert _spec and _spec.loader
mock: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mock)

CHINA_NOTE = "China has submitted few new systems"


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = mock.tiny_atlas(tmp_path_factory.mktemp("t5") / "atlas")
    for f in ("TOP500_199511.xls", "TOP500_202211.csv", "TOP500_202311.xlsx"):
        add_top500(FIX / f, out)
    return out  # type: ignore[no-any-return]


def test_countries_default_is_latest_list(atlas_dir: Path) -> None:
    rows = top500.countries(atlas=atlas_dir)
    assert rows.meta["list_id"] == "2023-11" and rows.source_ids == ["top500_2023_11"]
    by = {r["country_iso3"]: r for r in rows}
    assert by["KOR"]["systems"] == 100 and by["KOR"]["systems_share_pct"] == pytest.approx(20.0)
    assert by["USA"]["best_rank"] == 1 and by["CHN"]["best_rank"] == 2
    assert sum(r["systems"] for r in rows) == 500
    assert sum(r["rmax_share_pct"] for r in rows) == pytest.approx(100.0, abs=1e-3)
    assert [r["systems"] for r in rows] == sorted((r["systems"] for r in rows), reverse=True)
    assert any(CHINA_NOTE in n for n in rows.notes)


def test_country_names_follow_language(atlas_dir: Path) -> None:
    names = {r["country_iso3"]: r["country"] for r in top500.countries("2023-11", atlas_dir, lang="ko")}
    assert names["KOR"] == "대한민국"
    names = {r["country_iso3"]: r["country"] for r in top500.countries("2023-11", atlas_dir, lang="zh")}
    assert names["CHN"] == "中国"


def test_list_id_spellings_and_unknown_list(atlas_dir: Path) -> None:
    assert top500.countries("2022/11", atlas_dir).meta["list_id"] == "2022-11"
    assert top500.countries("202211", atlas_dir).meta["list_id"] == "2022-11"
    with pytest.raises(InputError) as exc:
        top500.countries("2022-12", atlas_dir)
    # a period inside the range that is not a list: its neighbours and the range, not fuzzy spellings
    assert exc.value.hint == "not in the data; nearest: 2022-11, 2023-11 (available: 1995-11 to 2023-11, 3 in all)"


def test_systems_top_n(atlas_dir: Path) -> None:
    rows = top500.systems("2023-11", top=3, atlas=atlas_dir)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert [r["name"] for r in rows] == ["System 1", "System 2", "System 3"]
    assert rows[0]["rmax_tflops"] == pytest.approx(1_194_000.0)
    assert any(CHINA_NOTE in n for n in rows.notes)  # China holds rank 2
    only_us = top500.systems("2023-11", top=1, atlas=atlas_dir)
    assert not any(CHINA_NOTE in n for n in only_us.notes)
    kor = top500.systems("2023-11", top=5, atlas=atlas_dir, country="Korea, South")
    assert {r["country_iso3"] for r in kor} == {"KOR"} and len(kor) == 5
    with pytest.raises(InputError):
        top500.systems(top=0, atlas=atlas_dir)


def test_history_series_over_lists(atlas_dir: Path) -> None:
    rows = top500.history("South Korea", atlas_dir)
    assert [r["list_id"] for r in rows] == ["1995-11", "2022-11", "2023-11"]
    assert all(r["systems"] == 100 and r["country_iso3"] == "KOR" for r in rows)
    assert rows.source_ids == ["top500_1995_11", "top500_2022_11", "top500_2023_11"]
    assert any(CHINA_NOTE in n for n in rows.notes)  # every time series carries the note
    jpn = top500.history("JPN", atlas_dir)  # a real country never on these lists: true zeros
    assert [r["systems"] for r in jpn] == [0, 0, 0] and jpn[0]["best_rank"] is None


def test_unknown_country_lists_closest(atlas_dir: Path) -> None:
    with pytest.raises(InputError) as exc:
        top500.history("Chnia", atlas_dir)
    assert "CHN (China)" in (exc.value.hint or "")


def test_cli_json_carries_rows_sources_notes(atlas_dir: Path) -> None:
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["top500", "countries", "--list", "2022-11", "--json", "--atlas", str(atlas_dir)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["list_id"] == "2022-11" and len(out["rows"]) == 8
    assert [s["source_id"] for s in out["sources"]] == ["top500_2022_11"]
    assert out["sources"][0]["license"] == "LicenseRef-TOP500-no-open-licence"
    assert any(CHINA_NOTE in n for n in out["notes"])


def test_cli_table_translated(atlas_dir: Path) -> None:
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["top500", "history", "--country", "CHN", "--lang", "zh", "--atlas", str(atlas_dir)])
    assert res.exit_code == 0, res.output
    assert "中国" in res.output and "低估" in res.output
    res = CliRunner().invoke(
        app, ["top500", "systems", "--list", "1995-11", "--top", "2", "--lang", "ko", "--atlas", str(atlas_dir)]
    )
    assert res.exit_code == 0, res.output
    assert "T3D MC1" in res.output and "순위" in res.output  # model stands in for the name


def test_cli_unknown_list_exit_code(atlas_dir: Path) -> None:
    from computestrata.cli import app

    res = CliRunner().invoke(app, ["top500", "countries", "--list", "1800-06", "--atlas", str(atlas_dir)])
    assert res.exit_code != 0 and isinstance(res.exception, InputError)
    assert res.exception.hint == "earliest TOP500 list is 1995-11 (available: 1995-11 to 2023-11, 3 in all)"
