"""The atlas core: atomic builds, clear errors on bad raw rows, read-only queries,
licence exclusion, diffs.  Uses the countries loader on a small copy of the raw files so
the tests are fast and independent of the other loaders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from computestrata.atlas import store
from computestrata.atlas.build import build as _build
from computestrata.atlas.diff import diff_atlases
from computestrata.atlas.expectations import read_manifest
from computestrata.errors import AtlasError, InputError, RawDataError

FIX = Path(__file__).parent / "fixtures" / "atlas"
#: The mock raw folder has a handful of rows: it is checked against its own raw-data manifest.
MOCK_MANIFEST = FIX / "raw_manifest.csv"


def build(raw: Path, out: Path, **kw):  # type: ignore[no-untyped-def]
    """The build, checking the mock raw files against the mock raw-data manifest."""
    return _build(raw, out, expectations=read_manifest(MOCK_MANIFEST), **kw)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """A raw folder with the mock country files (a handful of real-shaped rows)."""
    dst = tmp_path / "raw"
    shutil.copytree(FIX / "raw", dst)
    return dst


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_build_writes_manifest_and_tables(raw: Path, tmp_path: Path) -> None:
    rep = build(raw, tmp_path / "atlas", only=["countries"])
    assert rep.tables["countries"] == 6
    a = store.open(tmp_path / "atlas")
    assert {"countries", "country_aliases", "facts", "sources"} <= set(a.tables)
    kor = a.rows("SELECT name_en, name_ko, name_zh, income_group FROM countries WHERE iso3 = 'KOR'")[0]
    assert kor == {"name_en": "South Korea", "name_ko": "대한민국", "name_zh": "韩国", "income_group": "High income"}
    # every cited source exists, with licence and hash
    src = {s["source_id"]: s for s in a.sources()}
    assert src["country_codes"]["license"] == "PDDL-1.0" and len(src["country_codes"]["sha256"]) == 64


def test_bad_row_names_file_row_column_and_keeps_old_atlas(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "atlas"
    build(raw, out, only=["countries"])
    before = _snapshot(out)
    f = raw / "country_codes" / "country-codes.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",KOR,", ",K0R,", 1)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError) as exc:
        build(raw, out, only=["countries"])
    msg = str(exc.value)
    assert "country-codes.csv" in msg and "row 4" in msg and "ISO3166-1-Alpha-3" in msg and "K0R" in msg
    assert "--lenient" in msg
    assert _snapshot(out) == before  # previous atlas intact
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".atlas.new")]  # no debris


def test_lenient_skips_and_reports(raw: Path, tmp_path: Path) -> None:
    f = raw / "country_codes" / "country-codes.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",KOR,", ",K0R,", 1), encoding="utf-8")
    rep = build(raw, tmp_path / "atlas", lenient=True, only=["countries"])
    assert rep.tables["countries"] == 5
    assert len(rep.skipped) == 1 and rep.skipped[0].column == "ISO3166-1-Alpha-3"
    man = json.loads((tmp_path / "atlas" / "manifest.json").read_text())
    assert man["skipped_rows"] and "K0R" in man["skipped_rows"][0]


def test_missing_raw_file_is_clear(raw: Path, tmp_path: Path) -> None:
    (raw / "wb_income_groups" / "wb_income_groups_FY2025.csv").unlink()
    with pytest.raises(RawDataError, match="file is missing"):
        build(raw, tmp_path / "atlas", only=["countries"])


def test_exclude_license_hides_rows_and_sources(raw: Path, tmp_path: Path) -> None:
    build(raw, tmp_path / "atlas", only=["countries"])
    a = store.open(tmp_path / "atlas", exclude_licenses=["PDDL-1.0"])
    assert a.rows("SELECT count(*) AS n FROM countries") == [{"n": 0}]
    assert all(s["license"] != "PDDL-1.0" for s in a.sources())
    b = store.open(tmp_path / "atlas", exclude_licenses=["CC-BY-4.0"])  # income groups only
    assert b.rows("SELECT count(*) AS n FROM countries") == [{"n": 6}]
    assert "wb_class_fy2025" not in {s["source_id"] for s in b.sources()}


def test_open_missing_atlas_is_clear(tmp_path: Path) -> None:
    with pytest.raises(AtlasError, match="no atlas"):
        store.open(tmp_path / "nowhere")


def test_diff_reports_rows_and_values(raw: Path, tmp_path: Path) -> None:
    build(raw, tmp_path / "old", only=["countries"])
    f = raw / "wb_income_groups" / "wb_income_groups_FY2025.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Upper middle income", "High income"), encoding="utf-8")
    build(raw, tmp_path / "new", only=["countries"])
    diffs = {d.table: d for d in diff_atlases(store.open(tmp_path / "old"), store.open(tmp_path / "new"))}
    assert diffs["countries"].status == "changed"
    assert diffs["countries"].values_changed == {"income_group": 2}  # CHN and NAM
    assert diffs["sources"].values_changed.get("sha256") == 1
    assert diffs["country_aliases"].status == "same"


def test_cli_error_exit_code_and_message(raw: Path, tmp_path: Path) -> None:
    f = raw / "country_codes" / "country-codes.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",KOR,", ",K0R,", 1), encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "computestrata.cli",
            "atlas",
            "build",
            "--raw",
            str(raw),
            "--out",
            str(tmp_path / "a"),
            "--only",
            "countries",
            "--expect",
            str(MOCK_MANIFEST),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "country-codes.csv" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.integration
def test_shipped_atlas_is_current(built_atlas: Path) -> None:
    """The atlas inside the package equals a fresh build from the raw files."""
    shipped = store.open(store.shipped_atlas_dir())
    diffs = diff_atlases(shipped, store.open(built_atlas), ignore_columns=("date_accessed",))
    changed = [d.record() for d in diffs if d.status != "same"]
    assert not changed, f"rebuild the shipped atlas (strata atlas build --raw ../shared/data --shipped): {changed[:3]}"


def test_bad_sql_is_an_input_error(raw: Path, tmp_path: Path) -> None:
    build(raw, tmp_path / "atlas", only=["countries"])
    a = store.open(tmp_path / "atlas")
    with pytest.raises(InputError, match="nosuch") as exc:
        a.query("SELECT * FROM nosuch")
    assert exc.value.hint and "atlas tables" in exc.value.hint
    with pytest.raises(InputError):
        a.query("SELECT no_such_column FROM countries")


def test_unknown_excluded_licence_is_refused(raw: Path, tmp_path: Path) -> None:
    build(raw, tmp_path / "atlas", only=["countries"])
    with pytest.raises(InputError, match=r"NOPE-1\.0") as exc:
        store.open(tmp_path / "atlas", exclude_licenses=["NOPE-1.0"])
    assert exc.value.hint and "PDDL-1.0" in exc.value.hint


def test_atlas_folder_is_readable_by_others(raw: Path, tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        build(raw, tmp_path / "atlas", only=["countries"])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "atlas").stat().st_mode) == 0o755


def test_a_file_given_as_atlas_is_named(tmp_path: Path) -> None:
    f = tmp_path / "afile"
    f.write_text("x")
    with pytest.raises(AtlasError, match="is a file"):
        store.open(f)


def test_add_refuses_the_shipped_atlas() -> None:
    from computestrata.atlas.add import add_top500

    fixture = Path(__file__).parent / "fixtures" / "top500"
    some = next(p for p in fixture.iterdir() if p.suffix in (".xls", ".xlsx", ".csv"))
    with pytest.raises(InputError, match="shipped"):
        add_top500(some, store.shipped_atlas_dir())
