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

    VAR (various countries) is no unit: HHI = 3600 + 625 + 49 + 16 + 9 = 4299 (not + 1);
    CR1 = 0.60; CR3 = 0.92; n90 = 3 (0.6+0.25+0.07); VAR's 1 % is reported, not dropped.
    """
    c = concentration(_sh("dram", {"KOR": 0.6, "USA": 0.25, "JPN": 0.07, "TWN": 0.04, "CHN": 0.03, "VAR": 0.01}))
    assert c.hhi == pytest.approx(4299)
    assert c.cr1 == pytest.approx(0.6) and c.cr3 == pytest.approx(0.92)
    assert c.n90 == 3 and c.is_chokepoint
    assert c.non_holders == {"VAR": pytest.approx(0.01)} and c.coverage == pytest.approx(1.0)


def test_incomplete_coverage_gives_no_hhi_and_no_chokepoint() -> None:
    c = concentration(_sh("dc", {"USA": 0.53, "CHN": 0.15}))
    assert c.hhi is None and c.cr1 is None and c.n90 is None and not c.is_chokepoint
    assert c.coverage == pytest.approx(0.68)


def test_various_countries_never_count_as_a_holder() -> None:
    """VAR 0.5, A 0.3, B 0.2: A+B = 0.5 < 0.9, so n90 is None although the vector sums to 1.

    VAR's half stays in the world total but is no unit: HHI = 900 + 400 = 1300, CR1 = 0.3
    (not 0.5, which would make VAR the leader), CR3 = 0.5.
    """
    c = concentration(_sh("x", {"VAR": 0.5, "AAA": 0.3, "BBB": 0.2}))
    assert c.n90 is None and c.hhi == pytest.approx(1300) and c.leader == "AAA"
    assert c.cr1 == pytest.approx(0.3) and c.cr3 == pytest.approx(0.5) and c.non_holders == {"VAR": 0.5}


def test_groups_and_unknown_are_not_countries() -> None:
    """EUR (Europe) and UNK are groups, not countries: they never fill a CR-k slot or count in n90.

    Before: EUR 0.5 + USA 0.45 gave n90 = 2; now USA alone holds 0.45 < 0.9 → None.
    Frontier-training shape (USA 0.76, CHN 0.11, UNK 0.0225, DEU 0.014, …): CR3 = USA+CHN+DEU, UNK skipped.
    """
    assert concentration(_sh("y", {"EUR": 0.5, "USA": 0.45, "VAR": 0.05})).n90 is None
    ft = {"USA": 0.76, "CHN": 0.11, "UNK": 0.0225, "DEU": 0.014, "NOR": 0.013, "JPN": 0.012}
    rest = (1.0 - sum(ft.values())) / 10
    ft |= {f"C{i:02d}": rest for i in range(10)}  # ten small countries, 0.7 % each
    c = concentration(_sh("frontier_training", ft))
    assert c.cr3 == pytest.approx(0.76 + 0.11 + 0.014)
    assert [e for e, _ in c.top] == ["USA", "CHN", "DEU"] and "UNK" not in dict(c.top)
    # what is shown and what is measured agree: CR1 is the leader's share, CR3 the top three's
    assert c.cr1 == pytest.approx(c.top[0][1]) and c.cr3 == pytest.approx(sum(v for _, v in c.top))
    assert c.record()["non_holders"] == {"UNK": 0.0225}


def test_over_coverage_is_scaled_so_shares_and_metrics_agree() -> None:
    """CSET's EDA row: USA 0.96, JPN 0.03, CHN/GBR/ISR 0.01 each — 1.02 in all (rounding).

    Scaled: USA 0.96/1.02 = 0.9412, so CR1 = 94 % and the shown share is 94 % too (was 96 %);
    HHI = (9412² + 294² + 3·98²)/100² = 8 870 (on the scaled shares, as before).
    """
    from computestrata.stack.shares import ShareBook

    rows = [
        {"segment_id": "hbm", "entity": e, "year": "2019", "share": str(v), "citation": "c", "url": "u"}
        | {"confidence": "high", "license": "LicenseRef-compiled-facts", "note": ""}
        for e, v in {"USA": 0.96, "JPN": 0.03, "CHN": 0.01, "GBR": 0.01, "ISR": 0.01}.items()
    ]  # EDA's numbers on a curated segment, so no atlas is needed
    got = ShareBook(None, curated=rows).for_segment("hbm")
    assert got is not None and got.raw_coverage == pytest.approx(1.02) and got.coverage == pytest.approx(1.0)
    assert got.shares["USA"] == pytest.approx(0.96 / 1.02)
    assert any("102%" in n for n in got.notes)  # the raw sum is named
    c = concentration(got)
    assert c.cr1 == pytest.approx(got.shares["USA"]) and c.top[0] == ("USA", pytest.approx(0.9412, abs=1e-4))
    assert c.hhi == pytest.approx(8869.67, abs=0.01) and c.record()["top"].startswith("USA 94%")
    assert c.record()["raw_coverage"] == pytest.approx(1.02) and c.record()["coverage"] == pytest.approx(1.0)


def test_under_coverage_is_never_scaled_up() -> None:
    from computestrata.stack.shares import scale_over_coverage

    assert scale_over_coverage({"USA": 0.53, "CHN": 0.15}) == ({"USA": 0.53, "CHN": 0.15}, pytest.approx(0.68))


def test_chokepoint_list_is_sorted_and_filtered() -> None:
    table = {
        "a": _sh("a", {"USA": 0.5, "CHN": 0.2, "JPN": 0.1, "KOR": 0.1, "DEU": 0.1}),
        "b": _sh("b", {"NLD": 1.0}),
        "c": _sh("c", {"TWN": 0.92, "KOR": 0.08}),
        "d": None,
    }
    assert [c.segment_id for c in chokepoints(table)] == ["b", "c"]
    assert [c.segment_id for c in concentration_table(table)] == ["b", "c", "a"]
