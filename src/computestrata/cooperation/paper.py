"""The paper's Korea–China conclusions beside our output: agreement, or the disagreement said.

The claims (``paper_claims.yaml``) are compared with the computed classes and never feed
them; where the rules and data disagree with the paper, the comparison names the segment,
what the paper expects, what we find and the driver behind our class.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.cooperation.api import PairResult

PAPER = "An & Zhou (2026), 'The structural characteristics of competition over computing power …', section IV"


@cache
def claims() -> tuple[dict[str, Any], ...]:
    import yaml

    text = (resources.files("computestrata.cooperation") / "paper_claims.yaml").read_text(encoding="utf-8")
    return tuple(yaml.safe_load(text)["claims"])


def pair_of_claims() -> frozenset[str]:
    import yaml

    text = (resources.files("computestrata.cooperation") / "paper_claims.yaml").read_text(encoding="utf-8")
    return frozenset(yaml.safe_load(text)["pair"])


def compare(res: PairResult) -> list[dict[str, Any]]:
    """One row per claim in force on the result's date (empty unless the pair is the paper's)."""
    if frozenset((res.a, res.b)) != pair_of_claims():
        return []
    by = res.by_id()
    out = []
    for c in claims():
        since = c.get("from")
        if since is not None and res.on < (since if isinstance(since, date) else date.fromisoformat(str(since))):
            continue
        s = by[c["segment"]]
        agrees = s.klass in c["expect"]
        row: dict[str, Any] = {
            "segment_id": s.segment_id,
            "paper_expects": c["expect"],
            "ours": s.klass,
            "score": s.score,
            "agrees": agrees,
            "paper_where": c["where"],
        }
        if not agrees:
            ctl = [d["text"] for d in s.drivers if d["dimension"] == "controllability"]
            row["why_ours"] = "; ".join([s.drivers[0]["text"], *ctl[:2]])
        out.append(row)
    return out


def disagreement_note(rows: list[dict[str, Any]]) -> str | None:
    bad = [r for r in rows if not r["agrees"]]
    if not bad:
        return (
            None if not rows else f"all {len(rows)} of the paper's Korea–China conclusions hold in the data ({PAPER})"
        )
    from computestrata.i18n import t

    parts = [
        t(
            "coop.note.paper_part",
            segment=r["segment_id"],
            paper="/".join(t(f"coop.class.{c}") for c in r["paper_expects"]),
            ours=t(f"coop.class.{r['ours']}"),
        )
        for r in bad
    ]
    return t("coop.note.paper_disagrees", n=len(bad), total=len(rows), parts=", ".join(parts))
