"""Mutation testing: do the tests notice when the maths is wrong?

Run outside CI (minutes, not seconds).  Works on a snapshot copy of ``src/`` and ``tests/``
in a temporary folder, so the working tree is never touched and other work can go on:

    python bench/mutation.py --planted          # the named bugs of issue 8 (item 14)
    python bench/mutation.py --quick            # a few mutants per module (smoke run)
    python bench/mutation.py --budget 900       # the full run: ~15 minutes, shared equally by the modules

Mutants are made with a small AST mutator (no extra package): comparison flips (``<`` ↔
``<=``, ``==`` ↔ ``!=``, ``in`` ↔ ``not in``), arithmetic swaps (``+`` ↔ ``-``, ``*`` ↔ ``/``,
``**`` → ``*``), ``and`` ↔ ``or``, dropped ``not``, ``True`` ↔ ``False`` and numbers moved
by one.  Each mutant runs the module's own test files (``-x``, integration tests left out);
a failing run kills it.  Score = killed / tried.  Survivors are printed with file, line
and the change, to be judged (equivalent mutant, or a missing test).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PKG = "src/computestrata"

#: module → test files that exercise it (unit tests only: mutants must die fast)
TARGETS: dict[str, list[str]] = {
    "controls/tpp.py": ["tests/test_controls_tpp.py", "tests/test_trust_mutants.py", "tests/test_controls_classify.py"],
    "controls/classify.py": [
        "tests/test_controls_classify.py",
        "tests/test_trust_planted_bugs.py",
        "tests/test_trust_mutants.py",
        "tests/test_controls_properties.py",
    ],
    "stack/exposure.py": ["tests/test_stack_exposure.py", "tests/test_trust_mutants.py"],
    "measure/montecarlo.py": [
        "tests/test_measure_montecarlo.py",
        "tests/test_trust_planted_bugs.py",
        "tests/test_trust_mutants.py",
        "tests/test_measure_estimates.py",
    ],
    "measure/index/uncertainty.py": [
        "tests/test_index_uncertainty.py",
        "tests/test_trust_planted_bugs.py",
        "tests/test_trust_mutants.py",
    ],
    # the shared maths the index build and the uncertainty run both use (issue 9 item 6)
    "maths/ranking.py": ["tests/test_measure_maths.py", "tests/test_index_uncertainty.py"],
    "maths/means.py": [
        "tests/test_maths_mutants.py",
        "tests/test_measure_maths.py",
        "tests/test_index_uncertainty.py",
        "tests/test_index_steps.py",
    ],
    "maths/moments.py": ["tests/test_measure_maths.py", "tests/test_index_steps.py"],
    "maths/concentration.py": [
        "tests/test_maths_mutants.py",
        "tests/test_measure_concentration.py",
        "tests/test_measure_concentration_inputs.py",
    ],
    "maths/quantiles.py": ["tests/test_maths_mutants.py", "tests/test_trends_stats_units.py"],
    "trends/stats.py": ["tests/test_trends_stats_units.py", "tests/test_trends_stats.py"],
    "measure/stratification.py": ["tests/test_stratification_units.py", "tests/test_measure_stratification.py"],
}


@dataclass(frozen=True)
class Planted:
    """A named bug: replace ``old`` by ``new`` (each found once) in ``module``; ``more`` holds
    further (old, new) pairs for a bug that spans several lines."""

    name: str
    module: str
    old: str
    new: str
    more: tuple[tuple[str, str], ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        return [(self.old, self.new), *self.more]


PLANTED = (
    Planted(
        "china_pre2022_clusters_dropped",
        "measure/estimates.py",
        'china_chips = nv + part("CHN|pre")',
        "china_chips = nv",
    ),
    Planted(
        "bootstrap_disabled",
        "measure/montecarlo.py",
        "counts = gen.multinomial(vals.size, np.full(vals.size, 1.0 / vals.size), size=n)",
        "counts = np.ones((n, vals.size), dtype=np.int64)",
    ),
    Planted(
        "noise_band_symmetric",
        "measure/index/uncertainty.py",
        "z * np.nan_to_num(down)",
        "z * np.nan_to_num(up)",
    ),
    Planted(
        "usa_carve_out_removed",
        "controls/classify.py",
        'if para is None or dest == "USA":',
        "if para is None:",
    ),
    Planted(
        "outlier_rule_and_to_or_vectorised",
        "measure/index/outliers.py",
        "(np.abs(s_all) >= sk_t) & (k_all >= ku_t)",
        "(np.abs(s_all) >= sk_t) | (k_all >= ku_t)",
        # the per-column re-check (it passes = not (|skew| ≥ s and kurtosis ≥ k)) and the
        # winsorising loop's own test follow the same rule
        more=(
            ("abs(s0) < sk or k0 < ku", "abs(s0) < sk and k0 < ku"),
            ("(np.abs(s) < sk_t) | (k < ku_t)", "(np.abs(s) < sk_t) & (k < ku_t)"),
        ),
    ),
    Planted(
        "outlier_rule_and_to_or_scalar",
        "measure/index/outliers.py",
        "abs(s) > skew and k > kurtosis",
        "abs(s) > skew or k > kurtosis",
    ),
    Planted(
        "rule_action_remove_ignored",
        "controls/regime.py",
        'if comp.action == "remove":',
        "if False:",
    ),
)

#: the tests written for the planted bugs, and the suite that existed before them
PLANTED_TESTS = ["tests/test_trust_planted_bugs.py"]
OLD_TESTS = [
    "tests/test_measure_estimates.py",
    "tests/test_measure_montecarlo.py",
    "tests/test_index_uncertainty.py",
    "tests/test_index_steps.py",
    "tests/test_index_engine.py",
    "tests/test_controls_classify.py",
    "tests/test_controls_regime.py",
    "tests/test_controls_properties.py",
]


def snapshot(dest: Path) -> Path:
    """Copy ``src/``, ``tests/`` and ``pyproject.toml`` to ``dest`` (caches left out)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
    shutil.copytree(REPO / "src", dest / "src", ignore=ignore)
    shutil.copytree(REPO / "tests", dest / "tests", ignore=ignore)
    shutil.copy2(REPO / "pyproject.toml", dest / "pyproject.toml")
    return dest


