"""The package graph: no cycles, one direction, no core module importing a face.

The graph is read from the source with :mod:`ast`, so imports inside functions and under
``TYPE_CHECKING`` count too: a function-level import hides a cycle from Python's import
machinery, not from the architecture.  The allowed direction is data (:data:`LAYERS`): a
module may import its own part and the parts of *lower* layers, never a part of its own layer
or above.  Faces (commands, shared CLI helpers, the report, the dashboard) sit on top and may
import any core part; core parts never import a face.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

PACKAGE = "computestrata"
SRC = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: The layering, lowest first.  Why this order: translations and errors are needed by every
#: message (lookup in ``translate``; errors render through it; ``i18n`` chooses the language
#: and refuses an unknown one with an error, so it sits above errors: one direction, no
#: cycle); maths, shared vocabulary (segment ids) and small helpers (images, progress) are
#: pure and must be importable by every part without dragging a part in (``memo``: the caches
#: that live with an atlas, a regime or a rules object); the atlas reads raw
#: data and serves tables to everyone; provenance tracks which atlas tables a result read;
#: top500, controls and measure each read the atlas and nothing else; the stack marks which of
#: its segments the controls reach, so it sits above controls; trends, network and cooperation
#: combine the base parts; scenarios run on all of them.  A part not listed here fails the
#: test until it is placed.
LAYERS: list[tuple[str, frozenset[str]]] = [
    ("translate", frozenset({"translate"})),
    ("errors", frozenset({"errors"})),
    ("i18n", frozenset({"i18n"})),
    ("leaf", frozenset({"maths", "vocab", "imaging", "progress", "memo"})),
    ("atlas", frozenset({"atlas"})),
    ("provenance", frozenset({"provenance"})),
    ("base", frozenset({"top500", "controls", "measure"})),
    ("stack", frozenset({"stack"})),
    ("combined", frozenset({"trends", "network", "cooperation"})),
    ("scenarios", frozenset({"scenarios"})),
]
#: Parts that work together as one unit (may import each other).  None today: a unit hides a
#: cycle, so one added here needs its reason (errors and i18n were one until ``translate``).
UNITS: list[frozenset[str]] = []
#: The foundation and leaf layers (importable by every part, command modules included).
LOWEST = frozenset().union(*(p for n, p in LAYERS if n in {"translate", "errors", "i18n", "leaf"}))

#: Faces: everything that parses arguments, prints, renders or serves.  They may import any
#: core part; no core module may import them.
FACE_PARTS = frozenset({"cli", "cli_common", "render", "usage_errors", "overview", "report", "web", "__main__"})


def is_face(module: str) -> bool:
    """A face module: a top-level face part, or a part's own command module (``*/cli.py``, ``cli_*.py``)."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FACE_PARTS:
        return True
    last = parts[-1]
    return last == "cli" or last.startswith("cli_")


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<package>"


