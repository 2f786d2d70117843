"""Capability shares per segment: CSET country rows, firm roll-up, one year per input, sources kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from computestrata.atlas import store
from computestrata.errors import InputError
from computestrata.stack.shares import ShareBook, aggregate_inputs, cset_input_shares, load_curated
from loaders_support import build_cset_mock_atlas, load_cset_mock


@pytest.fixture()
def mock_atlas(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real (tiny) atlas on disk built from the CSET mock files."""
    a = store.open(build_cset_mock_atlas(tmp_path))
    yield a
    a.close()


def test_country_rows_and_firm_rollup(tmp_path: Path) -> None:
    t = load_cset_mock(tmp_path).tables
    s = cset_input_shares(t["sc_provision"], t["sc_providers"])
    got = {(r.input_id, r.year, r.entity): (round(r.share, 4), r.method) for r in s.itertuples()}
    assert got[("N20", 2025, "NLD")] == (1.0, "country_rows")
    assert got[("N22", 2025, "NLD")] == (0.81, "country_rows")
    assert ("N22", 2025, "CHN") not in got  # 'negligible' stays missing, not 0
    assert got[("N22", 2019, "JPN")] == (0.3, "country_rows")
    # N84: the USA country row is empty, so firms are rolled up (Synopsys → USA, 'Various companies' → VAR)
    assert got[("N84", 2019, "USA")] == (0.9, "firm_rollup")
    assert got[("N84", 2019, "VAR")] == (0.1, "firm_rollup")
    assert got[("S1", 2022, "EUR")] == (0.1, "country_rows")
    assert set(s["source_id"]) == {"cset_chip_explorer_provision"}


def test_aggregate_weights_by_market_size_and_picks_one_year_per_input(tmp_path: Path) -> None:
    """EUV (N20, $13.0bn, NLD 100 %) + ArF immersion (N22, $11.7bn, NLD 81 %, JPN 19 %), as of 2025.

    NLD = (13·1 + 11.7·0.81) / 24.7 = 22.477 / 24.7 = 0.9100;  JPN = 11.7·0.19 / 24.7 = 0.0900.
    As of 2020 only N22's 2019 row exists: NLD 0.70, JPN 0.30 (N20 skipped, listed as unused).
    """
    t = load_cset_mock(tmp_path).tables
    s = cset_input_shares(t["sc_provision"], t["sc_providers"])
    sizes = {"N20": 13e9, "N22": 11.7e9}
    shares, used = aggregate_inputs(s, ["N20", "N22"], sizes, as_of=2025)
    assert shares["NLD"] == pytest.approx(22.477 / 24.7)
    assert shares["JPN"] == pytest.approx(2.223 / 24.7)
    assert [u["year"] for u in used] == [2025, 2025] and used[0]["weighting"] == "market_size"
    shares, used = aggregate_inputs(s, ["N20", "N22"], sizes, as_of=2020)
    assert shares == pytest.approx({"NLD": 0.7, "JPN": 0.3})
    assert used[0] == {"input_id": "N20", "year": None, "used": False, "weight": None, "method": None}
    shares, used = aggregate_inputs(s, ["N20", "N22"], {"N20": 13e9}, as_of=2025)  # a size missing → equal
    assert shares["NLD"] == pytest.approx((1.0 + 0.81) / 2) and used[0]["weighting"] == "equal"


def test_share_book_on_mock_atlas(mock_atlas) -> None:  # type: ignore[no-untyped-def]
    book = ShareBook(mock_atlas, curated=[])
    euv = book.for_segment("euv_lithography")
    assert euv is not None and euv.shares == {"NLD": 1.0} and euv.year == 2025
    # provision rows, plus the providers (provider → country) and inputs (what N20 is) tables they rest on
    assert "cset_chip_explorer_provision" in euv.source_ids and len(euv.source_ids) == len(set(euv.source_ids))
    duv = book.for_segment("duv_lithography", 2024)  # as of 2024 → the 2019 row
    assert duv is not None and duv.year == 2019 and duv.shares == pytest.approx({"NLD": 0.7, "JPN": 0.3})
    assert any("no shares for N21" in n for n in duv.notes)
    eda = book.for_segment("eda")
    assert eda is not None and any("rolled up" in n for n in eda.notes)
    assert book.for_segment("servers") is None  # no data: missing, never zeros
    assert book.years() == [2019, 2025]
    assert book.check_year(None) == 2025
    with pytest.raises(InputError) as err:
        book.check_year(1990)
    assert err.value.hint is not None and err.value.hint.startswith("closest: 2019")


