"""What a reader sees from `strata coop pair`: a table that fits a 100-column terminal with a
short main-driver label, every driver on request (--drivers), whole mechanism names, and a
one-sided complementarity gap stated rather than read as a zero."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.cooperation import api
from computestrata.cooperation.mechanisms import mechanisms
from computestrata.errors import InputError

runner = CliRunner()
DAY = "2025-06-01"
THIRD = ["coop", "third-markets", "KOR", "CHN", "--region", "central-asia", "--date", DAY]


def test_mechanism_names_are_whole() -> None:
    """A comma inside an unquoted YAML flow mapping split the name ("Rules")."""
    names = {m["id"]: m["name"] for m in mechanisms()}
    assert names["standards_governance"]["en"] == "Rules, standards and AI governance"
    assert all(set(n) == {"en", "ko", "zh"} for n in names.values())


@pytest.mark.integration
def test_pair_table_fits_100_columns_with_a_short_driver(built_atlas: Path) -> None:
    res = runner.invoke(
        app,
        ["coop", "pair", "KOR", "CHN", "--date", DAY, "--atlas", str(built_atlas)],
        env={"COLUMNS": "100"},
    )
    assert res.exit_code == 0, res.output
    head = res.output.split("Notes")[0]
    assert "main driver" in head and "columns not shown" not in res.output
    assert all(len(line) <= 100 for line in head.splitlines())
    # the table's right edge is drawn (rich crops a table that does not fit)
    assert head.splitlines()[1].endswith("┓")


@pytest.mark.integration
def test_json_row_driver_is_a_label_and_segments_keep_every_driver(built_atlas: Path) -> None:
    res = runner.invoke(app, ["coop", "pair", "KOR", "CHN", "--date", DAY, "--json", "--atlas", str(built_atlas)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    rows = {r["segment"]: r for r in d["rows"]}
    assert all(len(r["driver"]) <= 70 for r in rows.values()), max(rows.values(), key=lambda r: len(r["driver"]))
    hbm = rows["hbm"]["driver"]
    assert "3A090.c" in hbm and "KOR→CHN" in hbm and "denial" in hbm
    assert rows["dram"]["driver"].startswith("no control") and "KOR→CHN" in rows["dram"]["driver"]
    seg = {s["segment_id"]: s for s in d["segments"]}
    assert len(seg["hbm"]["drivers"]) >= 4  # the full reasons stay in the JSON
    assert seg["hbm"]["controllability"]["rho_a_to_b"] == 1.0 and seg["hbm"]["controllability"]["rho_b_to_a"] == 0.0


@pytest.mark.integration
def test_drivers_flag_prints_every_driver(built_atlas: Path) -> None:
    res = runner.invoke(
        app,
        ["coop", "pair", "KOR", "CHN", "--date", DAY, "--drivers", "--atlas", str(built_atlas)],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "Drivers per segment KOR–CHN" in res.output
    assert "k_trade 0.569" in res.output  # the DRAM trade term, as in docs/cooperation.md


@pytest.mark.integration
def test_empty_date_is_a_clear_error(built_atlas: Path) -> None:
    """An empty --date used to fall back silently to the default date."""
    res = runner.invoke(app, ["coop", "pair", "KOR", "CHN", "--date", "", "--atlas", str(built_atlas)])
    assert isinstance(res.exception, InputError) and "malformed date" in res.exception.message


@pytest.mark.integration
@pytest.mark.parametrize(("a", "b"), [("TWN", "CHN"), ("CHN", "TWN")])
def test_one_sided_complementarity_gap_is_stated(atlas: Any, a: str, b: str) -> None:
    """No World Bank GDP for Taiwan: China→Taiwan demand is unknown, so k(CHN→TWN) is a gap and
    the known TWN→CHN value is only a lower bound — said, not silently taken as the answer."""
    r = api.pair(atlas, a, b, DAY)
    s = r.by_id()["app_logistics"]
    assert s.complementarity["value"] is not None
    assert "complementarity CHN→TWN" in s.gaps
    assert any("CHN→TWN is a gap" in d["text"] and "demand TWN" in d["text"] for d in s.drivers)
    assert any("one direction only" in n and "app_logistics" in n for n in r.notes)
    # the driver explains the known direction, never the unknown one
    runs = next(d["text"] for d in s.drivers if d["dimension"] == "complementarity")
    assert runs.startswith("runs TWN→CHN") and "TWN→CHN" in s.headline()


@pytest.mark.integration
def test_every_driver_links_to_sources_in_the_envelope(built_atlas: Path) -> None:
    """Driver citations mix source ids and citation text; ``source_ids`` names the envelope's
    records behind each driver, and every one of them is in ``sources``."""
    res = runner.invoke(app, ["coop", "pair", "KOR", "CHN", "--date", DAY, "--json", "--atlas", str(built_atlas)])
    d = json.loads(res.output)
    known = {s["source_id"] for s in d["sources"]}
    seg = {s["segment_id"]: s for s in d["segments"]}
    for s in d["segments"]:
        for dr in s["drivers"]:
            assert set(dr["source_ids"]) <= known, (s["segment_id"], dr["source_ids"])
        assert "cooperation_rules" in s["drivers"][0]["source_ids"]  # the combination rule
    hbm = [dr for dr in seg["hbm"]["drivers"] if dr["text"].startswith("KOR→CHN")]
    assert hbm and "controls_rule_dec2024_hbm" in hbm[0]["source_ids"]
    comp = next(dr for dr in seg["dram"]["drivers"] if dr["dimension"] == "complementarity")
    assert {"comtrade_semis_network", "wb_gdp_current_usd"} <= set(comp["source_ids"])
    posture = next(dr for dr in seg["dram"]["drivers"] if dr["dimension"] == "posture")
    assert "paper_an_zhou_2026" in posture["source_ids"]


@pytest.mark.integration
def test_korean_reader_sees_korean_notes_mechanisms_and_third_markets(built_atlas: Path) -> None:
    """Notes, mechanism openings, yes/no, classes in lists, income groups and control statuses
    were English under --lang ko."""
    res = runner.invoke(
        app,
        ["coop", "pair", "KOR", "CHN", "--date", DAY, "--lang", "ko", "--atlas", str(built_atlas)],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    out = res.output
    for english in ("not legal advice", "disagree with the paper", "complementarity is a gap", "memory supply-chain"):
        assert english not in out, english
    assert "법률 자문이 아님" in out and "논문" in out and "메모리 공급망 안정" in out and "dram (개방)" in out
    res = runner.invoke(
        app,
        [*THIRD, "--lang", "ko", "--atlas", str(built_atlas)],
        env={"COLUMNS": "250"},
    )
    assert res.exit_code == 0, res.output
    assert "중하위 소득" in res.output and "Lower middle income" not in res.output
    assert "KOR→KAZ free" not in res.output
    res = runner.invoke(
        app,
        [*THIRD, "--json", "--atlas", str(built_atlas)],
    )
    rows = json.loads(res.output)["rows"]  # JSON keeps the codes
    assert any(r["income_group"] == "Lower middle income" and " free" in r["controls"] for r in rows)
