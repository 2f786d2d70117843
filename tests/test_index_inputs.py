"""Bad numbers and years given to `strata index` (and its API) are refused with the fix;
valid years are the ones the framework's own screening can carry; text shown is translated."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError
from computestrata.i18n import catalog, set_lang
from computestrata.measure.index import (
    analyse_unit,
    build_index,
    compare_versions,
    config,
    list_frameworks,
    sensitivity_table,
    synthetic,
    uncertainty_table,
    years,
)
from computestrata.measure.index import uncertainty as ua
from computestrata.measure.index.config import Framework
from computestrata.measure.index.engine import Panel
from test_index_cli import tiny_atlas, user_yaml

runner = CliRunner()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("index_inputs")
    return tiny_atlas(root), user_yaml(root)


def _exit_code(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    from computestrata.cli import main

    monkeypatch.setattr(sys, "argv", ["strata", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    return int(exc.value.code or 0)


# --- --n: replications and base samples --------------------------------------------------


@pytest.mark.parametrize("command", ["uncertainty", "sensitivity"])
@pytest.mark.parametrize("n", ["-5", "0", "7"])
def test_too_small_n_is_refused_not_replaced(
    setup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any, command: str, n: str
) -> None:
    atlas, fw = setup
    args = ["index", command, "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--n", n]
    res = runner.invoke(app, args)
    assert isinstance(res.exception, InputError), res.output  # not a numpy traceback, not the default run
    assert f"--n must be at least {ua.MIN_N} (got {n})" in str(res.exception)
    assert "power of two" in str(res.exception.hint)
    assert _exit_code(args, monkeypatch) == 2
    assert f"Error: --n must be at least {ua.MIN_N} (got {n})" in capsys.readouterr().err


def test_api_functions_check_n_themselves() -> None:
    fw = synthetic.framework(n_ind=6, pillars=2, subindices=0)
    panel = synthetic.panel(units=12, n_ind=6, seed=1)
    for bad in (-5, 0, 3):
        with pytest.raises(InputError, match=rf"--n must be at least 8 \(got {bad}\)"):
            uncertainty_table(fw, 2023, n=bad, panel=panel)
        with pytest.raises(InputError, match="at least 8"):
            sensitivity_table(fw, 2023, n=bad, panel=panel)
        with pytest.raises(InputError, match="at least 8"):
            ua.run_ua(fw, panel, 2023, n=bad)
        with pytest.raises(InputError, match="at least 8"):
            ua.run_sa(fw, panel, 2023, n=bad)
    with pytest.raises(InputError, match="at most"):
        ua.check_n(ua.MAX_N["replications"] + 1, 1024)
    with pytest.raises(InputError, match="whole number"):
        ua.check_n(2.5, 1024)  # type: ignore[arg-type]
    assert ua.check_n(None, 4096) == (4096, None)
    n, note = ua.check_n(100, 4096)
    assert n == 128 and note is not None and "100 rounded up to 128" in note


def test_rounded_n_is_said_in_the_output() -> None:
    fw = synthetic.framework(
        n_ind=6, pillars=2, subindices=0, uncertainty={"factors": {"normalise": ["minmax", "rank"]}}
    )
    panel = synthetic.panel(units=12, n_ind=6, seed=1)
    out = uncertainty_table(fw, 2023, n=100, panel=panel)
    assert out.data["replications"] == 128
    assert any("100 rounded up to 128" in n for n in out.notes)


def test_framework_uncertainty_counts_are_checked() -> None:
    raw = synthetic.framework_dict(n_ind=4, pillars=2, subindices=0)
    for key, value, needle in (
        ("n", 0, "uncertainty.n"),
        ("n", 4, "uncertainty.n"),
        ("factors", {"data_noise": {"draws": -3}}, "draws"),
        ("factors", {"weights": {"noise": 0.1, "sets": 0, "levels": [2]}}, "sets"),
    ):
        with pytest.raises(InputError, match=needle):
            config.parse({**raw, "uncertainty": {key: value}})


# --- other numeric options ----------------------------------------------------------------


@pytest.mark.parametrize("level", ["0", "-1", "4"])
def test_bad_level_is_refused(setup: tuple[Path, Path], level: str) -> None:
    atlas, fw = setup
    res = runner.invoke(app, ["index", "build", "-f", str(fw), "-y", "2022", "--atlas", str(atlas), "--level", level])
    assert isinstance(res.exception, InputError)
    assert f"--level must be between 1 and 3 (got {level})" in str(res.exception)


@pytest.mark.parametrize(
    "extra",
    [
        ["build", "-y", "0"],
        ["build", "-y", "-2022"],
        ["uncertainty", "-y", "0", "--n", "8"],
        ["analyse", "-y", "0"],
        ["compare", "-y", "2022", "--other-year", "0"],
    ],
)
def test_zero_or_negative_years_are_refused(setup: tuple[Path, Path], extra: list[str]) -> None:
    atlas, fw = setup
    cmd, *rest = extra
    args = ["index", cmd, "-f", str(fw), "--atlas", str(atlas), *rest]
    if cmd == "compare":
        args += ["--other", str(fw)]
    res = runner.invoke(app, args)
    assert isinstance(res.exception, InputError), res.output
    assert "cannot be built for this year" in str(res.exception)
    assert "valid years: 2021–2022" in str(res.exception.hint)


# --- valid years --------------------------------------------------------------------------


def _framework(thin: bool = False) -> Framework:
    return config.parse(
        {
            "id": "yrs",
            "indicators": [
                {"id": "a1", "source": "S|a1", "parent": "pa"},
                {"id": "a2", "source": "S|a2", "parent": "pa"},
                {"id": "b1", "source": "S|b1", "parent": "pb"},
            ],
            "aggregates": [
                {"id": "pa", "parent": "yrs"},
                {"id": "pb", "parent": "yrs", **({"thin": "declared thin"} if thin else {})},
                {"id": "yrs"},
            ],
            "steps": {
                "impute": {"method": "mean", "panel": "panel_locf", "max_age": 3},
                "outliers": {"method": "none"},
            },
        },
        origin="test",
    )


def _panel(observed: dict[int, list[str]]) -> Panel:
    """Six units; in each year only the listed indicators have values."""
    rows = [
        (u, y, ind, float(10 * k + len(ind) + y % 7), None, None, f"src_{ind}_{y}")
        for y, inds in observed.items()
        for ind in inds
        for k, u in enumerate("ABCDEF")
    ]
    return Panel(pd.DataFrame(rows, columns=["unit", "year", "indicator", "value", "p5", "p95", "source_id"]))


def test_a_year_carried_forward_is_not_valid() -> None:
    fw = _framework()
    # 2021: only a1 observed, the rest would be carried forward from 2020 (panel_locf)
    # 2022: a1 and a2 (2/3 ≥ 66% of indicators) but pillar pb has nothing of its own
    # 2023: everything observed
    panel = _panel({2020: ["a1", "a2", "b1"], 2021: ["a1"], 2022: ["a1", "a2"], 2023: ["a1", "a2", "b1"]})
    assert years.valid_years(fw, panel) == [2020, 2023]
    for year in (2021, 2022, 1990, 0):
        with pytest.raises(InputError, match=rf"--year {year}: yrs cannot be built") as exc:
            build_index(fw, year, panel=panel)
        assert "valid years: 2020, 2023" in str(exc.value.hint)
        assert "not carried-forward" in str(exc.value.hint)
    # a pillar declared thin may be empty in a year
    assert years.valid_years(_framework(thin=True), panel) == [2020, 2022, 2023]


def test_no_year_given_uses_the_latest_valid_year_and_says_so() -> None:
    fw = _framework()
    panel = _panel({2020: ["a1", "a2", "b1"], 2021: ["a1", "a2", "b1"], 2022: ["a1"]})
    for out in (
        build_index(fw, panel=panel),
        uncertainty_table(fw, panel=panel, n=8),
        analyse_unit(fw, panel=panel),
        compare_versions(fw, fw, panel=panel),
    ):
        assert out.data["year"] == "2021"
        assert any("no --year given: 2021 is used" in n for n in out.notes), out.notes
    given = build_index(fw, 2020, panel=panel)
    assert not any("no --year given" in n for n in given.notes)


def test_year_ranges_are_collapsed() -> None:
    assert years._span([2010, 2011, 2012, 2015, 2017, 2018]) == "2010–2012, 2015, 2017–2018"


@pytest.mark.integration
def test_shipped_frameworks_refuse_years_without_own_data(built_atlas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from computestrata.atlas import store
    from computestrata.measure.index import indicators

    at = store.open(built_atlas)
    for name in config.shipped():
        panel, fw, _ = indicators.load_panel(at, config.load(name))
        valid = years.valid_years(fw, panel)
        assert 2023 in valid and 1990 not in valid, (name, valid)
        assert not {2025, 2026} & set(valid), (name, valid)  # carried forward or not over
    for year in ("1990", "2026", "2099"):
        args = ["index", "build", "-f", "gci", "-y", year, "--atlas", str(built_atlas)]
        res = runner.invoke(app, args)
        assert isinstance(res.exception, InputError), res.output
        assert "2026" not in str(res.exception.hint).split("(")[0]
        assert _exit_code(args, monkeypatch) == 2
    res = runner.invoke(app, ["index", "build", "-f", "gci", "--atlas", str(built_atlas), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    latest = years.valid_years(*indicators.load_panel(at, config.load("gci"))[1::-1])[-1]
    assert data["year"] == str(latest)
    assert any(f"no --year given: {latest} is used" in n for n in data["notes"])


# --- text in the reader's language ----------------------------------------------------------


def test_shipped_framework_texts_have_every_language() -> None:
    for name in config.shipped():
        fw = config.load(name)
        assert set(fw.description) == {"en", "ko", "zh"}, name
        for ind in fw.indicators:
            texts = ind.stands_for if ind.available else ind.unavailable_reason
            assert set(texts) == {"en", "ko", "zh"}, (name, ind.id)
            assert len(set(texts.values())) == 3, (name, ind.id)


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_framework_detail_has_no_english_prose(lang: str) -> None:
    set_lang(lang)
    fw = config.load("gci")
    out = list_frameworks("gci")
    shown = " ".join(out.notes) + " ".join(str(v) for r in out.rows for v in r.values())
    assert fw.description["en"] not in shown and fw.description[lang] in shown
    for ind in fw.indicators:
        english = (ind.stands_for or ind.unavailable_reason)["en"]
        assert english not in shown, ind.id
    res = runner.invoke(app, ["index", "frameworks", "-f", "gci", "--lang", lang])
    text = "".join(res.output.split())
    assert "proprietary" not in text and "Fourgcidimensions" not in text.lower()


def test_factor_ids_show_as_words_in_tables_and_stay_ids_in_json() -> None:
    unc = {"seed": 5, "factors": {"normalise": ["minmax", "rank"], "aggregate": {2: ["arithmetic", "geometric"]}}}
    fw = synthetic.framework(n_ind=6, pillars=2, subindices=0, uncertainty=unc)
    panel = synthetic.panel(units=20, n_ind=6, seed=1)
    set_lang("ko")
    out = sensitivity_table(fw, 2023, n=16, panel=panel)
    assert [r["uncertain_factor"] for r in out.rows] == ["normalise", "aggregate_L2"]  # ids in data
    assert out.cells["uncertain_factor"] == {"normalise": "정규화 방법", "aggregate_L2": "집계 방법(2수준)"}
    ua_out = uncertainty_table(fw, 2023, n=16, panel=panel)
    assert ua_out.cells["factors"]["aggregate_L2"] == "집계 방법(2수준)"


def test_drop_one_note_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    from computestrata.measure.index import analysis

    fw = synthetic.framework(n_ind=6, pillars=2, subindices=0)
    panel = synthetic.panel(units=12, n_ind=6, seed=1)
    real = analysis.build

    def fails_without_x00(f: Any, p: Any, y: int, prep: Any = None) -> Any:
        if not f.indicator("x00").available:
            raise InputError("index synthetic: no indicator has enough data")
        return real(f, p, y, prep)

    monkeypatch.setattr(analysis, "build", fails_without_x00)
    set_lang("zh")
    rows = {r["indicator"]: r for r in analyse_unit(fw, 2023, drop_one=True, panel=panel).data["drop_one"]}
    assert rows["x00"]["note"] == catalog()["index.note.drop_one_failed"]["zh"]
    assert rows["x00"]["mean_abs_shift"] is None and "no indicator" in rows["x00"]["reason"]
    assert rows["x01"]["note"] == "" and rows["x01"]["mean_abs_shift"] is not None


def test_tables_show_pillar_names_and_json_keeps_ids(setup: tuple[Path, Path]) -> None:
    atlas, fw = setup
    base = ["index", "build", "-f", str(fw), "-y", "2022", "--atlas", str(atlas)]
    shown = runner.invoke(app, [*base, "--lang", "ko"])
    assert shown.exit_code == 0, shown.output
    # the header may wrap ("지수" over "점수") however the shared table renderer sizes columns
    assert "지수" in shown.output and "점수" in shown.output and "연도" in shown.output
    data = json.loads(runner.invoke(app, [*base, "--json"]).output)
    assert set(data["rows"][0]) == {"index_rank", "unit", "index_score", "economy", "green"}
    fw_named = synthetic.framework(n_ind=6, pillars=2, subindices=0)
    out = build_index(fw_named, 2023, panel=synthetic.panel(units=12, n_ind=6, seed=1))
    assert out.labels == {"p0": "pillar 0", "p1": "pillar 1"}  # pillar columns headed by name
    assert {"p0", "p1"} <= set(out.rows[0])


def test_index_catalogue_keys_cannot_collide() -> None:
    from importlib import resources

    import yaml

    text = (resources.files("computestrata.i18n") / "catalog" / "index.yaml").read_text(encoding="utf-8")
    keys = list(yaml.safe_load(text))
    shared = {"col.seconds"}  # shown by `strata atlas build`; documented in index.yaml
    assert keys and all(k.startswith("index.") for k in keys if k not in shared)
    assert set(keys) <= set(catalog())  # the merged catalogue loads, with every index key in it
