"""The dashboard's choices come from the parts that own them: each query enum equals its owner's
registry or vocabulary, every route default is one of its choices, and a framework or case
added to its folder appears in the API schema with no edit of the web package."""

from __future__ import annotations

import json
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from computestrata.web import params as p


def _values(enum: Any) -> list[str]:
    return [m.value for m in enum]


def test_each_enum_is_its_owners() -> None:
    from computestrata.controls import api as controls
    from computestrata.controls.scope import POSTURES
    from computestrata.controls.screening import LIST_CHOICES
    from computestrata.controls.vocab import ItemKind
    from computestrata.i18n import LANGS
    from computestrata.measure import api as measure
    from computestrata.measure.index.config import shipped
    from computestrata.measure.stratification import TIERS
    from computestrata.network.api import case_ids
    from computestrata.trends.api import KINDS as TREND_KINDS
    from computestrata.vocab.segments import LAYERS

    assert _values(p.Lang) == list(LANGS)
    assert _values(p.Basis) == list(controls.BASES)
    assert _values(p.Posture) == list(POSTURES)
    assert _values(p.Origin) == list(controls.ORIGINS)
    assert _values(p.ScreenLists) == list(LIST_CHOICES)
    assert _values(p.ItemKind) == _values(ItemKind) == list(controls.ALL_KINDS)
    assert _values(p.Layer) == list(LAYERS)
    assert _values(p.ComputeKind) == list(measure.KINDS)
    assert _values(p.Dataset) == list(measure.DATASETS)
    assert _values(p.Tier) == [*TIERS, "all"]
    assert _values(p.Framework) == shipped()
    assert _values(p.TrendKind) == list(TREND_KINDS)
    assert _values(p.Case) == case_ids()


def test_choices_builds_a_string_enum() -> None:
    e = p.choices("Thing", ["b", "a", "b"], "A thing.")
    assert issubclass(e, StrEnum) and _values(e) == ["b", "a"]
    assert e("a") == "a" and e.__doc__ == "A thing."
    with pytest.raises(ValueError):
        e("c")
    with pytest.raises(ValueError, match="empty"):
        p.choices("Nothing", [], "Nothing.")


def _schema() -> dict[str, Any]:
    from computestrata.web.app import create_app

    schema: dict[str, Any] = create_app().openapi()
    return schema


def test_every_enum_default_is_a_choice() -> None:
    """Route defaults are plain strings (FastAPI does not check them): each must be on offer."""
    schema = _schema()
    comps = schema["components"]["schemas"]
    seen = 0
    for path, item in schema["paths"].items():
        for param in item.get("get", {}).get("parameters", []):
            sch = param["schema"]
            refs = [sch, *sch.get("anyOf", [])]
            for ref in refs:
                if "$ref" in ref and "default" in sch and sch["default"] is not None:
                    enum = comps[ref["$ref"].rsplit("/", 1)[-1]]["enum"]
                    assert sch["default"] in enum, (path, param["name"], sch["default"], enum)
                    seen += 1
    assert seen >= 8


@pytest.mark.integration
def test_meta_lists_the_registries(built_atlas: Path) -> None:
    from fastapi.testclient import TestClient

    from computestrata.web.app import create_app

    body = TestClient(create_app(built_atlas)).get("/api/meta").json()
    assert body["cases"] == _values(p.Case)
    assert body["frameworks"] == _values(p.Framework)
    assert body["trends"] == _values(p.TrendKind)


SCRIPT = """
import json, shutil, sys, tempfile
from pathlib import Path
from computestrata.measure.index import config
from computestrata.network import case
from computestrata.network import api as network_api
shipped = config.shipped
config.shipped = lambda: [*shipped(), "zz_framework"]
folder = Path(tempfile.mkdtemp()) / "cases"
shutil.copytree(case.CASES_DIR, folder)
shutil.copy(folder / "korea.yaml", folder / "zz_case.yaml")
case.CASES_DIR = folder
network_api.case_ids = case.case_ids
from computestrata.web.app import create_app
comps = create_app().openapi()["components"]["schemas"]
print(json.dumps({"Framework": comps["Framework"]["enum"], "Case": comps["Case"]["enum"]}))
"""


@pytest.mark.integration
def test_a_new_framework_or_case_reaches_the_schema_without_a_web_edit() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120)
    enums = json.loads(out.stdout.strip().splitlines()[-1])
    assert "zz_framework" in enums["Framework"] and "gci" in enums["Framework"]
    assert "zz_case" in enums["Case"] and "korea" in enums["Case"]


@pytest.mark.integration
def test_language_menu_offers_every_language_in_its_own_name(built_atlas: Path) -> None:
    import re

    from fastapi.testclient import TestClient

    from computestrata.i18n import LANGS
    from computestrata.web.app import create_app

    html = TestClient(create_app(built_atlas)).get("/?lang=ko").text
    menu = re.search(r'<select id="lang-select".*?</select>', html, re.S)
    assert menu is not None
    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', menu.group(0))
    assert [o[0] for o in options] == list(LANGS)
    assert dict((o[0], o[2]) for o in options) == {"en": "English", "ko": "한국어", "zh": "中文"}
    assert [o[0] for o in options if o[1]] == ["ko"]
