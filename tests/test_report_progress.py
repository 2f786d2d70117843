"""Progress bars: only for a person at a terminal, never in --json or piped output."""

from __future__ import annotations

import io
import sys

import pytest

from computestrata import progress


def test_no_bar_for_programs_or_pipes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert progress.wanted(as_json=True) is False
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    assert progress.wanted(as_json=False) is False


def test_disabled_bar_is_a_silent_no_op(capsys: pytest.CaptureFixture[str]) -> None:
    with progress.steps("x", 3, enabled=False) as step:
        for name in ("a", "b", "c"):
            step(name)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_enabled_bar_counts_every_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.progress import Progress

    seen: list[tuple[str, object]] = []
    real_update = Progress.update

    def spy(self: Progress, task: object, **kw: object) -> None:
        seen.extend(kw.items())
        real_update(self, task, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Progress, "update", spy)
    with progress.steps("build", 3, enabled=True) as step:
        for name in ("a", "b", "c"):
            step(name)
    assert [v for k, v in seen if k == "step"] == ["a", "b", "c"]
    assert ("completed", 3) in seen  # the bar ends full
