"""TOP500 loader on mock exports: header and unit detection, country traps, bad rows."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

from computestrata.atlas.loaders import top500
from computestrata.atlas.loaders.base import BuildContext
from computestrata.errors import RawDataError

FIX = Path(__file__).resolve().parent / "fixtures" / "top500"
_spec = importlib.util.spec_from_file_location("top500_mock", FIX / "make_fixtures.py")
assert _spec and _spec.loader
mock: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mock)

XLS, XLSX, CSV = FIX / "TOP500_199511.xls", FIX / "TOP500_202311.xlsx", FIX / "TOP500_202211.csv"


def ctx(tmp: Path | None = None, lenient: bool = False) -> BuildContext:
    return BuildContext(raw=tmp or FIX, lenient=lenient, countries=mock.resolver())


def parse(path: Path, lenient: bool = False, **kw: Any) -> tuple[top500.ParsedList, BuildContext]:
    c = ctx(path.parent, lenient)
    return top500.parse_list(path, c, **kw), c


# --- formats and layouts ------------------------------------------------------------------


def test_old_xls_layout_title_row_gflops_processors() -> None:
    p, _ = parse(XLS)
    s = p.systems
    assert p.list_id == "1995-11"
    assert p.summary["unit_in_file"] == "GFlop/s"
    assert "#1 Rmax" in p.summary["unit_evidence"] and "header" not in p.summary["unit_evidence"]
    assert len(s) == 500 and sorted(s["rank"]) == list(range(1, 501))
    top = s[s["rank"] == 1].iloc[0]
    assert top["rmax_tflops"] == pytest.approx(0.170)
    assert top["rpeak_tflops"] == pytest.approx(0.2125)
    assert top["cores"] == 64  # from 'Processors'
    assert s["name"].isna().all()  # no system names before 2011
    assert s["power_kw"].isna().all()
    # header sits on spreadsheet row 2 (blank title row above it)
    raw = top500.read_raw(XLS)
    assert raw.header_row == 2 and raw.row_number(0) == 3


def test_modern_xlsx_layout_names_tflops_total_cores() -> None:
    p, _ = parse(XLSX)
    s = p.systems
    assert p.list_id == "2023-11"
    assert p.summary["unit_in_file"] == "TFlop/s"
    assert "header 'Rmax [TFlop/s]'" in p.summary["unit_evidence"]
    top = s[s["rank"] == 1].iloc[0]
    assert top["name"] == "System 1"
    assert top["rmax_tflops"] == pytest.approx(1_194_000.0)
    assert top["cores"] == 1008  # 'Total Cores', not the accelerator cores column
    assert top["power_kw"] == pytest.approx(5000.0)
    assert s.loc[s["rank"] == 3, "accelerator"].iloc[0] == "NVIDIA H100"
    assert s.loc[s["rank"] == 1, "accelerator"].isna().all()
    assert s["power_kw"].isna().sum() == 250  # missing stays missing


def test_csv_with_thousands_separators_and_none_text() -> None:
    p, _ = parse(CSV)
    s = p.systems
    assert p.list_id == "2022-11" and p.summary["file_format"] == "csv"
    assert s.loc[s["rank"] == 1, "rmax_tflops"].iloc[0] == pytest.approx(1_102_000.0)
    assert s.loc[s["rank"] == 1, "year"].iloc[0] == 2023
    assert s["accelerator"].dropna().unique().tolist() == ["NVIDIA H100"]  # 'None' → null


@pytest.mark.parametrize("path", [XLS, XLSX, CSV], ids=["xls", "xlsx", "csv"])
def test_country_traps_resolve(path: Path) -> None:
    p, _ = parse(path)
    counts = p.systems.groupby("country_iso3").size().to_dict()
    assert counts == {"USA": 50, "CHN": 50, "KOR": 100, "CZE": 100, "SAU": 50, "TWN": 50, "HKG": 50, "RUS": 50}
    assert "PRK" not in counts
    raw = set(p.systems.loc[p.systems["country_iso3"] == "SAU", "country_raw"])
    assert raw == {"Saudia Arabia"}


def test_facts_per_country_and_list() -> None:
    p, _ = parse(XLSX)
    f = top500.country_facts(p.systems)
    kor = f[(f["entity"] == "KOR") & (f["variable"] == "Compute|Super|Systems")]
    assert kor["value"].tolist() == [100.0] and kor["period"].tolist() == ["2023-11"]
    rmax = f[f["variable"] == "Compute|Super|Rmax"]
    assert rmax["value"].sum() == pytest.approx(p.systems["rmax_tflops"].sum())
    assert set(f["unit"]) == {"TFlop/s", "count"} and set(f["source_id"]) == {"top500_2023_11"}


# --- units --------------------------------------------------------------------------------


def test_unit_from_magnitude_when_header_is_silent(tmp_path: Path) -> None:
    header = [h.replace(" [TFlop/s]", "") for h in mock.MODERN_HEADER]
    rows = mock.modern_rows(top1=1_194_000.0 * 1000)  # values in GFlop/s
    path = mock.write_csv(tmp_path / "TOP500_202311.csv", header, rows)
    p, _ = parse(path)
    assert p.summary["unit_in_file"] == "GFlop/s"
    assert p.systems["rmax_tflops"].max() == pytest.approx(1_194_000.0)


def test_unit_conflict_between_header_and_magnitude_fails(tmp_path: Path) -> None:
    rows = mock.modern_rows(top1=1_194_000.0 * 1000)  # GFlop/s values under a TFlop/s header
    path = mock.write_csv(tmp_path / "TOP500_202311.csv", mock.MODERN_HEADER, rows)
    with pytest.raises(RawDataError) as exc:
        parse(path)
    err = exc.value.errors[0]
    assert "header says Rmax is in TFlop/s" in err.problem and "GFlop/s" in err.problem
    assert err.column == "Rmax [TFlop/s]" and err.row == 2


def test_unit_ambiguous_fails(tmp_path: Path) -> None:
    header = [h.replace(" [TFlop/s]", "") for h in mock.MODERN_HEADER]
    path = mock.write_csv(tmp_path / "TOP500_202311.csv", header, mock.modern_rows(top1=3.0e10))
    with pytest.raises(RawDataError, match="cannot tell the Rmax unit"):
        parse(path)


def test_published_total_check_fails_loudly(tmp_path: Path) -> None:
    # 1993-06 has a published total (~1.1 TFlop/s); this mock sums to ~5.9 TFlop/s
    path = mock.write_xls(tmp_path / "TOP500_199306.xls", mock.OLD_HEADER, mock.old_rows(59.7))
    with pytest.raises(RawDataError, match="FAILED: summed Rmax"):
        parse(path)


def test_expected_top1_step_lookup() -> None:
    assert top500.expected_top1("1993-06")[0] == pytest.approx(0.0597)
    assert top500.expected_top1("1995-06")[0] == pytest.approx(0.170)  # still NWT
    assert top500.expected_top1("2030-11")[1].startswith("El Capitan")
    assert top500.list_id_from_number(64) == "2024-11"
    assert all(top500.list_id_from_number(top500.list_number(k)) == k for k, _, _ in top500.KNOWN_TOP1)


@pytest.mark.parametrize(
    ("text", "base", "unit"),
    [
        ("Rmax [TFlop/s]", "rmax", "tflop/s"),
        ("RMax", "rmax", None),
        ("Power (kW)", "power", "kw"),
        ("  Total   Cores ", "total cores", None),
        ("Rpeak [GFlop/s]", "rpeak", "gflop/s"),
    ],
)
def test_split_header(text: str, base: str, unit: str | None) -> None:
    assert top500.split_header(text) == (base, unit)


# --- list date ----------------------------------------------------------------------------


def test_list_date_from_content_when_name_is_silent(tmp_path: Path) -> None:
    path = shutil.copy(XLSX, tmp_path / "export.xlsx")
    p, _ = parse(Path(path))
    assert p.list_id == "2023-11"  # sheet '62' and newest First Appearance 62


def test_list_date_conflict_fails(tmp_path: Path) -> None:
    path = shutil.copy(XLSX, tmp_path / "TOP500_202406.xlsx")
    with pytest.raises(RawDataError, match="ambiguous"):
        parse(Path(path))


def test_list_date_missing_fails_with_rename_hint(tmp_path: Path) -> None:
    path = shutil.copy(XLS, tmp_path / "export.xls")
    with pytest.raises(RawDataError) as exc:
        parse(Path(path))
    assert "TOP500_YYYYMM" in exc.value.errors[0].fix


def test_list_date_given_explicitly(tmp_path: Path) -> None:
    path = shutil.copy(XLS, tmp_path / "export.xls")
    p, _ = parse(Path(path), list_id="1995-11")
    assert p.list_id == "1995-11" and p.summary["source_id"] == "top500_1995_11"


# --- bad rows -----------------------------------------------------------------------------


def _bad_csv(tmp_path: Path, rank: int, col: str, value: object) -> Path:
    rows = mock.modern_rows(top1=1_102_000.0, list_no=60)
    rows[rank - 1][mock.MODERN_HEADER.index(col)] = value
    return mock.write_csv(tmp_path / "TOP500_202211.csv", mock.MODERN_HEADER, rows)


def test_bad_rmax_names_file_row_column(tmp_path: Path) -> None:
    path = _bad_csv(tmp_path, 7, "Rmax [TFlop/s]", "abc")
    with pytest.raises(RawDataError) as exc:
        parse(path)
    err = exc.value.errors[0]
    assert (err.file, err.row, err.column, err.value) == ("TOP500_202211.csv", 8, "Rmax [TFlop/s]", "abc")
    assert "TOP500_202211.csv, row 8, column 'Rmax [TFlop/s]'" in str(exc.value)


def test_bad_row_skipped_when_lenient(tmp_path: Path) -> None:
    path = _bad_csv(tmp_path, 7, "Rmax [TFlop/s]", "abc")
    p, c = parse(path, lenient=True)
    assert len(p.systems) == 499 and 7 not in set(p.systems["rank"])
    assert [(e.row, e.column) for e in c.skipped] == [(8, "Rmax [TFlop/s]")]
    assert p.summary["systems"] == 499


def test_unknown_country_is_a_bad_row(tmp_path: Path) -> None:
    path = _bad_csv(tmp_path, 12, "Country", "Atlantis")
    with pytest.raises(RawDataError) as exc:
        parse(path)
    err = exc.value.errors[0]
    assert (err.row, err.column, err.value) == (13, "Country", "Atlantis")
    p, c = parse(path, lenient=True)
    assert len(p.systems) == 499 and len(c.skipped) == 1


def test_duplicate_rank_is_a_bad_row(tmp_path: Path) -> None:
    path = _bad_csv(tmp_path, 10, "Rank", 9)
    with pytest.raises(RawDataError, match="rank 9 appears twice"):
        parse(path)


def test_rmax_above_rpeak_is_kept_and_flagged(tmp_path: Path) -> None:
    path = _bad_csv(tmp_path, 20, "Rpeak [TFlop/s]", 1.0)
    p, c = parse(path)
    row = p.systems[p.systems["rank"] == 20].iloc[0]
    assert "Rmax exceeds Rpeak" in row["quality_note"] and not c.skipped
    assert p.summary["rmax_above_rpeak_rows"] == 1


def test_incomplete_list_fails_strict(tmp_path: Path) -> None:
    path = mock.write_csv(
        tmp_path / "TOP500_202211.csv", mock.MODERN_HEADER, mock.modern_rows(top1=1_102_000.0, n=120, list_no=60)
    )
    with pytest.raises(RawDataError, match="120 systems, not 500"):
        parse(path)


def test_missing_required_column_lists_found_columns(tmp_path: Path) -> None:
    header = [h if h != "Country" else "Nation" for h in mock.MODERN_HEADER]
    path = mock.write_csv(tmp_path / "TOP500_202211.csv", header, mock.modern_rows(list_no=60))
    with pytest.raises(RawDataError, match="no column for country"):
        parse(path)


@pytest.mark.parametrize("suffix", [".xls", ".xlsx", ".csv"])
def test_corrupt_file_is_a_clear_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"TOP500_202411{suffix}"
    path.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(RawDataError) as exc:
        top500.read_raw(path)
    assert exc.value.errors[0].file == path.name


# --- the loader over a raw folder ---------------------------------------------------------


def test_load_checks_sha256_and_records_mirror(tmp_path: Path) -> None:
    from computestrata.atlas.sources import sha256_file

    raw = tmp_path / "top500" / "raw"
    raw.mkdir(parents=True)
    for f in (XLS, XLSX, CSV):
        shutil.copy(f, raw / f.name)
    lines = ["file,source_repo,source_path,source_commit,git_blob_sha1,sha256"]
    for f in (XLS, XLSX, CSV):
        lines.append(f"{f.name},someone/mirror,data/{f.name},abc123,x,{sha256_file(f)}")
    (raw / "SOURCES.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = top500.load(ctx(tmp_path))
    assert set(res.tables) == {"top500_systems", "top500_lists"}
    assert res.tables["top500_lists"]["list_id"].tolist() == ["1995-11", "2022-11", "2023-11"]
    src = {s.source_id: s for s in res.sources}
    s = src["top500_2023_11"]
    assert s.title == "TOP500 list, November 2023" and s.publisher == "TOP500.org"
    assert s.url == "https://www.top500.org/lists/top500/2023/11/"
    assert s.license == "LicenseRef-TOP500-no-open-licence"
    assert s.locator and "someone/mirror" in s.locator and s.raw_file == "top500/raw/" + XLSX.name
    # a changed file no longer matches its recorded sha256
    (raw / "SOURCES.csv").write_text("\n".join(lines).replace(sha256_file(CSV), "0" * 64) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError, match="sha256 differs"):
        top500.load(ctx(tmp_path))
