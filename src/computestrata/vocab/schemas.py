"""Schema of one ``segments.yaml`` entry (pydantic): the types of its keys, so a value of the
wrong type or a misspelt key names the file, the segment, the key and the fix.

The meaning (known layer and tier, id format, ECCN and CSET id patterns, derived shares) is
checked by :func:`computestrata.vocab.segments.parse_segments` with its own messages.  This
module imports pydantic, so it is imported only when a segments file is read.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from computestrata.errors import InputError

SEGMENT_KEYS = (
    "id",
    "layer",
    "name",
    "description",
    "sensitivity",
    "eccn",
    "control_refs",
    "cset_inputs",
    "share_basis",
    "derived_from",
)
#: What to write instead, per key (the error's hint).
SEGMENT_FIXES: dict[str, str] = {
    "id": "ids are lower_snake_case text, e.g. id: ai_accelerators",
    "layer": "write layer: L1 (one of L1…L5)",
    "name": "write name: {en: ..., ko: ..., zh: ...}",
    "description": "write description: one line of text (quote it if it holds a comma)",
    "sensitivity": "write sensitivity: {tier: high, reason: ..., source: ...}",
    "eccn": "write eccn: a list of {id: 3A090.a, confidence: high|medium|low}",
    "control_refs": "write control_refs: a list of texts, e.g. [EAR 744.23]",
    "cset_inputs": "write cset_inputs: a list of CSET ids, e.g. [N20, S2]",
    "share_basis": "write share_basis: one word, e.g. cset",
    "derived_from": "write derived_from: SEGMENT_ID",
}


class SegmentEntry(BaseModel):
    """The shape of one segment entry (values are checked for meaning afterwards)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = ""
    layer: str = ""
    name: dict[str, Any] | None = None
    description: str = ""
    sensitivity: dict[str, Any] | None = None
    eccn: list[str | dict[str, Any]] | None = None
    control_refs: list[str] | None = None
    cset_inputs: list[str] | None = None
    share_basis: str = "none"
    derived_from: str | None = None


def check_entry(raw: dict[str, Any], at: str) -> None:
    """Fail on the first key of ``raw`` with a wrong type or an unknown name; ``at`` names file and segment."""
    try:
        SegmentEntry.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            raise InputError(
                f"segment data {at}: unknown key {key!r}", hint=f"the keys of a segment are {', '.join(SEGMENT_KEYS)}"
            ) from None
        raise InputError(
            f"segment data {at}: {key} {err['input']!r}: {err['msg'].lower()}",
            hint=SEGMENT_FIXES.get(key, "see stack/segments.yaml"),
        ) from None
