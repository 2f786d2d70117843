"""The one public API of the controls engine (``controls/api.py``): the matrix the CLI, the
overview and the report share, the vocabularies as enums, the rule schemas' errors, the one
date bound the engine and the cooperation space share."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from computestrata.controls import api
from computestrata.controls import regime as rg
from computestrata.controls.vocab import Kind, Op, Status
from computestrata.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "controls"
DATES = ("2022-06-01", "2023-12-01", "2026-03-01")


def test_statuses_are_enums_that_serialise_as_their_codes() -> None:
    v = api.classify_chip("chip", {"int8_tops": 624, "die_area_mm2": 800}, "CHN", "2024-01-01")
    assert isinstance(v.status, Status) and v.status == "denial"
    assert json.loads(json.dumps(v.to_dict()))["status"] == "denial"
    reg = rg.load_full()
    kinds = {c.kind for i in reg.instruments for c in i.components}
    assert all(isinstance(k, Kind) for k in kinds) and Kind.PARAGRAPH in kinds
    ops = {c.op for i in reg.instruments for comp in i.components for c in comp.conditions}
    assert ops and all(isinstance(o, Op) for o in ops)


def test_newest_change_is_computed_once_per_regime() -> None:
    reg = rg.load_full()
    first = reg.newest_change
    assert reg.__dict__["newest_change"] is first  # cached on the regime
    assert first[0] >= date(2026, 1, 1) and first[1]
    # a derived regime gets its own answer, not the cached one of its source
    assert rg.load().newest_change[0] <= first[0]


def test_controls_and_cooperation_share_one_date_bound() -> None:
    from computestrata.cooperation.api import check_date as coop_check

    late = (max(rg.load_full().newest_change[0], date.today()) + timedelta(days=400)).isoformat()
    for check in (lambda d: rg.check_date(d, rg.load_full()), lambda d: coop_check(d)):
        with pytest.raises(InputError) as exc:
            check(late)
        assert "outside the range the rules cover" in exc.value.message
        assert "newest modelled rule change" in exc.value.message
        assert check(date.today().isoformat()) == date.today()


def _instrument(reg: rg.Regime, raw: dict, name: str = "x.yaml") -> rg.Instrument:
    return rg.parse_instrument(raw, name, reg.countries, reg.groups)


@pytest.mark.parametrize(
    ("change", "needles", "hint"),
    [
        (lambda c: c.update(segmnt="hbm"), ["x.yaml", "component 3A090.x", "unknown key 'segmnt'"], "spelling"),
        (lambda c: c["all"][0].update(value="4800"), ["condition 1", "threshold must be a number"], "value: 4800"),
        (lambda c: c["all"][0].update(op="=="), ["'==' needs true/false"], "value: true"),
        (lambda c: c.update(kind="paragraf"), ["component kind", "'paragraf'"], "paragraph"),
        (lambda c: c.update(confidence="X"), ["confidence", "'X'"], "H"),
        (lambda c: c.update(compliance="2024-02-30"), ["compliance", "bad date"], "YYYY-MM-DD"),
        (lambda c: c.pop("item"), ["a paragraph needs eccn and item"], "item: chip"),
    ],
)
def test_rule_schema_errors_name_file_place_key_and_fix(change, needles, hint) -> None:  # type: ignore[no-untyped-def]
    reg = rg.load()
    raw = yaml.safe_load((FIX / "bad_operator.yaml").read_text(encoding="utf-8"))
    raw["components"][0]["all"][0]["op"] = ">="
    _instrument(reg, raw)  # the fixture, repaired, is valid
    change(raw["components"][0])
    with pytest.raises(InputError) as exc:
        _instrument(reg, raw)
    for needle in needles:
        assert needle in exc.value.message
    assert hint in (exc.value.hint or "")


def test_group_and_letter_schemas_name_the_entry() -> None:
    reg = rg.load()
    with pytest.raises(InputError) as exc:
        rg.parse_groups(
            {"groups": [{"id": "G", "confidence": "H", "members": ["KOR"], "valid_form": "2020-01-01"}]}, reg.countries
        )
    assert "country group 'G'" in exc.value.message and "valid_form" in exc.value.message
    with pytest.raises(InputError) as exc:
        rg.parse_measures(
            {
                "measures": [
                    {"id": "m", "title": {"ko": "x"}, "citation": "c", "effective": "2025-01-01", "confidence": "M"}
                ]
            },
            reg.countries,
            reg.groups,
        )
    assert "measure 'm'" in exc.value.message and "'en'" in exc.value.message


@pytest.mark.integration
def test_overview_uses_the_matrix_of_the_cli(atlas) -> None:  # type: ignore[no-untyped-def]
    """One function computes the matrix: the overview's counts are the CLI matrix's counts."""
    from computestrata.overview import controls_section

    res = api.controls_matrix(atlas, "CHN", DATES)
    sec = controls_section(atlas, "CHN", DATES)
    chips_only = [{k: v for k, v in r.items() if not k.startswith("equipment_")} for r in sec.rows]
    assert chips_only == res.counts
    assert sum(v for k, v in res.counts[0].items() if k != "date") == len(res.entries) > 100
    assert set(res.source_ids) == sec.source_ids


@pytest.mark.integration
def test_overview_says_when_the_licence_filter_hides_epoch_chips(built_atlas: Path) -> None:
    """The drift fixed: the overview now carries the matrix's note on hidden Epoch chips."""
    from computestrata.atlas import store
    from computestrata.overview import controls_section

    hidden = store.open(built_atlas, exclude_licenses=["CC-BY-4.0"])
    res = api.controls_matrix(hidden, "CHN", DATES)
    assert all(e.origin == "reference" for e in res.entries)
    note = api.epoch_hidden_note(hidden)
    assert note and note[0] in res.notes
    assert note[0] in controls_section(hidden, "CHN", DATES).notes


