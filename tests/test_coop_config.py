"""The combination rule file: the shipped one validates; a malformed one names file, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from computestrata.cooperation import config
from computestrata.errors import InputError


def _write(tmp_path: Path, data: object, name: str = "rules.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data, encoding="utf-8")
    return p


def _shipped() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(config.default_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_shipped_rules_validate() -> None:
    r = config.load()
    w = r.weights
    assert abs(w.controllability + w.complementarity + w.posture - 1) < 1e-9
    assert r.gates.restricted_at == 1.0 and r.restriction_levels["denial"] == 1.0


@pytest.mark.parametrize(
    ("change", "key", "fix"),
    [
        (lambda d: d["weights"].update(controllability=0.9), "weights", "sum to 1"),
        (lambda d: d["thresholds"].pop("open"), "thresholds.open", "add the key"),
        (lambda d: d.update(wieghts=1), "wieghts", "remove"),
        (lambda d: d["restriction_levels"].update(denial="high"), "restriction_levels.denial", "expected a number"),
        (lambda d: d["posture"]["by_layer"].update(L5="celebrate"), "posture", "celebrate"),
        (lambda d: d["capability_proxies"].update(nope={"segment": "dram", "reason": "x"}), "nope", "unknown segment"),
        (lambda d: d["thresholds"].update(limited=0.9), "thresholds", "below open"),
        (lambda d: d.update(version=2), "version", "version 1"),
    ],
)
def test_malformed_rules_name_file_key_fix(tmp_path: Path, change, key: str, fix: str) -> None:  # type: ignore[no-untyped-def]
    data = _shipped()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as err:
        config.load(path)
    text = f"{err.value.message} {err.value.hint}"
    assert str(path) in err.value.message and key in text and fix in text


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid YAML at line"):
        config.load(_write(tmp_path, "weights: [\n"))
    with pytest.raises(InputError, match="does not exist"):
        config.load(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="top level must be a mapping"):
        config.load(_write(tmp_path, "- a\n- b\n"))


def test_folder_and_whole_file_checks_name_the_key(tmp_path: Path) -> None:
    """A folder is not reported as missing; a cross-key check names its key, not "(top level)";
    the hint says where to fix, rather than repeating the message."""
    with pytest.raises(InputError, match="is a folder"):
        config.load(tmp_path)
    data = _shipped()
    data["capability_proxies"]["servers"] = {"segment": "nope", "reason": "x"}
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as err:
        config.load(path)
    assert "capability_proxies.servers:" in err.value.message and "(top level)" not in err.value.message
    assert err.value.hint is not None and "capability_proxies.servers" in err.value.hint
    data = _shipped()
    data["weights"]["posture"] = 0.9
    with pytest.raises(InputError) as err:
        config.load(_write(tmp_path, data, "w.yaml"))
    assert err.value.hint is not None and "sum to 1" not in err.value.hint and "weights" in err.value.hint


def test_every_problem_is_listed_in_plain_words(tmp_path: Path) -> None:
    """Several mistakes are all named (no "(+N more)" hiding them), without pydantic's wording."""
    data = _shipped()
    data["capability_saturation"] = "abc"
    data["demand_weight"] = -5
    data["bogus_key"] = 1
    del data["version"]
    with pytest.raises(InputError) as err:
        config.load(_write(tmp_path, data))
    msg = err.value.message
    assert "4 problem(s)" in msg and "more)" not in msg
    for part in ("version: missing", "capability_saturation: expected a number", "demand_weight: must be at least"):
        assert part in msg
    assert "bogus_key: unknown key" in msg
    assert "Input should" not in msg and "Extra inputs" not in msg and "Field required" not in msg
