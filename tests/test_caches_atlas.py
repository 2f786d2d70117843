"""Derived data cached per atlas and per rule set, on the real atlas.

What could go wrong with caches, each checked against the same call made with nothing cached:
another atlas (``--exclude-license``), another date or other rules meeting an earlier answer;
text in one reader's language kept and shown to another; two threads in two languages at once;
memory that grows with every atlas a server opens.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from threads_support import race

pytestmark = pytest.mark.integration

DAY = date(2025, 6, 1)
NC = "CC-BY-NC-4.0"  # Epoch's GPU clusters and AI models: capability and demand both change without them


def _fresh() -> None:
    """Nothing cached anywhere (regimes, rules, every live atlas): the reference state."""
    from computestrata.memo import forget_everywhere

    forget_everywhere()


def _open(folder: Path, exclude: tuple[str, ...] = ()) -> Any:
    from computestrata.atlas import store

    return store.open(folder, exclude_licenses=list(exclude) or None)


def _evidence_view(ev: Any) -> dict[str, Any]:
    """What the rule reads from evidence (numbers, years, sources, notes as stored)."""
    return {
        "capability": {k: (c.shares, c.year, c.basis, c.source_ids, c.notes) for k, c in ev.capability.items()},
        "demand": ev.demand,
        "meta": ev.demand_meta,
        "value": ev.value_usd,
        "trade": None if ev.trade is None else (ev.trade.year, ev.trade.note, len(ev.trade.bilateral)),
    }


def _alone(folder: Path, call: Callable[[Any], Any], exclude: tuple[str, ...] = ()) -> Any:
    """``call`` on a fresh atlas with nothing cached, leaving nothing cached behind."""
    _fresh()
    a = _open(folder, exclude)
    try:
        return call(a)
    finally:
        a.close()
        _fresh()


def test_a_second_atlas_never_gets_the_first_atlas_answers(built_atlas: Path) -> None:
    from computestrata.cooperation import config, evidence
    from computestrata.stack import api as stack

    rules = config.load()

    def call(a: Any) -> tuple[Any, Any]:
        return _evidence_view(evidence.gather(a, DAY, rules)), stack.shares(a, "frontier_training")

    want_full = _alone(built_atlas, call)
    want_cut = _alone(built_atlas, call, (NC,))
    assert want_full != want_cut  # the licence filter changes the evidence, so a mix-up can show

    full, cut = _open(built_atlas), _open(built_atlas, (NC,))
    assert call(full) == want_full
    assert call(cut) == want_cut
    same_folder_again = _open(built_atlas)
    assert call(same_folder_again) == want_full


@pytest.mark.parametrize(
    "change",
    [
        {"capability_proxies": {}},  # read by the evidence (cached per atlas)
        {"fdp_us_tech": False},  # read by the controls verdicts (cached per regime)
    ],
    ids=["evidence", "verdicts"],
)
def test_other_rules_never_get_the_shipped_rules_answers(built_atlas: Path, change: dict[str, Any]) -> None:
    from computestrata.cooperation import api, config

    shipped = config.load()
    other = shipped.model_copy(update=change)

    def scores(rules: Any) -> Callable[[Any], dict[str, Any]]:
        def call(a: Any) -> dict[str, Any]:
            return {s.segment_id: s.score for s in api.pair(a, "KOR", "CHN", DAY, rules=rules).segments}

        return call

    want_shipped, want_other = _alone(built_atlas, scores(shipped)), _alone(built_atlas, scores(other))
    assert want_other != want_shipped
    a = _open(built_atlas)
    assert scores(shipped)(a) == want_shipped
    assert scores(other)(a) == want_other
    assert scores(None)(a) == want_shipped  # the default rules are the shipped ones
    reread = config.load(config.default_path())  # the same file read again: same content, same answers
    assert scores(reread)(a) == want_shipped


def test_each_date_gets_its_own_evidence_and_verdicts(built_atlas: Path) -> None:
    """The HBM rule took effect in December 2024: asked after 2025, 2023 is still 2023."""
    from computestrata.cooperation import config, evidence
    from computestrata.cooperation.controls_view import segment_controls

    rules = config.load()

    def on(day: date) -> Callable[[Any], Any]:
        def call(a: Any) -> tuple[Any, str, str]:
            ev = _evidence_view(evidence.gather(a, day, rules))
            return (
                ev,
                segment_controls("hbm", "KOR", "CHN", day).status,
                segment_controls("hbm", "USA", "CHN", day).status,
            )

        return call

    early, late = on(date(2023, 1, 1)), on(DAY)
    want_early, want_late = _alone(built_atlas, early), _alone(built_atlas, late)
    assert want_early[1:] == ("free", "free") and want_late[1:] == ("denial", "denial")
    assert want_early[0] != want_late[0]  # the dates differ in what is read, so a key without the date shows
    a = _open(built_atlas)
    assert late(a) == want_late
    assert early(a) == want_early
    assert late(a) == want_late


def test_the_trade_note_names_the_day_asked_not_the_first_day_of_its_year(atlas: Any) -> None:
    from computestrata.cooperation import config, evidence

    rules = config.load()
    first = evidence.gather(atlas, date(2001, 3, 1), rules).trade
    second = evidence.gather(atlas, date(2001, 9, 1), rules).trade
    assert first is not None and second is not None
    assert first.year == second.year > 2001
    assert first.note is not None and "2001-03-01" in first.note
    assert second.note is not None and "2001-09-01" in second.note
    assert evidence.gather(atlas, DAY, rules).trade.note is None  # type: ignore[union-attr]


def _texts(value: Any, seen: set[int] | None = None) -> list[str]:
    """Every string inside a cached value (dataclasses, mappings, sequences)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, str):
        return [value]
    if is_dataclass(value) and not isinstance(value, type):
        return [s for f in fields(value) if f.name != "share_ref" for s in _texts(getattr(value, f.name), seen)]
    if isinstance(value, dict):
        return [s for kv in value.items() for v in kv for s in _texts(v, seen)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in _texts(v, seen)]
    return []


