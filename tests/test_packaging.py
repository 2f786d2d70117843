"""Issue 8 item 17: declared floors must work, and a newcomer installs the tested versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def floor(reqs: list[str], name: str) -> tuple[int, ...]:
    for r in reqs:
        m = re.match(rf"^\s*{re.escape(name)}\s*>=\s*([0-9.]+)", r, re.IGNORECASE)
        if m:
            return tuple(int(x) for x in m.group(1).split("."))
    raise AssertionError(f"{name} has no floor")


def test_setuptools_floor_builds_the_licence_string() -> None:
    # `license = "Apache-2.0"` (PEP 639) needs setuptools 77; the old floor was 68.
    assert isinstance(PYPROJECT["project"]["license"], str)
    assert floor(PYPROJECT["build-system"]["requires"], "setuptools") >= (77,)


def test_floors_known_to_fail_are_raised() -> None:
    # Measured with .ci/lowest.sh: typer 0.12 fails with the click of today (156 tests);
    # python-calamine before 0.7 panics on half of the TOP500 .xls exports.
    deps = PYPROJECT["project"]["dependencies"]
    assert floor(deps, "typer") >= (0, 18)
    assert floor(deps, "python-calamine") >= (0, 7)


def test_lowest_versions_script_exists_and_is_documented() -> None:
    script = REPO / ".ci" / "lowest.sh"
    text = script.read_text(encoding="utf-8")
    assert "pyproject.toml" in text and "pytest" in text and "==" in text
    assert "lowest.sh" not in (REPO / ".ci" / "run").read_text(encoding="utf-8")  # too slow for every CI run
    assert "bash .ci/lowest.sh" in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_first_command_installs_the_tested_versions() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    first = next(line for line in block.splitlines() if line.startswith("pip install"))
    assert "-c constraints.txt" in first
