"""The join of the export-control rules with the compute stack: which segments are reached, when."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.errors import InputError, StrataError
from computestrata.stack import controls as sc
from computestrata.stack.segments import segment, segment_ids

runner = CliRunner()
POSTURES = ("small_yard_high_fence", "big_yard_high_fence", "no_yard")
DAYS = ("2022-06-01", "2022-12-01", "2023-12-01", "2024-12-30", "2025-01-01", "2025-06-01", "2026-03-01")


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["segment"]: r for r in rows}


def test_every_segment_listed_once_in_stack_order() -> None:
    rows = sc.controlled_segments(date(2025, 6, 1))
    assert [r["segment"] for r in rows] == segment_ids()
    assert {r["status"] for r in rows} <= set(sc.STATUSES)


def test_before_the_advanced_computing_rules_only_the_wassenaar_baseline_is_reached() -> None:
    """Before 2022-10-07 only the multilateral NS entries reach the stack: EUV scanners (3B001.f.1.a)
    and wide-bandgap substrates (3C005.a), cited to the CCL baseline; no chip, DUV or EDA rule."""
    rows = _by_id(sc.controlled_segments("2022-06-01"))
    assert sc.reached(list(rows.values())) == {"euv_lithography", "fab_materials"}
    assert rows["euv_lithography"]["paragraphs"] == ["3B001.f.1.a"]
    assert rows["euv_lithography"]["citations"] == ["15 CFR 774 Supp. 1; 15 CFR 738 Supp. 1 (NS 2)"]
    for sid in ("ai_accelerators", "duv_lithography", "fab_equipment_other", "eda", "hbm"):
        assert rows[sid]["status"] == "uncontrolled" and rows[sid]["confidence"] is None


def test_equipment_and_eda_reached_on_2025_06_01_and_not_before_their_rules() -> None:
    """The issue's case: EUV, DUV, other fab equipment and EDA are reached on 2025-06-01, each
    from the date of its own rule (3D006 ECAD 2022-10-14, 3B090 2022-10-07, DUV 2023-11-17)."""
    rows = _by_id(sc.controlled_segments("2025-06-01"))
    for sid in ("euv_lithography", "duv_lithography", "fab_equipment_other", "eda", "fab_materials"):
        assert rows[sid]["status"] == "controlled", sid
    assert {"3B001.f.1.b", "3B993.f.1"} <= set(rows["duv_lithography"]["paragraphs"])
    assert "3D006" in rows["eda"]["paragraphs"] and "88 FR 73424" in rows["fab_equipment_other"]["citations"]
    assert "eda" not in sc.reached(sc.controlled_segments("2022-10-13"))
    assert "eda" in sc.reached(sc.controlled_segments("2022-10-14"))
    assert "fab_equipment_other" not in sc.reached(sc.controlled_segments("2022-10-06"))
    assert "fab_equipment_other" in sc.reached(sc.controlled_segments("2022-10-07"))
    assert "duv_lithography" not in sc.reached(sc.controlled_segments("2023-11-16"))
    assert "duv_lithography" in sc.reached(sc.controlled_segments("2023-11-17"))


def test_2023_chips_and_servers_but_not_hbm() -> None:
    rows = _by_id(sc.controlled_segments(date(2023, 12, 1)))
    assert rows["ai_accelerators"]["controlled"] == ["3A090"]
    assert rows["ai_accelerators"]["status"] == "controlled" and not rows["ai_accelerators"]["hypothetical"]
    assert set(rows["ai_accelerators"]["paragraphs"]) == {"3A090.a.1", "3A090.a.2", "3A090.b.1", "3A090.b.2"}
    assert "88 FR 73458" in rows["ai_accelerators"]["citations"]
    assert rows["ai_servers"]["controlled"] == ["4A090"] and "87 FR 62186" in rows["ai_servers"]["citations"]
    assert rows["ai_system_software"]["controlled"] == ["4D090"]
    assert rows["hbm"]["controlled"] == [] and rows["hbm"]["status"] == "uncontrolled"
    chips = {"ai_accelerators", "ai_servers", "ai_system_software", "hbm", "foundation_models"}
    assert sc.reached(list(rows.values())) & chips == {"ai_accelerators", "ai_servers", "ai_system_software"}


def test_join_is_by_label_not_eccn_prefix() -> None:
    """3A090 (in force since 2022) shares a prefix with hbm's 3A090.c; only the label decides."""
    from computestrata.stack.api import segments_for_eccn

    assert "hbm" in segments_for_eccn("3A090")
    assert "hbm" not in sc.reached(sc.controlled_segments("2024-06-01"))


