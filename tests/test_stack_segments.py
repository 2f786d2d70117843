"""Segments as data: the shipped file is valid and complete; bad data fails naming the entry."""

from __future__ import annotations

import pytest

from computestrata.errors import InputError
from computestrata.stack import segments as sg

GOOD = {
    "id": "x_seg",
    "layer": "L1",
    "name": {"en": "X", "ko": "엑스", "zh": "X"},
    "description": "d",
    "sensitivity": {"tier": "low", "reason": "r", "source": "paper §I"},
    "eccn": [{"id": "3A090.a", "confidence": "high"}],
    "cset_inputs": ["N20"],
    "share_basis": "cset",
}


def test_shipped_segments_have_required_ids_and_all_fields() -> None:
    segs = sg.segments()
    ids = [s.id for s in segs]
    assert set(sg.REQUIRED_IDS) <= set(ids)
    assert len(ids) == len(set(ids))
    for s in segs:
        assert s.layer in sg.LAYERS
        assert all(s.name[lang] for lang in ("en", "ko", "zh"))
        assert s.sensitivity.tier in sg.TIERS and s.sensitivity.reason and s.sensitivity.source


def test_paper_sensitivity_tiers() -> None:
    """Paper §I: advanced GPUs/AI chips, advanced-node equipment, large-scale training are the most sensitive."""
    for sid in ("ai_accelerators", "advanced_logic_fab", "euv_lithography", "frontier_training", "hbm"):
        assert sg.segment(sid).sensitivity.tier == "frontier"
    assert all(s.sensitivity.tier == "low" for s in sg.segments() if s.id.startswith("app_"))


def test_export_control_references() -> None:
    assert [e.id for e in sg.segment("hbm").eccn] == ["3A090.c"]
    assert {"3A090.a", "3A090.b"} <= {e.id for e in sg.segment("ai_accelerators").eccn}
    assert {"4A090.a"} <= {e.id for e in sg.segment("ai_servers").eccn}
    assert sg.segment("euv_lithography").cset_inputs == ("N20",)


def test_unknown_segment_lists_closest_first() -> None:
    with pytest.raises(InputError) as err:
        sg.segment("euv_litho")
    assert "unknown segment 'euv_litho'" in err.value.message
    assert err.value.hint is not None and err.value.hint.startswith("closest: euv_lithography")


def test_layer_argument_forms() -> None:
    assert sg.check_layer("l2") == "L2"
    assert sg.check_layer("infrastructure") == "L2"
    assert {s.layer for s in sg.by_layer("L5")} == {"L5"}
    with pytest.raises(InputError):
        sg.check_layer("L9")


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        ({"layer": "L7"}, "unknown layer"),
        ({"name": {"en": "X", "ko": "엑스"}}, "name needs en, ko and zh"),
        ({"sensitivity": {"tier": "extreme", "reason": "r", "source": "s"}}, "sensitivity"),
        ({"sensitivity": {"tier": "low", "reason": "r"}}, "sensitivity"),
        ({"eccn": [{"id": "nonsense"}]}, "bad eccn"),
        ({"eccn": [{"id": "3A090", "confidence": "sure"}]}, "bad eccn"),
        ({"cset_inputs": ["X1"]}, "bad CSET"),
        ({"share_basis": "guess"}, "unknown share_basis"),
        ({"cset_inputs": []}, "without cset_inputs"),
        ({"id": "Bad Id"}, "bad id"),
    ],
)
def test_bad_segment_data_names_the_entry(patch: dict, needle: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError) as err:
        sg.parse_segments({"segments": [{**GOOD, **patch}]})
    assert needle in err.value.message


def test_duplicate_id_is_rejected() -> None:
    with pytest.raises(InputError, match="defined twice"):
        sg.parse_segments({"segments": [GOOD, GOOD]})


def test_missing_required_id_is_rejected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump({"segments": [GOOD]}), encoding="utf-8")
    with pytest.raises(InputError, match="required segment ids missing"):
        sg.load_segments(p)
    assert [s.id for s in sg.load_segments(p, require=False)] == ["x_seg"]


def test_eccn_join_follows_the_paragraph_hierarchy() -> None:
    from computestrata.stack.api import segments_for_eccn

    assert segments_for_eccn("3A090.c") == ["hbm"]
    assert set(segments_for_eccn("3A090")) == {"ai_accelerators", "hbm"}
    assert segments_for_eccn("3a090.a.1") == ["ai_accelerators"]
    assert "ai_servers" in segments_for_eccn("4A090")
    assert segments_for_eccn("9A610") == []


def test_unsupported_version_is_rejected() -> None:
    with pytest.raises(InputError, match="version 9"):
        sg.parse_segments({"version": 9, "segments": [GOOD]})


def test_ai_accelerator_name_is_whole() -> None:
    """QA #4: an unquoted comma in a YAML flow mapping cut the name to 'AI accelerators (GPUs'."""
    assert sg.segment("ai_accelerators").name["en"] == "AI accelerators (GPUs, AI ASICs)"


def test_shipped_texts_have_balanced_brackets() -> None:
    from computestrata.stack.graph import load_edges

    for s in sg.segments():
        texts = [*s.name.values(), s.description, s.sensitivity.reason, s.sensitivity.source, *s.control_refs]
        assert not [x for x in texts if sg.unbalanced(x)], s.id
    assert not [e.label for e in load_edges() if sg.unbalanced(e.source) or sg.unbalanced(e.basis)]


def test_flow_mapping_comma_trap_fails_on_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The YAML that cut the name must fail on load, naming the segment and how to fix it."""
    text = (
        "version: 1\nsegments:\n- id: ai_accelerators\n  layer: L1\n"
        "  name: {en: AI accelerators (GPUs, AI ASICs), ko: 가속기, zh: 加速器}\n"
        "  sensitivity: {tier: high, reason: r, source: s}\n"
    )
    p = tmp_path / "segments.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        sg.load_segments(p, require=False)
    assert "'ai_accelerators'" in str(err.value) and "quote" in str(err.value.hint)
    p.write_text(text.replace("{en: AI accelerators (GPUs, AI ASICs),", '{en: "AI accelerators (GPUs, AI ASICs)",'))
    assert sg.load_segments(p, require=False)[0].name["en"] == "AI accelerators (GPUs, AI ASICs)"


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        ({"name": {"en": "AI accelerators (GPUs", "ko": "가속기", "zh": "加速器"}}, "name.en"),
        ({"name": {"en": "X", "ko": "가속기)", "zh": "加速器"}}, "name.ko"),
        ({"description": "Data-centre GPUs (and AI ASICs"}, "description"),
        ({"sensitivity": {"tier": "low", "reason": "r", "source": "paper §I (layered"}}, "sensitivity.source"),
    ],
)
def test_unbalanced_brackets_name_the_segment_and_field(patch: dict, needle: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError) as err:
        sg.parse_segments({"segments": [{**GOOD, **patch}]})
    assert "'x_seg'" in str(err.value) and needle in str(err.value) and "unbalanced" in str(err.value)


def test_unbalanced_edge_text_is_rejected() -> None:
    from computestrata.stack.graph import parse_edges

    with pytest.raises(InputError, match="eda → chip_design_logic basis"):
        parse_edges({"edges": [{"from": "eda", "to": "chip_design_logic", "source": "s", "basis": "a (b"}]})
