"""Which atlas sources a scenario's parameters cite.

A parameter's ``source`` is free text: an atlas source id, a publication, or ``judgement: …``
with the reasoning, often several of these in one sentence ("epoch_ml_hardware gives the
per-chip performance").  The ids are found by token: every word that could be a source id is
looked up in the atlas ``sources`` table, so a text cites exactly the ids the atlas knows —
never a word that merely looks like one.  ``strata scenario show`` and the sweep both use
this, so the two cannot disagree on what a scenario cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

#: the characters of an atlas source id (``top500_2024_11``, ``epoch_ml_hardware``); a
#: full stop or colon after an id ends the sentence, it is not part of the id
SOURCE_TOKEN = re.compile(r"[A-Za-z0-9_\-]+")


def candidate_ids(texts: Iterable[str]) -> set[str]:
    """Every word of ``texts`` that could be a source id."""
    return {w for text in texts for w in SOURCE_TOKEN.findall(text or "")}


def cited_ids(atlas: Atlas, texts: Iterable[str]) -> list[str]:
    """The atlas source ids ``texts`` name, sorted (words the atlas does not know are left out)."""
    words = candidate_ids(texts)
    if not words:
        return []
    return sorted({s["source_id"] for s in atlas.sources(sorted(words))})
