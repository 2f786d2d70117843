"""QA pass 2 (index): year screening after ``--exclude-license`` (N3); ``index frameworks``
accepts the option (#9); plain tables round numpy floats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.measure.index import api
from computestrata.measure.index.cli import _number


@pytest.mark.integration
def test_a_year_thinned_by_the_licence_filter_is_refused(built_atlas: Path) -> None:
    ok = api.build_index("gci", 2023, built_atlas)  # valid without the filter
    assert ok.rows
    with pytest.raises(InputError) as exc:
        api.build_index("gci", 2023, built_atlas, exclude_license=["CC-BY-4.0"])
    assert "once licences CC-BY-4.0 are excluded" in exc.value.message
    assert "h100e" in exc.value.message
    assert exc.value.hint is not None and "licence filter is why" in exc.value.hint


@pytest.mark.integration
def test_a_filter_that_hides_nothing_needed_keeps_the_year(built_atlas: Path) -> None:
    res = api.build_index("gci", 2023, built_atlas, exclude_license=["Unicode-3.0"])
    assert res.data["year"] == "2023"


@pytest.mark.integration
def test_frameworks_accepts_and_checks_exclude_license(built_atlas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATA_ATLAS", str(built_atlas))
    run = CliRunner().invoke(app, ["index", "frameworks", "--exclude-license", "CC-BY-4.0", "--json"])
    assert run.exit_code == 0, run.output
    notes = json.loads(run.output)["notes"]
    assert any("does not change this listing" in n for n in notes)
    bad = CliRunner().invoke(app, ["index", "frameworks", "--exclude-license", "NOPE-1.0"])
    assert isinstance(bad.exception, InputError) and "matches no source" in bad.exception.message


def test_plain_cells_round_numpy_floats() -> None:
    import numpy as np

    assert _number(np.float64(82.7286449)) == "82.73"
    assert _number(np.float64(0.001234)) == "0.0012"
    assert _number(3) == 3 and _number("USA") == "USA" and _number(float("nan")) is None
