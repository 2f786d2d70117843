"""Institutional differentiation: hand-worked profiles and distances, the vectorised engine, bad files."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.trends import institutions as ins

BASE = {
    "binding": "voluntary",
    "ai_approach": "n/a",
    "data_localisation": "n/a",
    "state_compute_role": "n/a",
    "confidence": "H",
    "source": "https://example.org",
    "type": "law",
}
DATA = {
    "version": "2026-01-01",
    "jurisdictions": {"USA": "US", "CHN": "China", "EU": "EU"},
    "instruments": [
        {**BASE, "id": "us_s", "jurisdiction": "USA", "title": "s", "scope": "strategy", "adopted": "2019-02-11"},
        {
            **BASE,
            "id": "us_ai",
            "jurisdiction": "USA",
            "title": "a",
            "scope": "ai",
            "adopted": "2023-10-30",
            "ended": "2025-01-20",
            "binding": "binding",
            "ai_approach": "risk_based",
        },
        {
            **BASE,
            "id": "cn_ai",
            "jurisdiction": "CHN",
            "title": "b",
            "scope": "ai",
            "adopted": "2023-08-15",
            "binding": "binding",
            "ai_approach": "content_based",
        },
        {
            **BASE,
            "id": "cn_data",
            "jurisdiction": "CHN",
            "title": "c",
            "scope": "data",
            "adopted": "2017-06-01",
            "binding": "binding",
            "data_localisation": "localisation",
        },
        {
            **BASE,
            "id": "cn_fund",
            "jurisdiction": "CHN",
            "title": "d",
            "scope": "compute",
            "adopted": "2014-09-24",
            "state_compute_role": "state_directed",
        },
        {
            **BASE,
            "id": "eu_gdpr",
            "jurisdiction": "EU",
            "title": "e",
            "scope": "data",
            "adopted": "2016-04-27",
            "in_force": "2018-05-25",
            "binding": "binding",
            "data_localisation": "conditional",
        },
    ],
}


def parsed(data: object = DATA) -> ins.InstrumentFile:
    return ins.parse(data, "test.yaml")


def test_profiles_hand_worked() -> None:
    f = parsed()
    by = {j: [i for i in f.instruments if i.jurisdiction == j] for j in f.jurisdictions}
    us24 = ins.profile(by["USA"], 2024)
    assert us24["strategy"] == 1.0 and us24["binding_ai"] == 1.0 and us24["risk_based"] == 1.0
    assert us24["content_based"] == 0.0 and us24["data_localisation"] == 0.0 and us24["state_compute"] == 0.0
    us25 = ins.profile(by["USA"], 2025)  # EO revoked 2025-01-20: no AI instrument → approach shares missing
    assert us25["binding_ai"] == 0.0 and math.isnan(us25["risk_based"])
    cn24 = ins.profile(by["CHN"], 2024)
    assert cn24 == {
        "strategy": 0.0,
        "binding_ai": 1.0,
        "risk_based": 0.0,
        "content_based": 1.0,
        "data_localisation": 1.0,
        "state_compute": 1.0,
    }
    eu17 = ins.profile(by["EU"], 2017)  # GDPR adopted 2016 but in force 2018-05-25
    assert eu17["data_localisation"] == 0.0 and ins.profile(by["EU"], 2018)["data_localisation"] == 0.5


def test_distances_hand_worked() -> None:
    d = ins.distances(parsed(), 2024)
    # USA vs CHN 2024: |1-0| + |1-1| + |1-0| + |0-1| + |0-1| + |0-1| = 5 over 6 features
    assert d[("CHN", "USA")] == pytest.approx(5 / 6)
    # EU 2024 has no AI instrument: risk/content shares missing → 4 features compared with CHN:
    # strategy 0, binding 1, localisation 0.5, state 1 → 2.5 / 4
    assert d[("CHN", "EU")] == pytest.approx(2.5 / 4)
    s = ins.summary(d, aligned=("USA", "EU"))
    assert s["us_china_distance"] == pytest.approx(5 / 6)
    assert s["china_gap"] == pytest.approx((5 / 6 + 2.5 / 4) / 2 - d[("EU", "USA")])


def test_engine_agrees_with_the_pure_functions_on_the_shipped_coding() -> None:
    f = ins.load()
    years = list(range(2015, 2027))
    eng = ins.Engine(f, years)
    got = eng.summaries(np.ones(len(f.instruments)))
    for r, y in enumerate(years):
        want = ins.summary(ins.distances(f, y))
        for c, key in enumerate(ins.KEYS):
            assert (math.isnan(want[key]) and math.isnan(got[r, c])) or got[r, c] == pytest.approx(want[key])
    # leaving one instrument out agrees too (the jackknife relies on it)
    w = np.ones(len(f.instruments))
    w[3] = 0.0
    kept = ins.InstrumentFile(
        f.path, f.version, f.coder, f.jurisdictions, tuple(i for k, i in enumerate(f.instruments) if k != 3)
    )
    assert eng.summaries(w)[-1, 0] == pytest.approx(ins.summary(ins.distances(kept, 2026))["mean_distance"])


def test_shipped_coding_is_complete_and_tagged() -> None:
    f = ins.load()
    assert {"USA", "CHN", "EU", "KOR", "JPN", "GBR", "IND"} <= set(f.jurisdictions)
    assert len(set(f.jurisdictions) - {"USA", "CHN", "EU", "KOR", "JPN", "GBR", "IND"}) >= 3  # third markets
    assert all(i.source.startswith("http") and i.confidence in ("H", "M", "L") for i in f.instruments)
    assert {i.jurisdiction for i in f.instruments} == set(f.jurisdictions)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d["instruments"][1].update(ai_approach="vibes_based"), "unknown ai_approach value 'vibes_based'"),
        (lambda d: d["instruments"][1].update(binding="maybe"), "unknown binding value 'maybe'"),
        (lambda d: d["instruments"][1].update(jurisdiction="ATL"), "unknown jurisdiction 'ATL'"),
        (lambda d: d["instruments"][1].update(adopted="last year"), "adopted 'last year' is not a date"),
        (lambda d: d["instruments"][1].update(ended="2020-01-01"), "ends .* before it is in force"),
        (lambda d: d["instruments"][1].pop("source"), "lacks source"),
        (lambda d: d["instruments"].append(dict(d["instruments"][0])), "used twice"),
    ],
)
def test_bad_instrument_files_name_instrument_and_fix(change: object, match: str) -> None:
    data = copy.deepcopy(DATA)
    change(data)  # type: ignore[operator]
    with pytest.raises(InputError, match=match) as exc:
        parsed(data)
    assert "test.yaml" in exc.value.message and exc.value.hint


def test_instrument_file_from_disk(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        ins.load(tmp_path / "missing.yaml")


def test_analyse_runs_with_jackknife_intervals() -> None:
    res = ins.analyse(ins.load(), robust=False)
    assert res.outcome in ("holds", "partly", "does_not_hold", "no_clear_trend")
    for i in res.indicators:
        assert i.lo is not None and i.hi is not None and i.lo <= i.estimate <= i.hi
    assert res.extra_sources[0]["publisher"].startswith("computestrata (our coding)")


FEATURE = st.one_of(st.just(math.nan), st.floats(0.0, 1.0))
PROFILE = st.fixed_dictionaries({f: FEATURE for f in ins.FEATURES})


@given(PROFILE, PROFILE)
def test_gower_is_a_symmetric_distance_in_unit_interval(a: dict[str, float], b: dict[str, float]) -> None:
    d = ins.gower(a, b)
    assert (math.isnan(d) and math.isnan(ins.gower(b, a))) or (0.0 <= d <= 1.0 and d == pytest.approx(ins.gower(b, a)))
    self_d = ins.gower(a, a)
    assert math.isnan(self_d) or self_d == 0.0
