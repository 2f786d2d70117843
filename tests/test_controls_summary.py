"""What a controls verdict shows first, decided by the API (not the command): chips by their
figures, equipment/EDA/materials by paragraph with who exports, where made and whether the EAR
reaches them; one builder for the layered verdict's extra fields."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from computestrata.controls import api
from computestrata.controls import items_beyond as ib
from computestrata.i18n import set_lang


@pytest.fixture
def korean() -> Iterator[None]:
    set_lang("ko")
    yield
    set_lang("en")


@pytest.mark.parametrize(
    ("item", "eccn", "beyond"),
    [
        ("chip", None, False),
        ("hbm", None, False),
        ("chip", "", False),
        ("equipment", None, True),  # the command then asks for --eccn
        ("eda", "3D006", True),
        ("material", "CN.gallium", True),
        ("chip", "3B001.f.1.a", True),  # any --eccn: classified by paragraph (the command refuses --item chip)
    ],
)
def test_one_rule_decides_chip_or_beyond(item: str, eccn: str | None, beyond: bool) -> None:
    assert api.beyond_chips(item, eccn) is beyond


def test_chip_summary_has_figures_and_letters_not_jurisdiction() -> None:
    res = api.classify_request("CHN", "2024-06-01", chip="H100", posture="no_yard")
    fields = res.summary()
    assert not res.beyond
    assert list(fields)[: len(api.CHIP_FIELDS)] == list(api.CHIP_FIELDS)
    assert fields["regime"] == "no_yard"  # the hypothetical posture is said
    assert fields["tpp"] == res.data["tpp"] and fields["tpp"] > 4800  # an H100 is over the 3A090.a line
    assert fields["status"] == res.verdict.status
    assert "subject_to_ear" not in fields and "exporter" not in fields


def test_equipment_summary_drops_chip_figures_and_says_who_and_where() -> None:
    res = api.classify_request("CHN", "2025-06-01", item="equipment", eccn="3B001.f.1.a", exporter="NLD")
    fields = res.summary()
    assert res.beyond and res.item == "equipment"
    assert list(fields) == list(api.BEYOND_FIELDS)
    assert not {"tpp", "performance_density", "measures", "regime"} & set(fields)
    assert fields["exporter"] == "NLD" and fields["made_in"] == "NLD"
    assert fields["subject_to_ear"] == res.data["subject_to_ear"]
    assert all(v != [] for v in fields.values())  # an empty list reads as missing


def test_titles_name_the_kind_in_the_readers_language(korean: None) -> None:
    res = api.classify_request("CHN", "2025-06-01", item="equipment", eccn="3B001.f.1.a")
    assert "장비" in res.title() and "3B001.f.1.a" in res.title() and "CHN" in res.title()
    tl = api.timeline("CHN", item="material", eccn="CN.gallium", exporter="CHN")
    assert tl.beyond and "소재" in tl.title() and "material" not in tl.title()
    chip = api.timeline("CHN", chip="H100")
    assert not chip.beyond and "H100" in chip.title()


def test_layered_chip_and_equipment_records_share_the_extra_fields() -> None:
    chip = api.classify_chip("chip", "H20", "CHN", "2024-06-01", exporter="NLD", made_in="TWN", us_tech=True)
    equipment = api.classify_item("equipment", "3B001.f.1.a", "CHN", "2024-06-01", exporter="NLD")
    # one builder: the chip record has every field the equipment record has, bar the per-layer table
    assert set(chip.extra) == set(equipment.extra) - {"layers"}
    assert chip.extra["exporter"] == "NLD" and chip.extra["made_in"] == "TWN" and chip.extra["us_tech"] is True
    assert equipment.extra["layers"] and all("citations" in x for x in equipment.extra["layers"])


def test_verdict_extra_says_what_was_screened_and_each_layer() -> None:
    eu = ib.parse_end_use("logic:14nm")
    plain = ib.verdict_extra(None, "USA", None, True, None, None, [])
    assert plain == {
        "exporter": None,
        "made_in": "USA",
        "us_tech": None,
        "subject_to_ear": True,
        "end_use": None,
        "end_user": None,
        "screening": [],
    }
    full = ib.verdict_extra("NLD", "NLD", False, None, eu, "Huawei", [{"name": "x"}], [])
    assert full["end_use"] == eu.label() and full["end_user"] == "Huawei" and full["layers"] == []


@pytest.mark.parametrize("item", ["widget", "Chip", "gpu"])
def test_an_unknown_item_kind_is_named_not_taken_for_a_chip(item: str) -> None:
    from computestrata.errors import InputError

    with pytest.raises(InputError, match=f"unknown --item '{item}'"):
        api.classify_request("CHN", "2024-01-01", chip="H100", item=item)
    with pytest.raises(InputError, match=f"unknown --item '{item}'"):
        api.timeline("CHN", spec=["int8_tops=10"], item=item)
