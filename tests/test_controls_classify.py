"""Worked examples (reference chips.csv and RULES.md §7) and the issue's 'done when' cases."""

from __future__ import annotations

from typing import Any

import pytest

from computestrata.controls import catalogue
from computestrata.controls import regime as rg
from computestrata.controls.classify import classify
from computestrata.controls.items import ChipSpec, HbmSpec, parse_spec
from computestrata.errors import InputError

OCT22, OCT23, JAN26 = "2022-12-01", "2024-06-01", "2026-03-01"


@pytest.fixture(scope="module")
def cat() -> catalogue.Catalogue:
    return catalogue.from_frame(None)


def chip(cat: catalogue.Catalogue, name: str) -> ChipSpec:
    return cat.lookup(name).spec


# name, 2022 paragraph (None = not caught), 2023 paragraph, 2026 China review policy (None = no license)
WORKED = [
    ("A100", "3A090.a", "3A090.a.1", "case_by_case"),
    ("H100", "3A090.a", "3A090.a.1", "case_by_case"),
    ("H20", None, None, None),
    ("RTX 4090", None, "3A090.a.1", "case_by_case"),
    ("MI300X", "3A090.a", "3A090.a.1", "case_by_case"),
    ("Gaudi 3", "3A090.a", "3A090.a.1", "presumption_of_denial"),
    ("Ascend 910B", None, "3A090.a.1", "case_by_case"),
    # RULES.md §7 regression vectors
    ("H100 PCIe", "3A090.a", "3A090.a.1", "case_by_case"),
    ("B200", "3A090.a", "3A090.a.1", "presumption_of_denial"),
    ("L40S", None, "3A090.a.1", "case_by_case"),
    ("L4", None, "3A090.a.2", "case_by_case"),
    ("RTX 4090D", None, None, None),
    ("RTX 4080", None, None, None),
    ("MI250X", "3A090.a", "3A090.a.1", "case_by_case"),
    ("H200", "3A090.a", "3A090.a.1", "case_by_case"),
    ("MI325X", "3A090.a", "3A090.a.1", "case_by_case"),
]


@pytest.mark.parametrize(("name", "p22", "p23", "pol26"), WORKED)
def test_worked_chips(cat: catalogue.Catalogue, name: str, p22: str | None, p23: str | None, pol26: str | None) -> None:
    spec = chip(cat, name)
    assert classify(spec, "CHN", OCT22).paragraph == p22
    v23 = classify(spec, "CHN", OCT23)
    assert v23.paragraph == p23
    assert v23.license_required is (p23 is not None)
    v26 = classify(spec, "CHN", JAN26)
    assert v26.review_policy == pol26


@pytest.mark.parametrize(
    ("name", "tpp", "pd"),
    [
        ("A100", 4992, 6.04),
        ("H100", 15832, 19.45),
        ("H20", 2368, 2.91),
        ("RTX 4090", 5284.8, 8.68),
        ("MI300X", 20919.2, 20.57),
        ("Gaudi 3", 29360, None),
        ("Ascend 910B", 5120, 7.69),
        ("TPU v5e", 3152, None),
    ],
)
def test_worked_tpp_and_pd_match_reference(cat: catalogue.Catalogue, name: str, tpp: float, pd: float | None) -> None:
    v = classify(chip(cat, name), "CHN", OCT23)
    assert v.tpp == pytest.approx(tpp, abs=0.5)
    if pd is None:
        assert v.performance_density is None
    else:
        assert v.performance_density == pytest.approx(pd, abs=0.01)


def test_a800_h800_loophole_closes_in_2023(cat: catalogue.Catalogue) -> None:
    for name in ("A800", "H800"):
        v22 = classify(chip(cat, name), "CHN", "2023-06-01")
        assert v22.eccn is None and v22.license_required is False
        io = next(r for r in v22.reasons if r.quantity == "io_bandwidth_gbps")
        assert io.passed is False and io.threshold == 600 and io.citation == "87 FR 62186"
        v23 = classify(chip(cat, name), "CHN", "2023-11-17")
        assert v23.paragraph == "3A090.a.1" and v23.license_required is True
        assert v23.review_policy == "presumption_of_denial"
    # the 2023-10-23 notice made it immediate for NVIDIA: a letter, not the rule
    v = classify(chip(cat, "A800"), "CHN", "2023-10-30")
    assert v.eccn is None and [m["id"] for m in v.measures] == ["nvidia_notice_2023_10"]


