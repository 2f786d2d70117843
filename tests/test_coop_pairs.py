"""Pairs, third markets, timeline and the all-pairs matrix on the built atlas."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from computestrata.cooperation import api
from computestrata.errors import InputError

pytestmark = pytest.mark.integration
DAY = "2025-06-01"
PAIRS = [("KOR", "CHN"), ("USA", "CHN"), ("KOR", "USA"), ("JPN", "CHN")]


@pytest.fixture(scope="module")
def results(atlas: Any) -> dict[tuple[str, str], api.PairResult]:
    return {p: api.pair(atlas, *p, DAY) for p in PAIRS}


def test_four_pairs_differ_and_are_explained(results: dict[tuple[str, str], api.PairResult]) -> None:
    classes = {p: tuple(s.klass for s in r.segments) for p, r in results.items()}
    assert len(set(classes.values())) == len(PAIRS)
    for r in results.values():
        for s in r.segments:
            assert s.drivers[0]["dimension"] == "rule" and s.drivers[0]["cite"]
            assert all(d["cite"] for d in s.drivers), s.segment_id
            assert 0.0 <= s.score <= 1.0


def test_allies_are_not_controlled_but_china_is(results: dict[tuple[str, str], api.PairResult]) -> None:
    ku = results[("KOR", "USA")].by_id()
    kc = results[("KOR", "CHN")].by_id()
    assert ku["ai_accelerators"].controllability["rho"] == 0.0
    assert kc["ai_accelerators"].controllability["rho"] == 1.0
    assert ku["ai_accelerators"].klass != "restricted" or ku["ai_accelerators"].score > kc["ai_accelerators"].score
    assert not any(x["segment_id"] == "ai_accelerators" for x in results[("KOR", "USA")].asymmetry)
    assert any(x["segment_id"] == "ai_accelerators" for x in results[("KOR", "CHN")].asymmetry)


def test_usa_china_complementarity_runs_from_the_us(results: dict[tuple[str, str], api.PairResult]) -> None:
    eda = results[("USA", "CHN")].by_id()["eda"].complementarity
    assert eda["a_to_b"]["k"] > eda["b_to_a"]["k"]


def test_summary_shares_add_up(results: dict[tuple[str, str], api.PairResult]) -> None:
    for r in results.values():
        for block in r.summary.values():
            assert sum(block["share_of_segments"].values()) == pytest.approx(1.0)
            vals = [v for v in block["share_of_value"].values() if v is not None]
            assert not vals or sum(vals) == pytest.approx(1.0)


def test_gaps_are_named_not_scored_as_zero(results: dict[tuple[str, str], api.PairResult]) -> None:
    r = results[("KOR", "CHN")]
    cooling = r.by_id()["cooling"]
    assert cooling.complementarity["value"] is None and "complementarity" in cooling.gaps
    assert any("complementarity is a gap" in n and "cooling" in n for n in r.notes)


def test_matrix_equals_pair(atlas: Any, results: dict[tuple[str, str], api.PairResult], tmp_path: Path) -> None:
    m = api.matrix(atlas, DAY, ["KOR", "CHN", "USA", "JPN"])
    assert len(m.frame) == 12
    for (a, b), r in results.items():
        row = m.frame[(m.frame.a == a) & (m.frame.b == b)].iloc[0]
        c = Counter(s.klass for s in r.segments)
        assert (row.n_open, row.n_limited, row.n_restricted) == (c["open"], c["limited"], c["restricted"])
        i, j = m.countries.index(a), m.countries.index(b)
        for s in r.segments:
            assert ("restricted", "limited", "open")[m.classes[s.segment_id][i, j]] == s.klass
    out = tmp_path / "coop.parquet"
    api.write_parquet(m.frame, out)
    assert len(pd.read_parquet(out)) == 12 and not list(tmp_path.glob("*.tmp"))


def test_timeline_shows_the_hbm_rule_and_the_2026_policy(atlas: Any) -> None:
    rows, _dates, _ = api.timeline(atlas, "KOR", "CHN", 2024, 2026)
    hbm = [r for r in rows if r["segment"] == "hbm" and r["previous"] is not None]
    assert [(r["date"], r["previous"], r["class"]) for r in hbm] == [("2024-12-31", "limited", "restricted")]
    acc = [r for r in rows if r["segment"] == "ai_accelerators" and r["date"] == "2026-01-15"]
    assert acc and "case_by_case" in acc[0]["controls_status"]


def test_third_markets_rank_with_rule(atlas: Any) -> None:
    res = api.third_markets(atlas, "KOR", "CHN", DAY, region="southeast-asia")
    assert res.rows and {r["subregion"] for r in res.rows} == {"South-eastern Asia"}
    scores = [r["score"] for r in res.rows if r["score"] is not None]
    assert scores == sorted(scores, reverse=True)
    assert "score =" in res.rule and all(r["country"] not in ("KOR", "CHN") for r in res.rows)


@pytest.mark.parametrize(
    ("a", "b", "day", "match"),
    [
        ("KOR", "KOR", DAY, "the same"),
        ("KOR", "KRO", DAY, "closest"),
        ("KOR", "CHN", "2017-05-01", "2018-01-01"),
        ("KOR", "CHN", "2035-01-01", "outside the range"),
        ("KOR", "CHN", "June 2025", "malformed date"),
    ],
)
def test_bad_input(atlas: Any, a: str, b: str, day: str, match: str) -> None:
    with pytest.raises(InputError) as err:
        api.pair(atlas, a, b, day)
    assert match in f"{err.value.message} {err.value.hint}"


def test_frontier_fence_sets_the_posture(results: dict[tuple[str, str], api.PairResult]) -> None:
    """The tiered (cautious) posture answers a fenced frontier: Korea–China is fenced by a
    presumption of denial, Korea–US is not, so the same frontier segment takes different postures."""
    kc = results[("KOR", "CHN")].by_id()["ai_accelerators"]
    ku = results[("KOR", "USA")].by_id()["ai_accelerators"]
    assert kc.posture["frontier_fenced"] and kc.posture["name"] == "cautious"
    assert not ku.posture["frontier_fenced"] and ku.posture["name"] == "strengthen"
    assert any("no fence between KOR and USA" in d["text"] for d in ku.drivers)
    assert ku.klass != "restricted"
