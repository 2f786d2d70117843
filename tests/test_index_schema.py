"""The pydantic schema of framework files: wrong types are caught with file, key and fix."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
import yaml

from computestrata.errors import InputError
from computestrata.measure.index import config, schema
from test_index_engine import small_config


@pytest.mark.parametrize(
    ("mutate", "where", "hint"),
    [
        (lambda c: c["indicators"][0].update(direction=2), r"indicators\[0\] \(i1\)\.direction", "lower is better"),
        (lambda c: c["indicators"][1].update(weight="heavy"), r"indicators\[1\] \(i2\)\.weight: 'heavy'", "number"),
        (lambda c: c["indicators"][0].pop("id"), r"indicators\[0\]\.id: is missing", "`id`"),
        (lambda c: c["indicators"][0].update(available="no"), r"indicators\[0\] \(i1\)\.available", "available: false"),
        (lambda c: c["indicators"][0].update(goalposts=[1]), r"indicators\[0\] \(i1\)\.goalposts", "low, high"),
        (lambda c: c["indicators"][0].update(scale=0), r"indicators\[0\] \(i1\)\.scale: 0", "positive"),
        (lambda c: c.update(aggregates=[]), r"aggregates: is empty", "pillars"),
        (lambda c: c.update(steps=["minmax"]), r"steps", "mapping"),
    ],
)
def test_schema_errors_name_file_key_and_fix(mutate: Any, where: str, hint: str) -> None:
    cfg = deepcopy(small_config())
    mutate(cfg)
    with pytest.raises(InputError, match=rf"framework config my\.yaml: {where}") as exc:
        config.parse(cfg, origin="my.yaml")
    assert exc.value.hint and hint in exc.value.hint


def test_hand_checked_errors_name_the_file_too() -> None:
    cfg = deepcopy(small_config())
    cfg["indicators"][0]["parent"] = "nope"
    with pytest.raises(InputError, match=r"framework config my\.yaml: .*i1.*parent"):
        config.parse(cfg, origin="my.yaml")


def test_shipped_frameworks_pass_the_schema() -> None:
    folder = Path(config.__file__).parent / "frameworks"
    for name in config.shipped():
        raw = yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8"))
        assert schema.check(raw, name).id == raw["id"]


def test_a_file_that_is_not_a_mapping() -> None:
    with pytest.raises(InputError, match=r"framework config x\.yaml: \(top\)"):
        config.parse(["a", "b"], origin="x.yaml")
