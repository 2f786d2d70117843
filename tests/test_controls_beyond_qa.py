"""Acceptance findings on the beyond-chips controls: false screening hits, Chinese names, uncertain
listing dates, low-confidence country groups, and bad input that used to pass silently.

Each test failed on the code before its fix.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from computestrata.cli import app
from computestrata.controls import items_beyond as ib
from computestrata.controls import regime as rg
from computestrata.controls.screening import Lists, normalise, score, tokens
from computestrata.errors import InputError

REG = rg.load_full()
runner = CliRunner()


def _el(name: str, first: date, last: date | None = None, conf: str = "M", **kw: Any) -> dict[str, Any]:
    row = {
        "list": "EL",
        "name": name,
        "aliases": [],
        "listed_on": first,
        "listed_on_latest": last or first,
        "listed_on_confidence": conf,
        "license_requirement": "For all items subject to the EAR. (See §744.11 of the EAR)",
        "license_policy": "Presumption of denial.",
        "federal_register_citation": "83 FR 37423",
        "source_id": "t",
    }
    row.update(kw)
    return row


# ---- screening: another brand's name is no hit; a listed brand after a place name is ----------------------


def test_a_listed_name_with_another_brand_before_the_query_word_is_no_hit() -> None:
    def s(q: str, c: str) -> float:
        return score(tokens(q), normalise(q), tokens(c), normalise(c))

    assert s("Apple Inc", "ORIENTAL APPLE COMPANY PTE LTD") < 0.85  # another brand: shown, not a hit
    assert s("Micron", "Nedayeh Micron Electronics") < 0.85
    assert s("Biren", "Beijing Biren Technology Development Co., Ltd.") >= 0.85  # a place before the brand
    assert s("Fudan Microelectronics", "Shanghai Fudan Microelectronics Co., Ltd.") >= 0.85
    assert s("Inspur", "Inspur Group Co., Ltd.") >= 0.85


@pytest.mark.integration
@pytest.mark.parametrize("name", ["Apple Inc", "Micron", "Samsung", "Samsung Electronics", "TSMC", "ASML"])
def test_benign_names_are_not_listed(atlas, name: str) -> None:  # type: ignore[no-untyped-def]
    from computestrata.controls import api

    assert api.screen(name, "2026-07-31", lists="all", atlas=atlas).listed is False


@pytest.mark.integration
@pytest.mark.parametrize(
    ("name", "listed_on"),
    [
        ("Huawei", date(2019, 5, 16)),
        ("Sugon", date(2019, 6, 24)),
        ("Inspur", date(2023, 3, 2)),
        ("Biren", date(2023, 10, 17)),
        ("Moore Threads", date(2023, 10, 17)),
        ("Fudan Microelectronics", date(2025, 9, 12)),
    ],
)
def test_listed_parties_are_found_from_their_dates(atlas, name: str, listed_on: date) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from computestrata.controls import api

    assert api.screen(name, listed_on - timedelta(days=1), atlas=atlas).listed is False
    assert api.screen(name, listed_on, atlas=atlas).listed is True


# ---- Chinese names: the lists are Latin-script only ----------------------------------------------------------


def test_chinese_names_translate_longest_first() -> None:
    from computestrata.controls.screening import zh_translation

    assert zh_translation("SMIC") is None
    assert zh_translation("中芯国际集成电路制造有限公司") == ("中芯国际", "Semiconductor Manufacturing International")
    assert zh_translation("中科曙光") == ("中科曙光", "Sugon")  # not the shorter 曙光 row
    assert zh_translation("三星电子") is None


@pytest.mark.integration
def test_chinese_names_are_screened(atlas) -> None:  # type: ignore[no-untyped-def]
    from computestrata.controls import api

    smic = api.screen("中芯国际", "2025-06-01", atlas=atlas)
    assert smic.listed is True and any("中芯国际" in r["matched_on"] for r in smic.rows)
    assert any("Semiconductor Manufacturing International" in n for n in smic.notes)
    assert api.screen("中芯国际", "2020-12-17", atlas=atlas).listed is False
    assert api.screen("长江存储", "2022-12-16", atlas=atlas).listed is True
    assert api.screen("华为", "2025-06-01", atlas=atlas).listed is True
    assert api.screen("长鑫存储", "2025-06-01", atlas=atlas).listed is False  # CXMT: not on the list


# ---- an uncertain listing date leaves the end-user layer open ----------------------------------------------


class _Fixed:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.lists = Lists(rows)

    def screen(self, name: str, on: date, which: str = "all") -> Any:
        return self.lists.screen(name, on, which)


def test_uncertain_listing_date_makes_the_verdict_open_not_free() -> None:
    lists = _Fixed([_el("Example Range Electronics", date(2018, 1, 1), date(2018, 10, 30), "L")])
    # 3D006 did not exist in 2018: the item layer is free, so only the end user can require a licence
    kw: dict[str, Any] = {"regime": REG, "screening": lists, "end_user": "Example Range Electronics"}
    inside = ib.classify_item("eda", "3D006", "CHN", "2018-06-01", **kw)
    assert inside.license_required is None and inside.status == "indeterminate"
    assert "--end-user listing date" in inside.missing_inputs
    assert any("uncertain" in n for n in inside.notes)
    after = ib.classify_item("eda", "3D006", "CHN", "2018-11-01", **kw)
    assert after.license_required is True and after.review_policy == "presumption_of_denial"
    before = ib.classify_item("eda", "3D006", "CHN", "2018-01-01", regime=REG, screening=lists)
    assert before.license_required is False


# ---- [L] country groups the verdict relied on are named ----------------------------------------------------


def test_equivalent_controls_carve_out_is_marked_low_confidence() -> None:
    nl = ib.classify_item("equipment", "3B001.c", "CHN", "2025-06-01", made_in="NLD", us_tech=True, regime=REG)
    assert nl.extra["subject_to_ear"] is False  # the carve-out decided it ...
    assert any(x.startswith("group EQUIV") for x in nl.low_confidence)  # ... and it is [L]
    kor = ib.classify_item("equipment", "3B001.c", "CHN", "2025-06-01", made_in="KOR", us_tech=True, regime=REG)
    assert not any(x.startswith("group EQUIV") for x in kor.low_confidence)


def test_a_verdict_after_the_newest_modelled_change_says_so() -> None:
    newest, _ = ib.newest_change(REG)
    after = ib.classify_item("equipment", "3B001.c", "CHN", "2026-11-29", regime=REG)
    before = ib.classify_item("equipment", "3B001.c", "CHN", newest, regime=REG)
    assert any(newest.isoformat() in n and "not modelled" in n for n in after.notes)
    assert not any("not modelled" in n for n in before.notes)


# ---- bad input that used to pass ---------------------------------------------------------------------------


def test_item_class_must_match_the_paragraph() -> None:
    with pytest.raises(InputError, match="modelled as equipment"):
        ib.classify_item("eda", "3B001.f.1.a", "CHN", "2025-06-01", regime=REG)
    with pytest.raises(InputError, match="modelled as eda"):
        ib.classify_item("material", "3D006", "CHN", "2025-06-01", regime=REG)
    assert ib.classify_item("eda", "3D992.b", "CHN", "2025-06-01", regime=REG).license_required is True


def test_unknown_basis_is_an_error() -> None:
    with pytest.raises(InputError, match="--basis"):
        ib.classify_item("equipment", "3B001.f.1.a", "CHN", "2025-06-01", regime=REG, basis="foo")  # type: ignore[arg-type]


@pytest.mark.parametrize("flag", ["--made-in", "--end-user", "--exporter"])
def test_empty_flags_are_errors_not_ignored(flag: str) -> None:
    args = ["controls", "classify", "--item", "equipment", "--eccn", "3B001.f.1.a", "--dest", "CHN"]
    res = runner.invoke(app, [*args, "--date", "2025-06-01", flag, "", "--json"])
    # the CLI entry point turns an InputError into its message and exit code 2
    assert isinstance(res.exception, InputError) and f"{flag} is empty" in str(res.exception)


@pytest.mark.integration
def test_screen_json_rows_cite_every_entity_list_match(built_atlas) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(app, ["controls", "screen", "SMIC", "--json", "--atlas", str(built_atlas)])
    data = json.loads(res.output)
    el = [r for r in data["rows"] if r["list"] == "EL"]
    assert data["listed"] is True and el
    assert all(r["federal_register_citation"] and r["listed_on"] and r["source_id"] for r in el)


# ---- mutation survivors (a planted bug no test caught) ----------------------------------------------------


def test_the_most_specific_paragraph_decides() -> None:
    """3B993.f.1 (DUV scanners, duv_lithography) is not judged as the whole of 3B993."""
    duv = ib.classify_item("equipment", "3B993.f.1", "CHN", "2025-06-01", regime=REG)
    assert duv.paragraph == "3B993.f.1"
    chiplet = ib.classify_item("eda", "3D992.b", "CHN", "2025-06-01", regime=REG)
    assert chiplet.paragraph == "3D992.b" and chiplet.license_basis == ["3D992.b"]


def test_equally_good_entity_list_matches_apply_the_strictest_entry() -> None:
    rows = [
        _el("Example Twin Shenzhen", date(2024, 1, 5), license_policy="Case-by-case review.", footnote=4),
        _el("Example Twin Beijing", date(2024, 1, 5), license_policy="Presumption of denial.", footnote=5),
    ]
    lists = _Fixed(rows)
    v = ib.classify_item(
        "equipment", "3B993.c", "CHN", "2025-06-01", regime=REG, screening=lists, end_user="Example Twin"
    )
    assert v.review_policy == "presumption_of_denial" and v.status == "denial"
    # both entries' footnotes reach: footnote 5 brings a Taiwanese-made 3B993 tool under §734.9(e)(3)
    made = ib.classify_item(
        "equipment",
        "3B993.c",
        "CHN",
        "2025-06-01",
        regime=REG,
        screening=lists,
        end_user="Example Twin",
        made_in="TWN",
        us_tech=True,
    )
    assert made.extra["subject_to_ear"] is True and "fdp:§734.9(e)(3)" in made.license_basis


def test_the_newest_rule_change_is_the_last_date_accepted() -> None:
    from datetime import timedelta

    newest, inst = ib.newest_change(REG)
    assert newest == date(2026, 11, 28) and "cn_no46_2024" in inst
    assert ib.check_date(newest, REG) == newest
    assert ib.after_newest_note(newest, REG) is None
    # Today is always accepted (a reader asks what applies now); after the newest modelled change
    # the verdict carries a note that later changes are not modelled.
    bound = max(newest, date.today())
    assert ib.check_date(bound, REG) == bound
    note = ib.after_newest_note(newest + timedelta(days=1), REG)
    assert note is not None and newest.isoformat() in note
    with pytest.raises(InputError, match="after the newest modelled rule change"):
        ib.check_date(bound + timedelta(days=1), REG)
    assert ib.check_date("2018-01-01", REG) == date(2018, 1, 1)
    with pytest.raises(InputError, match="before 2018-01-01"):
        ib.check_date("2017-12-31", REG)
