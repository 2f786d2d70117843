"""Property tests (hypothesis) for the equipment, end-use, end-user and national rules.

- no component acts before it binds, after its end date or inside a suspension window;
- adding a destination to a stricter country group (D:5) never relaxes a verdict;
- an Entity List party never gets a looser verdict than an unlisted one for the same item;
- declaring an end use never relaxes a verdict.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.controls import regime as rg
from computestrata.controls.classify import severity
from computestrata.controls.items_beyond import ITEM_CLASSES, classify_item, newest_change
from computestrata.controls.screening import Lists

REG = rg.load_full()
START = rg.EARLIEST_BEYOND
END, _ = newest_change(REG)
COMPONENTS = [
    (inst, c) for inst in REG.instruments for c in inst.components if c.action == "add" and inst.id != "us_ccl_baseline"
]
PARAS = sorted({(c.item, c.id, c.authority) for _, c in COMPONENTS if c.kind == "paragraph" and c.item in ITEM_CLASSES})
DESTS = ["CHN", "MAC", "HKG", "RUS", "IRN", "VNM", "KOR", "JPN", "NLD", "DEU", "USA", "TWN", "SGP", "IND", "ARE"]
days = st.one_of(
    st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n)),
    st.sampled_from([d for d in REG.change_dates() if START <= d <= END]),
)
end_uses = st.sampled_from([None, "logic:7nm", "logic:28nm", "dram:16nm", "nand:232l", "supercomputer", "sme"])


def _rank(v: Any) -> tuple[int, int]:
    """Order of strictness: required True > unknown > False, then the status severity."""
    req = {True: 2, None: 1, False: 0}[v.license_required]
    return req, severity(v.status)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(COMPONENTS), days)
def test_no_component_acts_outside_its_dates(pair: tuple[Any, Any], day: date) -> None:
    inst, comp = pair
    live = REG.at(day).components
    key = [c for c in live if c.id == comp.id and c.authority == comp.authority and c.instrument == inst.id]
    if day < comp.binds:
        assert not key, (comp.id, day)
    if comp.until is not None and day >= comp.until:
        assert not key
    if any(s <= day < e for s, e, _ in comp.suspended):
        assert not key


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PARAS), st.sampled_from(DESTS), days, end_uses)
def test_joining_d5_never_relaxes(para: tuple[str, str, str], dest: str, day: date, eu: str | None) -> None:
    item, pid, authority = para
    exporter = None if authority == "USA" else authority
    base = classify_item(item, pid, dest, day, exporter=exporter, end_use=eu, regime=REG)
    stricter = REG.with_members("D:5", add=[dest], on=START)
    after = classify_item(item, pid, dest, day, exporter=exporter, end_use=eu, regime=stricter)
    assert _rank(after) >= _rank(base)


_LISTED = Lists(
    [
        {
            "list": "EL",
            "name": "Example Advanced Fab Co., Ltd.",
            "aliases": ["EAF"],
            "license_requirement": (
                "For all items subject to the EAR (See §§734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)5"
            ),
            "license_policy": "Presumption of denial.",
            "federal_register_citation": "89 FR 96837",
            "footnote": 5,
            "listed_on": date(2018, 1, 1),
            "listed_on_latest": date(2018, 1, 1),
            "listed_on_confidence": "H",
            "source_id": "test",
        }
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PARAS),
    st.sampled_from(DESTS),
    days,
    st.sampled_from([None, "KOR", "NLD", "USA"]),
    st.sampled_from([None, True, False]),
)
def test_a_listed_party_never_gets_a_looser_verdict(
    para: tuple[str, str, str], dest: str, day: date, made_in: str | None, us_tech: bool | None
) -> None:
    item, pid, authority = para
    exporter = None if authority == "USA" else authority
    kw: dict[str, Any] = {"exporter": exporter, "made_in": made_in, "us_tech": us_tech, "regime": REG}
    free = classify_item(item, pid, dest, day, **kw)
    listed = classify_item(item, pid, dest, day, end_user="Example Advanced Fab", screening=_LISTED, **kw)
    assert _rank(listed) >= _rank(free)
    if free.license_required:
        assert listed.license_required
    for v in (free, listed):  # the verdict is as strict as its strictest binding layer
        binding = [x["status"] for x in v.extra["layers"] if x["license_required"] and x["status"] != "exception"]
        if v.license_required and binding:
            assert severity(v.status) >= max(severity(s) for s in binding)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PARAS), st.sampled_from(DESTS), days, end_uses)
def test_an_end_use_never_relaxes(para: tuple[str, str, str], dest: str, day: date, eu: str | None) -> None:
    item, pid, authority = para
    exporter = None if authority == "USA" else authority
    plain = classify_item(item, pid, dest, day, exporter=exporter, regime=REG)
    with_eu = classify_item(item, pid, dest, day, exporter=exporter, end_use=eu, regime=REG)
    assert _rank(with_eu) >= _rank(plain)
