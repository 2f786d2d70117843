"""The stack's YAML schemas and vocabularies: wrong types name file, edge, key and fix; enums stay plain words."""

from __future__ import annotations

import json

import pytest

from computestrata.errors import InputError
from computestrata.stack.graph import load_edges, parse_edges


def _edge(**kw: object) -> dict[str, object]:
    return {"from": "a", "to": "b", "source": "s", **kw}


@pytest.mark.parametrize(
    ("raw", "key", "fix"),
    [
        (_edge(weight="heavy"), "weight 'heavy'", "number in (0, 1]"),
        (_edge(cset="N20"), "cset 'N20'", "cset: [INPUT, NODE]"),
        (_edge(cset=["N20"]), "cset ['N20']", "two CSET ids"),
        (_edge(source=["x"]), "source ['x']", "quote the text"),
        (_edge(colour="red"), "unknown key 'colour'", "from, to, weight, source, basis, cset"),
    ],
)
def test_a_wrong_type_names_the_file_edge_key_and_fix(raw: dict[str, object], key: str, fix: str) -> None:
    with pytest.raises(InputError) as err:
        parse_edges({"edges": [_edge(), raw]}, "my_edges.yaml")
    assert str(err.value).startswith(f"segment data my_edges.yaml, edge 2: {key}")
    assert err.value.hint is not None and fix in err.value.hint


def test_the_schema_keeps_what_the_file_means() -> None:
    (e,) = parse_edges({"edges": [_edge(weight=1, cset=[])]})
    assert (e.src, e.dst, e.weight, e.cset) == ("a", "b", 1.0, None)
    (c,) = parse_edges({"edges": [_edge(weight="0.5", cset=["N84", "N0"])]})
    assert c.weight == 0.5 and c.cset == ("N84", "N0")
    assert all(isinstance(x.weight, float) for x in load_edges())


def test_vocabularies_are_enums_that_print_as_their_words() -> None:
    from computestrata.stack.controls import STATUSES, ControlStatus
    from computestrata.vocab.segments import LAYERS, SHARE_BASES, TIERS, Layer, ShareBasis, Tier, segment

    assert LAYERS == tuple(str(x) for x in Layer) == ("L1", "L2", "L3", "L4", "L5")
    assert tuple(Tier) == TIERS and tuple(ShareBasis) == SHARE_BASES and tuple(ControlStatus) == STATUSES
    seg = segment("hbm")
    assert isinstance(seg.share_basis, ShareBasis) and isinstance(seg.layer, Layer)
    rec = seg.record()
    # the JSON of a record holds the plain words, exactly as before the enums
    assert json.loads(json.dumps(rec))["share_basis"] == str(seg.share_basis)
    assert type(rec["share_basis"]) is str and type(rec["layer"]) is str and type(rec["sensitivity"]) is str
    assert json.dumps({"s": ControlStatus.HYPOTHETICAL}) == '{"s": "hypothetical"}'
