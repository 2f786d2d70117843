"""Schemas of the stack's YAML entries (pydantic): a value of the wrong type names the file,
the entry, the key and the fix, instead of surfacing as a Python error.

The schemas check shape and types; the rules that need the whole file (known segment ids,
weights in (0, 1], a source on every edge, no cycle) stay in :mod:`computestrata.stack.graph`
with their own messages.  This module imports pydantic, so it is imported only when a YAML
file is read, never at start-up.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from computestrata.errors import InputError

#: What to write instead, per key, shown as the error's hint.
EDGE_FIXES: dict[str, str] = {
    "from": "write {from: SEG, to: SEG, weight: 1.0, source: ...}",
    "to": "write {from: SEG, to: SEG, weight: 1.0, source: ...}",
    "weight": "a dependence weight is a number in (0, 1], e.g. weight: 0.5",
    "source": 'quote the text, e.g. source: "paper §I (layered model)"',
    "basis": 'quote the text, e.g. basis: "assumption: ..."',
    "cset": "write cset: [INPUT, NODE] with two CSET ids, e.g. cset: [N84, N0]",
}
EDGE_KEYS = ("from", "to", "weight", "source", "basis", "cset")


class EdgeEntry(BaseModel):
    """One entry of ``edges.yaml``: ``from`` supports ``to``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    src: str = Field(alias="from")
    dst: str = Field(alias="to")
    weight: float = 1.0
    source: str = ""
    basis: str = ""
    cset: tuple[str, str] | None = None

    @field_validator("cset", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return value or None


def edge_entry(raw: dict[str, Any], where: str, number: int) -> EdgeEntry:
    """Validate one raw edge; the first problem becomes an :class:`InputError` naming file, edge and key."""
    try:
        return EdgeEntry.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            raise InputError(
                f"segment data {where}, edge {number}: unknown key {key!r}",
                hint=f"the keys of an edge are {', '.join(EDGE_KEYS)}",
            ) from None
        raise InputError(
            f"segment data {where}, edge {number}: {key} {err['input']!r}: {err['msg'].lower()}",
            hint=EDGE_FIXES.get(key, "see stack/edges.yaml"),
        ) from None
