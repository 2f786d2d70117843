"""TOP500 on the real lists in ../shared/data: every list loads, units and totals check
against published figures, and 2024-11 matches what the paper states."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from computestrata import top500
from computestrata.atlas import store
from computestrata.atlas.add import add_top500
from computestrata.errors import RawDataError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def t5_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An atlas with countries + TOP500 only (a few seconds; independent of other loaders)."""
    from computestrata.atlas.build import build

    out = tmp_path_factory.mktemp("t5real") / "atlas"
    build(shared_data, out, only=["top500"])
    return out


@pytest.fixture(scope="module")
def t5(t5_dir: Path):  # type: ignore[no-untyped-def]
    a = store.open(t5_dir)
    yield a
    a.close()


def test_all_63_lists_load(t5: store.Atlas, shared_data: Path) -> None:
    lists = t5.rows("SELECT list_id, systems, unit_in_file FROM top500_lists ORDER BY list_id")
    assert len(lists) == 63
    assert lists[0]["list_id"] == "1993-06" and lists[-1]["list_id"] == "2024-11"
    assert "2021-06" not in {r["list_id"] for r in lists}
    assert all(r["systems"] == 500 for r in lists)
    units = {r["list_id"]: r["unit_in_file"] for r in lists}
    assert {u for k, u in units.items() if k <= "2016-11"} == {"GFlop/s"}
    assert {u for k, u in units.items() if k >= "2017-06"} == {"TFlop/s"}
    n = t5.rows("SELECT count(*) AS n, count(DISTINCT list_id || '/' || rank) AS u FROM top500_systems")[0]
    assert n["n"] == n["u"] == 63 * 500
    assert (
        t5.rows("SELECT count(*) AS n FROM top500_systems WHERE country_iso3 IS NULL OR rmax_tflops <= 0")[0]["n"] == 0
    )


@pytest.mark.parametrize(
    ("list_id", "expected", "rel"),
    [
        ("1993-06", 1.1, 0.05),
        ("2000-06", 64.0, 0.01),
        ("2013-06", 223_700.0, 0.001),
    ],
)
def test_summed_rmax_matches_published(t5: store.Atlas, list_id: str, expected: float, rel: float) -> None:
    got = t5.rows("SELECT sum(rmax_tflops) AS r FROM top500_systems WHERE list_id = ?", [list_id])[0]["r"]
    assert got == pytest.approx(expected, rel=rel)


def test_sources_verified_against_mirror_index(t5: store.Atlas, shared_data: Path) -> None:
    with (shared_data / "top500" / "raw" / "SOURCES.csv").open(encoding="utf-8") as fh:
        index = {r["file"]: r for r in csv.DictReader(fh)}
    srcs = [s for s in t5.sources() if s["source_id"].startswith("top500_")]
    assert len(srcs) == 63
    for s in srcs:
        entry = index[Path(s["raw_file"]).name]
        assert s["sha256"] == entry["sha256"]
        assert entry["source_repo"] in s["locator"] and s["publisher"] == "TOP500.org"
    s = next(s for s in srcs if s["source_id"] == "top500_2024_11")
    assert s["title"] == "TOP500 list, November 2024"
    assert s["url"] == "https://www.top500.org/lists/top500/2024/11/"


def test_2024_11_as_the_paper_states(t5: store.Atlas) -> None:
    # paper: US 173 systems (about 35%, rank 1), China 63 (about 13%, rank 2)
    rows = top500.countries("2024-11", atlas=t5)
    by = {r["country_iso3"]: r for r in rows}
    assert by["USA"]["systems"] == 173 and by["CHN"]["systems"] == 63
    assert [r["country_iso3"] for r in rows[:2]] == ["USA", "CHN"]
    assert round(by["USA"]["systems_share_pct"]) == 35 and round(by["CHN"]["systems_share_pct"]) == 13
    assert any("China has submitted few new systems" in n for n in rows.notes)


def test_2024_11_top_ten_and_chinese_ranks(t5: store.Atlas) -> None:
    top = top500.systems("2024-11", top=100, atlas=t5)
    assert [r["name"] for r in top[:10]] == [
        "El Capitan",
        "Frontier",
        "Aurora",
        "Eagle",
        "HPC6",
        "Supercomputer Fugaku",
        "Alps",
        "LUMI",
        "Leonardo",
        "Tuolumne",
    ]
    # paper: US ranks 1-4 and 10, Italy 5 and 9, Japan 6, Switzerland 7, Finland 8
    assert [r["country_iso3"] for r in top[:10]] == [
        "USA",
        "USA",
        "USA",
        "USA",
        "ITA",
        "JPN",
        "CHE",
        "FIN",
        "ITA",
        "USA",
    ]
    # paper: China has two systems in the top 100, Sunway TaihuLight (15) and Tianhe-2A (24)
    chn = [(r["rank"], r["name"]) for r in top if r["country_iso3"] == "CHN"]
    assert chn == [(15, "Sunway TaihuLight"), (24, "Tianhe-2A")]


def test_history_china(t5: store.Atlas) -> None:
    rows = top500.history("China", atlas=t5)
    assert len(rows) == 63
    by = {r["list_id"]: r for r in rows}
    assert by["2024-11"]["systems"] == 63 and by["2024-11"]["best_rank"] == 15
    assert by["2016-06"]["best_rank"] == 1  # Sunway TaihuLight at #1
    assert max(r["systems"] for r in rows) > 200  # the peak of Chinese submissions
    assert by["2024-11"]["systems"] < by["2019-11"]["systems"]
    assert any("understates" in n for n in rows.notes)


def test_facts_match_systems(t5: store.Atlas) -> None:
    got = t5.rows(
        "SELECT value FROM facts WHERE entity = 'USA' AND period = '2024-11' AND variable = 'Compute|Super|Systems'"
    )
    assert got == [{"value": 173.0}]
    rmax = t5.rows(
        "SELECT value, unit, source_id FROM facts WHERE entity = 'CHN' AND "
        "period = '2013-06' AND variable = 'Compute|Super|Rmax'"
    )[0]
    assert rmax["unit"] == "TFlop/s" and rmax["source_id"] == "top500_2013_06"
    assert rmax["value"] > 33_862  # includes Tianhe-2 at #1


def test_full_atlas_has_top500(atlas: store.Atlas) -> None:
    assert atlas.rows("SELECT count(*) AS n FROM top500_lists")[0]["n"] == 63


def test_add_real_list_idempotent_and_atomic(t5_dir: Path, shared_data: Path, tmp_path: Path) -> None:
    work = tmp_path / "atlas"
    shutil.copytree(t5_dir, work)
    raw = shared_data / "top500" / "raw"

    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in work.iterdir()}

    first = digest()
    for name in ("TOP500_202411.xlsx", "TOP500_199306.xls", "TOP500_202211.csv"):
        out = add_top500(raw / name, work)
        # the very file the build read: nothing changes, provenance included (issue 8 item 3)
        assert out["unchanged"] is True and out["replaced"] is False and out["systems"] == 500
    assert digest() == first
    a = store.open(work)
    assert a.rows("SELECT count(*) AS n FROM top500_systems")[0]["n"] == 63 * 500
    assert a.rows("SELECT count(*) AS n FROM sources WHERE source_id LIKE 'top500_%'")[0]["n"] == 63
    a.close()
    before = digest()
    broken = tmp_path / "TOP500_202506.xlsx"
    broken.write_bytes((raw / "TOP500_202411.xlsx").read_bytes()[:20_000])
    with pytest.raises(RawDataError):
        add_top500(broken, work)
    assert digest() == before
