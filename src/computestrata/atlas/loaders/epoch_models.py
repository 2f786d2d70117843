"""Epoch AI "Notable / Large-scale / Frontier AI Models" → table ``ai_models``.

The three files overlap (1,286 distinct models in 952 + 473 + 131 rows).  The table has ONE
row per model (key: the exact ``Model`` name) with flags ``is_notable``, ``is_large_scale``,
``is_frontier`` saying which files list it, so counts never double-count a model.  Values
are taken from the first file that has them (notable, then large-scale, then frontier); the
shared columns agree across files in the published snapshot.  ``source_id`` is the first file
listing the model and ``source_ids`` all of them.

Country is the organisation's country, multi-valued and comma-joined by Epoch
("United States of America,China"): ``country_iso3s`` is the list of ISO3 codes and
``country_raw`` the cell.  "Multinational" is not a country and yields no code (it stays in
``country_raw``); a cell with no resolvable country gives a missing list, never an empty one.
``domain`` and ``task`` stay comma-joined as published.  A few models list several training
dataset sizes in one cell: ``training_dataset_size`` is then missing and
``training_dataset_size_raw`` keeps the cell.
"""

from __future__ import annotations

from computestrata.atlas.loaders.base import BuildContext, LoadResult
from computestrata.atlas.loaders.parsing import Row, iter_rows, typed_frame
from computestrata.atlas.sources import Source, file_source

NAME = "epoch_models"
#: (dataset key, file name, source id, title)
FILES = (
    ("notable", "notable_ai_models.csv", "epoch_notable_models", "Notable AI Models"),
    ("large_scale", "large_scale_ai_models.csv", "epoch_large_scale_models", "Large-Scale AI Models"),
    ("frontier", "frontier_ai_models.csv", "epoch_frontier_models", "Frontier AI Models"),
)
FOLDER = "epoch_ai_models"
NOT_COUNTRIES = {"multinational"}
SIZE = "Training dataset size (gradients)"

NUMBERS: dict[str, str] = {
    "parameters": "Parameters",
    "training_compute_flop": "Training compute (FLOP)",
    "training_compute_flop_lower": "Training compute lower bound",
    "training_compute_flop_upper": "Training compute upper bound",
    "finetune_compute_flop": "Finetune compute (FLOP)",
    "training_chip_quantity": "Hardware quantity",
    "training_time_hours": "Training time (hours)",
    "training_power_draw_w": "Training power draw (W)",
    "training_compute_cost_2023_usd": "Training compute cost (2023 USD)",
    "hardware_utilization_mfu": "Hardware utilization (MFU)",
}
TEXTS: dict[str, str] = {
    "organization": "Organization",
    "domain": "Domain",
    "task": "Task",
    "training_hardware": "Training hardware",
    "organization_categorization": "Organization categorization",
    "confidence": "Confidence",
    "model_accessibility": "Model accessibility",
    "notability_criteria": "Notability criteria",
    "base_model": "Base model",
    "numerical_format": "Numerical format",
    "link": "Link",
    "reference": "Reference",
}
SCHEMA: dict[str, str] = {
    "model": "string",
    "organization": "string",
    "country_iso3s": "list<string>",
    "country_raw": "string",
    "publication_date": "date",
    "domain": "string",
    "task": "string",
    **{c: "float64" for c in NUMBERS},
    "training_dataset_size": "float64",
    "training_dataset_size_raw": "string",
    "training_hardware": "string",
    "frontier_flag": "boolean",
    "is_notable": "boolean",
    "is_large_scale": "boolean",
    "is_frontier": "boolean",
    "organization_categorization": "string",
    "confidence": "string",
    "model_accessibility": "string",
    "notability_criteria": "string",
    "base_model": "string",
    "numerical_format": "string",
    "link": "string",
    "reference": "string",
    "source_id": "string",
    "source_ids": "list<string>",
}


def parse_model(row: Row) -> dict[str, object]:
    rec: dict[str, object] = {"model": row.text("Model", required=True)}
    rec.update({c: row.text(raw) for c, raw in TEXTS.items()})
    rec.update(
        {c: row.num(raw, max_value=1.0 if c == "hardware_utilization_mfu" else None) for c, raw in NUMBERS.items()}
    )
    rec["publication_date"] = row.date("Publication date", required=True)
    size_raw = row.text(SIZE)
    rec["training_dataset_size_raw"] = size_raw
    parts = [p for p in (size_raw or "").split(",") if p.strip()]
    sizes = [row.parse_num(SIZE, p.strip()) for p in parts]
    # several comma-joined sizes (one per dataset) have no single value: keep only the raw cell
    rec["training_dataset_size"] = sizes[0] if len(sizes) == 1 else None
    raw = row.text("Country (of organization)")
    rec["country_raw"] = raw
    codes: list[str] = []
    for part in (raw or "").split(","):
        if part.strip() and part.strip().lower() not in NOT_COUNTRIES:
            code = row.iso3("Country (of organization)", part)
            if code and code not in codes:
                codes.append(code)
    rec["country_iso3s"] = codes or None
    rec["frontier_flag"] = row.flag("Frontier model", empty=False)
    return rec


def load(ctx: BuildContext) -> LoadResult:
    models: dict[str, dict[str, object]] = {}
    sources: list[Source] = []
    for key, fname, sid, title in FILES:
        path = ctx.path(FOLDER, fname)
        _, rows = iter_rows(
            ctx, path, required=["Model", "Publication date", "Country (of organization)", "Training compute (FLOP)"]
        )
        sources.append(
            file_source(
                path,
                ctx.raw,
                source_id=sid,
                publisher="Epoch AI",
                title=title,
                url="https://epoch.ai/data/ai-models",
                license="CC-BY-4.0",
                citation=f"Epoch AI, 'Data on AI Models' ({title}). Published online at epoch.ai. "
                "Retrieved from https://epoch.ai/data/ai-models",
            )
        )
        seen: set[str] = set()
        for row in rows:
            rec = parse_model(row)
            name = rec["model"]
            if row.ok and isinstance(name, str) and name in seen:
                row.fail("Model", name, "model listed twice in the same file", "remove the duplicate row")
            if not row.ok or not isinstance(name, str):
                continue
            seen.add(name)
            cur = models.get(name)
            if cur is None:
                cur = {
                    **rec,
                    "is_notable": False,
                    "is_large_scale": False,
                    "is_frontier": False,
                    "source_id": sid,
                    "source_ids": [],
                }
                models[name] = cur
            else:  # fill gaps from later files; never overwrite a value already read
                for col, val in rec.items():
                    if cur.get(col) is None and val is not None:
                        cur[col] = val
                cur["frontier_flag"] = bool(cur["frontier_flag"]) or bool(rec["frontier_flag"])
            cur[f"is_{key}"] = True
            cur["source_ids"].append(sid)  # type: ignore[attr-defined]
            if key == "frontier":
                cur["frontier_flag"] = True
    return LoadResult(tables={"ai_models": typed_frame(list(models.values()), SCHEMA)}, sources=sources)