def _hangul(texts: list[str]) -> list[str]:
    return [s for s in texts if any("\uac00" <= ch <= "\ud7a3" for ch in s)]


def test_nothing_cached_holds_text_in_the_language_of_whoever_asked_first(built_atlas: Path) -> None:
    """A server reuses an atlas for a Korean request, then an English one: the English answer
    is the one made alone, and what the caches keep is language-free data."""
    from computestrata.cooperation import api
    from computestrata.i18n import use_lang
    from computestrata.memo import iter_memos

    def call(a: Any) -> tuple[dict[str, Any], list[str], list[str]]:
        res = api.pair(a, "KOR", "CHN", DAY)
        m = api.matrix(a, DAY, ["KOR", "CHN", "USA", "JPN", "HKG"])
        return res.to_dict(), list(res.notes), list(m.notes)

    want_en = _alone(built_atlas, call)
    a = _open(built_atlas)
    with use_lang("ko"):
        ko = call(a)
    assert _hangul([*ko[1], *ko[2]])  # the Korean answer is Korean, so the check below can fail
    # the results of the analysis (the share book and the country resolver hold names in every
    # language as data, by design)
    cached = [v for k in a.cache if str(k[0]).startswith("coop.") for v in [a.memo(k, lambda: None)]]
    cached += [v for m in iter_memos() if ":coop." in m.name for k in m for v in [m.get(k, lambda: None)]]
    assert cached
    assert _hangul([s for v in cached for s in _texts(v)]) == []
    assert call(a) == want_en
    # the share notes the evidence keeps are rendered when shown, in the language asked then
    ev = a.memo(next(k for k in a.cache if k[0] == "coop.evidence"), lambda: None)
    with use_lang("ko"):
        assert _hangul(ev.capability["hbm"].shown_notes())
    assert not _hangul(ev.capability["hbm"].shown_notes())


def test_two_languages_at_once_give_the_answers_made_alone(built_atlas: Path) -> None:
    """Korean and English threads start together on cold caches (so both fill the shared
    verdict memo of the regime at once); each gets what it gets alone."""
    from computestrata.cooperation import api
    from computestrata.i18n import use_lang
    from computestrata.stack import api as stack

    langs = ("en", "ko")

    def call(a: Any) -> Any:
        res = api.pair(a, "KOR", "USA", DAY)
        m = api.matrix(a, DAY, ["KOR", "CHN", "USA", "JPN", "NLD", "DEU"])
        conc = stack.concentration_view(a, "concentration")
        return res.to_dict(), list(res.notes), m.records(), list(m.notes), conc.rows, list(conc.notes)

    want = {}
    for lang in langs:
        with use_lang(lang):
            want[lang] = _alone(built_atlas, call)
    assert want["en"] != want["ko"]

    _fresh()
    got = race(built_atlas, call, rounds=2, langs=langs)  # one DuckDB connection per thread, as the web pool
    for lang in langs:
        assert got[lang] and all(answer == want[lang] for answer in got[lang]), lang