def test_h20_below_every_test_and_letter_is_separate(cat: catalogue.Catalogue) -> None:
    for day in ("2023-12-01", "2025-06-01", "2026-03-01"):
        v = classify(chip(cat, "H20"), "CHN", day)
        # below every threshold test of the rules; a letter in force is a separate measure
        assert v.eccn is None and v.paragraph is None and v.license_required_by_rules is False
        letters = [f"is_informed_letter:{m['id']}" for m in v.measures]
        assert v.license_basis == letters and v.license_required is bool(letters)
        para = [r for r in v.reasons if r.rule.startswith("3A090.")]
        assert {r.rule for r in para} == {"3A090.a.1", "3A090.a.2", "3A090.b.1", "3A090.b.2"}
        failed = {r.rule for r in para if r.passed is False}
        assert failed == {"3A090.a.1", "3A090.a.2", "3A090.b.1", "3A090.b.2"}
    before = classify(chip(cat, "H20"), "CHN", "2025-04-08")
    after = classify(chip(cat, "H20"), "CHN", "2025-04-09")
    assert before.measures == [] and before.status == "free"
    assert [m["id"] for m in after.measures] == ["nvidia_h20_2025"]
    assert after.status == "measure" and after.eccn is None
    assert after.measures[0]["kind"] == "is_informed_letter"
    # the overall answer: the letter requires a licence although the published rules do not
    assert before.license_required is False and before.license_basis == []
    assert after.license_required is True and after.license_required_by_rules is False
    assert after.license_basis == ["is_informed_letter:nvidia_h20_2025"]
    d = after.to_dict()
    assert (d["license_required"], d["license_required_by_rules"]) == (True, False)
    assert d["license_basis"] == ["is_informed_letter:nvidia_h20_2025"] and d["measures"][0]["license_required"]
    # a spec with the same numbers but no name is not named by the letter
    anon = ChipSpec(figures={"int8_tops": 296}, die_area_mm2=814, datacenter=True)
    assert classify(anon, "CHN", "2025-06-01").measures == []
    # Korea is not covered by the letter
    assert classify(chip(cat, "H20"), "KOR", "2025-06-01").measures == []


def test_consumer_gpu_note2(cat: catalogue.Catalogue) -> None:
    below = classify(chip(cat, "RTX 4090D"), "CHN", OCT23)
    assert below.eccn is None and below.license_required is False
    note2 = [r for r in below.reasons if r.rule == "note2.3A090"]
    assert note2 and all(r.passed for r in note2) and note2[0].citation == "88 FR 73458"
    above = classify(chip(cat, "RTX 4090"), "CHN", OCT23)
    assert above.eccn == "3A090" and above.paragraph is not None and above.paragraph.startswith("3A090.a")
    assert above.license_required is True and "NAC" in above.license_exceptions
    # same numbers, datacenter=True: would be caught by a.2 (PD 7.74 >= 5.92)
    dc = ChipSpec(figures={"int8_tops": 588.4}, die_area_mm2=608, datacenter=True)
    assert classify(dc, "CHN", OCT23).paragraph == "3A090.a.2"
    # ACA, not NAC, for a D:1 country outside D:5 after April 2024
    assert classify(chip(cat, "RTX 4090"), "VNM", OCT23).license_exceptions == ["ACA"]


def test_hbm_controlled_from_2024_12_31() -> None:
    stack = HbmSpec(bandwidth_gbps=819, package_area_mm2=110)  # HBM3-class, 7.4 GB/s/mm²
    before = classify(stack, "CHN", "2024-12-30")
    after = classify(stack, "CHN", "2024-12-31")
    assert before.eccn is None and before.license_required is False
    assert after.eccn == "3A090.c" and after.license_required is True
    assert after.license_exceptions == []
    r = next(r for r in after.reasons if r.quantity == "hbm_density")
    assert r.comparator == ">" and r.threshold == 2.0 and r.citation == "89 FR 96790"
    low = classify(HbmSpec(bandwidth_gbps=300, package_area_mm2=110), "CHN", "2025-01-10")
    assert low.eccn == "3A090.c" and low.license_exceptions == ["HBM"]
    copack = classify(
        HbmSpec(bandwidth_gbps=819, package_area_mm2=110, copackaged_with_logic=True), "CHN", "2025-01-10"
    )
    assert copack.eccn is None
    assert classify(stack, "KOR", "2025-01-10").license_required is False  # A:5


