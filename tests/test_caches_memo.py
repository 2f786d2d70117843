"""The memo every derived-data cache uses (:mod:`computestrata.memo`): bounded, thread-safe,
computed once, and living exactly as long as the object that owns it."""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from computestrata.memo import Memo, attached, fingerprint, forget_everywhere, of_atlas, sizes


def test_a_value_is_made_once_even_when_threads_ask_together() -> None:
    memo = Memo("test", 8)
    calls: list[int] = []
    start = threading.Barrier(6)

    def make() -> object:
        calls.append(1)
        time.sleep(0.05)  # long enough for every other thread to arrive while it is pending
        return object()

    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(memo.get("k", make))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1
    assert len(got) == 6 and all(g is got[0] for g in got)


def test_a_failure_is_not_cached_and_a_waiting_thread_tries_again() -> None:
    memo = Memo("test", 8)
    attempts: list[int] = []

    def make() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first try fails")
        return 42

    with pytest.raises(ValueError):
        memo.get("k", make)
    assert "k" not in memo
    assert memo.get("k", make) == 42 and len(attempts) == 2


def test_asking_for_a_key_inside_its_own_make_is_a_cycle_not_a_hang() -> None:
    memo = Memo("test", 8)
    with pytest.raises(RuntimeError, match="cycle"):
        memo.get("k", lambda: memo.get("k", lambda: 1))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.lists(st.integers(0, 9), max_size=60))
def test_memo_is_a_least_recently_used_cache(maxsize: int, keys: list[int]) -> None:
    """Against a model: the same values, the same keys kept in the same order, never more
    than ``maxsize``, and a value made again only after it was pushed out."""
    memo = Memo("test", maxsize)
    model: OrderedDict[int, int] = OrderedDict()
    made: list[int] = []
    misses: list[int] = []
    for k in keys:

        def make(k: int = k) -> int:
            made.append(k)
            return k * 10

        assert memo.get(k, make) == k * 10
        if k in model:
            model.move_to_end(k)
        else:
            misses.append(k)
            model[k] = k * 10
            while len(model) > maxsize:
                model.popitem(last=False)
        assert memo.keys() == list(model)
    assert made == misses


@dataclass(frozen=True)
class _Owner:
    """Like a regime: frozen, holds dicts (so not hashable), accepts weak references."""

    table: dict[str, int] = field(default_factory=dict)


def test_an_attached_memo_dies_with_its_owner_and_never_keeps_it_alive() -> None:
    import weakref

    before = sizes().get("_Owner:verdicts", 0)
    owners = [_Owner({"n": i}) for i in range(50)]
    for o in owners:
        attached(o, "verdicts").get(("x",), lambda o=o: o.table["n"])  # type: ignore[misc]
    assert sizes()["_Owner:verdicts"] == before + 50
    refs = [weakref.ref(o) for o in owners]
    del owners, o
    gc.collect()
    assert all(r() is None for r in refs)
    assert sizes().get("_Owner:verdicts", 0) == before


def test_two_owners_never_share_a_memo_even_when_equal() -> None:
    a, b = _Owner({"n": 1}), _Owner({"n": 1})
    assert attached(a, "m") is attached(a, "m")
    assert attached(a, "m") is not attached(b, "m")
    assert attached(a, "m") is not attached(a, "other")


def test_none_cannot_own_a_memo() -> None:
    with pytest.raises(TypeError):
        attached(None, "m")


def test_fingerprint_follows_content_not_identity() -> None:
    from computestrata.cooperation import config

    shipped = config.load()
    again = config.load(config.default_path())  # another object, same file
    assert again is not shipped
    assert fingerprint(again) == fingerprint(shipped)
    changed = shipped.model_copy(update={"demand_weight": shipped.demand_weight / 2})
    assert fingerprint(changed) != fingerprint(shipped)
    assert fingerprint({"b": 1, "a": [1, 2]}) == fingerprint({"a": [1, 2], "b": 1})


def test_forget_everywhere_clears_only_the_named_entries() -> None:
    memo = Memo("test", 8)
    memo.get(("coop.evidence", 1), lambda: 1)
    memo.get(("stack.book",), lambda: 2)
    forget_everywhere("coop.evidence")
    assert memo.keys() == [("stack.book",)]


def test_a_stand_in_atlas_without_a_memo_is_not_cached() -> None:
    class Fake:
        pass

    calls: list[int] = []
    fake: Any = Fake()
    of_atlas(fake, ("k",), lambda: calls.append(1))
    of_atlas(fake, ("k",), lambda: calls.append(1))
    assert len(calls) == 2
