"""Equipment, EDA and materials rules: dated verdicts, end uses, FDP reach, allied and Chinese rules.

The cases are the reference's (``export-controls-SME.md``): thresholds and dates as tests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from computestrata.controls import api
from computestrata.controls import items_beyond as ib
from computestrata.controls import regime as rg
from computestrata.errors import InputError

REG = rg.load_full()


def v(eccn: str, dest: str = "CHN", on: str = "2025-06-01", item: str = "equipment", **kw):  # type: ignore[no-untyped-def]
    return ib.classify_item(item, eccn, dest, on, regime=REG, **kw)


# ---- rule data ---------------------------------------------------------------------------------


def test_full_regime_keeps_the_chip_regime_apart() -> None:
    chips = rg.load()
    assert {i.id for i in chips.instruments} < {i.id for i in REG.instruments}
    assert all(c.item in ("chip", "hbm", None) for i in chips.instruments for c in i.components)
    assert {i.authority for i in REG.instruments} == set(rg.AUTHORITIES)


def test_a_dutch_paragraph_never_replaces_the_us_one() -> None:
    state = REG.at(date(2025, 6, 1))
    euv = [c for c in state.of_kind("paragraph") if c.id == "3B001.f.1.a"]
    assert {c.authority for c in euv} == {"USA", "NLD", "JPN"}


def test_suspension_windows_switch_components_off_and_on() -> None:
    def live(day: date) -> bool:
        return any(c.id == "policy.cn.us_ban" for c in REG.at(day).components)

    assert not live(date(2024, 12, 2)) and live(date(2024, 12, 3))
    assert live(date(2025, 11, 8)) and not live(date(2025, 11, 9))  # No. 72 suspends clause 2
    assert not live(date(2026, 11, 27)) and live(date(2026, 11, 28))


# ---- the reference's worked cases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eccn", "first_day"),
    [
        ("3B090", date(2022, 10, 7)),  # 87 FR 62186
        ("3D006", date(2022, 10, 14)),  # GAAFET ECAD, effective 2022-10-14
        ("3B001.f.1.b", date(2023, 11, 17)),  # 88 FR 73424: advanced DUV
        ("3B903", date(2024, 9, 6)),  # 89 FR 72926
        ("3B993.f.1", date(2024, 12, 31)),  # 89 FR 96790, compliance date
    ],
)
def test_items_bind_from_their_rule_and_not_before(eccn: str, first_day: date) -> None:
    from datetime import timedelta

    item = "eda" if eccn.startswith("3D") else "equipment"
    before = v(eccn, on=(first_day - timedelta(days=1)).isoformat(), item=item)
    after = v(eccn, on=first_day.isoformat(), item=item)
    assert before.license_required is False and before.status == "free"
    assert after.license_required is True and after.paragraph is not None
    assert any(r.paragraph == after.paragraph and r.passed for r in after.reasons)


def test_3b090_folded_into_3b001_in_november_2023() -> None:
    assert v("3B090", on="2023-11-16").license_required is True
    assert v("3B090", on="2023-11-17").license_required is False
    nov = v("3B001.c", on="2023-11-17")
    assert nov.license_required and "88 FR 73424" in {r.citation for r in nov.reasons}


def test_sme_scope_is_macau_and_d5_not_d1_d4() -> None:
    assert v("3B001.d", "MAC").license_required is True
    assert v("3B001.d", "IRN").license_required is True  # D:5
    assert v("3B001.d", "VNM").license_required is False  # D:1 only: the chip scope, not SME
    assert v("3B001.d", "KOR").license_required is False


def test_worldwide_paragraphs_and_license_exception_iec() -> None:
    kor = v("3B001.c.1.a", "KOR")
    assert kor.license_required and kor.license_exceptions == [] and kor.status == "license"
    jpn = v("3B001.c.1.a", "JPN")
    assert jpn.license_exceptions == ["IEC"] and jpn.status == "exception"
    # IEC itself is [M]; its country list ("equivalent controls": Japan, the Netherlands) is [L]
    assert not any(x.startswith("le.IEC") for x in jpn.low_confidence)
    assert any(x.startswith("group EQUIV") for x in jpn.low_confidence)


def test_euv_ns_baseline_before_2022_and_a_case_by_case_policy_marked_low_confidence() -> None:
    early = v("3B001.f.1.a", on="2019-01-01")
    assert early.license_required is True and early.review_policy == "case_by_case"
    assert any("policy.ns.d1" in x for x in early.low_confidence)
    assert v("3B001.f.1.a", "DEU", on="2019-01-01").license_required is False  # Wassenaar state


def test_low_confidence_rules_are_flagged_in_every_verdict_they_reach() -> None:
    ecad = v("3D006", item="eda", on="2023-01-01")
    assert any("cite.87FR49979" in x for x in ecad.low_confidence)  # FR citation unverified [L]
    assert any("policy.sme" in x for x in v("3B001.d").low_confidence)  # SME review policy [L]
    assert any("scope.3B993" in x for x in v("3B993").low_confidence)  # §742.6(a)(11) scope [L]


def test_parent_paragraph_is_indeterminate_and_names_the_children() -> None:
    res = v("3B001")
    assert res.status == "indeterminate" and res.license_required is None
    assert "--eccn paragraph" in res.missing_inputs
    assert any("3B001.f.1.a" in n for n in res.notes)


# ---- end uses ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end_use", "caught"),
    [
        ("logic:16nm", True),
        ("logic:14nm", True),
        ("logic:28nm", False),
        ("dram:18nm", True),
        ("dram:19nm", False),
        ("nand:128l", True),
        ("nand:96l", False),
        ("supercomputer", True),
        ("sme", True),
    ],
)
def test_744_23_thresholds(end_use: str, caught: bool) -> None:
    """§744.23: logic 16/14 nm or below, DRAM 18 nm half-pitch or below, NAND 128 layers or more."""
    res = v(
        "3C005.a", "CHN", item="material", end_use=end_use
    )  # material needing no item licence to CHN? it does (NS2)
    eu_layers = [x for x in res.extra["layers"] if x["layer"].startswith("end_use:§744.23")]
    assert bool(eu_layers) is caught
    if caught:
        assert res.review_policy == "presumption_of_denial" and res.status == "denial"


def test_end_use_reaches_an_otherwise_free_item() -> None:
    free = v("3B001.d", "KOR")
    assert free.license_required is False
    # a Korean fab is not in D:5: the end-use rule does not bite there either
    assert v("3B001.d", "KOR", end_use="logic:7nm").license_required is False
    # EAR99-like: an item free to China by its ECCN is caught by the advanced-node end use
    eda_free = v("3D006", "CHN", item="eda", on="2022-10-10", end_use="logic:14nm")
    assert eda_free.license_required is True and "end_use:§744.23(a)(2)(iii)" in eda_free.license_basis


def test_744_6_binds_us_persons_only() -> None:
    us = v("3B001.d", "CHN", exporter="USA", end_use="dram:16nm")
    assert "end_use:§744.6(c)(2)" in us.license_basis
    other = v("3B001.d", "CHN", end_use="dram:16nm")
    assert "end_use:§744.6(c)(2)" not in other.license_basis


def test_bad_end_use_is_a_clear_error() -> None:
    for text in ("logic", "nand:14nm", "dram:128l", "quantum:5nm", "logic:-3nm"):
        with pytest.raises(InputError, match="--end-use"):
            ib.parse_end_use(text)


# ---- foreign-direct-product reach -------------------------------------------------------------------------


def test_korean_made_sme_to_china_is_reached_by_the_sme_fdp_rule() -> None:
    res = v("3B001.c", made_in="KOR", us_tech=True)
    assert res.license_required is True and "fdp:§734.9(k)" in res.license_basis
    assert res.extra["subject_to_ear"] is True


def test_without_us_technology_a_foreign_item_is_not_subject() -> None:
    res = v("3B001.c", made_in="KOR", us_tech=False)
    assert res.license_required is False and res.extra["subject_to_ear"] is False


def test_unknown_us_technology_leaves_the_answer_open() -> None:
    res = v("3B001.c", made_in="TWN")
    assert res.license_required is None and "--us-tech" in res.missing_inputs


def test_equivalent_controls_carve_out_defers_to_the_dutch_licence() -> None:
    """§734.4(a)(3)/§734.9(k) do not reach Dutch-made scanners; the Dutch licence does."""
    us_view = v("3B993.f.1", made_in="NLD", us_tech=True, end_use="logic:7nm")
    assert us_view.extra["subject_to_ear"] is False
    assert any(r.quantity == "made_in" and r.passed is False for r in us_view.reasons)
    dutch = v("3B993.f.1", exporter="NLD", end_use="logic:7nm")
    assert dutch.license_required is True and dutch.license_basis == ["NLD:3B993.f.1"]


def test_no_de_minimis_rule_for_duv_to_advanced_fabs_from_a_non_equivalent_country() -> None:
    res = v("3B993.f.1", made_in="KOR", us_tech=True, end_use="logic:7nm")
    assert "fdp:§734.4(a)(3)" in res.license_basis


# ---- allied and Chinese rules --------------------------------------------------------------------------


def test_dutch_duv_measure_dates() -> None:
    assert v("3B001.f.1.b", exporter="NLD", on="2023-08-31").license_basis == []
    sept = v("3B001.f.1.b", exporter="NLD", on="2023-09-01")
    assert "NLD:3B001.f.1.b" in sept.license_basis and sept.review_policy in ("case_by_case", "presumption_of_denial")
    # 1970i/1980i move to Dutch licensing on 2024-09-07
    assert "NLD:3B993.f.1" not in v("3B993.f.1", exporter="NLD", on="2024-09-06").license_basis
    assert "NLD:3B993.f.1" in v("3B993.f.1", exporter="NLD", on="2024-09-07").license_basis
    assert v("NL.metrology", exporter="NLD", on="2025-04-01").license_required is True
    assert v("NL.metrology", "DEU", exporter="NLD", on="2025-04-01").license_required is False  # inside the EU


def test_japan_23_items_from_2023_07_23_to_all_destinations() -> None:
    assert "JPN:3B001.d" not in v("3B001.d", "KOR", exporter="JPN", on="2023-07-22").license_basis
    after = v("3B001.d", "KOR", exporter="JPN", on="2023-07-23")
    assert after.license_basis == ["JPN:3B001.d"]


def test_china_gallium_and_the_us_ban_with_its_suspension() -> None:
    assert v("CN.gallium", "USA", exporter="CHN", item="material", on="2023-07-31").license_required is False
    assert v("CN.gallium", "USA", exporter="CHN", item="material", on="2023-08-01").status == "case_by_case"
    assert v("CN.gallium", "USA", exporter="CHN", item="material", on="2025-06-01").status == "denial"
    assert v("CN.gallium", "USA", exporter="CHN", item="material", on="2025-12-01").status == "case_by_case"
    assert v("CN.gallium", "USA", exporter="CHN", item="material", on="2026-11-28").status == "denial"
    assert v("CN.gallium", "KOR", exporter="CHN", item="material", on="2025-06-01").status == "case_by_case"


def test_china_october_2025_package_suspended_until_november_2026() -> None:
    kw = {"exporter": "CHN", "item": "material"}
    assert v("CN.rare_earth.light_heavy_2025", "KOR", on="2025-12-01", **kw).license_required is False
    assert v("CN.rare_earth.light_heavy_2025", "KOR", on="2026-11-10", **kw).license_required is True
    assert (
        v("CN.rare_earth.medium_heavy", "KOR", on="2025-12-01", **kw).license_required is True
    )  # No. 18 not suspended


# ---- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eccn": "3B009"}, "closest"),
        ({"eccn": "3B001.f.1.a", "on": "2017-12-31"}, "2018-01-01"),
        ({"eccn": "3B001.f.1.a", "on": "2027-01-01"}, "newest modelled rule"),
        ({"eccn": "3B001.f.1.a", "exporter": "KOR"}, "modelled exporters: USA, NLD, JPN, CHN"),
        ({"eccn": "3B001.f.1.a", "dest": "ZZZ"}, "destination"),
        ({"eccn": "3B001.f.1.a", "item": "gizmo"}, "--item"),
    ],
)
def test_bad_input(kwargs: dict[str, str], match: str) -> None:
    args: dict[str, Any] = {"eccn": "3B001.f.1.a", "dest": "CHN", "on": "2025-06-01", "item": "equipment"}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        ib.classify_item(args.pop("item"), args.pop("eccn"), args.pop("dest"), args.pop("on"), regime=REG, **args)


def test_unknown_sub_paragraph_is_checked_against_the_ccl() -> None:
    ccl = frozenset({"3B001.f", "3B001.f.1", "3B001.f.1.a", "3B001.f.1.b", "3B001.f.5"})
    with pytest.raises(InputError, match=r"3B001\.f\.1"):
        ib.classify_item("equipment", "3B001.f.9", "CHN", "2025-06-01", regime=REG, ccl=ccl)
    assert ib.classify_item("equipment", "3B001.f.1.b", "CHN", "2025-06-01", regime=REG, ccl=ccl).license_required


# ---- API: segments and timelines ---------------------------------------------------------------------------


def test_controls_for_segment_both_directions() -> None:
    euv = api.controls_for_segment("euv_lithography", "USA", "CHN", "2025-06-01")
    assert "3B001.f.1.a" in {x.paragraph for x in euv}
    nl = api.controls_for_segment("duv_lithography", "NLD", "CHN", "2025-06-01")
    assert {"NLD:3B001.f.1.b", "NLD:3B993.f.1"} <= {b for x in nl for b in x.license_basis}
    cn = api.controls_for_segment("fab_materials", "CHN", "USA", "2025-06-01")
    assert {"CN.gallium", "CN.germanium"} <= {x.paragraph for x in cn}
    assert api.controls_for_segment("fab_materials", "CHN", "USA", "2021-06-01") == []
    assert api.controls_for_segment("ai_accelerators", "USA", "JPN", "2025-06-01") == []


def test_timeline_for_an_equipment_eccn() -> None:
    rows = api.timeline_item("equipment", "3B001.f.1.b", "CHN")
    assert [r["date"] for r in rows][:2] == ["2018-01-01", "2023-11-17"]
    assert rows[0]["license_required"] is False and rows[1]["license_required"] is True


def test_overview_counts_equipment() -> None:
    counts = api.equipment_counts("CHN", ("2022-06-01", "2025-06-01"))
    assert counts[0]["equipment_licence"] < counts[1]["equipment_licence"] <= counts[1]["equipment_modelled"]
