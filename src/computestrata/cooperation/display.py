"""Cooperation results as people read them: rows and notes in the reader's language.

The results (:mod:`~computestrata.cooperation.api`) keep stable codes (``restricted``,
``denial``, ``High income``) for JSON; the tables of ``strata coop``, the dashboard and the
report show the same results through these functions, so one place decides how a code reads
in en/ko/zh.  Every text goes through :func:`computestrata.i18n.t`; unknown codes show as
themselves.  Nothing here computes a figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.cooperation.combine import CLASSES

if TYPE_CHECKING:
    from computestrata.cooperation.api import PairResult
    from computestrata.cooperation.config import Rules
    from computestrata.cooperation.matrix import MatrixResult

__all__ = [
    "PAIR_COLUMNS",
    "asymmetry_rows",
    "class_label",
    "driver_rows",
    "few",
    "matrix_rows",
    "mechanism_rows",
    "pair_notes",
    "pair_rows",
    "status_label",
    "summary_rows",
    "third_row",
    "timeline_notes",
    "timeline_rows",
]

#: The columns of the pair table (headers through ``col.*`` / ``coop`` labels of the renderer).
PAIR_COLUMNS = ("segment", "layer", "class", "score", "kappa_short", "k_short", "posture", "driver")


def status_label(code: str) -> str:
    """A controls status in the reader's language (the controls engine's own labels)."""
    from computestrata.controls import display

    return display.status(code) or code


def class_label(klass: str | None) -> str | None:
    """A cooperation class (``restricted``, ``limited``, ``open``) in the reader's language."""
    from computestrata.i18n import t

    return None if klass is None else t(f"coop.class.{klass}")


def few(items: Sequence[str], n: int = 4) -> str:
    """The first ``n`` items and how many more (a table cell; the full list is in JSON)."""
    more = f" +{len(items) - n}" if len(items) > n else ""
    return ", ".join(items[:n]) + more


# ---------------------------------------------------------------- one pair


def pair_notes(res: PairResult, rules: Rules, rules_file: Path | None = None) -> list[str]:
    """The notes of a pair result: the combination rule (with the rules file used), whether the
    result is symmetric, then the result's own notes."""
    from computestrata.i18n import t

    return [
        t(
            "coop.note.rule",
            open=rules.thresholds.open,
            limited=rules.thresholds.limited,
            rules=str(rules_file) if rules_file else "cooperation/rules.yaml",
        ),
        t("coop.note.asymmetric", n=len(res.asymmetry), a=res.a, b=res.b)
        if res.asymmetry
        else t("coop.note.symmetric", a=res.a, b=res.b),
        *res.notes,
    ]


def pair_rows(res: PairResult) -> list[dict[str, Any]]:
    """One row per segment with class and posture in the reader's language (:data:`PAIR_COLUMNS`)."""
    from computestrata.i18n import t

    rows = []
    for s in res.segments:
        row = s.row()
        rows.append(
            {
                "segment": s.name,
                "layer": s.layer,
                "class": class_label(s.klass),
                "score": s.score,
                "kappa_short": row["controllability"],
                "k_short": row["complementarity"],
                "posture": t(f"coop.posture.{s.posture['name']}"),
                "driver": s.headline(),
            }
        )
    return rows


def driver_rows(res: PairResult) -> list[dict[str, Any]]:
    """Every driver of every segment, with its citations joined (``--drivers``)."""
    return [
        {"segment": s.segment_id, "dimension": d["dimension"], "why": d["text"], "cite": "; ".join(d["cite"])}
        for s in res.segments
        for d in s.drivers
    ]


def summary_rows(res: PairResult) -> list[dict[str, Any]]:
    """Shares of segments and of stack value per class and layer, with translated headers."""
    from computestrata.i18n import t

    out = []
    for layer, block in res.summary.items():
        line: dict[str, Any] = {t("col.layer"): layer, t("col.segments"): block["segments"]}
        for c in ("restricted", "limited", "open"):
            line[t(f"coop.class.{c}")] = block["share_of_segments"][c]
            line[t(f"coop.class.{c}") + " $"] = block["share_of_value"][c]
        out.append(line)
    return out


def asymmetry_rows(res: PairResult) -> list[dict[str, Any]]:
    """The asymmetric segments and why."""
    return [{"segment": x["segment_id"], "why": "; ".join(x["why"])} for x in res.asymmetry]


def _tag_label(tag: str) -> str:
    """``"dram (open)"`` with the class in the reader's language."""
    from computestrata.cooperation.mechanisms import segment_tag, split_tag

    seg, klass = split_tag(tag)
    return segment_tag(seg, str(class_label(klass))) if klass in CLASSES else tag


def mechanism_rows(res: PairResult) -> list[dict[str, Any]]:
    """The cooperation mechanisms: supported or not, the opening, the segments behind it (a few,
    with their class), and the evidence."""
    from computestrata.i18n import t

    return [
        {
            "mechanism": m["name"],
            "supported": t("coop.word.yes") if m["supported"] else t("coop.word.no"),
            "opening": m["opening"],
            "segments": few([_tag_label(x) for x in m["segments"]]),
            "evidence": " | ".join(m["evidence"]),
        }
        for m in res.mechanisms
    ]


# ---------------------------------------------------------------- third markets, timeline, matrix


def third_row(row: dict[str, Any]) -> dict[str, Any]:
    """A third-market row in the reader's language: control statuses and income groups (JSON keeps
    the codes)."""
    from computestrata.i18n import catalog, t

    out = dict(row)
    if row.get("controls"):
        out["controls"] = _controls_label(str(row["controls"]))
    group = row.get("income_group")
    key = "coop.income." + str(group).lower().replace(" ", "_")
    if group and key in catalog():
        out["income_group"] = t(key)
    return out


def _controls_label(text: str) -> str:
    """``"KOR→VNM free, …"`` with each status in the reader's language."""
    from computestrata.cooperation.third import split_controls

    return ", ".join(f"{flow} {status_label(code)}" if flow else code for flow, code in split_controls(text))


def timeline_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Timeline rows with the classes and controls statuses in the reader's language."""
    return [
        {
            **x,
            "class": class_label(x["class"]),
            "previous": class_label(x["previous"] or None),
            **({"controls_status": _controls_label(x["controls_status"])} if x.get("controls_status") else {}),
        }
        for x in rows
    ]


def timeline_notes(dates: Sequence[date]) -> list[str]:
    """Which dates a timeline evaluated."""
    from computestrata.i18n import t

    return [t("coop.note.timeline_dates", n=len(dates))]


def matrix_rows(
    res: MatrixResult, limit: int | None = None, parquet: Path | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The matrix rows (at most ``limit``) and a note saying where the rest are when cut."""
    from computestrata.i18n import t

    rows = res.records()
    if limit is None or len(rows) <= limit:
        return rows, []
    key = "coop.note.rows_cut_parquet" if parquet is not None else "coop.note.rows_cut"
    return rows[:limit], [t(key, shown=limit, total=len(rows))]
