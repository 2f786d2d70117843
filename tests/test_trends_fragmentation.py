"""Ecosystem fragmentation on 6 hand-worked models with lineage, and a property of the shares."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from computestrata.trends import blocs, fragmentation

BLOCS = {
    "definitions": {
        "two": {
            "as_of": "2024-01-01",
            "blocs": {"us_allies": {"members": ["USA", "GBR"]}, "china": {"members": ["CHN", "HKG"]}},
        }
    }
}
DEF = blocs.parse(BLOCS, "test.yaml", lambda w: w.upper() if len(w) == 3 else None, []).definition()

MODELS = pd.DataFrame(
    [
        ("BaseUS", 2021, ["USA"], "NVIDIA A100", "Open weights (unrestricted)", None),
        ("BaseCN", 2021, ["CHN"], "Huawei Ascend 910", "Open weights (unrestricted)", None),
        ("CN-ft-1", 2022, ["CHN"], "NVIDIA A800 PCIe 40 GB", "API access", "BaseUS"),
        ("US-ft-1", 2022, ["USA"], "Google TPU v4", "Unreleased", "BaseCN"),
        ("Mixed", 2023, ["USA", "CHN"], "NVIDIA H100 SXM5 80GB,Huawei Ascend 910B", None, "Qwen2.5-7B"),
        (
            "CN-ft-2",
            2023,
            ["CHN", "HKG"],
            "NVIDIA H800 SXM5,Ascend (昇腾) 910B",
            "Open weights (restricted use)",
            "Qwen2.5-7B",
        ),
    ],
    columns=["model", "year", "countries", "training_hardware", "model_accessibility", "base_model"],
)
LOOKUP = {"baseus": ["USA"], "basecn": ["CHN"]}


def classified(all_domestic: bool = False) -> pd.DataFrame:
    return fragmentation.classify(MODELS, DEF, LOOKUP, all_domestic).set_index("model")


def test_blocs_hardware_and_lineage_hand_worked() -> None:
    c = classified()
    assert c["bloc"].to_dict() == {
        "BaseUS": "us_allies",
        "BaseCN": "china",
        "CN-ft-1": "china",
        "US-ft-1": "us_allies",
        "Mixed": "mixed",
        "CN-ft-2": "china",
    }
    # A800 is NVIDIA (US-designed) even though made for China: not domestic for a Chinese model
    assert pd.notna(c.loc["CN-ft-1", "domestic"]) and not bool(c.loc["CN-ft-1", "domestic"])
    assert bool(c.loc["BaseCN", "domestic"]) and bool(c.loc["CN-ft-2", "domestic"])  # any Ascend → domestic
    assert pd.isna(c.loc["Mixed", "domestic"])  # a mixed model has no own bloc: unknown, not False
    assert bool(c.loc["CN-ft-1", "cross_bloc"]) and bool(c.loc["US-ft-1", "cross_bloc"])
    assert not bool(c.loc["CN-ft-2", "cross_bloc"])  # Qwen base resolved by the family table → China
    assert pd.isna(c.loc["BaseUS", "cross_bloc"]) and not bool(c.loc["Mixed", "lineage_known"])
    assert pd.isna(c.loc["Mixed", "open_weights"]) and bool(c.loc["CN-ft-2", "open_weights"])


def test_all_domestic_variant() -> None:
    assert not bool(classified(all_domestic=True).loc["CN-ft-2", "domestic"])  # H800 + Ascend: not all domestic


def test_yearly_shares_hand_worked() -> None:
    c = fragmentation.classify(MODELS, DEF, LOOKUP)
    china = (c["bloc"] == "china").to_numpy()
    assert fragmentation.yearly_shares(c, "domestic", china) == {2021: (1.0, 1.0), 2022: (0.0, 1.0), 2023: (1.0, 1.0)}
    assert fragmentation.yearly_shares(c, "cross_bloc") == {2022: (1.0, 2.0), 2023: (0.0, 1.0)}
    assert fragmentation.yearly_shares(c, "open_weights") == {2021: (1.0, 2.0), 2022: (0.0, 2.0), 2023: (1.0, 1.0)}


def test_share_slope_needs_three_years_with_enough_models() -> None:
    c = fragmentation.classify(MODELS, DEF, LOOKUP)
    est, _, _, years = fragmentation.share_slope(c, "open_weights", min_n=1, draws=50)
    assert est == pytest.approx(0.0) and years == [2021, 2022, 2023]  # 1, 0, 1: slope 0
    est2, _, _, years2 = fragmentation.share_slope(c, "open_weights", min_n=2, draws=50)
    assert est2 != est2 and years2 == [2021, 2022]  # NaN: only two years have 2+ models


def test_vendor_and_family_tables() -> None:
    assert fragmentation.vendor_country("Ascend (昇腾) 910B") == "CHN"
    assert fragmentation.vendor_country("Google TPU v5p") == "USA"
    assert fragmentation.vendor_country("Mystery Chip 1") is None
    assert fragmentation.family_country("Llama 3.1-8B") == "USA"
    assert fragmentation.family_country("Yi-34B") == "CHN"


def test_model_bloc_order_free() -> None:
    of = DEF.mapper(2023)
    assert fragmentation.model_bloc(["CHN", "USA"], of) == fragmentation.model_bloc(["USA", "CHN"], of) == "mixed"
    assert fragmentation.model_bloc(["FRA"], of) == "rest"
    assert fragmentation.model_bloc([], of) is None


@given(st.lists(st.booleans(), min_size=1, max_size=20))
def test_adding_a_cross_bloc_model_never_lowers_that_years_share(flags: list[bool]) -> None:
    df = pd.DataFrame({"year": [2024] * len(flags), "cross_bloc": pd.array(flags, dtype="boolean")})
    before = fragmentation.yearly_shares(df, "cross_bloc")[2024][0]
    more = pd.concat([df, pd.DataFrame({"year": [2024], "cross_bloc": pd.array([True], dtype="boolean")})])
    assert fragmentation.yearly_shares(more, "cross_bloc")[2024][0] >= before
