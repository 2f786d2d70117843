"""One rule set, one answer: the cooperation summary a scenario reads for a control state.

``cooperation.api.pair`` answers from the full controls engine by default; a regime passed
explicitly used to take the chip-rules path even when it WAS the engine's own rules, so the
same rules gave two answers (EDA and advanced-logic fabs came out restricted instead of
limited for KOR–CHN: the chip path has no representative item for them and says
``indeterminate``).  The scenario model passes regimes explicitly, so this matters to it."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from computestrata.cooperation import api as coop
from computestrata.cooperation.controls_view import current_regime, date_range, engine_for

pytestmark = pytest.mark.integration


def _view(res: Any) -> dict[str, Any]:
    return {
        "segments": [
            (
                s.segment_id,
                s.klass,
                round(s.score, 12),
                s.controllability.get("a_to_b"),
                s.controllability.get("b_to_a"),
            )
            for s in res.segments
        ],
        "summary": res.summary,
        "sources": sorted(res.source_ids),
        "extra": sorted(r["source_id"] for r in res.extra_sources),
    }


@pytest.mark.parametrize("pair", [("KOR", "CHN"), ("JPN", "CHN"), ("USA", "KOR")])
def test_the_engines_own_regime_passed_explicitly_gives_the_default_answer(atlas: Any, pair: tuple[str, str]) -> None:
    on = date.today()
    assert date_range(current_regime()) == date_range()
    assert _view(coop.pair(atlas, *pair, on, regime=current_regime())) == _view(coop.pair(atlas, *pair, on))


def test_a_derived_regime_still_takes_the_chip_rules_path() -> None:
    """A what-if regime (even an unchanged copy) is not the engine's: the engine's API reads only
    its shipped rules, so answering it there would silently ignore the what-if."""
    reg = current_regime()
    assert engine_for(None) is not None and engine_for(reg) is not None
    assert engine_for(dataclasses.replace(reg)) is None