def test_curated_shares_are_cited() -> None:
    rows = load_curated()
    assert {r["segment_id"] for r in rows} >= {"hbm", "advanced_logic_fab"}
    book = ShareBook(None)
    hbm = book.for_segment("hbm")
    assert hbm is not None and hbm.shares == pytest.approx({"KOR": 0.9, "USA": 0.1})
    assert hbm.citations and "TrendForce" in hbm.citations[0]
    assert book.for_segment("euv_lithography") is None  # no atlas → no CSET shares


def test_share_of_unlisted_country() -> None:
    from computestrata.stack.shares import SegmentShares

    full = SegmentShares("x", 2025, {"NLD": 1.0}, "cset")
    part = SegmentShares("y", 2023, {"USA": 0.53, "CHN": 0.15}, "paper_dc_capacity")
    assert full.share_of("CHN") == 0.0 and part.share_of("KOR") is None and part.share_of("CHN") == 0.15


# ---------------------------------------------------------------- issue 8 item 8


def test_one_memory_series_is_counted_once() -> None:
    """CSET holds one memory series (N5, DRAM and NAND together): memory fabrication owns it,
    DRAM and NAND are marked derived, so concentration and chokepoints list it once and the
    derived segments still get the shares (as a proxy, said so) for exposure."""
    from computestrata.stack.segments import segment, segments
    from computestrata.stack.shares import ShareBook

    assert segment("dram").share_basis == "derived" and segment("dram").derived_from == "memory_fab"
    assert segment("nand").derived_from == "memory_fab" and segment("memory_fab").cset_inputs == ("N5",)
    users = [s.id for s in segments() if "N5" in s.cset_inputs]
    assert users == ["memory_fab"]
    rows = [
        {
            "segment_id": "memory_fab",
            "entity": "KOR",
            "year": "2022",
            "share": "0.6",
            "citation": "c",
            "url": "u",
            "confidence": "low",
            "license": "LicenseRef-compiled-facts",
            "note": "",
        }
    ]
    book = ShareBook(None, curated=rows)
    book._cache["memory_fab"] = [(2022, {"KOR": 0.6, "USA": 0.4}, ["s"], [], [], [])]
    everything = book.all()
    assert "memory_fab" in everything and "dram" not in everything and "nand" not in everything
    dram = book.for_segment("dram")
    assert dram is not None and dram.shares == {"KOR": 0.6, "USA": 0.4} and dram.basis == "derived:memory_fab"
    assert any("Memory fabrication" in n for n in dram.notes)


def test_cluster_shares_drop_a_superseded_phase() -> None:
    """Alps phase 1 (6400) inside phase 2 (10000, cumulative): Switzerland holds 10000, not 16400."""
    import pandas as pd

    class _A:
        exclude_licenses: tuple[str, ...] = ()

        def has(self, table: str) -> bool:
            return table == "gpu_clusters"

        def df(self, sql: str) -> pd.DataFrame:
            return pd.DataFrame(
                {
                    "entity": ["CHE", "CHE", "USA"],
                    "h100e": [6400.0, 10000.0, 30000.0],
                    "y0": [2024, 2024, 2023],
                    "y1": [None, None, None],
                    "name": ["Alps Phase 1", "Alps Phase 2", "US"],
                    "superseded_by": ["Alps Phase 2", None, None],
                    "source_id": ["e"] * 3,
                }
            )

    from computestrata.stack.shares import ShareBook

    sh = ShareBook(_A(), curated=[]).for_segment("frontier_training", 2024)  # type: ignore[arg-type]
    assert sh is not None and sh.shares["CHE"] == pytest.approx(10000 / 40000)
