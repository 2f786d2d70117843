"""Bad options of `strata measure …` are clear InputErrors naming the option, never a silent result.

QA defects #6 (unknown `--without` unit reported as a check that ran), #11 (negative `--top`,
`--since` after `--until` or past the data, negative `--seed`) and #26 (`--kind basic`).
Runs on a tiny hand-made atlas (the Table 1 fixture plus country tables).
"""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from computestrata.atlas import store
from computestrata.atlas.build import write_atlas
from computestrata.errors import InputError
from computestrata.measure import coreperiphery as cp
from computestrata.measure import estimates as es
from computestrata.measure import montecarlo as mc
from computestrata.measure import stratification as st
from computestrata.measure import table1 as t1
from test_measure_table1 import tiny_tables


def country_tables() -> dict[str, pd.DataFrame]:
    """The atlas country tables for the countries of the tiny atlas (with ko/zh names)."""
    names = {
        "USA": ("United States", ["united states", "usa", "미국", "美国"]),
        "CHN": ("China", ["china", "中国", "중국"]),
        "JPN": ("Japan", ["japan", "日本", "일본"]),
        "DEU": ("Germany", ["germany", "독일", "德国"]),
        "FRA": ("France", ["france", "프랑스", "法国"]),
        "KOR": ("Korea, Republic of", ["korea", "south korea", "한국", "韩国"]),
        "TUV": ("Tuvalu", ["tuvalu"]),
    }
    countries = pd.DataFrame([{"iso3": k, "name_en": v[0], "source_id": "top500"} for k, v in names.items()])
    aliases = pd.DataFrame([{"alias_key": a, "iso3": k} for k, v in names.items() for a in v[1]])
    return {"countries": countries, "country_aliases": aliases}


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("measure_opts") / "atlas"
    write_atlas({**tiny_tables(), **country_tables()}, out, {"built_at": "test"})
    return out


