"""Source captions: every chart and table names its publishers and licences.

A caption groups the cited records by publisher and licence (TOP500 cites one record per
list; thirty lines of "TOP500.org" help nobody), and each group links to the closing list of
sources where every record is spelt out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def caption(records: Iterable[Mapping[str, Any]], lang: str) -> str:
    """ "Sources: publisher (licence) [n records]; …" in ``lang``; empty when nothing is cited."""
    from computestrata.i18n import t

    groups: dict[tuple[str, str], int] = {}
    for r in records:
        key = (str(r.get("publisher") or r.get("source_id")), str(r.get("license") or "?"))
        groups[key] = groups.get(key, 0) + 1
    if not groups:
        return ""
    parts = []
    for (pub, lic), n in sorted(groups.items()):
        more = t("report.caption.records", lang=lang, n=n) if n > 1 else ""
        parts.append(t("report.caption.item", lang=lang, publisher=pub, license=lic, more=more))
    return t("report.caption.sources", lang=lang, items="; ".join(parts))


def safe_url(url: object) -> str | None:
    """A link target for a source: only http(s) addresses (never ``javascript:``) or relative docs."""
    text = str(url or "").strip()
    if text.startswith(("https://", "http://")):
        return text
    return None