def test_hbm_from_its_compliance_date() -> None:
    assert "hbm" not in sc.reached(sc.controlled_segments("2024-12-30"))
    rows = _by_id(sc.controlled_segments("2025-01-01"))
    assert rows["hbm"]["controlled"] == ["3A090.c"] and "89 FR 96790" in rows["hbm"]["citations"]
    assert rows["hbm"]["confidence"] == "H" and rows["hbm"]["link_confidence"] == "high"
    # the effective-date basis binds from the rule's effective date 2024-12-02
    assert "hbm" in sc.reached(sc.controlled_segments("2024-12-10", basis="effective"))


def test_model_weights_only_under_ai_diffusion_on_effective_basis() -> None:
    assert "foundation_models" not in sc.reached(sc.controlled_segments("2025-03-01"))
    rows = _by_id(sc.controlled_segments("2025-03-01", basis="effective"))
    assert rows["foundation_models"]["controlled"] == ["4E091"]
    assert "foundation_models" not in sc.reached(sc.controlled_segments("2025-06-01", basis="effective"))


def test_big_yard_reaches_dram_and_servers_hypothetically() -> None:
    rows = _by_id(sc.controlled_segments("2025-06-01", "big_yard_high_fence"))
    for sid, eccn in (("dram", "3A090.d*"), ("servers", "4A090.z*")):
        r = rows[sid]
        assert r["controlled"] == [eccn] and r["hypothetical"] is True and r["status"] == "hypothetical"
        assert r["confidence"] == "L" and r["link_confidence"] is None
        assert any("big_yard_high_fence" in c for c in r["citations"])
    # other fab equipment is really controlled since 2022; the posture's 3B090* only adds to it
    eq = rows["fab_equipment_other"]
    assert "3B090*" in eq["controlled"] and "3B001" in eq["controlled"] and eq["status"] == "controlled"
    assert any(e["eccn"] == "3B090*" and e["hypothetical"] for e in eq["entries"])
    acc = rows["ai_accelerators"]
    assert acc["hypothetical"] is False and acc["status"] == "controlled"
    assert acc["entries"][0]["modified"] is True  # thresholds halved by the posture
    assert rows["ai_servers"]["entries"][0]["modified"] is False
    assert rows["mature_logic_fab"]["status"] == "uncontrolled"  # capacity, not equipment
    real = _by_id(sc.controlled_segments("2025-06-01"))
    assert real["dram"]["controlled"] == [] and real["servers"]["controlled"] == []


@pytest.mark.parametrize("day", DAYS)
def test_postures_are_monotone(day: str) -> None:
    real = sc.reached(sc.controlled_segments(day))
    small, big, none = (sc.reached(sc.controlled_segments(day, p)) for p in POSTURES)
    assert small <= real
    assert real <= big <= none
    assert {"dram", "servers"} <= big


@pytest.mark.parametrize("day", DAYS)
def test_real_eccns_are_listed_by_the_stack(day: str) -> None:
    """Both data files agree: a real chip-rule ECCN reaching a segment is in that segment's eccn list
    (equipment ECCNs the stack does not list yet show ``link_confidence`` None, not a failure)."""
    from computestrata.controls import regime as rg
    from computestrata.controls.scope import controlled_eccns

    for basis in sc.BASES:
        chip_eccns = {e["eccn"] for e in controlled_eccns(rg.load(), rg.parse_date(day), basis)}  # type: ignore[arg-type]
        for r in sc.controlled_segments(day, basis=basis):
            for e in r["entries"]:
                if e["eccn"] in chip_eccns:
                    assert e["listed_in_stack"], (r["segment"], e["eccn"])
                if not e["listed_in_stack"]:
                    assert e["link_confidence"] is None
                assert {x.id for x in segment(r["segment"]).eccn} >= set(e["listed_in_stack"])


