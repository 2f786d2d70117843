"""Loading and folding the dated rule data; country groups; date parsing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from computestrata.controls import regime as rg
from computestrata.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "controls"


@pytest.fixture(scope="module")
def reg() -> rg.Regime:
    return rg.load()


def test_every_instrument_has_citation_dates_and_confidence(reg: rg.Regime) -> None:
    cites = {i.citation for i in reg.instruments}
    for c in ("87 FR 62186", "88 FR 2821", "88 FR 73458", "89 FR 23876", "89 FR 96790", "90 FR 4544", "91 FR 1684"):
        assert c in cites
    for i in reg.instruments:
        assert i.effective >= date(2022, 1, 1)
        assert i.confidence in rg.CONFIDENCE
        assert all(c.confidence in rg.CONFIDENCE for c in i.components)


def test_paragraphs_replace_over_time(reg: rg.Regime) -> None:
    ids = lambda d: {c.id for c in reg.at(d).paragraphs("chip")}  # noqa: E731
    assert ids(date(2022, 9, 1)) == set()
    assert ids(date(2022, 12, 1)) == {"3A090.a"}
    assert ids(date(2023, 11, 17)) == {"3A090.a.1", "3A090.a.2", "3A090.b.1", "3A090.b.2"}
    assert {c.id for c in reg.at(date(2024, 12, 30)).paragraphs("hbm")} == set()
    assert {c.id for c in reg.at(date(2024, 12, 31)).paragraphs("hbm")} == {"3A090.c"}
    # effective-date basis: HBM from the rule's effective date 2024-12-02
    assert {c.id for c in reg.at(date(2024, 12, 2), "effective").paragraphs("hbm")} == {"3A090.c"}


def test_ai_diffusion_rescinded_and_compliance_date_never_reached(reg: rg.Regime) -> None:
    in_force = lambda d, b: {i.id for i in reg.at(d, b).instruments}  # noqa: E731
    assert "ai_diffusion_2025" in in_force(date(2025, 3, 1), "effective")
    assert "ai_diffusion_2025" not in in_force(date(2025, 3, 1), "compliance")
    assert "ai_diffusion_2025" not in in_force(date(2025, 6, 1), "effective")
    assert "ai_diffusion_2025" in reg.at(date(2025, 6, 1), "effective").rescinded


def test_groups(reg: rg.Regime) -> None:
    day = date(2025, 3, 1)
    assert len(reg.members("D:5", day)) == 22
    assert "CHN" in reg.members("Tier 3", day) and "MAC" in reg.members("Tier 3", day)
    tier2 = reg.members("Tier 2", day)
    assert "IND" in tier2 and "ISR" in tier2
    assert not tier2 & (reg.members("Tier 1", day) | reg.members("Tier 3", day))
    assert reg.members("Tier 1", date(2024, 1, 1)) == frozenset()  # dated: not yet defined
    assert reg.effective_country("HKG", day) == "CHN"
    assert "D:5" in reg.groups_of("HKG", day)


def test_with_members_is_dated(reg: rg.Regime) -> None:
    r2 = reg.with_members("D:5", add=["IND"], on=date(2024, 1, 1))
    assert "IND" in r2.members("D:5", date(2024, 1, 1))
    assert "IND" not in r2.members("D:5", date(2023, 12, 31))
    assert "IND" not in reg.members("D:5", date(2024, 1, 1))  # original untouched


def test_unknown_country_lists_closest(reg: rg.Regime) -> None:
    with pytest.raises(InputError) as exc:
        reg.check_country("CHA")
    assert "CHN" in (exc.value.hint or "")
    assert reg.check_country("kor") == "KOR"


@pytest.mark.parametrize("bad", ["2021-12-31", "2019-05-01"])
def test_dates_before_2022_rejected(bad: str) -> None:
    with pytest.raises(InputError) as exc:
        rg.parse_date(bad)
    assert "2022-01-01" in exc.value.message


@pytest.mark.parametrize("bad", ["2024-13-01", "2024/01/01", "yesterday", "", "2024-02-30"])
def test_malformed_dates_rejected(bad: str) -> None:
    with pytest.raises(InputError) as exc:
        rg.parse_date(bad)
    assert "YYYY-MM-DD" in (exc.value.hint or "")


@pytest.mark.parametrize(
    ("name", "needle"),
    [("bad_operator.yaml", "operator"), ("bad_group.yaml", "D:9"), ("bad_segment.yaml", "logic_ai_chips")],
)
def test_bad_rule_files_fail_clearly(reg: rg.Regime, name: str, needle: str) -> None:
    raw = yaml.safe_load((FIX / name).read_text(encoding="utf-8"))
    with pytest.raises(InputError) as exc:
        rg.parse_instrument(raw, name, reg.countries, reg.groups)
    assert needle in exc.value.message and name in exc.value.message


def test_change_dates_cover_rules_and_letters(reg: rg.Regime) -> None:
    days = set(reg.change_dates())
    for d in ("2022-10-07", "2023-11-17", "2024-12-31", "2025-04-09", "2026-01-15"):
        assert date.fromisoformat(d) in days


def test_segment_label_must_be_a_stack_segment_id(reg: rg.Regime) -> None:
    """The rules speak the stack's vocabulary: an unknown label names the component and the fix."""
    raw = yaml.safe_load((FIX / "bad_segment.yaml").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as exc:
        rg.parse_instrument(raw, "bad_segment.yaml", reg.countries, reg.groups)
    assert "segment label" in exc.value.message and "3A090.x" in exc.value.message
    assert exc.value.hint is not None and "segment: ai_accelerators" in exc.value.hint
    raw["components"][0]["segment"] = "quantum_chips"
    with pytest.raises(InputError) as exc:
        rg.parse_instrument(raw, "bad_segment.yaml", reg.countries, reg.groups)
    assert exc.value.hint is not None and "closest:" in exc.value.hint and "stack/segments.yaml" in exc.value.hint
    raw["components"][0]["segment"] = "ai_accelerators"
    inst = rg.parse_instrument(raw, "ok.yaml", reg.countries, reg.groups)
    assert inst.components[0].segment == "ai_accelerators"
    # an explicit vocabulary (e.g. a test double) is honoured instead of the stack's
    with pytest.raises(InputError, match="segment label"):
        rg.parse_instrument(raw, "ok.yaml", reg.countries, reg.groups, segments=["hbm"])


def test_state_on_a_date_is_remembered_and_equal_to_a_fresh_fold() -> None:
    reg = rg.load()
    for day in (date(2022, 12, 1), date(2025, 1, 15)):
        for basis in ("compliance", "effective"):
            first = reg.at(day, basis)
            assert reg.at(day, basis) is first
            assert first == reg._fold(day, basis)


def test_shipped_rule_files_parse_the_same_with_libyaml() -> None:
    """The regime reads its YAML with libyaml's CSafeLoader: the data must equal safe_load's."""
    from importlib import resources

    root = resources.files("computestrata.controls")
    files = [p for sub in ("rules", "rules_beyond", "groups", "measures") for p in (root / sub).iterdir()]
    files = [p for p in files if p.name.endswith(".yaml")]
    assert len(files) > 10
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert rg._read_yaml(f"{Path(str(p)).parent.name}/{p.name}") == yaml.safe_load(text), p.name


def test_impossible_date_in_a_rule_file_names_file_key_and_fix() -> None:
    """PyYAML fails on 2025-13-09 with a bare ValueError; the loader names file, key and fix."""
    text = "id: x\nkind: rule\neffective: 2025-13-09\ncomponents:\n  - id: c1\n    until: 2024-02-30\n"
    with pytest.raises(InputError) as exc:
        rg.read_rule_text(text, "rules_beyond/2025-13-09_x.yaml")
    msg, hint = str(exc.value), exc.value.hint or ""
    assert "rules_beyond/2025-13-09_x.yaml" in msg and "effective" in msg and "2025-13-09" in msg
    assert "YYYY-MM-DD" in hint
    with pytest.raises(InputError, match=r"components\[c1\]\.until: '2024-02-30'"):
        rg.read_rule_text(text.replace("2025-13-09", "2025-09-13"), "f.yaml")
    with pytest.raises(InputError, match=r"f\.yaml, line \d+, column \d+: not valid YAML"):
        rg.read_rule_text("a: [1,\nb: 2\n", "f.yaml")


def test_bad_date_in_a_shipped_rule_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: a command over a rule folder with a bad date fails with an InputError (exit 2), no traceback."""
    import shutil
    from importlib import resources

    from typer.testing import CliRunner

    from computestrata.cli import app

    src = Path(str(resources.files("computestrata.controls")))
    for sub in ("rules", "rules_beyond", "groups", "measures"):
        shutil.copytree(src / sub, tmp_path / sub)
    rule = tmp_path / "rules_beyond" / "2025-09-29_affiliates_rule.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("effective: 2025-09-29", "effective: 2025-13-09", 1))
    real = resources.files
    monkeypatch.setattr(rg.resources, "files", lambda pkg: tmp_path if pkg == "computestrata.controls" else real(pkg))
    rg.load.cache_clear()
    rg.load_full.cache_clear()
    try:
        with pytest.raises(InputError, match=r"2025-09-29_affiliates_rule\.yaml: effective: '2025-13-09'"):
            rg.load_full()
        args = ["controls", "timeline", "--item", "equipment", "--eccn", "3B001.f.1.a", "--dest", "CHN", "--json"]
        res = CliRunner().invoke(app, args)
        assert isinstance(res.exception, InputError), res.exception
    finally:
        rg.load.cache_clear()
        rg.load_full.cache_clear()
