"""Progress bars for long builds (report, atlas): rich, on stderr, only for a person.

Off when the output is for a program (``--json``) or stderr is not a terminal (CI logs,
pipes), so machine output and logs never carry bar frames.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def wanted(as_json: bool = False) -> bool:
    """A bar is drawn only for a person at a terminal, never with ``--json``."""
    return not as_json and sys.stderr.isatty()


@contextmanager
def steps(title: str, total: int | None, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A bar of ``total`` steps; the yielded ``step(name)`` shows ``name`` and advances by one.

    Disabled, ``step`` does nothing (callers need no branch)."""
    if not enabled:
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[step]}"),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(title, total=total, step="")
    started = False

    def step(name: str) -> None:
        nonlocal started
        if started:
            bar.advance(task)
        started = True
        bar.update(task, step=name)

    with bar:
        yield step
        bar.update(task, completed=total)