@pytest.fixture(scope="module")
def bare_atlas_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same data without country tables (older or partial atlases)."""
    out = tmp_path_factory.mktemp("measure_bare") / "atlas"
    write_atlas(tiny_tables(), out, {"built_at": "test"})
    return out


def invoke(*args: str) -> tuple[int, str, BaseException | None]:
    from computestrata.cli import app

    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output, res.exception


def cli_error(*args: str) -> InputError:
    """The InputError a `strata measure` call raises (`strata` prints it and exits 2)."""
    code, out, exc = invoke("measure", *args)
    assert isinstance(exc, InputError), (code, out, exc)
    return exc


def ok(*args: str) -> str:
    code, out, exc = invoke("measure", *args)
    assert code == 0, (out, exc)
    return out


# ---------------------------------------------------------------- #6 --without


def test_without_unknown_country_is_an_error_in_cli_and_api(atlas_dir: Path) -> None:
    err = cli_error("stratification", "--without", "Chna", "--no-robust", "--atlas", str(atlas_dir))
    assert "--without" in err.message and "Chna" in err.message
    assert err.hint is not None and err.hint.startswith("closest: CHN")
    with closing(store.open(atlas_dir)) as a, pytest.raises(InputError, match="Chna"):
        st.analyse(a, without=["Chna"], robust=False)


def test_without_accepts_codes_names_and_korean_chinese_names(atlas_dir: Path) -> None:
    with closing(store.open(atlas_dir)) as a:
        assert st.resolve_units(a, ["chn", "China", "中国", "중국", " CHN "]) == ["CHN"]
        assert st.resolve_units(a, ["한국"]) == ["KOR"]
        base = st.analyse(a, ["top500"], since=2020, top=2, robust=False)
        res = st.analyse(a, ["top500"], since=2020, top=2, without=["中国"], robust=False)
    assert any("items of CHN were dropped" in n for n in res.notes)
    # CHN held rank 2 on every list: dropping it changes the frontier (USA + JPN, not USA + CHN)
    lead = {r["period"]: r["n_items"] for r in res.rows if r["tier"] == "rest"}
    assert lead and all(n == 2 for n in lead.values())  # 5 systems − 1 Chinese − 2 frontier
    assert [r["n_items"] for r in base.rows if r["tier"] == "rest"] == [3] * 5


def test_without_a_country_with_no_items_says_nothing_was_dropped(atlas_dir: Path) -> None:
    with closing(store.open(atlas_dir)) as a:
        res = st.analyse(a, ["top500"], since=2020, top=2, without=["Tuvalu"], robust=False)
    assert any("TUV: no items" in n and "nothing was dropped" in n for n in res.notes)


def test_without_accepts_chip_vendors(atlas_dir: Path) -> None:
    with closing(store.open(atlas_dir)) as a:
        tables = {"chips": st.dataset_table(a, "chips")}
        assert st.resolve_units(a, ["google"], tables) == ["Google"]
        res = st.analyse(a, ["chips"], since=2020, without=["google"], robust=False)
    assert {r["lead_unit"] for r in res.rows} == {"NVIDIA"}


def test_without_on_an_atlas_without_country_tables_accepts_codes_in_the_data(bare_atlas_dir: Path) -> None:
    with closing(store.open(bare_atlas_dir)) as a:
        assert st.resolve_units(a, ["chn"], {"top500": st.dataset_table(a, "top500")}) == ["CHN"]
        with pytest.raises(InputError, match="Chna"):
            st.analyse(a, ["top500"], without=["Chna"], robust=False)


# ---------------------------------------------------------------- #11 numbers and ranges


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("compute", "--top", "-3"), "--top"),
        (("compute", "--top", "0"), "--top"),
        (("coreperiphery", "--top", "-1"), "--top"),
        (("concentration", "--top", "-1"), "--top"),
        (("stratification", "--top", "0"), "--top"),
        (("compute", "--kind", "intelligent", "--seed", "-1"), "--seed"),
        (("compute", "--kind", "intelligent", "--draws", "-5"), "--draws"),
        (("compute", "--kind", "super", "--draws", "10000000"), "--draws"),
        (("table1", "--draws", "0"), "--draws"),
        (("table1", "--seed", "-3"), "--seed"),
    ],
)
def test_bad_numbers_name_the_option(atlas_dir: Path, args: tuple[str, ...], option: str) -> None:
    err = cli_error(*args, "--atlas", str(atlas_dir))
    assert err.message.startswith(f"{option} must be"), err.message
    assert err.hint is not None and err.hint.startswith(f"e.g. {option} ")


def test_since_until_out_of_order_or_past_the_data_is_an_error(atlas_dir: Path) -> None:
    # tiny atlas: clusters from 2018, TOP500 Novembers 2020–2024, chips 2022–2024
    for args in (("--since", "2030"), ("--since", "2024", "--until", "2015"), ("--until", "2010")):
        err = cli_error("stratification", *args, "--no-robust", "--atlas", str(atlas_dir))
        assert "--since must be ≤ --until, within 2018–2024 years with data" in err.message
    with closing(store.open(atlas_dir)) as a, pytest.raises(InputError, match="--since must be"):
        st.analyse(a, since=2025, robust=False)
    # a range that overlaps the data is fine, even if it starts before it
    data = json.loads(ok("stratification", "--since", "2000", "--no-robust", "--json", "--atlas", str(atlas_dir)))
    assert data["rows"]


def test_years_outside_the_data_are_errors_not_extrapolations(atlas_dir: Path) -> None:
    # clusters: every cluster operates by 2099, so a far year used to give a silent "result"
    err = cli_error("concentration", "--dataset", "clusters", "--year", "2099", "--atlas", str(atlas_dir))
    assert err.message == "--year must be within 2018–2024 years with clusters data (got 2099)"
    err = cli_error("concentration", "--dataset", "top500", "--year", "2019", "--atlas", str(atlas_dir))
    assert "within 2020–2024" in err.message
    # year 0 used to end in a pandas traceback
    err = cli_error("compute", "--kind", "intelligent", "--year", "0", "--atlas", str(atlas_dir))
    assert (
        err.message.startswith("--year 0 is before the first cluster") and err.hint == "pick a year from 2018 to 2024"
    )


def test_api_numbers_are_checked_too(atlas_dir: Path) -> None:
    with closing(store.open(atlas_dir)) as a:
        with pytest.raises(InputError, match="--top must be at least 1"):
            cp.analyse(a, top=-1)
        assert len(cp.analyse(a, top=None).rows) == 4  # None = every country
        with pytest.raises(InputError, match="--draws"):
            t1.build_table1(a, draws=5)
        with pytest.raises(InputError, match="--seed"):
            es.national_compute(a, "intelligent", 2024, seed=-1)
    with pytest.raises(InputError, match="--seed"):
        mc.rng(-1)
    assert mc.rng(None) is not None


def test_check_years_rule() -> None:
    st.check_years(2015, None, [(2010, 2025)])
    st.check_years(1990, 2012, [(2010, 2025)])  # overlaps the data
    st.check_years(2030, None, [])  # nothing to check against: the dataset's own no_data verdict says so
    for since, until in ((2026, None), (2020, 2019), (1990, 2005)):
        with pytest.raises(InputError, match="within 2010–2025"):
            st.check_years(since, until, [(2010, 2020), (2015, 2025)])


# ---------------------------------------------------------------- #26 basic compute


def test_basic_compute_is_not_estimable_with_the_reason(atlas_dir: Path) -> None:
    err = cli_error("compute", "--kind", "basic", "--atlas", str(atlas_dir))
    assert "cannot be estimated from open data" in err.message and "IDC" in err.message
    assert err.hint is not None and "--kind super" in err.hint and "table1" in err.hint
    with closing(store.open(atlas_dir)) as a, pytest.raises(InputError, match="basic compute"):
        es.national_compute(a, "basic", 2024)


def test_strata_exits_2_on_these_errors(atlas_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: object) -> None:
    import sys

    from computestrata.cli import main

    for args in (
        ["measure", "stratification", "--without", "Chna"],
        ["measure", "compute", "--kind", "basic"],
        ["measure", "compute", "--top", "-3"],
    ):
        monkeypatch.setattr(sys, "argv", ["strata", *args, "--atlas", str(atlas_dir)])
        with pytest.raises(SystemExit) as exc:
            main()
        assert exc.value.code == 2, args
