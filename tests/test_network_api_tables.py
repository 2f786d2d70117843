"""The tables the `strata network` commands print, as the API builds them (the CLI only prints)."""

from __future__ import annotations

import math

import pytest

from computestrata.errors import InputError
from computestrata.i18n import use_lang
from computestrata.network import api


def test_prices_parse_and_refuse_what_is_not_a_price() -> None:
    assert api.parse_prices("0, 50,100,") == [0.0, 50.0, 100.0]
    for bad in ("a,b", "-1", ",", "nan", "inf,5"):
        with pytest.raises(InputError, match="--prices") as exc:
            api.parse_prices(bad)
        assert exc.value.hint == "e.g. --prices 0,50,100"


def test_a_delta_with_a_missing_side_stays_missing() -> None:
    assert api._delta(None, 5.0) is None and api._delta(5.0, None) is None
    assert api._delta(7.5, 5.0) == 2.5


def test_site_groups_are_named_in_the_readers_language_and_unknown_groups_stay() -> None:
    with use_lang("en"):
        west = api.side_label("west")
    with use_lang("ko"):
        assert api.side_label("west") != west
        assert api.side_label("my_own_group") == "my_own_group"
        assert api.side_label("") == ""


def test_conflict_rows_name_the_family_and_three_examples() -> None:
    res = api.NetworkResult(case="x", status="infeasible", hours=2, carbon_price=0.0, build=False)
    res.conflicts = [
        {
            "constraint": "demand_storage",
            "count": 5,
            "examples": [{"region": f"r{i}", "hour": i} for i in range(5)],
        },
        {"constraint": "capacity", "count": 1, "examples": []},
    ]
    with use_lang("en"):
        rows = api.conflict_rows(res)
    assert [r["constraint"] for r in rows] == ["demand_storage", "capacity"]
    assert rows[0]["count"] == 5
    assert rows[0]["examples"] == "region=r0, hour=0; region=r1, hour=1; region=r2, hour=2"
    assert rows[1]["examples"] == ""
    with use_lang("en"):
        assert rows[0]["meaning"] != rows[1]["meaning"]
        assert "network.conflict" not in rows[0]["meaning"]  # a catalogue text, not the bare key


@pytest.mark.integration
def test_case_table_and_parameters_cite_the_atlas(atlas) -> None:  # type: ignore[no-untyped-def]
    cases = api.case_table(atlas)
    assert [r["case"] for r in cases.rows] == api.case_ids()
    assert cases.source_ids and set(cases.source_ids) <= {s["source_id"] for s in atlas.sources()}
    par = api.parameter_table("sea", atlas)
    assert par.case == "sea" and par.rows == api.parameters("sea", atlas)
    assert set(par.source_ids) <= set(cases.source_ids)


@pytest.mark.integration
def test_comparison_rows_carry_deltas_to_the_base_run(atlas) -> None:  # type: ignore[no-untyped-def]
    with use_lang("en"):
        cmp = api.comparison("sea", hours=2, atlas=atlas, with_sites=True)
    base = cmp.rows[0]
    assert base["delta_cost_usd"] == 0.0 and base["delta_emissions_t"] == 0.0
    for r in cmp.rows[1:]:
        if r["cost_usd"] is not None:
            assert math.isclose(r["delta_cost_usd"], r["cost_usd"] - base["cost_usd"])
        assert r["sites"]  # kept for JSON
    assert any(r["excluded_sites"] for r in cmp.rows)  # the runs without the comparison group
    assert cmp.notes[0] and cmp.source_ids
    assert api.comparison("sea", hours=2, atlas=atlas).rows[0]["sites"] is None
