"""TOP500 systems and GPU clusters are read once per atlas and shared by Table 1 and the
stratification analysis (``estimates._load``): the shared frame must give exactly the frame a
query of the requested columns gives, every call must still mark the table as read (the
provenance of each result cites it), and a caller changing its frame must not change the next
caller's."""

from __future__ import annotations

import pandas as pd
import pytest

from computestrata.measure import estimates as es
from computestrata.measure import stratification as strat

pytestmark = pytest.mark.integration

_REQUESTS = [
    ("top500_systems", ("list_id", "rank", "country_iso3", "rmax_tflops", "year", "source_id")),  # Table 1
    ("top500_systems", strat._TOP500_COLUMNS),  # stratification
    ("top500_systems", ("country_iso3", "list_id")),  # another order
    ("gpu_clusters", es.CLUSTER_COLUMNS),
    ("gpu_clusters", ("h100e", "name")),
]


@pytest.mark.parametrize(("table", "columns"), _REQUESTS)
def test_shared_frame_equals_a_direct_read(atlas, table: str, columns: tuple[str, ...]) -> None:
    es._load(atlas, table, es.SHARED_COLUMNS[table])  # the shared frame exists first
    got = es._load(atlas, table, columns)
    cols = ", ".join(f'"{c}"' for c in columns)
    want = atlas.df(f"SELECT {cols} FROM {table}")
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.columns) == list(columns)


def test_columns_outside_the_shared_set_are_read_directly(atlas) -> None:
    got = es.load_top500(atlas)  # name and site: not shared
    want = atlas.df(
        'SELECT "list_id", "rank", "name", "site", "country_iso3", "rmax_tflops", "source_id" FROM top500_systems'
    )
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_every_call_marks_the_table_as_read(atlas) -> None:
    es.load_clusters(atlas)
    es.load_top500(atlas, strat._TOP500_COLUMNS)
    with atlas.watch() as seen:  # now both come from the atlas's memo
        es.load_clusters(atlas)
        es.load_top500(atlas, strat._TOP500_COLUMNS)
    assert {"gpu_clusters", "top500_systems"} <= seen


def test_a_caller_changing_its_frame_leaves_the_next_one_alone(atlas) -> None:
    first = es.load_clusters(atlas)
    before = es.load_clusters(atlas).copy()
    first["h100e"] = 0.0
    first.loc[first.index[0], "name"] = "changed"
    part = es.load_top500(atlas, ("list_id", "rank"))
    part.loc[part.index[0], "rank"] = -1
    pd.testing.assert_frame_equal(es.load_clusters(atlas), before, check_exact=True)
    assert es.load_top500(atlas, ("list_id", "rank"))["rank"].iloc[0] != -1
