"""Issue 8, data safety and security: no command destroys data or reads outside the atlas.

Each test names the item it covers; each fails on the code before the fix (see the
comment in each).  Builds use the mock raw folder of ``fixtures/atlas`` with its own
raw-data manifest, so they are fast and independent of the other loaders."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from computestrata.atlas import store
from computestrata.atlas.build import build as _build
from computestrata.atlas.expectations import RawManifest, check_files, read_manifest, shipped_manifest
from computestrata.errors import AtlasError, InputError, RawDataError

FIX = Path(__file__).parent / "fixtures" / "atlas"
MOCK_MANIFEST = FIX / "raw_manifest.csv"


def build(raw: Path, out: Path, **kw: Any) -> Any:
    kw.setdefault("expectations", read_manifest(MOCK_MANIFEST))
    kw.setdefault("only", ["countries"])
    return _build(raw, out, **kw)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "computestrata.cli", *args], capture_output=True, text=True, check=False, cwd=cwd
    )


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    dst = tmp_path / "raw"
    shutil.copytree(FIX / "raw", dst)
    return dst


@pytest.fixture
def mock_atlas(raw: Path, tmp_path: Path) -> Path:
    out = tmp_path / "atlas"
    build(raw, out)
    return out


# -- item 1: --out never destroys what is there ------------------------------------------------


def test_out_refuses_a_folder_that_is_not_an_atlas(raw: Path, tmp_path: Path) -> None:
    # Old code renamed the folder aside and deleted it: notes.txt was lost.
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("precious")
    with pytest.raises(InputError, match="not empty and not an atlas") as exc:
        build(raw, folder)
    assert "notes.txt" in exc.value.message
    assert (folder / "notes.txt").read_text() == "precious"


def test_out_refuses_a_file_and_a_symlink(raw: Path, tmp_path: Path) -> None:
    f = tmp_path / "afile"
    f.write_text("keep me")
    with pytest.raises(InputError, match="is a file"):
        build(raw, f)
    assert f.read_text() == "keep me"
    real = tmp_path / "real"
    build(raw, real)
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(InputError, match="symbolic link"):
        build(raw, link)
    assert link.is_symlink()


def test_out_refuses_the_current_folder(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Old code: `--out .` emptied the current folder.
    work = tmp_path / "work"
    work.mkdir()
    (work / "draft.md").write_text("x")
    monkeypatch.chdir(work)
    for target in (Path("."), work, tmp_path):  # the folder itself, or one that contains it
        with pytest.raises(InputError, match="current folder"):
            build(raw, target)
    assert (work / "draft.md").read_text() == "x"


def test_out_refuses_an_atlas_holding_other_files(mock_atlas: Path, raw: Path) -> None:
    (mock_atlas / "my_analysis.csv").write_text("a,b\n")
    with pytest.raises(InputError, match=r"my_analysis\.csv"):
        build(raw, mock_atlas)
    assert (mock_atlas / "my_analysis.csv").exists()


def test_out_refuses_the_shipped_atlas_unless_asked() -> None:
    before = snapshot(store.shipped_atlas_dir())
    with pytest.raises(InputError, match="shipped") as exc:
        _build(FIX / "raw", store.shipped_atlas_dir(), only=["countries"], expectations=RawManifest())
    assert exc.value.hint and "--shipped" in exc.value.hint
    assert snapshot(store.shipped_atlas_dir()) == before


def test_shipped_flag_is_the_developer_path(
    raw: Path, tmp_path: Path, mock_atlas: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "shipped_atlas_dir", lambda: mock_atlas)  # stand-in for the package's atlas
    with pytest.raises(InputError, match="shipped"):
        build(raw, mock_atlas)
    rep = build(raw, mock_atlas, allow_shipped=True)
    assert rep.out == mock_atlas.resolve() and (mock_atlas / "NOTICE.md").is_file()


def test_out_accepts_missing_empty_and_atlas_folders(raw: Path, tmp_path: Path) -> None:
    build(raw, tmp_path / "new" / "deeper")
    empty = tmp_path / "empty"
    empty.mkdir()
    build(raw, empty)
    build(raw, empty)  # now an atlas: replaced
    assert (empty / "manifest.json").is_file() and (empty / "NOTICE.md").is_file()


def test_cli_unwritable_out_and_dot_are_clear_errors(raw: Path, tmp_path: Path) -> None:
    # Old code: /proc/x gave a traceback, `--out .` deleted the folder's files.
    (tmp_path / "keep.txt").write_text("x")
    for out in ("/proc/x/atlas", "."):
        proc = cli(
            "atlas", "build", "--raw", str(raw), "--out", out, "--only", "countries", "--expect", str(MOCK_MANIFEST),
            cwd=tmp_path,
        )  # fmt: skip
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and "Error:" in proc.stderr
    assert (tmp_path / "keep.txt").read_text() == "x"
    proc = cli("atlas", "build", "--raw", str(raw))  # no --out: no longer the package's atlas
    assert proc.returncode == 2 and "--out" in proc.stderr and "--shipped" in proc.stderr


# -- item 2: raw files are checked, atlases do not shrink silently -------------------------------


def test_truncated_raw_file_is_refused_and_the_atlas_kept(mock_atlas: Path, raw: Path) -> None:
    # Old code: a 2-row country file built a 2-country atlas over the good one.
    before = snapshot(mock_atlas)
    f = raw / "country_codes" / "country-codes.csv"
    f.write_text("\n".join(f.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    with pytest.raises(RawDataError) as exc:
        build(raw, mock_atlas)
    msg = str(exc.value)
    assert "country_codes/country-codes.csv" in msg and "expected at least 5" in msg and "found 2" in msg
    assert snapshot(mock_atlas) == before


def test_sha256_mismatch_names_file_expected_and_found(raw: Path, tmp_path: Path) -> None:
    from computestrata.atlas.sources import sha256_file

    f = raw / "wb_income_groups" / "wb_income_groups_FY2025.csv"
    good = sha256_file(f)
    man = tmp_path / "m.csv"
    man.write_text(f"file,sha256,min_rows,retrieved,note\nwb_income_groups/wb_income_groups_FY2025.csv,{good},,,\n")
    build(raw, tmp_path / "ok", expectations=read_manifest(man))
    f.write_text(f.read_text(encoding="utf-8").replace("High income", "High Income"), encoding="utf-8")
    with pytest.raises(RawDataError) as exc:
        build(raw, tmp_path / "bad", expectations=read_manifest(man))
    msg = str(exc.value)
    assert "wb_income_groups_FY2025.csv" in msg and good in msg and sha256_file(f) in msg
    assert not (tmp_path / "bad").exists()


def test_files_without_a_manifest_line_are_reported(raw: Path, tmp_path: Path) -> None:
    man = tmp_path / "m.csv"
    man.write_text("file,sha256,min_rows,retrieved,note\ncountry_codes/country-codes.csv,,5,,\n")
    rep = build(raw, tmp_path / "a", expectations=read_manifest(man))
    assert rep.unchecked == ["wb_income_groups/wb_income_groups_FY2025.csv"]


def test_sharp_shrinkage_needs_allow_shrink(mock_atlas: Path, raw: Path) -> None:
    # Old code replaced a good atlas by a 2-row one without a word.
    before = snapshot(mock_atlas)
    f = raw / "country_codes" / "country-codes.csv"
    f.write_text("\n".join(f.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    lax = RawManifest()  # no floors: only the shrink guard stands
    with pytest.raises(AtlasError, match=r"countries: 6 rows, would shrink to 2 rows") as exc:
        build(raw, mock_atlas, expectations=lax)
    assert exc.value.hint and "--allow-shrink" in exc.value.hint
    assert snapshot(mock_atlas) == before
    rep = build(raw, mock_atlas, expectations=lax, allow_shrink=True)
    assert rep.tables["countries"] == 2 and any(s.startswith("countries: 6 rows") for s in rep.shrunk)


def test_a_table_that_would_vanish_is_refused(mock_atlas: Path, raw: Path) -> None:
    man = json.loads((mock_atlas / "manifest.json").read_text())
    shutil.copy(mock_atlas / "countries.parquet", mock_atlas / "extra.parquet")
    man["tables"]["extra"] = {**man["tables"]["countries"], "file": "extra.parquet"}
    (mock_atlas / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(AtlasError, match="extra: 6 rows, would vanish"):
        build(raw, mock_atlas)


@pytest.mark.integration
def test_the_shipped_raw_manifest_matches_the_published_raw_data(shared_data: Path, tmp_path: Path) -> None:
    files = [p for p in shared_data.rglob("*") if p.is_file()]
    problems, _ = check_files(shared_data, files, shipped_manifest())
    assert problems == []
    # the case: gpu_clusters.csv cut to a few rows is refused, naming file, floor and count
    cut = tmp_path / "epoch_gpu_clusters"
    cut.mkdir()
    lines = (shared_data / "epoch_gpu_clusters" / "gpu_clusters.csv").read_text(encoding="utf-8").splitlines()
    (cut / "gpu_clusters.csv").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    problems, _ = check_files(tmp_path, [cut / "gpu_clusters.csv"], shipped_manifest())
    assert len(problems) == 1 and "epoch_gpu_clusters/gpu_clusters.csv" in problems[0].describe()
    assert "expected at least 707" in problems[0].problem


# -- item 3: access dates come from the manifest --------------------------------------------------


def test_date_accessed_is_the_recorded_retrieval_date(raw: Path, tmp_path: Path) -> None:
    # Old code used the file's modification date: a fresh copy changed every citation.
    f = raw / "country_codes" / "country-codes.csv"
    os.utime(f, (946_684_800, 946_684_800))  # 2000-01-01
    build(raw, tmp_path / "a")
    src = {s["source_id"]: s for s in store.open(tmp_path / "a").sources()}
    recorded = shipped_manifest().find("country_codes/country-codes.csv")
    assert recorded is not None and recorded.retrieved == "2026-11-26"
    assert src["country_codes"]["date_accessed"] == "2026-11-26"


# -- item 4: a damaged atlas names the table and the fix --------------------------------------------


@pytest.mark.parametrize("damage", ["corrupt", "missing", "swapped"])
def test_damaged_parquet_names_the_table(mock_atlas: Path, tmp_path: Path, damage: str) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(mock_atlas, copy)
    if damage == "corrupt":
        (copy / "countries.parquet").write_bytes((copy / "countries.parquet").read_bytes()[:300])
    elif damage == "missing":
        (copy / "countries.parquet").unlink()
    else:  # two files of the atlas exchanged
        a, b = copy / "countries.parquet", copy / "country_aliases.parquet"
        tmp = copy / "t"
        a.rename(tmp)
        b.rename(a)
        tmp.rename(b)
    with pytest.raises(AtlasError, match=r"table '(countries|country_aliases)' is unreadable") as exc:
        store.open(copy).rows("SELECT count(*) FROM sources")
    assert exc.value.hint and "strata atlas build" in exc.value.hint
    for cmd in (("atlas", "query", "SELECT count(*) FROM sources"), ("atlas", "tables")):
        proc = cli(*cmd, "--atlas", str(copy))
        assert proc.returncode == 2 and "unreadable" in proc.stderr and "Traceback" not in proc.stderr


# -- item 5: the query sandbox -----------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    f = tmp_path / "secret.csv"
    f.write_text("secret,value\nkey,42\n")
    return f


def test_query_cannot_read_files_outside_the_atlas(mock_atlas: Path, outside: Path) -> None:
    # Each of these read the file (or listed folders) with the old deny-list.
    a = store.open(mock_atlas)
    p = outside.as_posix()
    for sql in (
        f"SELECT * FROM '{p}'",
        f"SELECT * FROM query('SELECT * FROM read_text(''{p}'')')",
        f"SELECT * FROM glob('{outside.parent.as_posix()}/*')",
        f"SELECT * FROM sniff_csv('{p}')",
        f"SELECT content FROM read_text('{p}')",
        f"FROM read_csv('{p}')",
    ):
        with pytest.raises(InputError, match="outside the atlas"):
            a.query(sql)
    # reads are allowed under the atlas folder only, not under a folder whose name starts alike
    twin = mock_atlas.with_name(mock_atlas.name + "2")
    twin.mkdir()
    shutil.copy(outside, twin / "secret.csv")
    for sql in (
        f"SELECT * FROM '{twin.as_posix()}/secret.csv'",
        f"SELECT * FROM '{mock_atlas.as_posix()}/../secret.csv'",
    ):
        with pytest.raises(InputError, match="outside the atlas"):
            a.query(sql)


def test_query_cannot_read_parquet_behind_exclude_license(mock_atlas: Path) -> None:
    # Old code: read_parquet of the atlas's own file returned the excluded rows.
    a = store.open(mock_atlas, exclude_licenses=["PDDL-1.0"])
    assert a.query("SELECT count(*) AS n FROM countries") == [{"n": 0}]
    path = (mock_atlas / "countries.parquet").as_posix()
    with pytest.raises(InputError, match="outside the atlas"):
        a.query(f"SELECT count(*) FROM read_parquet('{path}')")
    with pytest.raises(InputError, match="outside the atlas"):
        a.query(f"SELECT count(*) FROM '{path}'")


def test_query_cannot_read_the_environment_or_unlock(mock_atlas: Path) -> None:
    a = store.open(mock_atlas)
    for sql in ("SELECT getenv('HOME')", "SELECT current_setting('enable_external_access') AND getenv('PATH') IS NULL"):
        with pytest.raises(InputError):
            a.query(sql)
    assert a.query("SELECT current_setting('enable_external_access') AS x") == [{"x": False}]


def test_query_still_refuses_writes_and_still_reads_the_atlas(mock_atlas: Path, tmp_path: Path) -> None:
    a = store.open(mock_atlas)
    for bad in (
        "DROP VIEW countries",
        f"COPY countries TO '{(tmp_path / 'x.csv').as_posix()}'",
        "SELECT 1; SELECT 2",
        "ATTACH 'x.db'",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "",
    ):
        with pytest.raises(InputError):
            a.query(bad)
    assert not (tmp_path / "x.csv").exists()
    assert a.query("SELECT count(*) AS n FROM countries") == [{"n": 6}]
    assert {"countries", "sources"} <= {r["name"] for r in a.query("SHOW TABLES")}
    # a word like 'load' or 'copy' in a string or column alias is no longer refused
    assert a.query("SELECT 'load copy pragma' AS read_text") == [{"read_text": "load copy pragma"}]


# -- item 6: every DuckDB type in JSON ----------------------------------------------------------------


def test_json_serialises_every_duckdb_type(mock_atlas: Path) -> None:
    # Old code: TypeError on DECIMAL, INTERVAL, TIME, BLOB, UUID.
    sql = (
        "SELECT 1.5 AS dec, INTERVAL '1 day 2 hours 3.5 seconds' AS iv, INTERVAL '-2 hours' AS neg, "
        "TIME '12:34:56' AS t, '\\xAA\\x00ab'::BLOB AS b, '9038b3c8-c77e-49dd-b63f-6883de9779f7'::UUID AS u, "
        "TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz, DATE '2024-02-29' AS d, [1.25::DECIMAL(4,2)] AS l, "
        "{'k': 2.5::DECIMAL(3,1)} AS s, MAP {'m': 1} AS m, 'NaN'::DOUBLE AS nan, "
        "170141183460469231731687303715884105727::HUGEINT AS h, 'a'::ENUM('a', 'b') AS e, '101'::BIT AS bits"
    )
    proc = cli("atlas", "query", sql, "--json", "--atlas", str(mock_atlas))
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)["rows"][0]
    assert row["dec"] == 1.5 and row["iv"] == "P1DT2H3.5S" and row["neg"] == "-PT2H"
    assert row["t"] == "12:34:56" and base64.b64decode(row["b"]) == b"\xaa\x00ab"
    assert row["u"] == "9038b3c8-c77e-49dd-b63f-6883de9779f7" and row["d"] == "2024-02-29"
    assert row["tz"].startswith("2024-01-01") and row["l"] == [1.25] and row["s"] == {"k": 2.5}
    assert row["m"] == {"m": 1} and row["nan"] is None and row["h"] == 2**127 - 1
    assert row["e"] == "a" and row["bits"] == "101"


def test_to_json_never_raises() -> None:
    from datetime import timedelta
    from decimal import Decimal

    from computestrata.cli_common import iso_duration, to_json

    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert json.loads(to_json({"x": Odd(), "d": Decimal("NaN"), "z": timedelta(0)})) == {
        "x": "odd",
        "d": None,
        "z": "PT0S",
    }
    assert iso_duration(timedelta(days=3, minutes=5)) == "P3DT5M"


# -- item 12: overview without the TOP500 licence ----------------------------------------------------


@pytest.mark.integration
def test_overview_hides_top500_section_when_its_licence_is_excluded(built_atlas: Path) -> None:
    # Old code: the whole overview aborted ("the atlas holds no TOP500 list").
    from computestrata.overview import overview

    lic = "LicenseRef-TOP500-no-open-licence"
    sections = overview(store.open(built_atlas, exclude_licenses=[lic]))
    top = sections[0]
    assert top.key == "top500" and top.rows == [] and lic in top.notes[0] and "hidden" in top.notes[0]
    assert all(s.rows for s in sections[1:])  # the rest still runs


# -- item 18: the data-licence notice and a redistributable atlas -----------------------------------


def test_build_exclude_license_leaves_the_data_out(raw: Path, tmp_path: Path) -> None:
    rep = build(raw, tmp_path / "a", exclude=["PDDL-1.0"])
    assert rep.excluded_licenses == ("PDDL-1.0",)
    assert "country_aliases" in rep.dropped_tables  # no source_id column, built from PDDL data
    a = store.open(tmp_path / "a")
    assert a.rows("SELECT count(*) AS n FROM countries") == [{"n": 0}]
    assert all(s["license"] != "PDDL-1.0" for s in a.sources())
    assert a.manifest["excluded_licenses"] == ["PDDL-1.0"] and "country_aliases" not in a.tables
    notice = (tmp_path / "a" / "NOTICE.md").read_text()
    assert "Data under PDDL-1.0 was left out" in notice and "covers its code only" in notice


def test_build_refuses_an_exclusion_it_cannot_honour(raw: Path, tmp_path: Path) -> None:
    # countries.income_source_id cites World Bank (CC-BY-4.0) on rows from PDDL data
    with pytest.raises(AtlasError, match="income_source_id"):
        build(raw, tmp_path / "a", exclude=["CC-BY-4.0"])
    with pytest.raises(InputError, match="NOPE"):
        build(raw, tmp_path / "a", exclude=["NOPE"])
    assert not (tmp_path / "a").exists()


def test_sources_shows_the_licence_notice(mock_atlas: Path) -> None:
    proc = cli("atlas", "sources", "--json", "--atlas", str(mock_atlas))
    assert proc.returncode == 0, proc.stderr
    notice = json.loads(proc.stdout)["licence_notice"]
    tables = {r["table"]: r for r in notice["tables"]}
    assert tables["countries"]["licenses"] == ["CC-BY-4.0", "PDDL-1.0", "Unicode-3.0"]
    assert tables["countries"]["commercial_redistribution"] == "yes"
    assert notice["code_licence"] == "Apache-2.0" and notice["redistributable_build"] is None
    text = cli("atlas", "sources", "--atlas", str(mock_atlas)).stdout
    assert "covers the code of computestrata only" in text and "PDDL-1.0 (1 sources" in text


@pytest.mark.integration
def test_redistributable_build_of_the_real_data(shared_data: Path, tmp_path: Path) -> None:
    from computestrata.atlas.licences import atlas_notice, not_cleared

    _build(shared_data, tmp_path / "full")
    blocked = not_cleared(s["license"] for s in store.open(tmp_path / "full").sources())
    assert {"CC-BY-NC-4.0", "LicenseRef-TOP500-no-open-licence"} <= set(blocked)
    _build(shared_data, tmp_path / "redist", exclude=blocked)
    notice = atlas_notice(store.open(tmp_path / "redist"))
    assert notice["redistributable_build"] is None
    assert all(r["commercial_redistribution"] in ("yes", "empty") for r in notice["tables"])
    assert {r["license"] for r in notice["licences"]}.isdisjoint(blocked)