def run_tests(root: Path, tests: list[str], timeout: float) -> tuple[bool, float]:
    """Run ``tests`` against the copy at ``root``; returns (passed, seconds)."""
    passed, seconds, _ = run_tests_verbose(root, tests, timeout)
    return passed, seconds


def run_tests_verbose(root: Path, tests: list[str], timeout: float) -> tuple[bool, float, str]:
    """:func:`run_tests`, plus the first failing test's id ("" when all pass)."""
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not integration", *tests]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return False, time.perf_counter() - t0, "timeout"  # a mutant that hangs is caught
    failed = next((ln.split(" ")[1] for ln in proc.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))), "")
    return proc.returncode == 0, time.perf_counter() - t0, failed


# ---- planted bugs -------------------------------------------------------------------------------


def run_planted(root: Path) -> int:
    ok, _ = run_tests(root, PLANTED_TESTS, 300)
    if not ok:
        print("the planted-bug tests fail on the unmodified code: fix them first")
        return 1
    caught = 0
    for bug in PLANTED:
        path = root / PKG / bug.module
        original = path.read_text(encoding="utf-8")
        if any(original.count(old) != 1 for old, _ in bug.pairs()):
            print(f"{bug.name:40} SKIPPED: code to patch not found once in {bug.module}")
            continue
        patched = original
        for old, new in bug.pairs():
            patched = patched.replace(old, new)
        path.write_text(patched, encoding="utf-8")
        try:
            new_passed, _, new_failed = run_tests_verbose(root, PLANTED_TESTS, 300)
            old_passed, _, old_failed = run_tests_verbose(root, OLD_TESTS, 600)
        finally:
            path.write_text(original, encoding="utf-8")
        caught += not new_passed
        print(
            f"{bug.name:36} new tests: {'MISSED' if new_passed else 'caught by ' + new_failed.split('::')[-1]}"
            f"\n{'':36} rest of the suite: {'missed' if old_passed else 'caught by ' + old_failed}"
        )
    print(f"RESULT mutation planted_caught={caught} baseline=planted_total ratio={caught / len(PLANTED):.2f}")
    return 0 if caught == len(PLANTED) else 1


# ---- AST mutants --------------------------------------------------------------------------------

_CMP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult}


def _skip_ranges(tree: ast.Module) -> list[tuple[int, int]]:
    """Line ranges not worth mutating: docstrings, TYPE_CHECKING blocks, raise statements, f-strings."""
    spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            v = body[0].value
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                spans.append((body[0].lineno, body[0].end_lineno or body[0].lineno))
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            spans.append((node.lineno, node.end_lineno or node.lineno))
        if isinstance(node, ast.Raise | ast.JoinedStr | ast.Assert):
            spans.append((node.lineno, node.end_lineno or node.lineno))
    return spans


def _points(tree: ast.Module) -> list[tuple[ast.AST, int, str]]:
    """Every mutation point: (node, which variant, description), in a stable walk order."""
    skip = _skip_ranges(tree)
    out: list[tuple[ast.AST, int, str]] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is None or any(a <= line <= b for a, b in skip):
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _CMP:
                    out.append((node, i, f"{type(op).__name__} → {_CMP[type(op)].__name__}"))
        elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _BIN:
            out.append((node, 0, f"{type(node.op).__name__} → {_BIN[type(node.op)].__name__}"))
        elif isinstance(node, ast.BoolOp):
            out.append((node, 0, f"{type(node.op).__name__} → {'Or' if isinstance(node.op, ast.And) else 'And'}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((node, 0, "not x → x"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            out.append((node, 0, f"{node.value} → {not node.value}"))
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool)
        ):
            out.append((node, 0, f"{node.value!r} → {node.value + 1!r}"))
    return out


