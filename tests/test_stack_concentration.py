"""Concentration per segment and the chokepoint rule (≤ 3 countries hold ≥ 90 %)."""

from __future__ import annotations

import pytest

from computestrata.stack.concentration import chokepoints, concentration, concentration_table, n_holding
from computestrata.stack.shares import SegmentShares


def _sh(sid: str, shares: dict[str, float]) -> SegmentShares:
    return SegmentShares(sid, 2025, shares, "cset", [f"src_{sid}"])


@pytest.mark.parametrize(
    ("shares", "n"),
    [
        ([1.0], 1),
        ([0.6, 0.25, 0.1, 0.05], 3),
        ([0.05, 0.6, 0.25, 0.1], 3),
        ([0.45, 0.45, 0.1], 2),
        ([0.3, 0.3, 0.2, 0.1, 0.1], 4),
        ([0.5, 0.2], None),
        ([], None),
    ],
)
def test_n_holding(shares: list[float], n: int | None) -> None:
    assert n_holding(shares) == n


def test_monopoly_is_a_chokepoint() -> None:
    c = concentration(_sh("euv", {"NLD": 1.0}))
    assert c.hhi == pytest.approx(10_000) and c.cr1 == 1.0 and c.n90 == 1 and c.is_chokepoint
    assert c.leader == "NLD" and c.source_ids == ["src_euv"]


def test_metrics_by_hand() -> None:
    """KOR 0.6, USA 0.25, JPN 0.07, TWN 0.04, CHN 0.03, VAR 0.01.

    HHI = 3600 + 625 + 49 + 16 + 9 + 1 = 4300; CR1 = 0.60; CR3 = 0.92; n90 = 3 (0.6+0.25+0.07).
    """
    c = concentration(_sh("dram", {"KOR": 0.6, "USA": 0.25, "JPN": 0.07, "TWN": 0.04, "CHN": 0.03, "VAR": 0.01}))
    assert c.hhi == pytest.approx(4300)
    assert c.cr1 == pytest.approx(0.6) and c.cr3 == pytest.approx(0.92)
    assert c.n90 == 3 and c.is_chokepoint


def test_incomplete_coverage_gives_no_hhi_and_no_chokepoint() -> None:
    c = concentration(_sh("dc", {"USA": 0.53, "CHN": 0.15}))
    assert c.hhi is None and c.cr1 is None and c.n90 is None and not c.is_chokepoint
    assert c.coverage == pytest.approx(0.68)


def test_various_countries_never_count_as_a_holder() -> None:
    """VAR 0.5, A 0.3, B 0.2: A+B = 0.5 < 0.9, so n90 is None although the vector sums to 1."""
    c = concentration(_sh("x", {"VAR": 0.5, "AAA": 0.3, "BBB": 0.2}))
    assert c.n90 is None and c.hhi == pytest.approx(3800) and c.leader == "AAA"
    assert concentration(_sh("y", {"EUR": 0.5, "USA": 0.45, "VAR": 0.05})).n90 == 2


def test_chokepoint_list_is_sorted_and_filtered() -> None:
    table = {
        "a": _sh("a", {"USA": 0.5, "CHN": 0.2, "JPN": 0.1, "KOR": 0.1, "DEU": 0.1}),
        "b": _sh("b", {"NLD": 1.0}),
        "c": _sh("c", {"TWN": 0.92, "KOR": 0.08}),
        "d": None,
    }
    assert [c.segment_id for c in chokepoints(table)] == ["b", "c"]
    assert [c.segment_id for c in concentration_table(table)] == ["b", "c", "a"]
