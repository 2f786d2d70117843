"""Run one call in several languages on parallel threads at once (the web server's situation)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

LANGS = ("en", "ko")


def race(
    atlas_dir: Path, call: Callable[[Any], Any], rounds: int = 4, langs: Sequence[str] = LANGS
) -> dict[str, list[Any]]:
    """Run ``call`` in one thread per language, all started together; collect every answer.

    Each thread opens its own atlas, as the web runner does per request (one DuckDB connection
    refuses a second caller rather than mixing their rows)."""
    from computestrata.atlas import store
    from computestrata.i18n import use_lang

    barrier = threading.Barrier(len(langs))
    seen: dict[str, list[Any]] = {lang: [] for lang in langs}
    errors: list[BaseException] = []

    def run(lang: str) -> None:
        try:
            atlas = store.open(atlas_dir)
            with use_lang(lang):
                barrier.wait()  # every language is set before any renders
                for _ in range(rounds):
                    seen[lang].append(call(atlas))
        except BaseException as exc:  # re-raised in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(lang,)) for lang in langs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    return seen
