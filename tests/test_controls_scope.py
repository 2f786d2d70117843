"""Scope transformations (postures) and the controlled-ECCN list for the stack module."""

from __future__ import annotations

from datetime import date

import pytest

from computestrata.controls import catalogue, scope
from computestrata.controls import regime as rg
from computestrata.controls.classify import classify
from computestrata.errors import InputError

REG = rg.load()
ON = date(2026, 3, 1)
CAT = catalogue.from_frame(None)


def spec(name: str):  # type: ignore[no-untyped-def]
    return CAT.lookup(name).spec


def test_controlled_eccns_real_regime() -> None:
    rows = {r["eccn"]: r for r in scope.controlled_eccns(REG, ON)}
    assert set(rows) == {"3A090", "3A090.c", "4A090", "4D090"}
    assert rows["3A090"]["segment"] == "ai_accelerators" and not rows["3A090"]["hypothetical"]
    assert "88 FR 73458" in rows["3A090"]["citations"]
    assert rows["3A090.c"]["segment"] == "hbm"
    # 4E091 only under the AI Diffusion rule (effective basis, before rescission)
    assert "4E091" in {r["eccn"] for r in scope.controlled_eccns(REG, date(2025, 3, 1), "effective")}
    assert "4E091" not in {r["eccn"] for r in scope.controlled_eccns(REG, date(2025, 6, 1), "effective")}


def test_posture_parameters_are_documented() -> None:
    assert scope.POSTURES["small_yard_high_fence"].threshold_factor == 1.0
    assert scope.POSTURES["big_yard_high_fence"].threshold_factor == 0.5
    assert scope.POSTURES["no_yard"].threshold_factor == 0.0
    for name in scope.POSTURES:
        assert name in (scope.__doc__ or "")


def test_small_yard_raises_fence_only() -> None:
    small = scope.apply_posture(REG, "small_yard_high_fence", on=ON)
    h200 = spec("H200")
    assert classify(h200, "CHN", ON).review_policy == "case_by_case"  # enacted 2026 overlay
    v = classify(h200, "CHN", ON, regime=small)
    assert v.review_policy == "presumption_of_denial"
    assert any(r.rule == "hyp.policy.fence" for r in v.reasons)
    assert classify(spec("H20"), "CHN", ON, regime=small).eccn is None  # yard unchanged


def test_big_yard_halves_thresholds_and_adds_segments() -> None:
    big = scope.apply_posture(REG, "big_yard_high_fence", on=ON)
    assert classify(spec("H20"), "CHN", ON, regime=big).paragraph == "3A090.b.1"  # TPP 2368 in [1200, 2400)
    assert classify(spec("H20"), "CHN", ON).eccn is None
    assert classify(spec("H100"), "VNM", ON, regime=big).review_policy == "presumption_of_denial"
    eccns = {r["eccn"]: r for r in scope.controlled_eccns(big, ON)}
    assert {"3A090.d*", "3B090*", "4A090.z*"} <= set(eccns)
    assert eccns["3A090.d*"]["hypothetical"] and eccns["3A090.d*"]["segment"] == "dram"
    assert eccns["3B090*"]["segment"] == "fab_equipment_other" and eccns["4A090.z*"]["segment"] == "servers"
    assert big.parameters["big_yard_high_fence.scale"]["on"] == ON.isoformat()
    assert big.parameters["posture"]["threshold_factor"] == 0.5


def test_no_yard_fences_everything() -> None:
    none = scope.apply_posture(REG, "no_yard", on=ON)
    v = classify(spec("RTX 4080"), "CHN", ON, regime=none)  # consumer, TPP ~3117: free when enacted
    assert v.license_required is True and v.license_exceptions == []
    assert v.review_policy == "presumption_of_denial"
    assert classify(spec("RTX 4080"), "CHN", ON).license_required is False


def test_posture_does_not_touch_earlier_dates() -> None:
    big = scope.apply_posture(REG, "big_yard_high_fence", on=ON)
    for d in ("2022-12-01", "2024-06-01", "2026-02-28"):
        a = classify(spec("H20"), "CHN", d).to_dict()
        b = classify(spec("H20"), "CHN", d, regime=big).to_dict()
        assert (a["eccn"], a["status"], a["reasons"]) == (b["eccn"], b["status"], b["reasons"])


def test_postures_order_by_strictness() -> None:
    """Across the catalogue and several destinations: small <= big <= no yard."""
    regs = [scope.apply_posture(REG, p, on=ON) for p in ("small_yard_high_fence", "big_yard_high_fence", "no_yard")]
    for e in CAT.entries:
        for dest in ("CHN", "VNM", "KOR", "IND"):
            sev = [classify(e.spec, dest, ON, regime=r).severity for r in regs]
            if -1 not in sev:  # indeterminate (missing die area) has no rank
                assert sev == sorted(sev), (e.name, dest, sev)


def test_scale_thresholds_monotone() -> None:
    loose, tight = scope.scale_thresholds(REG, 2.0, ON), scope.scale_thresholds(REG, 0.5, ON)
    for e in CAT.entries:
        s = [classify(e.spec, "CHN", ON, regime=r).severity for r in (loose, REG, tight)]
        if -1 not in s:
            assert s == sorted(s), (e.name, s)


def test_drop_and_fence_destinations() -> None:
    dropped = scope.drop_destinations(REG, ["CHN"], on=ON)
    assert classify(spec("H100"), "CHN", ON, regime=dropped).license_required is False
    assert classify(spec("H100"), "MAC", ON, regime=dropped).license_required is True
    fenced = scope.fence(REG, countries=["BRA", "IND"], on=ON)
    assert classify(spec("H100"), "BRA", ON, regime=fenced).review_policy == "presumption_of_denial"
    assert classify(spec("H100"), "IND", ON, regime=fenced).license_required is False  # A:5 stays outside
    seg = scope.drop_segments(REG, ["hbm"], on=ON)
    assert "3A090.c" not in {r["eccn"] for r in scope.controlled_eccns(seg, ON)}


def test_transformation_errors() -> None:
    with pytest.raises(InputError):
        scope.apply_posture(REG, "medium_yard")
    with pytest.raises(InputError):
        scope.add_segments(REG, ["quantum"])
    with pytest.raises(InputError):
        scope.scale_thresholds(REG, -1)
    with pytest.raises(InputError):
        scope.fence(REG, groups=["D:9"])
    twice = scope.scale_thresholds(REG, 0.5, ON)
    with pytest.raises(InputError):
        scope.scale_thresholds(twice, 0.5, ON)


def test_segment_labels_are_stack_segment_ids() -> None:
    """One vocabulary: every label the rules and the postures use is a stack segment id."""
    from computestrata.stack.segments import segment_ids

    ids = set(segment_ids())
    assert set(scope.check_segments()) <= ids
    rule_labels = {c.segment for i in REG.instruments for c in i.components if c.segment}
    assert rule_labels == {"ai_accelerators", "hbm", "ai_servers", "ai_system_software", "foundation_models"}
    assert rule_labels <= ids
    for p in scope.POSTURES.values():
        assert set(p.add_segments) <= ids


def test_unknown_segment_label_in_scope_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(scope.SEGMENTS, "servers_all", {"eccn": "4A090.z*", "hypothetical": True, "text": "x"})
    with pytest.raises(InputError) as exc:
        scope.check_segments.__wrapped__()
    assert "servers_all" in exc.value.message and "controls.scope.SEGMENTS" in exc.value.message
    assert exc.value.hint is not None and "servers" in exc.value.hint and "stack/segments.yaml" in exc.value.hint
