"""The scenarios API the commands, the report and the dashboard share: the library folder is the
registry, titles are the reader's, a parameter text cites exactly the atlas ids it names, and
the figures the sweep command shows (rate, horizon table) come from the sweep result."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from computestrata.scenarios import api, citations, spec
from computestrata.scenarios.sweep import OutputStats, Range, SweepCore, SweepResult

LIBRARY_NAMES = sorted(p.stem for p in spec.LIBRARY.glob("*.yaml"))


class FakeAtlas:
    """Only what :func:`citations.cited_ids` needs: ``sources(ids)`` over a fixed set of ids."""

    def __init__(self, ids: set[str]) -> None:
        self.ids = ids
        self.asked: list[list[str]] = []

    def sources(self, ids: Any) -> list[dict[str, Any]]:
        wanted = sorted(ids)
        self.asked.append(wanted)
        return [{"source_id": i} for i in wanted if i in self.ids]


def fake(ids: set[str]) -> Any:
    """A :class:`FakeAtlas` where an Atlas is expected."""
    return FakeAtlas(ids)


# ---------------------------------------------------------------- the library is the registry


def test_names_are_the_library_files_baseline_first() -> None:
    names = api.names()
    assert sorted(names) == LIBRARY_NAMES
    assert names[0] == "baseline"
    assert [s.name for s in api.scenarios()] == names
    assert [r["name"] for r in api.list_scenarios()] == names


def test_a_new_library_file_is_listed_with_its_own_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a scenario is adding a YAML file: no list in a command or the dashboard to edit.
    A file without catalogue titles keeps the title it declares."""
    lib = tmp_path / "library"
    shutil.copytree(spec.LIBRARY, lib)
    (lib / "zz_test_ramp.yaml").write_text(
        "name: zz_test_ramp\ntitle: Test ramp\ndescription: a test\nextends: baseline\n", encoding="utf-8"
    )
    monkeypatch.setattr(spec, "LIBRARY", lib)
    try:
        assert api.names()[-1] == "zz_test_ramp"
        info = {s.name: s for s in api.scenarios("ko")}
        assert info["zz_test_ramp"].title == "Test ramp"
        assert info["zz_test_ramp"].parameters == info["baseline"].parameters
        assert info["baseline"].title != spec.load_scenario("baseline").title  # Korean from the catalogue
    finally:
        spec._load_cached.cache_clear()


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_shipped_titles_come_from_the_catalogue(lang: str) -> None:
    from computestrata.i18n import t

    for s in api.scenarios(lang):
        assert s.title == t(f"scenario.title.{s.name}", lang=lang)
        assert s.title != f"scenario.title.{s.name}"


def test_a_users_file_keeps_its_title_even_under_a_shipped_name() -> None:
    assert api.title("my_family", "My family") == "My family"
    assert api.title("my_family") == "my_family"
    assert api.title("baseline", "ignored", "en") != "ignored"


def test_scenario_info_rows_have_the_list_columns() -> None:
    row = api.scenarios()[0].to_dict()
    assert list(row) == ["name", "title", "control_posture", "start", "base_year", "horizon_year", "parameters"]
    no_yard = next(s for s in api.scenarios() if s.name == "no_yard")
    assert no_yard.control_posture == "no_yard" and no_yard.start is not None


# ---------------------------------------------------------------- citations


def test_cited_ids_are_atlas_ids_named_in_the_text() -> None:
    at = fake({"top500_2024_11", "epoch_ml_hardware"})
    texts = [
        "judgement, cf. top500_2024_11.",  # a full stop ends the sentence, not the id
        "epoch_ml_hardware gives the per-chip performance: see epoch_ml_hardware",
        "judgement: no open series",
        "",
    ]
    assert citations.cited_ids(at, texts) == ["epoch_ml_hardware", "top500_2024_11"]
    assert citations.cited_ids(at, ["judgement only"]) == []
    assert citations.cited_ids(at, []) == []