def modules(src: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name → (file, is a package ``__init__``)."""
    out: dict[str, tuple[Path, bool]] = {}
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src.parent).with_suffix("")
        names = list(rel.parts)
        is_pkg = names[-1] == "__init__"
        if is_pkg:
            names = names[:-1]
        out[".".join(names)] = (path, is_pkg)
    return out


def _targets(module: str, is_pkg: bool, node: ast.Import | ast.ImportFrom, known: set[str], package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == package or a.name.startswith(package + ".")]
    if node.level:
        base = module.split(".")
        if not is_pkg:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not (target == package or target.startswith(package + ".")):
        return []
    # `from computestrata.stack import segments` imports the module `segments`, not the package.
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names]


def import_graph(src: Path = SRC, package: str = PACKAGE) -> dict[str, dict[str, int]]:
    """module → {imported module: first line}, counting imports at any depth (functions, TYPE_CHECKING)."""
    mods = modules(src, package)
    known = set(mods)
    graph: dict[str, dict[str, int]] = {}
    for name, (path, is_pkg) in mods.items():
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(name, is_pkg, node, known, package):
                    if target != name:
                        edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


def layer_of(part: str) -> int | None:
    for i, (_name, parts) in enumerate(LAYERS):
        if part in parts:
            return i
    return None


def violations(graph: dict[str, dict[str, int]]) -> list[str]:
    """Every import that breaks the layering, as ``module:line -> target (why)``."""
    out: list[str] = []
    for module, edges in sorted(graph.items()):
        if is_face(module):
            continue
        src = part_of(module)
        for target, line in sorted(edges.items()):
            dst = part_of(target)
            where = f"{module}:{line} -> {target}"
            if is_face(target):
                out.append(f"{where} (a core module imports a face)")
                continue
            if dst == src or dst == "<package>" or any({src, dst} <= unit for unit in UNITS):
                continue
            ls, ld = layer_of(src), layer_of(dst)
            if ls is None or ld is None:
                missing = src if ls is None else dst
                out.append(f"{where} (part {missing!r} is in no layer: add it to LAYERS)")
            elif ld >= ls:
                out.append(
                    f"{where} ({src} is in layer {LAYERS[ls][0]!r}, {dst} in {LAYERS[ld][0]!r}: "
                    "only lower layers may be imported; move the shared piece into a leaf module)"
                )
    return out


def _node(module: str) -> str:
    """The graph node of a module for the cycle check: its part, or ``part.cli`` for its commands."""
    part = part_of(module)
    return f"{part}.cli" if is_face(module) and part not in FACE_PARTS else part


def part_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected groups of parts (faces included), ignoring the declared units."""
    nodes: dict[str, set[str]] = defaultdict(set)
    for module, edges in graph.items():
        a = _node(module)
        nodes[a]
        for target in edges:
            b = _node(target)
            if a != b and not any({a, b} <= unit for unit in UNITS):
                nodes[a].add(b)
    # Tarjan's algorithm, iterative enough for a graph of a few dozen parts.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(nodes[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def _edges_within(graph: dict[str, dict[str, int]], group: list[str]) -> list[str]:
    return [
        f"{m}:{line} -> {t}"
        for m, edges in sorted(graph.items())
        for t, line in sorted(edges.items())
        if _node(m) in group and _node(t) in group and _node(m) != _node(t)
    ]


# --- the checks on the real package ---------------------------------------------------------


@cache
def _package_graph() -> dict[str, dict[str, int]]:
    return import_graph()


def test_no_part_imports_against_the_layering() -> None:
    bad = violations(_package_graph())
    assert not bad, "imports against the layering (see LAYERS in this file):\n" + "\n".join(bad)


def test_no_cycle_between_parts() -> None:
    graph = _package_graph()
    cycles = part_cycles(graph)
    detail = "\n".join(f"{' <-> '.join(c)}:\n  " + "\n  ".join(_edges_within(graph, c)) for c in cycles)
    assert not cycles, "package cycles:\n" + detail


def test_every_part_is_placed() -> None:
    parts = {part_of(m) for m in _package_graph() if not is_face(m)} - {"<package>", "data"}
    placed = set().union(*(p for _n, p in LAYERS))
    assert parts <= placed, f"parts in no layer: {sorted(parts - placed)} — add them to LAYERS with a reason"


def test_graph_sees_function_level_imports() -> None:
    """The reader must count imports inside functions (they hid the cycles before)."""
    graph = _package_graph()
    # cli.py imports every command group inside functions (lazy, for a fast --help).
    assert any(t.startswith(f"{PACKAGE}.stack") for t in graph[f"{PACKAGE}.cli"])


# --- the checker itself, on a small planted package -----------------------------------------


def _plant(root: Path, files: dict[str, str]) -> Path:
    pkg = root / PACKAGE
    for rel, text in files.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return pkg


def test_checker_finds_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    pkg = _plant(
        tmp_path,
        {
            "__init__.py": "",
            "atlas/__init__.py": "",
            "atlas/store.py": "def f():\n    from computestrata.top500 import query\n",
            "top500/__init__.py": "",
            "top500/query.py": "from computestrata.atlas import store\n",
        },
    )
    graph = import_graph(pkg)
    assert graph[f"{PACKAGE}.atlas.store"] == {f"{PACKAGE}.top500.query": 2}
    assert part_cycles(graph) == [["atlas", "top500"]]
    assert [v.split(" (")[0] for v in violations(graph)] == [f"{PACKAGE}.atlas.store:2 -> {PACKAGE}.top500.query"]


def test_checker_finds_a_core_module_importing_a_face(tmp_path: Path) -> None:
    pkg = _plant(
        tmp_path,
        {
            "__init__.py": "",
            "cli_common.py": "",
            "measure/__init__.py": "",
            "measure/api.py": "def g():\n    from ..cli_common import open_atlas\n",
            "measure/cli.py": "from computestrata.cli_common import emit\nfrom . import api\n",
        },
    )
    bad = violations(import_graph(pkg))
    assert len(bad) == 1 and bad[0].startswith(f"{PACKAGE}.measure.api:2 -> {PACKAGE}.cli_common (a core module")


def test_checker_allows_downward_imports(tmp_path: Path) -> None:
    pkg = _plant(
        tmp_path,
        {
            "__init__.py": "",
            "translate.py": "",
            "errors.py": "def f():\n    from computestrata.translate import t\n",
            "i18n/__init__.py": "def g():\n    from computestrata.errors import InputError\n",
            "stack/__init__.py": "",
            "stack/controls.py": "from computestrata.controls import regime\n",
            "controls/__init__.py": "",
            "controls/regime.py": "from computestrata.vocab.segments import segment_ids\n",
            "vocab/__init__.py": "",
            "vocab/segments.py": "from computestrata.errors import InputError\n",
        },
    )
    graph = import_graph(pkg)
    assert violations(graph) == []
    assert part_cycles(graph) == []


# --- command modules stay thin ----------------------------------------------------------------
# A command module (``<part>/cli.py``, ``<part>/cli_*.py``) parses, calls its part's API and
# prints.  What it imports shows whether that holds: the ``api`` module of any part (its own or
# another's), its own part's presentation modules (:data:`PRESENTATION`: labels of codes in the
# reader's language) and sibling command modules, the foundation and leaf parts, provenance and
# the shared CLI helpers (a face part's command module, report or web, may use its own part).
# Anything else (a loader registry, a config reader, a maths module) is domain work that belongs
# behind the API.  And no command module or dashboard module takes a private name (``_x``) from
# another module: what a face needs is public API.

#: Parts a command module may always import: the foundation and leaf layers, provenance, the CLI helpers.
THIN_PARTS = frozenset().union(LOWEST, {"provenance", "cli_common", "render"})
#: Modules of its own part, besides ``api``, that a command module may import: presentation only.
PRESENTATION = frozenset({"display", "labels"})
#: The atlas handle type every API takes (``atlas.api`` re-exports it; older modules name the store).
ATLAS_TYPE = (f"{PACKAGE}.atlas.store", "Atlas")

#: Known exceptions (``module -> imported module[.private name]``), each with what removes it.
#: Only ever shrink this: a test fails when an entry is no longer needed.
THIN_EXCEPTIONS: dict[str, str] = {}


def imported_names(src: Path = SRC, package: str = PACKAGE) -> dict[str, list[tuple[int, str, str]]]:
    """module → [(line, imported module, name)] for every import of the package, at any depth
    (``name`` is ``*module*`` when the import names a module itself)."""
    mods = modules(src, package)
    known = set(mods)
    out: dict[str, list[tuple[int, str, str]]] = {}
    for name, (path, is_pkg) in mods.items():
        found: list[tuple[int, str, str]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                targets = _targets(name, is_pkg, node, known, package)
                for alias, target in zip(node.names, targets, strict=False):
                    found.append((node.lineno, target, "*module*" if target.endswith("." + alias.name) else alias.name))
            elif isinstance(node, ast.Import):
                found += [(node.lineno, t, "*module*") for t in _targets(name, is_pkg, node, known, package)]
        out[name] = found
    return out


def is_command_module(module: str) -> bool:
    """A part's command module: ``<part>/…/cli.py`` or ``cli_*.py`` (not the root ``cli``, ``cli_common``)."""
    parts = module.split(".")
    return len(parts) > 2 and (parts[-1] == "cli" or parts[-1].startswith("cli_"))


def thin_violations(names: dict[str, list[tuple[int, str, str]]]) -> list[str]:
    """Every import by which a command module does more than parse, call an API and print, and
    every private name a command or dashboard module takes from another module, as
    ``module:line -> target (why)``."""
    out: list[str] = []
    for module, found in sorted(names.items()):
        command = is_command_module(module)
        for line, target, name in found:
            where = f"{module}:{line} -> {target}"
            if target == module:
                continue
            private = name.startswith("_") and not name.startswith("__")
            if private and (command or part_of(module) == "web"):
                out.append(f"{where}.{name} (a private name: make it public API)")
            if not command:
                continue
            own = part_of(target) == part_of(module)
            last = target.split(".")[-1]
            if last == "api" or part_of(target) in THIN_PARTS or (target, name) == ATLAS_TYPE:
                continue
            if own and (is_command_module(target) or last in PRESENTATION or part_of(module) in FACE_PARTS):
                continue  # a face part (report, web) is presentation through and through
            whose = "its own part" if own else "another part"
            out.append(f"{where} ({whose}'s module {last!r} is not an API: move the work behind the API)")
    return out


def exception_key(violation: str) -> str:
    """``a.cli:12 -> b.x (why)`` → ``a.cli -> b.x``."""
    where = violation.split(" (", 1)[0]
    module, _, rest = where.partition(":")
    return f"{module} -> {rest.split(' -> ', 1)[1]}"


@cache
def _thin_violations() -> tuple[str, ...]:
    return tuple(thin_violations(imported_names()))


def test_command_modules_only_parse_call_the_api_and_print() -> None:
    bad = [v for v in _thin_violations() if exception_key(v) not in THIN_EXCEPTIONS]
    assert not bad, "command modules doing domain work (see THIN_PARTS in this file):\n" + "\n".join(bad)


def test_thin_exceptions_are_still_needed() -> None:
    used = {exception_key(v) for v in _thin_violations()}
    stale = sorted(set(THIN_EXCEPTIONS) - used)
    assert not stale, "fixed — remove from THIN_EXCEPTIONS: " + ", ".join(stale)


def test_thin_check_finds_domain_imports_and_private_names(tmp_path: Path) -> None:
    pkg = _plant(
        tmp_path,
        {
            "__init__.py": "",
            "cli_common.py": "",
            "i18n/__init__.py": "",
            "atlas/__init__.py": "",
            "atlas/api.py": "",
            "atlas/loaders.py": "LOADERS = {}\n",
            "atlas/cli.py": "from computestrata.atlas import api\ndef f():\n    from .loaders import LOADERS\n",
            "coop/__init__.py": "",
            "coop/api.py": "def _status(): ...\n",
            "coop/display.py": "",
            "coop/config.py": "",
            "coop/cli.py": "from computestrata.i18n import t\nfrom computestrata.cli_common import emit\n"
            "from computestrata.coop import api, display\nfrom computestrata.atlas.api import build\n"
            "from computestrata.coop.api import _status\nfrom computestrata.coop.config import load\n",
            "coop/core.py": "from computestrata.coop.api import _status\nfrom computestrata.atlas import loaders\n",
        },
    )
    bad = [v.split(" (")[0] for v in thin_violations(imported_names(pkg))]
    assert bad == [
        f"{PACKAGE}.atlas.cli:3 -> {PACKAGE}.atlas.loaders",
        f"{PACKAGE}.coop.cli:5 -> {PACKAGE}.coop.api._status",
        f"{PACKAGE}.coop.cli:6 -> {PACKAGE}.coop.config",
    ]