def test_every_verdict_has_reasons_citations_and_notice(cat: catalogue.Catalogue) -> None:
    for e in cat.entries:
        v = classify(e.spec, "CHN", OCT23)
        d = v.to_dict()
        assert d["reasons"], e.name
        for r in d["reasons"]:
            assert r["citation"] and r["rule"] and r["confidence"] in ("[H]", "[M]", "[L]")
            assert set(r) >= {"quantity", "value", "comparator", "threshold", "passed", "paragraph"}
        assert "eCFR" in d["notice"]
        assert set(d) >= {
            "eccn",
            "paragraph",
            "tpp",
            "performance_density",
            "license_required",
            "review_policy",
            "license_exceptions",
            "measures",
            "reasons",
        }


def test_missing_die_area_is_indeterminate_and_named() -> None:
    spec = ChipSpec(figures={"int8_tops": 393}, datacenter=True)  # TPP 3144, PD unknown
    v = classify(spec, "CHN", OCT23)
    assert v.license_required is None and v.status == "indeterminate" and v.eccn is None
    assert v.missing_inputs == ["die_area_mm2"]
    # above 4800 the die area does not matter
    v2 = classify(ChipSpec(figures={"int8_tops": 700}, datacenter=True), "CHN", OCT23)
    assert v2.paragraph == "3A090.a.1" and v2.license_required is True and v2.missing_inputs == []


def test_unknown_datacenter_flag() -> None:
    # TPP >= 4800: 3A090.a either way, license required; exceptions/policy depend on the flag
    v = classify(ChipSpec(figures={"int8_tops": 700}, die_area_mm2=600), "CHN", OCT23)
    assert v.eccn == "3A090" and v.license_required is True
    assert v.status == "indeterminate" and "datacenter" in v.missing_inputs
    # TPP 3000, PD 8: free if consumer, a.2 if datacenter
    v2 = classify(ChipSpec(figures={"int8_tops": 375}, die_area_mm2=375), "CHN", OCT23)
    assert v2.license_required is None and v2.missing_inputs == ["datacenter"]


def test_2022_needs_io_bandwidth() -> None:
    v = classify(ChipSpec(figures={"int8_tops": 700}, datacenter=True), "CHN", OCT22)
    assert v.license_required is None and v.missing_inputs == ["io_bandwidth_gbps"]


def test_headquarters_rule(cat: catalogue.Catalogue) -> None:
    h100 = chip(cat, "H100")
    assert classify(h100, "SGP", OCT23).license_required is False
    v = classify(h100, "SGP", OCT23, hq="CHN")
    assert v.license_required is True and v.review_policy == "presumption_of_denial"
    assert any(r.quantity == "headquarters" and r.passed for r in v.reasons)
    assert classify(h100, "SGP", "2023-06-01", hq="CHN").license_required is False  # before 2023-11-17


def test_destination_scope_2023(cat: catalogue.Catalogue) -> None:
    h100 = chip(cat, "H100")
    assert classify(h100, "SAU", OCT23).review_policy == "presumption_of_approval"  # D:4
    assert classify(h100, "ISR", OCT23).license_required is False  # D:4 but also A:6
    assert classify(h100, "MAC", OCT23).review_policy == "presumption_of_denial"
    assert classify(h100, "HKG", OCT23).review_policy == "presumption_of_denial"  # treated as CHN
    assert classify(h100, "MAC", "2022-12-01").license_required is False  # Macau added 2023-01-18
    assert classify(h100, "MAC", "2023-02-01").license_required is True
    assert classify(h100, "USA", OCT23).license_required is False


def test_ai_diffusion_tiers_on_effective_basis(cat: catalogue.Catalogue) -> None:
    h100 = chip(cat, "H100")
    kor = classify(h100, "KOR", "2025-03-01", basis="effective")
    assert kor.license_required is True and kor.license_exceptions == ["AIA"]
    ind = classify(h100, "IND", "2025-03-01", basis="effective")
    assert ind.review_policy == "approval_within_cap" and ind.license_exceptions == ["LPP"]
    assert classify(h100, "CHN", "2025-03-01", basis="effective").review_policy == "presumption_of_denial"
    # compliance basis (default): the rule never bound; after rescission nothing either way
    assert classify(h100, "IND", "2025-03-01").license_required is False
    assert classify(h100, "IND", "2025-06-01", basis="effective").license_required is False


def test_jan_2026_overlay_bounds(cat: catalogue.Catalogue) -> None:
    def at(tpp: float, bw: float | None) -> str | None:
        spec = ChipSpec(figures={"int8_tops": tpp / 8}, dram_bandwidth_gbps=bw, die_area_mm2=1000, datacenter=True)
        return classify(spec, "CHN", JAN26).review_policy

    assert at(20999.2, 6499) == "case_by_case"
    assert at(21000, 6499) == "presumption_of_denial"
    assert at(20000, 6500) == "presumption_of_denial"
    assert at(20000, None) is None  # DRAM bandwidth unknown: review policy indeterminate


