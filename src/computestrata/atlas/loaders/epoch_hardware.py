"""Epoch AI "Machine Learning Hardware": one row per AI chip (table ``chips``).

Column names carry units (``*_flops`` = FLOP/s, ``*_ops`` = OP/s, ``*_bytes_s`` = byte/s,
``*_bits_s`` = bit/s).  ``epoch_tpp`` is Epoch's own "Total processing performance" (bit-OP/s)
column, kept as published: export-control TPP maths lives in ``controls`` and can compare
against it.  Performance figures are dense (no sparsity) per Epoch's notes.
"""

from __future__ import annotations

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import Row, iter_rows, slugify, typed_frame
from computestrata.atlas.sources import file_source

NAME = "epoch_hardware"
FILE = ("epoch_ml_hardware", "ml_hardware.csv")
SOURCE_ID = "epoch_ml_hardware"

#: table column → raw column (numbers)
NUMBERS: dict[str, str] = {
    "release_price_usd": "Release price (USD)",
    "die_area_mm2": "Die Size (mm^2)",
    "tdp_w": "TDP (W)",
    "process_nm": "Process size (nm)",
    "transistors_millions": "Transistors (millions)",
    "memory_bytes": "Memory (bytes)",
    "memory_bandwidth_bytes_s": "Memory bandwidth (byte/s)",
    "intranode_bandwidth_bytes_s": "Intranode bandwidth (byte/s)",
    "internode_bandwidth_bits_s": "Internode bandwidth (bit/s)",
    "fp64_flops": "FP64 (double precision) performance (FLOP/s)",
    "fp32_flops": "FP32 (single precision) performance (FLOP/s)",
    "tf32_flops": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "fp16_flops": "FP16 (half precision) performance (FLOP/s)",
    "tensor_fp16_flops": "Tensor-FP16/BF16 performance (FLOP/s)",
    "fp8_flops": "FP8 performance (FLOP/s)",
    "fp4_flops": "FP4 performance (FLOP/s)",
    "int16_ops": "INT16 performance (OP/s)",
    "int8_ops": "INT8 performance (OP/s)",
    "int4_ops": "INT4 performance (OP/s)",
    "epoch_tpp": "Total processing performance (bit-OP/s)",
    "base_clock_mhz": "Base clock (MHz)",
    "boost_clock_mhz": "Boost clock (MHz)",
    "memory_clock_mhz": "Memory clock (MHz)",
    "memory_bus_bits": "Memory bus (bit)",
    "tensor_cores": "Tensor cores",
    "max_performance_op_s": "Max performance",
    "ml_op_s": "ML OP/s",
    "energy_efficiency_op_s_per_w": "Energy efficiency",
    "price_performance_op_s_per_usd": "Price-performance",
}
TEXTS: dict[str, str] = {
    "manufacturer": "Manufacturer",
    "type": "Type",
    "foundry": "Foundry",
    "notes": "Notes",
    "datasheet_url": "Link to datasheet",
    "price_source_url": "Source for the price",
    "ml_models": "ML models",
    "last_modified": "Last modified",
}
#: An implausible peak rate (1e19 OP/s per chip is ~1000x any chip in the file) means a unit slip.
MAX_RATE = 1e19

SCHEMA: dict[str, str] = {
    "chip_id": "string",
    "name": "string",
    "manufacturer": "string",
    "type": "string",
    "release_date": "date",
    **{c: "float64" for c in NUMBERS},
    "foundry": "string",
    "notes": "string",
    "datasheet_url": "string",
    "price_source_url": "string",
    "ml_models": "string",
    "last_modified": "string",
    "source_id": "string",
}


def parse_chip(row: Row) -> dict[str, object]:
    """One chip record from a raw row (cells checked; see ``row.ok``)."""
    name = row.text("Hardware name", required=True)
    rec: dict[str, object] = {
        "name": name,
        "chip_id": slugify(name) if name else None,
        "release_date": row.date("Release date"),
    }
    for col, raw in TEXTS.items():
        rec[col] = row.text(raw)
    for col, raw in NUMBERS.items():
        limit = None
        if col == "epoch_tpp":  # bit-OP/s: up to 16 bits × OP/s
            limit = 16 * MAX_RATE
        elif col.endswith(("_flops", "_ops", "_op_s")):
            limit = MAX_RATE
        rec[col] = row.num(raw, max_value=limit)
    return rec


def load(ctx: BuildContext) -> LoadResult:
    path = ctx.path(*FILE)
    _, rows = iter_rows(ctx, path, required=["Hardware name", *NUMBERS.values()])
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for row in rows:
        rec = parse_chip(row)
        cid = rec["chip_id"]
        if row.ok and isinstance(cid, str):
            if cid in seen:
                row.fail(
                    "Hardware name",
                    rec["name"],
                    f"duplicate chip (same id as line {seen[cid]})",
                    "give each chip a distinct name or remove the duplicate row",
                )
                continue
            seen[cid] = row.line
        if row.ok:
            rec["source_id"] = SOURCE_ID
            records.append(rec)
    modified = sorted(str(r["last_modified"])[:10] for r in records if r["last_modified"])
    src = file_source(
        path,
        ctx.raw,
        source_id=SOURCE_ID,
        publisher="Epoch AI",
        title="Machine Learning Hardware",
        url="https://epoch.ai/data/machine-learning-hardware",
        license="CC-BY-4.0",
        citation="Epoch AI, 'Data on Machine Learning Hardware'. Published online at epoch.ai. "
        "Retrieved from https://epoch.ai/data/machine-learning-hardware",
        date_published=modified[-1] if modified else None,
    )
    return LoadResult(tables={"chips": typed_frame(records, SCHEMA)}, sources=[src])
