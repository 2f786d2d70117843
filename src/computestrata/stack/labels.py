"""Segment names, coded labels and citations in the reader's language, for notes and tables.

Notes are part of a result (the JSON shows them too), so the words they use come from here,
not from a command module; tables use the same words for the codes they show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def label(prefix: str, code: Any) -> Any:
    """``prefix.code`` translated when the catalogue has it, else the code itself."""
    from computestrata.i18n import catalog, t

    key = f"{prefix}.{code}"
    return t(key) if key in catalog() else code


def segment_name(sid: Any) -> Any:
    """A segment id as its name in the reader's language (ids not in the stack stay as they are)."""
    from computestrata.i18n import get_lang
    from computestrata.vocab.segments import segment_ids, segments

    if sid not in segment_ids():
        return sid
    return next(s for s in segments() if s.id == sid).label(get_lang())


def names(ids: Sequence[str]) -> str:
    """Segment ids as their names in the reader's language, comma-separated (for notes)."""
    return ", ".join(str(segment_name(i)) for i in ids)


def citation_note(text: str) -> str:
    """A citation shown as a note: the project's own mapping citation and the words the posture
    adds to rule citations translated (report titles and FR citations stay as published)."""
    from computestrata.controls import display
    from computestrata.i18n import t
    from computestrata.stack.shares import CLOUD_HQ_CITATION

    if text == CLOUD_HQ_CITATION:
        return t("stack.note.cloud_hq_citation")
    return display.citation(text)
