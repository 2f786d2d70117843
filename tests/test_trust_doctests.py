"""Every example in a docstring runs and prints what it says (doctests, run in CI).

Found by walking the package: a module whose source has a ``>>>`` example is imported and
its examples are run.  A new example is covered without touching this file.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import computestrata

PKG = Path(computestrata.__file__).resolve().parent


def modules_with_examples() -> list[str]:
    found = []
    for path in sorted(PKG.rglob("*.py")):
        if ">>>" not in path.read_text(encoding="utf-8"):
            continue
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append(".".join(parts))
    return found


MODULES = modules_with_examples()


def test_the_package_has_examples() -> None:
    assert "computestrata.stack.concentration" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has '>>>' but no example doctest can find"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} fail (run: python -m doctest)"