def test_low_confidence_rules_flagged(cat: catalogue.Catalogue) -> None:
    v = classify(chip(cat, "H100"), "CHN", "2022-12-01")  # 2022 review policy is [L]
    assert any("policy.3A090.d5" in x for x in v.low_confidence)


@pytest.mark.parametrize(
    ("pairs", "needle"),
    [
        (["int8_tops=-5"], "negative"),
        (["int9_tops=5"], "int9_tops"),
        (["int8_tops"], "KEY=VALUE"),
        (["int8_tops=abc"], "number"),
        (["datacenter=maybe"], "true or false"),
        (["bandwidth_gbps=800"], "bandwidth_gbps"),
        ([], "at least one"),
    ],
)
def test_bad_spec_input(pairs: list[str], needle: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_spec(pairs)
    assert needle in exc.value.message


def test_bad_country_and_date(cat: catalogue.Catalogue) -> None:
    h100 = chip(cat, "H100")
    with pytest.raises(InputError) as exc:
        classify(h100, "XYZ", OCT23)
    assert "destination" in exc.value.message
    with pytest.raises(InputError):
        classify(h100, "CHN", OCT23, hq="ZZZ")
    with pytest.raises(InputError):
        classify(h100, "CHN", "2021-06-01")
    with pytest.raises(InputError):
        classify(h100, "CHN", "06/01/2024")


def test_to_dict_is_json_ready(cat: catalogue.Catalogue) -> None:
    import json

    d: dict[str, Any] = classify(chip(cat, "H100"), "CHN", OCT23).to_dict()
    assert json.loads(json.dumps(d))["paragraph"] == "3A090.a.1"


def test_rule_data_is_not_hard_coded() -> None:
    # a regime without the 2023 rule keeps the 2022 test in force
    reg = rg.load().without("oct2023_acs")
    a800 = catalogue.from_frame(None).lookup("A800").spec
    assert classify(a800, "CHN", OCT23, regime=reg).license_required is False


def test_license_basis_names_the_rule(cat: catalogue.Catalogue) -> None:
    v = classify(chip(cat, "H100"), "CHN", OCT23)
    assert v.license_required is v.license_required_by_rules is True and v.license_basis == ["3A090.a.1"]
    # the datacenter flag unknown, yet TPP >= 4800: the paragraph is certain, so it is the basis
    v = classify(ChipSpec(figures={"int8_tops": 700}, die_area_mm2=600), "CHN", OCT23)
    assert v.status == "indeterminate" and v.license_required is True and v.license_basis == ["3A090.a.1"]
    # indeterminate and no letter: the overall answer is indeterminate too
    v = classify(ChipSpec(figures={"int8_tops": 393}, datacenter=True), "CHN", OCT23)
    assert v.license_required is None and v.license_required_by_rules is None and v.license_basis == []
    free = classify(chip(cat, "RTX 4080"), "CHN", OCT23)
    assert free.license_required is free.license_required_by_rules is False and free.license_basis == []


def test_rules_and_a_letter_both_named(cat: catalogue.Catalogue) -> None:
    """A100 to China on 2023-10-30: the 2022 rule and the October 2023 notice both require a licence."""
    v = classify(chip(cat, "A100"), "CHN", "2023-10-30")
    assert v.license_required is v.license_required_by_rules is True and v.status == "denial"
    assert v.license_basis == ["3A090.a", "is_informed_letter:nvidia_notice_2023_10"]


def test_date_past_the_rule_data_says_so(cat: catalogue.Catalogue) -> None:
    from computestrata.controls.classify import newest_rule_date

    regime = rg.load()
    newest = newest_rule_date(regime).isoformat()
    # The newest binding date of the rules as shipped (derived, so adding a rule breaks nothing
    # here): no real instrument binds later, and one of them binds that very day.
    real = [i for i in regime.instruments if not i.hypothetical]
    binds = {d.isoformat() for i in real for d in (i.effective, i.compliance or i.effective)}
    binds |= {c.binds.isoformat() for i in real for c in i.components}
    assert newest == max(binds) and newest >= "2026-01-15"  # 91 FR 1684 at least
    far = classify(chip(cat, "H20"), "CHN", "2099-01-01")
    hits = [n for n in far.notes if "assumes no later change" in n]
    assert len(hits) == 1 and newest in hits[0]
    assert not any("assumes no later change" in n for n in classify(chip(cat, "H20"), "CHN", "2025-06-01").notes)
