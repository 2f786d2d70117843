"""Provenance that travels: reads are recorded, a forgotten table is cited in full, merges keep all."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from computestrata.atlas import store
from computestrata.provenance import LOOKUP_TABLES, Provenance, sourced, track


@dataclass
class _Result:
    value: int
    source_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    provenance: Provenance | None = None


@pytest.fixture(scope="module")
def atlas() -> store.Atlas:
    return store.open()


def test_a_read_table_is_cited_when_the_function_forgets(atlas: store.Atlas) -> None:
    @sourced
    def forgetful(a: store.Atlas) -> _Result:
        return _Result(a.rows("SELECT count(*) AS n FROM gpu_clusters")[0]["n"])

    res = forgetful(atlas)
    assert res.source_ids == sorted(atlas.table_source_ids("gpu_clusters")) != []
    assert res.provenance is not None and res.provenance.uncited_tables == ["gpu_clusters"]


def test_a_precise_citation_is_kept_narrow(atlas: store.Atlas) -> None:
    """Rows of one TOP500 list cite that list, not all 60-odd lists the table holds."""

    @sourced
    def one_list(a: store.Atlas) -> _Result:
        df = a.df("SELECT rank, source_id FROM top500_systems WHERE list_id = '2024-11'")
        return _Result(len(df), source_ids=sorted(df["source_id"].unique()))

    res = one_list(atlas)
    assert res.source_ids == ["top500_2024_11"]
    assert len(atlas.table_source_ids("top500_systems")) > 10


def test_lookup_tables_are_not_cited(atlas: store.Atlas) -> None:
    with track(atlas) as tr:
        atlas.rows("SELECT iso3 FROM countries LIMIT 1")
    assert "countries" in LOOKUP_TABLES and tr.provenance.source_ids == []


def test_nested_blocks_each_see_their_reads(atlas: store.Atlas) -> None:
    with track(atlas) as outer:
        atlas.rows("SELECT count(*) FROM chips")
        with track(atlas) as inner:
            atlas.rows("SELECT count(*) FROM gpu_clusters")
    assert set(inner.provenance.read) == {"gpu_clusters"}
    assert set(outer.provenance.read) == {"chips", "gpu_clusters"}


def test_merge_keeps_every_citation_and_note_once() -> None:
    a = Provenance().cite("s1", None, float("nan")).note("n1")
    b = Provenance(read={"t": frozenset({"s2", "s3"})}).cite(["s2"]).note("n1", "n2")
    m = a | b
    assert m.source_ids == ["s1", "s2"] and m.notes == ("n1", "n2")
    assert Provenance.merge(a, b, Provenance(read={"u": frozenset({"s9"})})).source_ids == ["s1", "s2", "s9"]


def test_a_set_of_ids_stays_a_set(atlas: store.Atlas) -> None:
    @dataclass
    class _SetResult:
        source_ids: set[str]

    @sourced
    def f(a: store.Atlas) -> _SetResult:
        a.rows("SELECT count(*) FROM chips")
        return _SetResult({"mine"})

    res = f(atlas)
    assert isinstance(res.source_ids, set) and "mine" in res.source_ids
    assert set(atlas.table_source_ids("chips")) <= res.source_ids