def _atlas_entries() -> int:
    from computestrata.memo import iter_memos

    return sum(len(m) for m in iter_memos() if m.name == "atlas")


def _atlas_memos() -> int:
    from computestrata.memo import iter_memos

    return sum(1 for m in iter_memos() if m.name == "atlas")


def test_cache_memory_does_not_grow_across_many_opened_atlases(built_atlas: Path) -> None:
    """A server opening 50 atlases (closed, or just dropped) ends holding what it held before."""
    from computestrata.cooperation import config, evidence
    from computestrata.stack import api as stack

    rules = config.load()
    gc.collect()
    entries, memos = _atlas_entries(), _atlas_memos()
    refs = []
    for i in range(50):
        a = _open(built_atlas, (NC,) if i % 2 else ())
        stack.shares(a, "hbm")
        if i % 10 == 0:
            evidence.gather(a, DAY, rules)
        assert len(a.cache) > 0
        if i % 3:
            a.close()
            assert len(a.cache) == 0  # closing forgets at once
        refs.append(weakref.ref(a))
        del a
    gc.collect()
    assert [r for r in refs if r() is not None] == []  # nothing keeps an atlas alive
    assert (_atlas_entries(), _atlas_memos()) == (entries, memos)


def test_verdict_memos_go_with_their_what_if_regime() -> None:
    from computestrata.controls.regime import load
    from computestrata.cooperation.controls_view import segment_controls
    from computestrata.memo import sizes

    def verdicts() -> int:
        return sum(n for name, n in sizes().items() if name.startswith("Regime:coop.controls."))

    gc.collect()
    before = verdicts()
    refs = []
    for _ in range(20):
        what_if = load().without("dec2024_hbm")
        assert segment_controls("hbm", "KOR", "CHN", DAY, regime=what_if).status == "free"
        refs.append(weakref.ref(what_if))
        del what_if
    gc.collect()
    assert [r for r in refs if r() is not None] == []
    assert verdicts() == before


def test_the_country_resolver_is_built_once_per_atlas_and_never_shared(built_atlas: Path) -> None:
    """Resolving 200 typed countries reads the name tables once, not 200 times; an atlas that
    hides the countries table (its licence excluded) keeps its own, smaller resolver."""
    from computestrata.atlas.countries import country_arg, resolver_from_atlas

    full, cut = _open(built_atlas), _open(built_atlas, ("PDDL-1.0",))
    first = resolver_from_atlas(full)
    assert resolver_from_atlas(full) is first
    full.touched.clear()
    assert [country_arg(full, w) for w in ("한국", "China", "usa")] == ["KOR", "CHN", "USA"]
    assert not full.touched & {"countries", "country_aliases"}  # answered from the cached resolver
    assert first.iso3_codes and not resolver_from_atlas(cut).iso3_codes
    full.close()
    assert resolver_from_atlas(full) is not first  # closing forgot it; reopened on demand


def test_the_cli_pair_matches_the_api_pair_after_other_atlases_rules_and_languages(built_atlas: Path) -> None:
    """The mismatch once seen between `strata coop pair` and `cooperation.api.pair`: in one
    process, after calls on another atlas, with other rules and in Korean, the command still
    shows what the API gives on a fresh atlas."""
    import json

    from typer.testing import CliRunner

    from computestrata.cli import app
    from computestrata.cooperation import api, config
    from computestrata.i18n import use_lang

    def scores(a: Any) -> dict[str, tuple[str, float]]:
        return {s.segment_id: (s.klass, s.score) for s in api.pair(a, "KOR", "CHN", DAY).segments}

    want = _alone(built_atlas, scores)
    other = config.load().model_copy(update={"capability_proxies": {}, "fdp_us_tech": False})
    with use_lang("ko"):
        api.pair(_open(built_atlas, (NC,)), "KOR", "CHN", DAY, rules=other)
        api.pair(_open(built_atlas), "KOR", "CHN", DAY, rules=other)
    res = CliRunner().invoke(
        app, ["coop", "pair", "KOR", "CHN", "--date", DAY.isoformat(), "--json", "--atlas", str(built_atlas)]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["rows"]
    assert {r["segment"]: (r["class"], r["score"]) for r in rows} == want
