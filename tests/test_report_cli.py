"""`strata report`: JSON result, the pair and language options, bad input exits 2 with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError

runner = CliRunner()


@pytest.fixture
def coop_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the cooperation section (under a second): the other sections are tested elsewhere."""
    from computestrata.report import api

    everything = api._sections
    monkeypatch.setattr(api, "_sections", lambda: [s for s in everything() if s[0] == "cooperation"])


@pytest.mark.integration
def test_json_result_names_the_page_and_the_pair(built_atlas: Path, tmp_path: Path, coop_only: None) -> None:
    out = tmp_path / "r"
    args = ["report", "--out", str(out), "--atlas", str(built_atlas), "--json", "--lang", "zh"]
    res = runner.invoke(app, [*args, "--pair", "USA", "日本", "--date", "2025-06-01"])
    assert res.exit_code == 0, (res.output, res.exception)
    d = json.loads(res.output)
    assert d["path"] == str(out / "index.html") and Path(d["path"]).is_file()
    assert d["lang"] == "zh" and d["sections"] == ["cooperation"] and d["unknown_source_ids"] == []
    page = Path(d["path"]).read_text(encoding="utf-8")
    assert "USA 与 JPN" in page and "2025年6月1日" in page  # the pair resolved from a Chinese name; date via Babel


@pytest.mark.integration
@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--pair", "KOR", "Atlantis"], "Atlantis"),
        (["--date", "1990-01-01"], "1990-01-01"),
        (["--date", "someday"], "someday"),
        (["--lang", "fr"], "fr"),
    ],
)
def test_bad_input_writes_nothing(
    built_atlas: Path, tmp_path: Path, coop_only: None, extra: list[str], match: str
) -> None:
    out = tmp_path / "r"
    res = runner.invoke(app, ["report", "--out", str(out), "--atlas", str(built_atlas), *extra])
    assert isinstance(res.exception, InputError) and match in str(res.exception.message)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_existing_project_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine")
    res = runner.invoke(app, ["report", "--out", str(tmp_path)])
    assert isinstance(res.exception, InputError) and "refusing to overwrite" in res.exception.message
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]