def test_show_rows_notes_and_sources() -> None:
    s = spec.load_scenario("baseline")
    ids = {w for p in s.parameters.values() for w in citations.SOURCE_TOKEN.findall(p.source)}
    known = sorted(ids)[:3]
    sheet = api.show(fake(set(known)), "baseline")
    assert [r["parameter"] for r in sheet.rows] == list(s.parameters)
    assert sheet.source_ids == known
    assert sheet.notes[-1] == s.description
    assert api.show(fake(set()), s).rows == sheet.rows  # a loaded scenario works too


def test_show_refuses_an_unknown_scenario_before_reading_the_atlas() -> None:
    from computestrata.errors import InputError

    at: Any = FakeAtlas(set())
    with pytest.raises(InputError, match="nosuch"):
        api.show(at, "nosuch")
    assert at.asked == []


# ---------------------------------------------------------------- run table


def _runs(pair: tuple[str, str]) -> api.Runs:
    return api.Runs(scenarios=[], pair=pair, source_ids=[])


@pytest.mark.parametrize(("a", "dropped"), [("USA", True), ("CHN", True), ("KOR", False), ("JPN", False)])
def test_run_columns_drop_share_a_only_when_it_repeats_a_column(a: str, dropped: bool) -> None:
    rows = [{"scenario": "x", "share_usa": 0.5, "share_chn": 0.2, "share_a": 0.1, "open": 0.4}]
    cols = _runs((a, "CHN" if a != "CHN" else "USA")).columns(rows)
    assert ("share_a" not in cols) is dropped
    assert [c for c in cols if c != "share_a"] == ["scenario", "share_usa", "share_chn", "open"]
    assert _runs((a, "X")).columns([]) == []


# ---------------------------------------------------------------- sweep result


def _stat(name: str) -> OutputStats:
    return OutputStats(name, 1.0, 0.5, 1.0, 1.5, 0, {"g": 0.3}, {"g": 0.4})


def _sweep(outputs: list[str], seconds: float, evaluations: int = 600, to_year: int = 2027) -> SweepResult:
    core = SweepCore(
        parameters=[Range("g", 1.0, 0.5, 1.5)],
        sampled=["g"],
        n_base=8,
        evaluations=evaluations,
        seed=0,
        outputs=[_stat(n) for n in outputs],
        executor="local",
        n_workers=2,
        seconds=seconds,
    )
    return SweepResult("baseline", ("KOR", "CHN"), to_year, core, [], [], [])


def test_evaluations_per_minute() -> None:
    assert _sweep(["a.2027"], 30.0).core.evaluations_per_minute == pytest.approx(1200.0)
    assert math.isnan(_sweep(["a.2027"], 0.0).core.evaluations_per_minute)


def test_horizon_rows_keep_the_last_year_and_say_how_many_were_left_out() -> None:
    res = _sweep(["share.USA.2026", "share.USA.2027", "hhi.2026", "hhi.2027"], 1.0)
    rows, note = res.horizon_rows()
    assert [r["output"] for r in rows] == ["share.USA.2027", "hhi.2027"]
    assert note is not None and "2" in note and "4" in note and "2027" in note
    assert len(res.rows()) == 4  # every year stays in the full rows
    # all of the last year, or none of it: the rows as they are, no note
    assert _sweep(["hhi.2027"], 1.0).horizon_rows() == (_sweep(["hhi.2027"], 1.0).rows(), None)
    assert _sweep(["custom"], 1.0).horizon_rows()[1] is None


def test_executor_note_states_the_rate() -> None:
    from computestrata.i18n import use_lang

    with use_lang("en"):
        note = _sweep(["a.2027"], 30.0).executor_note()
    assert "local" in note and "1,200" in note and "30.0" in note


def test_api_sweep_is_the_engine() -> None:
    """The command, the report and the dashboard get one sweep function from the API."""
    import inspect

    from computestrata.scenarios import sweep as engine

    assert api.SweepResult is engine.SweepResult
    assert inspect.signature(api.sweep).parameters.keys() == inspect.signature(engine.sweep).parameters.keys()
