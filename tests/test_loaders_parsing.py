"""Shared row parsing: real line numbers, checked cells, typed frames."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from computestrata.atlas.loaders.parsing import (
    Row,
    check_order,
    parse_date,
    read_rows,
    slugify,
    typed_frame,
)
from computestrata.errors import RawDataError
from loaders_support import make_ctx


def _row(data: dict[str, str], lenient: bool = False) -> Row:
    return Row(make_ctx(lenient=lenient), "x.csv", 7, data)


def test_line_numbers_count_physical_lines_of_multiline_cells(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text('name,note\nA,"two\nlines"\n\nB,plain\n', encoding="utf-8")
    header, rows = read_rows(f, tmp_path)
    assert header == ["name", "note"]
    assert [(line, r["name"]) for line, r in rows] == [(2, "A"), (5, "B")]


def test_skip_lines_keeps_true_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "wb.csv"
    f.write_text('"Data Source","WDI",\n\n"Last Updated Date","2024-06-28",\n\nA,B\n1,2\n', encoding="utf-8")
    _, rows = read_rows(f, tmp_path, skip_lines=4)
    assert rows == [(6, {"A": "1", "B": "2"})]


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(RawDataError) as exc:
        read_rows(f, tmp_path, required=["x", "TDP (W)"])
    err = exc.value.errors[0]
    assert (err.file, err.row, err.column) == ("a.csv", 1, "TDP (W)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-02", date(2025, 12, 2)),
        ("2025-12-05 21:21:23+00:00", date(2025, 12, 5)),
        ("2021-07", date(2021, 7, 1)),
        ("2024", date(2024, 1, 1)),
        ("3/31/2026", date(2026, 3, 31)),
        ("2023-02-30", None),
        ("sometime", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_numbers_empty_is_missing_not_zero() -> None:
    row = _row({"a": "", "b": " 1,234.5 ", "c": "1.5e+15"})
    assert row.num("a") is None
    assert row.num("b") == 1234.5
    assert row.num("c") == 1.5e15
    assert row.ok


@pytest.mark.parametrize(
    ("cell", "problem"), [("abc", "not a number"), ("-3", "below"), ("inf", "not finite"), ("1,2", "not a number")]
)
def test_bad_number_raises_with_row_and_column(cell: str, problem: str) -> None:
    with pytest.raises(RawDataError) as exc:
        _row({"TDP (W)": cell}).num("TDP (W)")
    err = exc.value.errors[0]
    assert (err.file, err.row, err.column, err.value) == ("x.csv", 7, "TDP (W)", cell)
    assert problem in err.problem


def test_lenient_bad_cell_marks_row_and_records() -> None:
    row = _row({"v": "oops"}, lenient=True)
    assert row.num("v") is None
    assert not row.ok
    assert row.ctx.skipped[0].column == "v"


def test_flags_and_checkbox_default() -> None:
    row = _row({"a": "True", "b": "No", "c": "", "d": "checked"})
    assert (row.flag("a"), row.flag("b"), row.flag("c", empty=False), row.flag("c"), row.flag("d")) == (
        True,
        False,
        False,
        None,
        True,
    )
    with pytest.raises(RawDataError):
        _row({"a": "maybe"}).flag("a")


def test_iso3_unknown_country_is_a_bad_cell() -> None:
    row = _row({"Country": "Atlantis"}, lenient=True)
    assert row.iso3("Country") is None and not row.ok
    assert _row({"Country": "Korea (Republic of)"}).iso3("Country") == "KOR"


def test_percentile_order_check() -> None:
    assert check_order(_row({}), "m", 1.0, 2.0, 3.0)
    assert check_order(_row({}), "m", None, 2.0, None)
    with pytest.raises(RawDataError, match="percentiles out of order"):
        check_order(_row({}), "m", 5.0, 2.0, 3.0)


def test_slugify() -> None:
    assert slugify("NVIDIA H100 SXM5 80GB") == "nvidia-h100-sxm5-80gb"
    assert slugify("Gui'an cluster (贵安)") == "gui-an-cluster"


def test_typed_frame_dtypes_survive_parquet(tmp_path: Path) -> None:
    recs = [
        {"s": "a", "f": 1.5, "i": 3, "b": True, "d": date(2024, 3, 31), "l": ["CHN", "USA"]},
        {"s": None, "f": None, "i": None, "b": None, "d": None, "l": None},
    ]
    df = typed_frame(
        recs,
        {
            "s": "string",
            "f": "float64",
            "i": "Int64",
            "b": "boolean",
            "d": "date",
            "l": "list<string>",
            "missing": "string",
        },
    )
    table = pa.Table.from_pandas(df, preserve_index=False)
    assert table.schema.field("d").type == pa.date32()
    assert table.schema.field("l").type == pa.list_(pa.string())
    assert table.schema.field("b").type == pa.bool_()
    assert pd.isna(df.loc[1, "f"]) and pd.isna(df.loc[1, "i"]) and pd.isna(df.loc[0, "missing"])


def test_read_json_names_the_file_and_line_of_invalid_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from computestrata.atlas.loaders.parsing import read_json
    from computestrata.errors import RawDataError

    good = tmp_path / "good.json"
    good.write_text('{"a": [1, 2]}', encoding="utf-8")
    assert read_json(good) == {"a": [1, 2]}
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1,\n "b": }', encoding="utf-8")
    with pytest.raises(RawDataError) as err:
        read_json(bad)
    text = str(err.value)
    assert "bad.json" in text and "not valid JSON" in text and "line 2" in text
