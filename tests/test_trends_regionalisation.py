"""Chain regionalisation on a hand-worked 4-country trade table, bloc files, and the intra-bloc property."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.errors import InputError
from computestrata.trends import blocs, regionalisation, trade

RESOLVE = {
    "USA": "USA",
    "JPN": "JPN",
    "CHN": "CHN",
    "IND": "IND",
    "COL": "COL",
    "HKG": "HKG",
    "KOR": "KOR",
    "Japan": "JPN",
}
BLOCS = {
    "version": "2026-01-01",
    "default": "two",
    "definitions": {
        "two": {
            "title": "two blocs",
            "as_of": "2024-01-01",
            "blocs": {
                "us_allies": {"label": "US side", "members": ["USA", "Japan", {"iso3": "COL", "from": 2022}]},
                "china": {"label": "China side", "members": ["CHN"]},
            },
        }
    },
    "groups": {"china_hk": {"members": ["CHN", "HKG"]}, "usa": {"members": ["USA"]}, "sea": {"members": ["IND"]}},
}


def parse(data: object) -> blocs.BlocFile:
    return blocs.parse(data, "test.yaml", RESOLVE.get, sorted(RESOLVE))


def flows(year: int, rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"year": year, "exporter": e, "importer": i, "value": v, "hs6": "854231"} for e, i, v in rows])


# the 4-country table: USA, JPN (US side), CHN (China side), IND (rest)
Y2019 = flows(2019, [("USA", "JPN", 10), ("JPN", "USA", 20), ("USA", "CHN", 30), ("CHN", "IND", 40)])
Y2022 = flows(2022, [("USA", "JPN", 40), ("JPN", "USA", 20), ("USA", "CHN", 10), ("CHN", "IND", 30)])


def test_intra_bloc_share_hand_worked() -> None:
    of = parse(BLOCS).definition().mapper(2019)
    assert trade.intra_bloc_share(Y2019, of) == pytest.approx(0.3)  # (10 + 20) / 100
    assert trade.intra_bloc_share(Y2022, of) == pytest.approx(0.6)
    shares = trade.bloc_export_shares(Y2019, of)
    assert shares["us_allies"] == pytest.approx({"us_allies": 0.5, "china": 0.5})
    assert shares["china"] == pytest.approx({"rest": 1.0})


def test_rest_to_rest_trade_is_never_intra_bloc() -> None:
    of = parse(BLOCS).definition().mapper(2019)
    only_rest = flows(2019, [("IND", "KOR", 5.0), ("KOR", "IND", 7.0)])
    assert trade.intra_bloc_share(only_rest, of) == 0.0


def test_bloc_modularity_hand_worked_and_equal_to_networkx() -> None:
    of = parse(BLOCS).definition().mapper(2019)
    # undirected weights USA–JPN 30, USA–CHN 30, CHN–IND 40; 2m = 200; degrees 60, 30, 70, 40
    # Q = 60/200 − (90/200)² − (70/200)² − (40/200)² = −0.065
    assert trade.bloc_modularity(Y2019, of) == pytest.approx(-0.065)
    economies = ["CHN", "IND", "JPN", "USA"]
    pos = {c: k for k, c in enumerate(economies)}
    q = regionalisation.modularity_from_arrays(
        4,
        Y2019["exporter"].map(pos).to_numpy(),
        Y2019["importer"].map(pos).to_numpy(),
        Y2019["value"].to_numpy(dtype=float),
        [of(c) or "rest" for c in economies],
    )
    g = nx.Graph()
    g.add_weighted_edges_from([("USA", "JPN", 30), ("USA", "CHN", 30), ("CHN", "IND", 40)])
    want = nx.community.modularity(g, [{"USA", "JPN"}, {"CHN"}, {"IND"}], weight="weight")
    assert q == pytest.approx(want) == pytest.approx(-0.065)


def test_partner_share_hand_worked() -> None:
    assert trade.partner_share(Y2019, importers=["CHN", "JPN"], numerator_exporters=["USA"]) == pytest.approx(40 / 40)
    assert trade.partner_share(Y2019, exporters=["USA"], numerator_importers=["CHN"]) == pytest.approx(30 / 40)


def test_indicators_on_the_4_country_table() -> None:
    b = parse(BLOCS)
    tw = pd.DataFrame(
        [
            {"year": y, "importer": imp, "value": v}
            for y, cn, us in ((2019, 60.0, 10.0), (2020, 50.0, 20.0), (2021, 40.0, 30.0))
            for imp, v in (("CHN", cn), ("USA", us), (None, 100.0 - cn - us))
        ]
    )
    empty = pd.DataFrame(columns=["year", "reporter", "flow", "hs6", "value"])
    data = regionalisation.TradeData(pd.concat([Y2019, Y2022]), tw, empty, empty, {"x"})
    opts = regionalisation.Options(b.definition(), {k: g.codes() for k, g in b.groups.items()})
    inds, series = regionalisation.indicators(data, opts)
    by = {i.key: i for i in inds}
    assert by["intra_bloc_share"].estimate == pytest.approx(0.3)  # 0.3 → 0.6
    assert by["intra_bloc_share"].years == "2019→2022"
    # Taiwan's shares to China fall 10 points a year exactly: slope −0.1 with a zero-width interval
    assert by["taiwan_ic_china_share"].estimate == pytest.approx(-0.1)
    assert by["taiwan_ic_china_share"].direction == "supports"
    assert by["taiwan_ic_usa_share"].direction == "supports"
    # "other countries" (no ISO3) stay in the total: shares are of 100, not of the named destinations
    tw_rows = [r for r in series if r["series"] == "taiwan_ic_exports"]
    assert tw_rows[0]["china_hk_share"] == pytest.approx(0.6)
    assert by["china_sme_usa_jpn_nld_share"].direction == "no_data"  # no equipment rows: said, not zero


def test_trade_among_the_rest_is_never_intra_bloc() -> None:
    """The rest is not a bloc: IND → COL (both outside every bloc in 2019) is not intra-bloc trade."""
    of = parse(BLOCS).definition().mapper(2019)
    rest_only = flows(2019, [("IND", "COL", 50), ("USA", "JPN", 50)])
    assert trade.intra_bloc_share(rest_only, of) == pytest.approx(0.5)
    stat = regionalisation._intra_stat(parse(BLOCS).definition())
    assert stat(rest_only, 1.0) == pytest.approx(0.5)


def test_dated_membership() -> None:
    d = parse(BLOCS).definition()
    assert d.bloc_of("COL", 2021) is None and d.bloc_of("COL", 2022) == "us_allies"
    assert d.bloc_of("JPN", 2019) == "us_allies"  # a name resolves through the country resolver


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            lambda d: d["definitions"]["two"]["blocs"]["china"]["members"].append("Atlantis"),
            "unknown country 'Atlantis'",
        ),
        (
            lambda d: d["definitions"]["two"]["blocs"]["china"]["members"].append("JPN"),
            "JPN is in bloc 'us_allies' and bloc 'china'",
        ),
        (lambda d: d["definitions"]["two"]["blocs"].update(rest={"members": ["IND"]}), "'rest' is reserved"),
        (lambda d: d["definitions"]["two"]["blocs"]["china"].update(members=[]), "members must be a non-empty list"),
        (
            lambda d: d["definitions"]["two"]["blocs"]["china"]["members"].append({"iso3": "KOR", "from": "soon"}),
            "is not a year",
        ),
        (lambda d: d["definitions"]["two"].pop("as_of"), "no 'as_of' date"),
        (lambda d: d.update(default="three"), "'three' is not a definition"),
    ],
)
def test_bad_bloc_files_name_what_to_fix(change: object, match: str) -> None:
    import copy

    data = copy.deepcopy(BLOCS)
    change(data)  # type: ignore[operator]
    with pytest.raises(InputError, match=match) as exc:
        parse(data)
    assert "test.yaml" in exc.value.message and exc.value.hint


def test_overlap_allowed_when_years_do_not_meet() -> None:
    import copy

    data = copy.deepcopy(BLOCS)
    data["definitions"]["two"]["blocs"]["china"]["members"].append({"iso3": "COL", "to": 2021})
    d = parse(data).definition()
    assert d.bloc_of("COL", 2020) == "china" and d.bloc_of("COL", 2023) == "us_allies"


def test_bloc_file_from_disk_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        blocs.load(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("definitions: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        blocs.load(bad)


def test_shipped_blocs_are_valid_and_dated() -> None:
    b = blocs.load()
    assert b.default in b.definitions and len(b.definitions) >= 3
    for d in b.definitions.values():
        assert d.as_of and d.sources and {"us_allies", "china"} <= set(d.blocs)
    assert (
        b.definition("broad").bloc_of("KEN", 2023) is None and b.definition("broad").bloc_of("KEN", 2024) == "us_allies"
    )


ECON = ["USA", "JPN", "CHN", "IND", "KOR"]


@given(
    st.lists(st.tuples(st.sampled_from(ECON), st.sampled_from(ECON), st.floats(0.0, 1e6)), min_size=1, max_size=12),
    st.floats(0.0, 1.0),
)
def test_moving_trade_inside_a_bloc_never_lowers_the_intra_bloc_share(
    rows: list[tuple[str, str, float]], frac: float
) -> None:
    of = parse(BLOCS).definition().mapper(2019)
    f = flows(2019, [r for r in rows if r[0] != r[1]] or [("USA", "CHN", 1.0)])
    before = trade.intra_bloc_share(f, of)
    inter = [
        k for k, (e, i) in enumerate(zip(f["exporter"], f["importer"], strict=True)) if not (of(e) and of(e) == of(i))
    ]
    if not inter or f["value"].sum() <= 0:
        return
    k = inter[0]
    moved = f.loc[k, "value"] * frac
    g = pd.concat([f, flows(2019, [("USA", "JPN", moved)])], ignore_index=True)
    g.loc[k, "value"] -= moved
    after = trade.intra_bloc_share(g, of)
    assert after >= before - 1e-12


_LOUVAIN = """
import random
import pandas as pd
from computestrata.trends.trade import detected_communities
rng = random.Random(7)
names = [f"C{i:02d}" for i in range(40)]
rows = [(a, b, rng.random() * 10 ** rng.randint(0, 9)) for a in names for b in names if a != b and rng.random() < 0.3]
comms, q = detected_communities(pd.DataFrame(rows, columns=["exporter", "importer", "value"]))
print(repr(q), comms)
"""


def test_louvain_modularity_is_the_same_in_every_process() -> None:
    """Q was summed over hash-ordered sets: its last digits changed with PYTHONHASHSEED."""
    import os
    import subprocess
    import sys

    outs = {
        subprocess.run(
            [sys.executable, "-c", _LOUVAIN],
            env={**os.environ, "PYTHONHASHSEED": str(h)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for h in (1, 2, 3, 4)
    }
    assert len(outs) == 1, outs


def test_sorted_modularity_equals_networkx() -> None:
    flows = pd.DataFrame(
        [("A", "B", 3.0), ("B", "C", 1.5), ("C", "A", 0.25), ("C", "D", 7.0), ("D", "E", 2.0), ("E", "A", 0.5)],
        columns=["exporter", "importer", "value"],
    )
    g = trade._graph(flows)
    for parts in ([["A", "B", "C"], ["D", "E"]], [["A", "B"], ["C", "D", "E"]], [["A", "B", "C", "D", "E"]]):
        want = nx.community.modularity(g, [set(p) for p in parts], weight="weight")
        assert trade.sorted_modularity(g, parts) == pytest.approx(want, abs=1e-12)
