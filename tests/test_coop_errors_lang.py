"""Bad arguments are refused in the reader's language (ko, zh): exit 2, no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CJK = re.compile(r"[\u4e00-\u9fff]")

GALLIUM = ["controls", "classify", "--item", "material", "--eccn", "CN.gallium", "--dest", "USA"]
SME = ["controls", "classify", "--item", "equipment", "--eccn", "3B001", "--dest", "CHN"]

CASES = [
    ["coop", "third-markets", "KOR", "CHN", "--top", "-3"],
    ["coop", "timeline", "KOR", "CHN", "--from", "1900"],
    ["coop", "matrix", "--countries", "KOR,,CHN"],
    ["coop", "pair", "KOR", "CHN", "--rules", "/nonexistent/rules.yaml"],
    ["top500", "countries", "--exclude-license", "NO-SUCH-LICENCE"],
    ["controls", "classify", "--item", "material", "--eccn", "9Z999", "--dest", "USA", "--date", "2025-06-01"],
    ["controls", "classify", "--item", "widget", "--dest", "USA", "--date", "2025-06-01"],
    [*GALLIUM, "--date", "2025-06-01", "--exporter", "KOR"],
    [*SME, "--date", "2025-06-01", "--end-use", "foo"],
    ["controls", "classify", "--dest", "USA", "--date", "2025-06-01"],
    ["controls", "screen", ""],
    ["atlas", "build", "--raw", "/nonexistent/raw", "--out", "/nonexistent/out"],
    ["atlas", "build", "--raw", "/nonexistent/raw"],
    ["atlas", "query", "SELEC 1"],
    ["atlas", "query", "SELECT 1 FROM no_such_table"],
]


@pytest.mark.integration
@pytest.mark.parametrize(("lang", "script"), [("ko", HANGUL), ("zh", CJK)])
@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:60])
def test_errors_in_the_language_asked(built_atlas: Path, args: list[str], lang: str, script: re.Pattern[str]) -> None:
    env = {**os.environ, "STRATA_ATLAS": str(built_atlas)}
    cmd = [sys.executable, "-m", "computestrata.cli", *args, "--lang", lang]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    message = proc.stderr.splitlines()[0]
    assert script.search(message.split(":", 1)[1]), message  # the message itself, not only "오류:"