@pytest.mark.integration
def test_matrix_notes_a_date_past_the_rule_data(atlas) -> None:  # type: ignore[no-untyped-def]
    late = (rg.DATA_AS_OF + timedelta(days=1)).isoformat()
    assert not any(
        "2026-05-31" in n for n in api.controls_matrix(atlas, "CHN", ["2024-01-01"], origin="reference").notes
    )
    assert any("2026-05-31" in n for n in api.controls_matrix(atlas, "CHN", [late], origin="reference").notes)


@pytest.mark.integration
def test_chip_verdict_says_an_end_user_is_not_listed(atlas) -> None:  # type: ignore[no-untyped-def]
    """The drift fixed: chips and equipment fold end users the same way (one function)."""
    name = "Quite Unknown Trading Co"
    chip = api.classify_request("CHN", "2024-01-01", chip="H100", end_user=name, atlas=atlas)
    eq = api.classify_request("CHN", "2024-01-01", item="equipment", eccn="3B001.f.1.a", end_user=name, atlas=atlas)
    for res in (chip, eq):
        assert any(name in n and "no list entry" in n for n in res.notes)


@pytest.mark.integration
@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_chip_verdict_notes_say_which_layers_were_assessed(atlas, lang) -> None:  # type: ignore[no-untyped-def]
    """With --end-user the chip note no longer claims the Entity List was not evaluated."""
    from computestrata.i18n import t, use_lang

    with use_lang(lang):
        plain = api.classify_request("CHN", "2025-06-01", chip="H100", atlas=atlas)
        party = api.classify_request("CHN", "2025-06-01", chip="H100", end_user="Huawei", atlas=atlas)
        use = api.classify_request("CHN", "2025-06-01", chip="H100", end_use="supercomputer", atlas=atlas)
        old = t("controls.note.end_use")
        gp10 = t("controls.note.part.gp10")
        screened = t("controls.note.part.end_user", name="Huawei")
        assert old in plain.notes  # nothing beyond the item rules was assessed
        for res in (party, use):
            assert old not in res.notes
            assert sum(gp10 in n for n in res.notes) == 1  # still named as not assessed
        assert any(screened in n and t("controls.note.part.no_end_use") in n for n in party.notes)
        assert not any(screened in n for n in use.notes)
        assert any(t("controls.note.part.no_end_user") in n for n in use.notes)


def test_verdict_status_is_the_status_enum() -> None:
    import typing

    from computestrata.controls.classify import Verdict

    assert typing.get_type_hints(Verdict)["status"] is Status


def test_matrix_arguments_are_checked() -> None:
    with pytest.raises(InputError, match="--origin"):
        api.controls_matrix(None, "CHN", ["2024-01-01"], origin="all_of_them")
    with pytest.raises(InputError, match="--dates is empty"):
        api.controls_matrix(None, "CHN", [" ", ""])
    with pytest.raises(InputError, match="--basis"):
        api.controls_matrix(None, "CHN", ["2024-01-01"], basis="legal")
    assert set(api.postures()) == {"small_yard_high_fence", "big_yard_high_fence", "no_yard"}
