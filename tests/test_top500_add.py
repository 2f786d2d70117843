"""`add_top500`: a new list goes into an existing atlas idempotently and atomically."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

from computestrata.atlas import store
from computestrata.atlas.add import add_top500
from computestrata.errors import InputError, RawDataError

FIX = Path(__file__).resolve().parent / "fixtures" / "top500"
_spec = importlib.util.spec_from_file_location("top500_mock", FIX / "make_fixtures.py")
assert _spec and _spec.loader
mock: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mock)

XLS, XLSX, CSV = FIX / "TOP500_199511.xls", FIX / "TOP500_202311.xlsx", FIX / "TOP500_202211.csv"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return mock.tiny_atlas(tmp_path / "atlas")  # type: ignore[no-any-return]


def counts(atlas_dir: Path) -> dict[str, Any]:
    a = store.open(atlas_dir)
    try:
        return {
            "systems": a.rows("SELECT list_id, count(*) AS n FROM top500_systems GROUP BY 1 ORDER BY 1"),
            "lists": a.rows("SELECT list_id FROM top500_lists ORDER BY 1"),
            "facts": a.rows("SELECT source_id, count(*) AS n FROM facts GROUP BY 1 ORDER BY 1"),
            "sources": [s["source_id"] for s in a.sources()],
        }
    finally:
        a.close()


def test_add_each_format_into_an_atlas(tiny: Path) -> None:
    for f in (XLS, XLSX, CSV):
        out = add_top500(f, tiny)
        assert out["systems"] == 500 and out["replaced"] is False
    c = counts(tiny)
    assert c["systems"] == [
        {"list_id": "1995-11", "n": 500},
        {"list_id": "2022-11", "n": 500},
        {"list_id": "2023-11", "n": 500},
    ]
    assert c["sources"] == ["tiny_codes", "top500_1995_11", "top500_2022_11", "top500_2023_11"]
    # 8 countries × 2 variables per list; the earlier facts survive
    assert {r["source_id"]: r["n"] for r in c["facts"]} == {
        "tiny_codes": 1,
        "top500_1995_11": 16,
        "top500_2022_11": 16,
        "top500_2023_11": 16,
    }


def test_re_adding_the_same_file_changes_nothing(tiny: Path) -> None:
    """Issue 8 item 3: the same bytes again keep the atlas byte for byte, manifest included
    (the old code rewrote the source record and the history)."""
    add_top500(XLSX, tiny)
    first = counts(tiny)
    files = digest(tiny)
    out = add_top500(XLSX, tiny)
    assert out["unchanged"] is True and out["replaced"] is False and out["list_id"] == "2023-11"
    assert counts(tiny) == first  # no duplicates anywhere
    assert digest(tiny) == files  # nothing rewritten, not even manifest.json
    a = store.open(tiny)
    assert [h["list_id"] for h in a.manifest["added"]] == ["2023-11"]
    assert a.manifest["built_at"] == "test"  # the rest of the manifest is kept


def test_a_different_file_for_a_list_replaces_it(tiny: Path, tmp_path: Path) -> None:
    add_top500(XLSX, tiny)
    first = counts(tiny)
    other = tmp_path / XLSX.name
    other.write_bytes(XLSX.read_bytes())
    out = add_top500(other, tiny)  # same bytes under another path: still the same file
    assert out["unchanged"] is True
    rows = mock.modern_rows(top1=1_102_000.0, list_no=62)
    changed = mock.write_csv(tmp_path / "TOP500_202311.csv", mock.MODERN_HEADER, rows)
    out = add_top500(changed, tiny)
    assert out["replaced"] is True and out["unchanged"] is False
    assert counts(tiny)["systems"] == first["systems"]  # replaced, not duplicated


def test_re_adding_with_corrected_rows_updates_facts(tiny: Path, tmp_path: Path) -> None:
    add_top500(CSV, tiny)
    rows = mock.modern_rows(top1=1_102_000.0, list_no=60)
    rows[1][mock.MODERN_HEADER.index("Country")] = "Japan"  # rank 2 moves CHN → JPN
    fixed = mock.write_csv(tmp_path / "TOP500_202211.csv", mock.MODERN_HEADER, rows)
    add_top500(fixed, tiny)
    a = store.open(tiny)
    got = a.rows(
        "SELECT entity, value FROM facts WHERE variable = 'Compute|Super|Systems' "
        "AND entity IN ('CHN', 'JPN') ORDER BY entity"
    )
    assert got == [{"entity": "CHN", "value": 49.0}, {"entity": "JPN", "value": 1.0}]


def test_corrupt_file_leaves_atlas_unchanged(tiny: Path, tmp_path: Path) -> None:
    add_top500(XLSX, tiny)
    before = digest(tiny)
    for name, data in (
        ("TOP500_202406.xlsx", XLSX.read_bytes()[:5000]),
        ("TOP500_202406.xls", b"not an excel file"),
        ("TOP500_202406.csv", b"Rank,Site\n1,x\n"),
    ):
        bad = tmp_path / name
        bad.write_bytes(data)
        with pytest.raises(RawDataError):
            add_top500(bad, tiny)
        assert digest(tiny) == before
    assert not [p for p in tiny.parent.iterdir() if p.name.startswith(".atlas")]  # no debris


def test_bad_row_fails_unless_lenient(tiny: Path, tmp_path: Path) -> None:
    rows = mock.modern_rows(top1=1_102_000.0, list_no=60)
    rows[4][mock.MODERN_HEADER.index("Rmax [TFlop/s]")] = -5
    bad = mock.write_csv(tmp_path / "TOP500_202211.csv", mock.MODERN_HEADER, rows)
    before = digest(tiny)
    with pytest.raises(RawDataError, match="row 6"):
        add_top500(bad, tiny)
    assert digest(tiny) == before
    out = add_top500(bad, tiny, lenient=True)
    assert out["systems"] == 499 and len(out["skipped"]) == 1


def test_missing_file_and_bad_list_id(tiny: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        add_top500(tmp_path / "nope.xlsx", tiny)
    with pytest.raises(InputError, match="bad list id"):
        add_top500(XLSX, tiny, list_id="2023-12")


def test_list_id_for_an_unnamed_file(tiny: Path, tmp_path: Path) -> None:
    unnamed = Path(shutil.copy(XLS, tmp_path / "download.xls"))
    with pytest.raises(RawDataError, match="cannot tell which list"):
        add_top500(unnamed, tiny)
    assert add_top500(unnamed, tiny, list_id="1995-11")["list_id"] == "1995-11"
