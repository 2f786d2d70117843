"""The figures the seed paper states (table ``paper_figures``), kept as CLAIMS of the paper.

Each row is something the paper says, with the source the paper cites (``original_source``,
``original_locator``) kept as text: the atlas cites the paper itself (``source_id``), because
we did not read the cited source.  Facts repeat them under ``Paper|<variable>`` with the note
"claim by the paper, citing …", so a comparison with open data (e.g. TOP500 counts) can show
both side by side.  Entities are ISO3, ``WLD``, or ``<ISO3|WLD>:<firm>`` (e.g. ``CHN:Alibaba
Cloud``); ``entity_iso3``/``entity_org`` split them.  ``year`` is the period as the paper
gives it ("2020", "2024Q3", "2024-11", "2011-2020") or missing.
"""

from __future__ import annotations

from computestrata.atlas.loaders.base import BuildContext, LoadResult, facts_frame
from computestrata.atlas.loaders.parsing import iter_rows, typed_frame
from computestrata.atlas.sources import file_source

NAME = "paper_figures"
FILE = ("seed_paper", "figures.csv")
SOURCE_ID = "paper_an_zhou_2026"
PAPER_TITLE_EN = (
    "The Structural Characteristics of Competition over Computing Power in the "
    "Digital Economy and the Political Economy Logic of China - South Korea Cooperation"
)
PAPER_TITLE_KO = "디지털 경제시대 컴퓨팅 파워 경쟁의 구조적 특징과 한중협력의 정치경제학 논리"
SCHEMA: dict[str, str] = {
    "figure_id": "string",
    "entity": "string",
    "entity_iso3": "string",
    "entity_org": "string",
    "variable": "string",
    "unit": "string",
    "year": "string",
    "value": "float64",
    "original_source": "string",
    "original_locator": "string",
    "note": "string",
    "source_id": "string",
}


def load(ctx: BuildContext) -> LoadResult:
    path = ctx.path(*FILE)
    _, rows = iter_rows(
        ctx, path, required=["figure_id", "entity", "variable", "unit", "year", "value", "original_source"]
    )
    codes = set(ctx.countries.iso3_codes) if ctx.countries else set()
    records, facts = [], []
    for row in rows:
        entity = row.text("entity", required=True) or ""
        head, _, org = entity.partition(":")
        if head != "WLD" and head not in codes:
            row.fail(
                "entity",
                entity,
                "entity is not ISO3, WLD or '<ISO3|WLD>:<name>'",
                "write the country as an ISO3 code (CHN, USA, KOR) or WLD for the world",
            )
        rec = {
            "figure_id": row.text("figure_id", required=True),
            "entity": entity,
            "entity_iso3": head if head != "WLD" else None,
            "entity_org": org.strip() or None,
            "variable": row.text("variable", required=True),
            "unit": row.text("unit", required=True),
            "year": row.text("year"),
            "value": row.num("value", min_value=None, required=True),
            "original_source": row.text("original_source", required=True),
            "original_locator": row.text("original_locator"),
            "note": row.text("note"),
            "source_id": SOURCE_ID,
        }
        if not row.ok:
            continue
        records.append(rec)
        note = f"claim by the paper, citing {rec['original_source']}"
        if rec["original_locator"]:
            note += f", {rec['original_locator']}"
        if rec["note"]:
            note += f" ({rec['note']})"
        facts.append(
            {
                "entity": entity,
                "variable": f"Paper|{rec['variable']}",
                "unit": rec["unit"],
                "period": rec["year"],
                "value": rec["value"],
                "source_id": SOURCE_ID,
                "note": note,
            }
        )
    src = file_source(
        path,
        ctx.raw,
        source_id=SOURCE_ID,
        publisher="Naying An and Xinhong Zhou (Jilin University)",
        title=f"Korean 2026 paper: {PAPER_TITLE_EN} ({PAPER_TITLE_KO})",
        url="",
        license="LicenseRef-paper-claims",
        date_published="2026-06-02",
        citation=f"An, Naying and Zhou, Xinhong (2026). '{PAPER_TITLE_KO}' [{PAPER_TITLE_EN}]. "
        "Korean-language journal article, accepted 2026-06-02; figures as stated in the paper, "
        "each with the source the paper cites",
        locator="figures stated in the text and Table 1",
    )
    return LoadResult(tables={"paper_figures": typed_frame(records, SCHEMA)}, sources=[src], facts=facts_frame(facts))
