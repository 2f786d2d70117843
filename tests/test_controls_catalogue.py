"""Chip catalogue: reference chips, Epoch mapping (in-memory fixture), name lookup."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from computestrata.controls import catalogue as cg
from computestrata.controls.classify import classify
from computestrata.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "controls" / "epoch_chips_sample.csv"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(FIX)


@pytest.fixture(scope="module")
def cat(frame: pd.DataFrame) -> cg.Catalogue:
    return cg.from_frame(frame)


def test_reference_chips_load_with_sources() -> None:
    entries = cg.reference_entries()
    assert len(entries) >= 18
    for e in entries:
        assert e.origin == "reference" and e.spec.source and e.spec.datacenter is not None
        assert e.spec.tpp() is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("H20", "NVIDIA H20 (HGX/SXM 96GB)"),
        ("h100", "NVIDIA H100 SXM5 80GB"),
        ("RTX 4090", "NVIDIA GeForce RTX 4090"),
        ("4090D", "NVIDIA GeForce RTX 4090 D"),
        ("nvidia a100 sxm4 80gb", "NVIDIA A100 SXM4 80GB"),
        ("A100 PCIe", None),  # not a reference name: falls through to fuzzy/containment (not found in ref-only)
    ],
)
def test_reference_lookup(query: str, expected: str | None) -> None:
    c = cg.from_frame(None)
    if expected is None:
        with pytest.raises(InputError):
            c.lookup(query)
    else:
        assert c.lookup(query).name == expected


def test_reference_wins_over_epoch(cat: cg.Catalogue) -> None:
    assert cat.lookup("A100").origin == "reference"
    # Epoch's record of the same chip, typed by its exact name: one chip, one record — the reference
    same = cat.lookup("NVIDIA A100 SXM4 80 GB")
    assert same.origin == "reference" and same.name == "NVIDIA A100 SXM4 80GB"
    assert any("describes the same chip" in n for n in same.spec.notes)
    assert cat.lookup("A800 PCIe 40 GB").origin == "epoch"  # containment, no reference twin


def _epoch(cat: cg.Catalogue, name: str) -> cg.CatalogueEntry:
    return next(e for e in cat.entries if e.origin == "epoch" and e.name == name)


def test_miss_suggests_closest(cat: cg.Catalogue) -> None:
    with pytest.raises(InputError) as exc:
        cat.lookup("Blackwel Ultra X9")
    assert "closest" in (exc.value.hint or "")
    with pytest.raises(InputError) as exc2:
        cat.lookup("NVIDIA")
    assert "ambiguous" in exc2.value.message


def test_epoch_mapping(cat: cg.Catalogue) -> None:
    a100 = _epoch(cat, "NVIDIA A100 SXM4 80 GB").spec
    assert a100.figures["int8_tops"] == pytest.approx(624)
    assert a100.figures["fp16_tflops"] == pytest.approx(312)  # max(FP16, tensor FP16)
    assert a100.io_bandwidth_gbps == pytest.approx(600) and a100.dram_bandwidth_gbps == pytest.approx(2039)
    assert a100.datacenter is True and a100.tpp().value == pytest.approx(4992)  # type: ignore[union-attr]
    rtx = cat.lookup("NVIDIA GeForce RTX 4090").spec
    assert rtx.datacenter is False
    ada = cat.lookup("RTX 6000 Ada Generation").spec
    assert ada.datacenter is None  # no heuristic: Epoch notes it is ambiguous
    maxgpu = cat.lookup("Intel Data Center GPU Max 1100").spec
    assert maxgpu.tpp().value == pytest.approx(711.04)  # type: ignore[union-attr]
    assert any("Epoch's TPP column" in n for n in maxgpu.notes)


def test_epoch_a800_has_no_io_so_2022_is_indeterminate(cat: cg.Catalogue) -> None:
    v = classify(cat.lookup("A800 PCIe 40 GB").spec, "CHN", "2023-06-01")
    assert v.license_required is None and v.missing_inputs == ["io_bandwidth_gbps"]
    assert classify(cat.lookup("A800 PCIe 40 GB").spec, "CHN", "2024-06-01").paragraph == "3A090.a.1"


def test_reference_gaps_filled_from_epoch_twin(cat: cg.Catalogue) -> None:
    v5e = cat.lookup("TPU v5e")
    assert v5e.origin == "reference" and v5e.spec.die_area_mm2 == 325
    assert any("filled from Epoch" in n for n in v5e.spec.notes)
    assert cg.from_frame(None).lookup("TPU v5e").spec.die_area_mm2 is None


@pytest.mark.parametrize(
    ("name", "ctype", "expected"),
    [
        ("NVIDIA GeForce GTX 1080", "GPU", False),
        ("NVIDIA Tesla V100 SXM2", "GPU", True),
        ("Google TPU v4", "TPU", True),
        ("NVIDIA HGX H20", "GPU", True),
        ("Mystery Chip", "GPU", None),
        ("Cerebras WSE-2", "ASIC", True),
        ("NVIDIA Quadro P6000", "GPU", False),
    ],
)
def test_datacenter_heuristic(name: str, ctype: str, expected: bool | None) -> None:
    assert cg.datacenter_flag(name, ctype) is expected


def test_from_atlas_in_memory_duckdb(frame: pd.DataFrame, tmp_path: Path) -> None:
    """The atlas code path, against a tiny atlas written with DuckDB (schema of the chips table)."""
    import json

    import duckdb

    con = duckdb.connect()
    con.register("f", frame)
    con.execute(f"COPY (SELECT * FROM f) TO '{tmp_path / 'chips.parquet'}' (FORMAT parquet)")
    con.execute(
        f"COPY (SELECT 'epoch_ml_hardware' AS source_id, 'CC-BY-4.0' AS license, 'Epoch' AS citation) "
        f"TO '{tmp_path / 'sources.parquet'}' (FORMAT parquet)"
    )
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "tables": {
                    "chips": {"file": "chips.parquet", "columns": list(frame.columns)},
                    "sources": {"file": "sources.parquet", "columns": ["source_id", "license", "citation"]},
                }
            }
        )
    )
    from computestrata.atlas import store

    atlas = store.open(tmp_path)
    c = cg.from_atlas(atlas)
    assert {e.origin for e in c.entries} == {"reference", "epoch"}
    assert c.lookup("Google TPU v5e").source_id == "epoch_ml_hardware"


@pytest.mark.integration
def test_built_atlas_catalogue(built_atlas: Path) -> None:
    """Against the real atlas: every Epoch chip maps to a spec and classifies without error."""
    from computestrata.atlas import store

    atlas = store.open(built_atlas)
    c = cg.from_atlas(atlas)
    epoch = [e for e in c.entries if e.origin == "epoch"]
    assert len(epoch) > 100
    for e in epoch:
        v = classify(e.spec, "CHN", "2024-06-01")
        assert v.status
    h100 = c.lookup("NVIDIA H100 SXM5 80GB")
    assert classify(h100.spec, "CHN", "2024-06-01").paragraph == "3A090.a.1"


# ---------------------------------------------------------------- issue 8 item 11


def test_every_catalogue_name_finds_its_chip(cat: cg.Catalogue) -> None:
    """An exact name the catalogue lists always matches: itself, or the reference record of the same chip."""
    for e in cat.entries:
        got = cat.lookup(e.name)
        assert got.name == e.name or cat.twins.get(e.chip_id, e).name == got.name, e.name


def test_ambiguous_words_list_the_candidates_instead_of_picking_one(cat: cg.Catalogue) -> None:
    with pytest.raises(InputError) as exc:
        cat.lookup("TPU")  # a reference TPU v5e exists, but so do other TPUs: not a silent pick
    assert "ambiguous" in exc.value.message
    assert "Google TPU v4" in (exc.value.hint or "") and "Google TPU v5e" in (exc.value.hint or "")


def test_spacing_and_completed_model_numbers_match(cat: cg.Catalogue) -> None:
    assert cat.lookup("NVIDIA GeForce RTX 4090D").name == "NVIDIA GeForce RTX 4090 D"
    mi = cg.Catalogue(
        entries=[
            cg.CatalogueEntry("x", "AMD Instinct MI308X", "AMD", "epoch", cat.lookup("H100").spec),
            cg.CatalogueEntry("y", "AMD Instinct MI300X", "AMD", "epoch", cat.lookup("H100").spec),
        ]
    )
    got = mi.lookup("MI308")
    assert got.name == "AMD Instinct MI308X" and any("completed" in n for n in got.spec.notes)
    with pytest.raises(InputError):
        mi.lookup("MI30")  # two more characters is not a completion


def test_filled_inputs_are_flagged_with_source_and_confidence(cat: cg.Catalogue) -> None:
    v5e = cat.lookup("TPU v5e")
    (flag,) = v5e.filled
    assert flag["input"] == "die_area_mm2" and flag["value"] == 325 and flag["confidence"] == cg.FILL_CONFIDENCE
    assert flag["source_id"] == v5e.source_id and flag["from"] == "Google TPU v5e"
    assert any("confidence" in n and "source_id" in n for n in v5e.spec.notes)


def test_unverified_china_market_part_is_flagged() -> None:
    frame = pd.DataFrame(
        [
            {
                "chip_id": "mi308x",
                "name": "AMD Radeon Instinct MI308X",
                "manufacturer": "AMD",
                "fp16_flops": 6.5e14,
                "source_id": "epoch_ml_hardware",
            }
        ]
    )
    got = cg.from_frame(frame).lookup("MI308")
    assert got.name == "AMD Radeon Instinct MI308X" and got.origin == "epoch"
    assert any("unverified" in n for n in got.spec.notes) and any("completed" in n for n in got.spec.notes)