def test_bad_arguments_fail_clearly() -> None:
    with pytest.raises(InputError, match="unknown posture 'medium_yard'"):
        sc.controlled_segments("2025-06-01", "medium_yard")
    with pytest.raises(InputError, match="2022-01-01"):
        sc.controlled_segments("2021-06-01")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        sc.controlled_segments("2025/06/01")
    with pytest.raises(InputError, match="basis"):
        sc.controlled_segments("2025-06-01", basis="published")


def test_unlabelled_eccn_is_an_error_not_a_silent_drop(monkeypatch: pytest.MonkeyPatch) -> None:
    from computestrata.controls import scope

    fake = [{"eccn": "9Z999", "segment": None, "paragraphs": [], "citations": ["x"], "hypothetical": False}]
    monkeypatch.setattr(scope, "controlled_eccns", lambda *a, **k: fake)
    with pytest.raises(StrataError, match="9Z999"):
        sc.controlled_segments("2025-06-01")


def _json(args: list[str]) -> dict[str, Any]:
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_cli_controls_json_and_table() -> None:
    data = _json(["stack", "controls", "--date", "2025-06-01"])
    assert data["date"] == "2025-06-01" and data["posture"] is None
    assert {"ai_accelerators", "hbm", "ai_servers", "ai_system_software"} <= set(data["reached"])
    assert {"euv_lithography", "duv_lithography", "fab_equipment_other", "eda"} <= set(data["reached"])
    assert data["hypothetical"] == [] and "dram" in data["uncontrolled"]
    assert "89 FR 96790" in data["citations"] and any("Not legal advice" in n for n in data["notes"])
    data = _json(["stack", "controls", "--date", "2025-06-01", "--posture", "big_yard_high_fence"])
    assert {"dram", "servers"} == set(data["hypothetical"])
    args = ["stack", "controls", "--date", "2025-06-01", "--posture", "no_yard", "--lang", "zh"]
    res = runner.invoke(app, args, env={"COLUMNS": "250"})  # wide enough that no cell wraps
    assert res.exit_code == 0, res.output
    assert "无院高墙" in res.output and "仅假设管制" in res.output


def test_cli_show_adds_controlled_column() -> None:
    rows = {r["id"]: r for r in _json(["stack", "show", "--date", "2023-12-01"])["rows"]}
    assert rows["ai_accelerators"]["controlled"] == ["3A090"] and rows["hbm"]["controlled"] == []
    data = _json(["stack", "show", "--date", "2025-06-01", "--posture", "big_yard_high_fence", "--layer", "L1"])
    rows = {r["id"]: r for r in data["rows"]}
    assert rows["servers"]["controlled"] == ["4A090.z*"] and rows["servers"]["control_status"] == "hypothetical"
    assert data["posture"] == "big_yard_high_fence"
    plain = _json(["stack", "show"])["rows"]
    assert "controlled" not in plain[0]
    res = runner.invoke(app, ["stack", "show", "--posture", "no_yard"])
    assert isinstance(res.exception, InputError) and "--date" in res.exception.message


def test_new_text_is_translated() -> None:
    from computestrata.i18n import catalog

    cat = catalog()
    keys = [
        k for k in cat if k.startswith(("stack.status.", "stack.regime.", "stack.note.controls", "stack.note.posture"))
    ]
    keys += ["stack.title.controls", "stack.col.controlled", "stack.word.modified"]
    assert len(keys) >= 8
    for k in keys:
        assert all(cat[k].get(lang) for lang in ("en", "ko", "zh")), k
        assert cat[k]["ko"] != cat[k]["en"] and cat[k]["zh"] != cat[k]["en"], k
