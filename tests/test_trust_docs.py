"""Documentation for users and contributors (issue 8, item 19): a methods page per part,
an index linking every page, relative links that resolve, and no machine paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
PAGES = sorted(p for p in DOCS.glob("*.md") if p.name != "README.md")


def test_the_working_rules_page_is_gone_and_contributing_replaces_it() -> None:
    assert not (DOCS / "HELPERS.md").exists()
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in (
        "## Add a loader",
        "## Add a rule",
        "## Add an index framework",
        "## Run the checks",
        "## Benchmarks",
    ):
        assert heading in text, heading


@pytest.mark.parametrize(
    "page", ["atlas-and-sources.md", "top500.md", "stack.md", "controls.md", "measure.md", "index.md"]
)
def test_each_part_has_a_methods_page(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    assert "## Sources" in text and "## Known gaps" in text, page
    assert "strata " in text  # says which commands it describes


def test_the_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = {m.group(1) for m in LINK.finditer(index)}
    missing = [p.name for p in PAGES if p.name not in linked]
    assert not missing, f"docs/README.md does not link {missing}"


@pytest.mark.parametrize("path", [REPO / "CONTRIBUTING.md", DOCS / "README.md", *PAGES], ids=lambda p: p.name)
def test_links_are_relative_and_resolve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "/work/" not in text and "/home/" not in text, "a machine path in a document"
    for m in LINK.finditer(text):
        target = m.group(1)
        if re.match(r"[a-z]+://", target) or target.startswith("mailto:"):
            continue
        assert not target.startswith("/"), f"absolute link {target}"
        assert (path.parent / target).exists(), f"{path.name}: link {target} does not resolve"
