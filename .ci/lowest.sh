#!/usr/bin/env bash
# Lowest declared versions: install every dependency at the floor pyproject.toml declares
# (`name>=X` becomes `name==X`, for the runtime dependencies and the `dev` extra; the build
# backend at its floor too) into a throwaway venv, and run the tests there.  Packages
# without a floor, and indirect dependencies, take their newest release, as a user's
# `pip install computestrata` would.
#
# Slow (it downloads old wheels) and needs the package index, so it is not part of
# `.ci/run`; run it when you change a floor or a dependency:  bash .ci/lowest.sh [pytest args]
# The tree is copied first: nothing is written into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export STRATA_SHARED_DATA=${STRATA_SHARED_DATA:-$REPO/../shared/data}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== copy of the tree in $WORK/repo"
mkdir -p "$WORK/repo"
tar -C "$REPO" --exclude=.venv --exclude='*.egg-info' --exclude=build --exclude='.*_cache' \
    --exclude=__pycache__ --exclude=.git -cf - . | tar -C "$WORK/repo" -xf -

echo "== lowest declared versions"
python3 - "$REPO/pyproject.toml" > "$WORK/lowest.txt" <<'PY'
import re, sys, tomllib
p = tomllib.load(open(sys.argv[1], "rb"))
reqs = list(p["build-system"]["requires"]) + list(p["project"]["dependencies"])
reqs += p["project"].get("optional-dependencies", {}).get("dev", [])
for r in reqs:
    m = re.match(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)", r)
    if m:
        print(f"{m.group(1)}=={m.group(3)}")
PY
cat "$WORK/lowest.txt"

echo "== throwaway venv"
python3 -m venv "$WORK/venv"
. "$WORK/venv/bin/activate"
python -m pip install -q --upgrade pip
# The build backend at its floor too (no build isolation, so the floor is what builds the package).
python -m pip install -q -c "$WORK/lowest.txt" setuptools wheel
python -m pip install -q --no-build-isolation -c "$WORK/lowest.txt" "$WORK/repo[dev]"
python -m pip list --format=freeze > "$WORK/installed.txt"
echo "installed at the floor:"
grep -i -f <(sed 's/==.*//; s/^/^/; s/$/==/' "$WORK/lowest.txt") "$WORK/installed.txt" || true

echo "== tests (against the installed package, not the tree)"
cd "$WORK/repo"
# src/ is not on sys.path (no editable install), so the tests import the installed package;
# it stays because some tests read the catalogues from the tree.
python -c "import computestrata, sys; sys.exit(0 if 'site-packages' in computestrata.__file__ else 1)"
python -m pytest -q -p no:cacheprovider "$@"
