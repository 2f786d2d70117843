"""`strata coop …`: the JSON envelope, languages, and bad input (clear message, exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.cooperation import config
from computestrata.errors import InputError

pytestmark = pytest.mark.integration
runner = CliRunner()


def _run(built_atlas: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STRATA_ATLAS": str(built_atlas)}
    return subprocess.run(
        [sys.executable, "-m", "computestrata.cli", "coop", *args], capture_output=True, text=True, env=env, check=False
    )


def test_pair_json_envelope(built_atlas: Path) -> None:
    res = runner.invoke(
        app, ["coop", "pair", "KOR", "CHN", "--date", "2025-06-01", "--json", "--atlas", str(built_atlas)]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    for key in ("title", "rows", "sources", "notes", "segments", "summary", "asymmetry", "mechanisms", "paper_check"):
        assert key in d, key
    seg = d["segments"][0]
    for key in ("segment_id", "layer", "class", "score", "controllability", "complementarity", "posture", "drivers"):
        assert key in seg
    assert {"L1", "L5", "all"} <= set(d["summary"]) and d["summary"]["all"]["share_of_value"]["open"] is not None
    ids = {s["source_id"] for s in d["sources"]}
    assert {"comtrade_semis_network", "cset_chip_explorer_provision", "cooperation_rules"} <= ids
    mech = {m["mechanism"]: m for m in d["mechanisms"]}
    assert mech["industrial_chain"]["supported"] and mech["ai_applications"]["supported"]
    assert any("gCO2/kWh" in e for e in mech["green_compute"]["evidence"])


@pytest.mark.parametrize(("lang", "word"), [("ko", "개방"), ("zh", "开放")])
def test_pair_in_korean_and_chinese(built_atlas: Path, lang: str, word: str) -> None:
    res = runner.invoke(
        app, ["coop", "pair", "한국", "中国", "--date", "2025-06-01", "--lang", lang, "--atlas", str(built_atlas)]
    )
    assert res.exit_code == 0, res.output
    assert word in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pair", "KOR", "KOR", "--date", "2025-06-01"], "the same"),
        (["pair", "KOR", "XYZ", "--date", "2025-06-01"], "closest"),
        (["pair", "KOR", "CHN", "--date", "2040-01-01"], "outside the range"),
        (["third-markets", "KOR", "CHN", "--region", "atlantis", "--date", "2025-06-01"], "unknown --region"),
        (["timeline", "KOR", "CHN", "--from", "2026", "--to", "2023"], "after --to"),
        (["matrix", "--countries", "KOR", "--date", "2025-06-01"], "at least two"),
        (["timeline", "KOR", "CHN", "--from", "1900"], "--from 1900 is before 2018"),
        (["matrix", "--countries", "KOR,,CHN", "--date", "2025-06-01"], "--countries KOR,CHN"),
        (["matrix", "--countries", ",", "--date", "2025-06-01"], "--countries is empty"),
    ],
)
def test_bad_input_exit_2(built_atlas: Path, args: list[str], message: str) -> None:
    proc = _run(built_atlas, *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_malformed_rules_file_exit_2(built_atlas: Path, tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(config.default_path().read_text(encoding="utf-8"))
    data["weights"]["posture"] = 0.9
    bad = tmp_path / "w.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    proc = _run(built_atlas, "pair", "KOR", "CHN", "--date", "2025-06-01", "--rules", str(bad))
    assert proc.returncode == 2 and str(bad) in proc.stderr and "weights" in proc.stderr


def test_matrix_parquet_written_aside(built_atlas: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.parquet"
    res = runner.invoke(
        app,
        [
            "coop",
            "matrix",
            "--countries",
            "KOR,CHN,USA",
            "--date",
            "2025-06-01",
            "--parquet",
            str(out),
            "--atlas",
            str(built_atlas),
        ],
    )
    assert res.exit_code == 0, res.output
    import pandas as pd

    assert len(pd.read_parquet(out)) == 6
    res = runner.invoke(
        app,
        [
            "coop",
            "matrix",
            "--countries",
            "KOR,CHN",
            "--date",
            "2025-06-01",
            "--parquet",
            str(tmp_path),
            "--atlas",
            str(built_atlas),
        ],
    )
    assert isinstance(res.exception, InputError)


def test_same_country_twice_is_refused_in_the_reader_s_language() -> None:
    """The same country twice names the country and is shown in Korean and Chinese too."""
    from computestrata.cooperation.api import check_pair
    from computestrata.errors import InputError

    with pytest.raises(InputError) as err:
        check_pair(None, "KOR", "KOR")
    assert "KOR" in err.value.message and "two" in err.value.message
    ko, ko_hint = err.value.shown("ko")
    zh, _ = err.value.shown("zh")
    assert "KOR" in ko and "국가" in ko and ko_hint and "KOR CHN" in ko_hint
    assert "KOR" in zh and "国家" in zh