class _Apply(ast.NodeTransformer):
    def __init__(self, target: ast.AST, variant: int) -> None:
        self.target, self.variant = target, variant

    def visit(self, node: ast.AST) -> ast.AST:
        node = self.generic_visit(node)
        if node is not self.target:
            return node
        if isinstance(node, ast.Compare):
            ops = list(node.ops)
            ops[self.variant] = _CMP[type(ops[self.variant])]()
            node.ops = ops
        elif isinstance(node, ast.BinOp | ast.AugAssign):
            node.op = _BIN[type(node.op)]()
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.UnaryOp):
            return node.operand
        elif isinstance(node, ast.Constant):
            node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
        return node


def mutant_source(source: str, index: int) -> tuple[str, int, str]:
    """The module's source with mutation ``index`` applied; returns (source, line, change)."""
    tree = ast.parse(source)
    node, variant, what = _points(tree)[index]
    line = getattr(node, "lineno", 0)
    new = _Apply(node, variant).visit(tree)
    return ast.unparse(ast.fix_missing_locations(new)), line, what


def run_mutants(root: Path, per_module: int, budget: float, seed: int, modules: list[str]) -> int:
    t_start = time.perf_counter()
    share = budget / max(1, len(modules))  # every module gets its share of the time
    scores: dict[str, tuple[int, int]] = {}
    survivors: list[str] = []
    for module in modules:
        tests = TARGETS[module]
        path = root / PKG / module
        original = path.read_text(encoding="utf-8")
        ok, base_s = run_tests(root, tests, 600)
        if not ok:
            print(f"{module}: its tests fail on the unmodified code; skipped")
            continue
        n_points = len(_points(ast.parse(original)))
        rng = random.Random(f"{seed}:{module}")  # the same sample whichever modules run
        chosen = sorted(rng.sample(range(n_points), min(per_module, n_points)))
        killed = tried = 0
        t_module = time.perf_counter()
        for idx in chosen:
            if time.perf_counter() - t_module > share:
                print(f"{module}: its {share:.0f} s are spent; {len(chosen) - tried} sampled mutants not run")
                break
            src, line, what = mutant_source(original, idx)
            path.write_text(src, encoding="utf-8")
            try:
                passed, _ = run_tests(root, tests, max(60.0, 10 * base_s))
            finally:
                path.write_text(original, encoding="utf-8")
            tried += 1
            killed += not passed
            if passed:
                survivors.append(f"{module}:{line}: {what}")
        scores[module] = (killed, tried)
        print(f"{module:32} killed {killed:3d} of {tried:3d} sampled ({n_points} points)", flush=True)
    print("surviving mutants:")
    for s in survivors:
        print(f"  {s}")
    k = sum(v[0] for v in scores.values())
    n = sum(v[1] for v in scores.values())
    score = k / n if n else 0.0
    print(f"score {k}/{n} in {time.perf_counter() - t_start:.0f} s")
    print(f"RESULT mutation score={score:.3f} baseline=target_0.80 ratio={score / 0.8:.2f}")
    return 0


def recheck(root: Path, listing: Path) -> int:
    """Run again the mutants listed as ``module:line: change`` (a survivors list), found in the
    current source by line and change; each must now be killed."""
    wanted: dict[str, list[tuple[int, str]]] = {}
    for raw in listing.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text or ":" not in text:
            continue
        module, line, what = text.split(":", 2)
        wanted.setdefault(module, []).append((int(line), what.strip()))
    killed = tried = 0
    for module, items in wanted.items():
        path = root / PKG / module
        original = path.read_text(encoding="utf-8")
        points = _points(ast.parse(original))
        for line, what in items:
            found = [
                i for i, (node, _, desc) in enumerate(points) if getattr(node, "lineno", 0) == line and desc == what
            ]
            if not found:
                print(f"{module}:{line}: {what}: not found in the current source (code changed)")
                continue
            for idx in found:
                src, _, _ = mutant_source(original, idx)
                path.write_text(src, encoding="utf-8")
                try:
                    passed, _ = run_tests(root, TARGETS[module], 600)
                finally:
                    path.write_text(original, encoding="utf-8")
                tried += 1
                killed += not passed
                print(f"{module}:{line}: {what}: {'SURVIVES' if passed else 'killed'}", flush=True)
    print(f"RESULT mutation recheck_killed={killed} baseline=recheck_total ratio={killed / max(1, tried):.2f}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--planted", action="store_true", help="plant the named bugs of issue 8 instead")
    ap.add_argument("--quick", action="store_true", help="3 mutants per module")
    ap.add_argument("--per-module", type=int, default=40, help="mutants sampled per module (default 40)")
    ap.add_argument("--budget", type=float, default=900.0, help="stop after this many seconds (default 900)")
    ap.add_argument("--seed", type=int, default=8, help="sampling seed (default 8)")
    ap.add_argument("--module", action="append", choices=sorted(TARGETS), help="only this module (repeatable)")
    ap.add_argument("--recheck", type=Path, help="file of survivors (module:line: change) to run again")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="strata-mutation-") as tmp:
        root = snapshot(Path(tmp))
        if args.planted:
            return run_planted(root)
        if args.recheck:
            return recheck(root, args.recheck)
        per = 3 if args.quick else args.per_module
        return run_mutants(root, per, args.budget, args.seed, args.module or list(TARGETS))


if __name__ == "__main__":
    raise SystemExit(main())
