"""``computestrata.measure.api``: the one public API module of measure, and the faces that use only it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from computestrata.measure import api

SRC = Path(__file__).parents[1] / "src" / "computestrata"


def test_every_public_name_resolves_to_its_implementation() -> None:
    from computestrata.measure import estimates, stratification, table1

    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert api.national_compute is estimates.national_compute
    assert api.analyse_stratification is stratification.analyse
    assert api.build_table1 is table1.build_table1


def test_faces_import_measure_only_through_its_api() -> None:
    """measure/cli.py and overview.py reach measure through ``measure.api`` (or ``measure import api``)."""
    for face in (SRC / "measure" / "cli.py", SRC / "overview.py"):
        bad = []
        for node in ast.walk(ast.parse(face.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("computestrata.measure"):
                names = [a.name for a in node.names]
                if node.module == "computestrata.measure" and names == ["api"]:
                    continue
                if node.module != "computestrata.measure.api":
                    bad.append(f"{node.module}: {names}")
        assert not bad, f"{face.name} imports measure modules other than measure.api: {bad}"


def test_importing_the_api_loads_no_heavy_library() -> None:
    code = "import sys, computestrata.measure.api; print(sorted({'numpy', 'pandas'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
