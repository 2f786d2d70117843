"""TOP500 by country, by system and over time: pure queries on the atlas.

The aggregation runs in DuckDB SQL over the ``top500_systems`` Parquet view and returns
plain rows (no pandas), so a cold ``strata top500 ...`` answers in milliseconds.  Each
result is a list of dicts that also carries the ``source_ids`` it used (one TOP500 list
each) and the notes a reader must see — above all that China has submitted few new
systems since about 2019, so TOP500 understates its capacity.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from computestrata.atlas.store import Atlas
from computestrata.errors import InputError, unknown

CHINA = "CHN"
NAME_COLUMNS = {"en": "name_en", "ko": "name_ko", "zh": "name_zh"}


class Top500Result(list[dict[str, Any]]):
    """Rows (a plain list of dicts) plus the sources and notes behind them."""

    def __init__(self, rows: list[dict[str, Any]], source_ids: list[str], notes: list[str], **meta: Any) -> None:
        super().__init__(rows)
        self.source_ids = source_ids
        self.notes = notes
        self.meta = meta


def _atlas(atlas: Atlas | str | Path | None) -> Atlas:
    if isinstance(atlas, Atlas):
        return atlas
    from computestrata.atlas import store

    return store.open(atlas)


def _name_col(lang: str | None) -> str:
    from computestrata.i18n import get_lang

    return NAME_COLUMNS.get(lang or get_lang(), "name_en")


def list_ids(atlas: Atlas) -> list[str]:
    """The TOP500 lists in the atlas, oldest first."""
    atlas.require("top500_systems", "top500_lists")
    return [r["list_id"] for r in atlas.rows("SELECT list_id FROM top500_lists ORDER BY list_id")]


def missing_lists(ids: list[str]) -> list[str]:
    """Lists TOP500 published (every June and November) between the first and last in ``ids``
    that the atlas does not hold — e.g. 2021-06, absent from the raw files."""
    if not ids:
        return []
    first, last = int(ids[0][:4]), int(ids[-1][:4])
    every = [f"{y}-{m}" for y in range(first, last + 1) for m in ("06", "11")]
    have = set(ids)
    return [i for i in every if ids[0] <= i <= ids[-1] and i not in have]


def resolve_list(atlas: Atlas, list_id: str | None) -> str:
    """``list_id`` checked against the atlas ('2024-11', '2024/11' or '202411'); None = latest."""
    ids = list_ids(atlas)
    if not ids:
        raise InputError.keyed("errors.top500_none", "errors.top500_none_hint")
    if list_id is None:
        return ids[-1]
    m = re.fullmatch(r"\s*(\d{4})\D?(\d{1,2})\s*", str(list_id))
    norm = f"{m.group(1)}-{int(m.group(2)):02d}" if m else str(list_id)
    if norm not in ids:
        if norm in missing_lists(ids):
            raise InputError.keyed(
                "errors.top500_list_missing",
                "errors.top500_list_missing_hint",
                list_id=norm,
                near=", ".join(i for i in ids if i[:4] == norm[:4]),
            )
        raise unknown("TOP500 list", str(list_id), ids)
    return norm


def resolve_country(atlas: Atlas, country: str) -> str:
    """An ISO3 code or a country name in any language the atlas knows → ISO3."""
    from computestrata.atlas.countries import country_arg

    return country_arg(atlas, country)


def _notes(rows: list[dict[str, Any]], series: bool, extra: list[str] | None = None) -> list[str]:
    from computestrata.i18n import t

    notes = [t("top500.note.rmax")]
    if series or any(r.get("country_iso3") == CHINA and r.get("systems", 1) for r in rows):
        notes.append(t("top500.note.china"))
    return notes + (extra or [])


def countries(
    list_id: str | None = None, atlas: Atlas | str | Path | None = None, lang: str | None = None
) -> Top500Result:
    """Systems and Rmax per country on one list (default: the latest), with shares of the list
    total and each country's best rank, largest first.

    Rows: country_iso3, country (name in ``lang``), systems, systems_share_pct, rmax_tflops
    (FP64 HPL, TFlop/s), rmax_share_pct, best_rank, source_id.
    """
    a = _atlas(atlas)
    lid = resolve_list(a, list_id)
    name = _name_col(lang)
    rows = a.rows(
        f"""
        WITH s AS (SELECT country_iso3, rank, rmax_tflops, source_id
                   FROM top500_systems WHERE list_id = ?),
             tot AS (SELECT count(*) AS n, sum(rmax_tflops) AS r FROM s)
        SELECT s.country_iso3,
               coalesce(any_value(c.{name}), any_value(c.name_en), s.country_iso3) AS country,
               count(*) AS systems,
               round(100.0 * count(*) / any_value(tot.n), 4) AS systems_share_pct,
               round(sum(s.rmax_tflops), 6) AS rmax_tflops,
               round(100.0 * sum(s.rmax_tflops) / any_value(tot.r), 4) AS rmax_share_pct,
               min(s.rank) AS best_rank,
               any_value(s.source_id) AS source_id
        FROM s CROSS JOIN tot LEFT JOIN countries c ON c.iso3 = s.country_iso3
        GROUP BY s.country_iso3
        ORDER BY systems DESC, rmax_tflops DESC, s.country_iso3
        """,
        [lid],
    )
    sids = sorted({r["source_id"] for r in rows})
    return Top500Result(rows, sids, _notes(rows, series=False), list_id=lid)


def systems(
    list_id: str | None = None,
    top: int = 10,
    atlas: Atlas | str | Path | None = None,
    lang: str | None = None,
    country: str | None = None,
) -> Top500Result:
    """The ``top`` highest-ranked systems of one list (default: the latest), optionally of one
    country.

    Rows: rank, name (missing before names were published, 2011), computer, site,
    country_iso3, country, rmax_tflops, rpeak_tflops, year, source_id.
    """
    from computestrata.i18n import t

    if top < 1:
        raise InputError.keyed("input.top_min", "input.top_min.hint", top=top)
    a = _atlas(atlas)
    lid = resolve_list(a, list_id)
    name = _name_col(lang)
    params: list[Any] = [lid]
    where = ""
    if country is not None:
        where = "AND s.country_iso3 = ?"
        params.append(resolve_country(a, country))
    params.append(int(top))
    rows = a.rows(
        f"""
        SELECT s.rank, s.name, s.computer, s.site, s.country_iso3,
               coalesce(c.{name}, c.name_en, s.country_iso3) AS country,
               s.rmax_tflops, s.rpeak_tflops, s.year, s.source_id
        FROM top500_systems s LEFT JOIN countries c ON c.iso3 = s.country_iso3
        WHERE s.list_id = ? {where}
        ORDER BY s.rank LIMIT ?
        """,
        params,
    )
    extra = [t("top500.note.no_names")] if any(r["name"] is None for r in rows) else []
    sids = sorted({r["source_id"] for r in rows})
    return Top500Result(rows, sids, _notes(rows, series=False, extra=extra), list_id=lid)


def history(country: str, atlas: Atlas | str | Path | None = None, lang: str | None = None) -> Top500Result:
    """One country over every list in the atlas: systems, Rmax, shares and best rank.

    A list where the country has no system gives systems 0 and rmax 0 (a true zero: the
    list is complete) and best_rank None.  Rows: list_id, systems, systems_share_pct,
    rmax_tflops, rmax_share_pct, best_rank, source_id.
    """
    a = _atlas(atlas)
    list_ids(a)  # fails clearly when the atlas has no TOP500 tables
    iso3 = resolve_country(a, country)
    rows = a.rows(
        """
        WITH tot AS (SELECT list_id, count(*) AS n, sum(rmax_tflops) AS r
                     FROM top500_systems GROUP BY list_id),
             c AS (SELECT list_id, count(*) AS systems, sum(rmax_tflops) AS rmax,
                          min(rank) AS best_rank
                   FROM top500_systems WHERE country_iso3 = ? GROUP BY list_id)
        SELECT l.list_id,
               coalesce(c.systems, 0) AS systems,
               round(100.0 * coalesce(c.systems, 0) / tot.n, 4) AS systems_share_pct,
               round(coalesce(c.rmax, 0.0), 6) AS rmax_tflops,
               round(100.0 * coalesce(c.rmax, 0.0) / tot.r, 4) AS rmax_share_pct,
               c.best_rank,
               l.source_id
        FROM top500_lists l JOIN tot USING (list_id) LEFT JOIN c USING (list_id)
        ORDER BY l.list_id
        """,
        [iso3],
    )
    for r in rows:
        r["country_iso3"] = iso3
    name_rows = a.rows(f"SELECT coalesce({_name_col(lang)}, name_en) AS n FROM countries WHERE iso3 = ?", [iso3])
    sids = sorted({r["source_id"] for r in rows})
    from computestrata.i18n import t

    gaps = missing_lists(list_ids(a))
    extra = [t("top500.note.missing_lists", lists=", ".join(gaps))] if gaps else []
    name = name_rows[0]["n"] if name_rows else iso3
    return Top500Result(rows, sids, _notes(rows, series=True, extra=extra), country_iso3=iso3, country=name)


class BoundTop500:
    """The TOP500 functions bound to one opened atlas: ``atlas.open().top500.countries()``."""

    def __init__(self, atlas: Atlas) -> None:
        self._atlas = atlas

    def countries(self, list_id: str | None = None, lang: str | None = None) -> Top500Result:
        """See :func:`countries`."""
        return countries(list_id, atlas=self._atlas, lang=lang)

    def systems(
        self, list_id: str | None = None, top: int = 10, lang: str | None = None, country: str | None = None
    ) -> Top500Result:
        """See :func:`systems`."""
        return systems(list_id, top=top, atlas=self._atlas, lang=lang, country=country)

    def history(self, country: str, lang: str | None = None) -> Top500Result:
        """See :func:`history`."""
        return history(country, atlas=self._atlas, lang=lang)

    def list_ids(self) -> list[str]:
        """See :func:`list_ids`."""
        return list_ids(self._atlas)
