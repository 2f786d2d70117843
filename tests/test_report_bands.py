"""Scenario trajectories with p5–p95 bands (issue 14 item 1): the bands behind the report's
scenario section and the dashboard, taken from the sweep of ``strata scenario sweep``.

Checked on the data: ordered quantiles every year, bands wider than a line where parameters
vary (and a line where none does), the same numbers for the same seed, the central path equal
to ``strata scenario run``'s, the same numbers as the sweep command, and a planted bug (swapped
quantiles) caught."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from computestrata.scenarios import bands as bd

pytestmark = pytest.mark.integration

LIBRARY = ("baseline", "small_yard_high_fence", "big_yard_high_fence", "no_yard")


@pytest.fixture(scope="module")
def opened(built_atlas: Path) -> Iterator[Any]:
    from computestrata.atlas import store

    a = store.open(built_atlas)
    yield a
    a.close()


@pytest.fixture(scope="module")
def library(opened: Any) -> dict[str, bd.ScenarioBands]:
    return {b.scenario: b for b in bd.library_bands(opened, LIBRARY)}


def assert_ordered(b: bd.Band, tol: float = 1e-12) -> None:
    """p5 ≤ median ≤ p95 in every year where the model gave a value (and all three or none)."""
    for y, lo, mid, hi in zip(b.years, b.p5, b.median, b.p95, strict=True):
        assert (lo is None) == (mid is None) == (hi is None), (b.metric, y)
        if lo is not None:
            assert lo <= mid + tol and mid <= hi + tol, f"{b.metric} {y}: p5 {lo} median {mid} p95 {hi}"


def test_every_library_scenario_has_ordered_bands_every_year(library: dict[str, bd.ScenarioBands]) -> None:
    assert set(library) == set(LIBRARY)
    for b in library.values():
        assert b.n_base == bd.BAND_N and b.seed == bd.BAND_SEED and b.draws == 2 * bd.BAND_N
        for metric in bd.METRICS:
            band = b.band(metric)
            assert band.years == list(range(2025, 2036))
            assert_ordered(band)


def test_bands_are_wide_where_parameters_vary_and_lines_where_none_does(
    library: dict[str, bd.ScenarioBands],
) -> None:
    for b in library.values():
        share = b.band("share.CHN")
        # the base year is data, the same in every draw: a line on the central value
        assert share.p5[0] == pytest.approx(share.p95[0]) == pytest.approx(share.central[0])
        # every later year depends on growth, yields and demand, all drawn: a real band
        for y, lo, hi in zip(share.years[1:], share.p5[1:], share.p95[1:], strict=True):
            assert hi - lo > 0.01, (b.scenario, y, lo, hi)  # wider than a percentage point
    # the open cooperation share moves with the control path only: the baseline draws no
    # control parameter, so its band is a line; a posture's start date is drawn (2027–2030)
    base = library["baseline"].band("coop.open_share")
    assert all(lo == hi for lo, hi in zip(base.p5, base.p95, strict=True))
    fenced = library["no_yard"].band("coop.open_share")
    assert "posture_start" in library["no_yard"].sampled
    assert any(hi - lo > 0.01 for lo, hi in zip(fenced.p5, fenced.p95, strict=True))


def test_same_seed_same_bands_other_seed_other_bands(opened: Any, library: dict[str, bd.ScenarioBands]) -> None:
    again = bd.scenario_bands(opened, "no_yard")
    assert json.dumps(again.to_dict()) == json.dumps(library["no_yard"].to_dict())
    other = bd.scenario_bands(opened, "no_yard", seed=7)
    assert other.band("share.CHN").p95 != again.band("share.CHN").p95
    assert other.band("share.CHN").central == again.band("share.CHN").central  # the central run has no draw


def test_central_path_is_strata_scenario_run(opened: Any, library: dict[str, bd.ScenarioBands]) -> None:
    from computestrata.scenarios import api

    runs = api.run(opened, list(LIBRARY))
    for proj in runs.scenarios:
        b = library[proj.scenario]
        assert b.band("share.CHN").central == [y["shares"]["intelligent"]["CHN"] for y in proj.years]
        assert b.band("coop.open_share").central == [y["cooperation"]["open_share"] for y in proj.years]
        assert b.band("hhi").central == [y["stratification"]["hhi"] for y in proj.years]


def test_bands_are_the_numbers_of_strata_scenario_sweep(
    built_atlas: Path, library: dict[str, bd.ScenarioBands]
) -> None:
    """The caption promises that `strata scenario sweep NAME --n N --seed S` gives the same numbers."""
    from typer.testing import CliRunner

    from computestrata.cli import app

    res = CliRunner().invoke(
        app,
        [
            "scenario",
            "sweep",
            "small_yard_high_fence",
            "--n",
            str(bd.BAND_N),
            "--seed",
            str(bd.BAND_SEED),
            "--output",
            "share.CHN.20[0-9][0-9]",
            "--workers",
            "1",
            "--json",
            "--atlas",
            str(built_atlas),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = {r["output"]: r for r in json.loads(res.stdout)["rows"]}
    band = library["small_yard_high_fence"].band("share.CHN")
    assert len(rows) == len(band.years)
    for i, y in enumerate(band.years):
        r = rows[f"share.CHN.{y}"]
        assert (r["p5"], r["median"], r["p95"]) == pytest.approx((band.p5[i], band.median[i], band.p95[i]), abs=1e-15)


def test_inline_executor_equals_local_processes(opened: Any) -> None:
    from computestrata.scenarios import api
    from computestrata.scenarios.executor import InlineExecutor, LocalExecutor

    kw: dict[str, Any] = {"n": 8, "seed": 3, "outputs": ["share.CHN.*", "coop.*"]}
    inline = api.sweep(opened, "big_yard_high_fence", executor=InlineExecutor(), **kw)
    local = api.sweep(opened, "big_yard_high_fence", executor=LocalExecutor(2), **kw)
    assert json.dumps(inline.rows()) == json.dumps(local.rows())  # NaN-safe: the JSON texts
    assert (inline.core.executor, local.core.executor) == ("inline", "local")


def test_a_planted_bug_swapping_the_quantiles_is_caught(opened: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant the bug: the sweep's quantile levels in the wrong order (p95 read as p5)."""
    from computestrata.scenarios import sweep

    monkeypatch.setattr(sweep, "QUANTILES", (0.95, 0.5, 0.05))
    planted = bd.scenario_bands(opened, "baseline", n=16)
    with pytest.raises(AssertionError, match="p5"):
        assert_ordered(planted.band("share.CHN"))


def test_an_unknown_metric_names_the_choices(opened: Any) -> None:
    from computestrata.errors import InputError

    with pytest.raises(InputError) as err:
        bd.scenario_bands(opened, "baseline", n=8, metrics=["share.CHN", "no.such"])
    assert "no.such" in err.value.message and "share" in (err.value.hint or "")


# ---------------------------------------------------------------- the report's section


def _traces(spec: dict[str, Any], axis: str) -> list[dict[str, Any]]:
    return [t for t in spec["data"] if t.get("yaxis", "y") == axis]


@pytest.fixture(scope="module")
def sections(opened: Any) -> dict[str, Any]:
    from computestrata.report import api

    out = {}
    for lang in ("en", "ko", "zh"):
        ctx = api.make_context(opened, lang, None, None)
        sec = api.build_sections(ctx, only=["scenarios"])[0]
        api._context([sec], opened, lang, ctx.pair)  # fills the captions, as the page does
        out[lang] = sec
    return out


def test_report_charts_draw_each_scenario_band_from_the_sweep(
    sections: dict[str, Any], library: dict[str, bd.ScenarioBands]
) -> None:
    sec = sections["en"]
    assert sec.hidden is None
    share = next(f for f in sec.figures if f.key == "china_share").spec
    for i, name in enumerate(LIBRARY):  # one panel per scenario, baseline first, widening fences after
        traces = _traces(share, "y" if i == 0 else f"y{i + 1}")
        upper, lower, median, central = traces
        assert lower["fill"] == "tonexty" and "fill" not in upper  # the band: p5 filled up to p95
        band = library[name].band("share.CHN")
        assert upper["y"] == [100 * v for v in band.p95] and lower["y"] == [100 * v for v in band.p5]
        assert median["y"] == [100 * v for v in band.median] and central["y"] == [100 * v for v in band.central]
        for lo, mid, hi in zip(lower["y"], median["y"], upper["y"], strict=True):
            assert lo <= mid <= hi
    assert [a["text"] for a in share["layout"]["annotations"]] == [
        f"<b>{sec.tables[0].rows[i][0]}</b>" for i in range(len(LIBRARY))
    ]


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_caption_says_sample_seed_and_what_the_band_is(sections: dict[str, Any], lang: str) -> None:
    from computestrata.i18n import fmt_number, t

    sec = sections[lang]
    draws = fmt_number(2 * bd.BAND_N, 0, lang)
    seed_word = {"en": "seed 0", "ko": "시드 0", "zh": "种子 0"}[lang]
    uncertainty = {"en": "parameter uncertainty", "ko": "매개변수 불확실성", "zh": "参数不确定性"}[lang]
    group = t("report.bands.group.supply", lang=lang)
    for fig in sec.figures:
        assert draws in fig.caption and seed_word in fig.caption and uncertainty in fig.caption
        assert group in fig.caption and f"--n {bd.BAND_N} --seed {bd.BAND_SEED}" in fig.caption
        # and the sources after it, with the scenario files' assumptions among them
        assert t("report.caption.sources", lang=lang, items="").strip(" .。:：") in fig.caption
        assert "Apache-2.0" in fig.caption


def test_shared_assumptions_are_cited_once(sections: dict[str, Any]) -> None:
    recs = sections["en"].extra_sources
    ids = [r["source_id"] for r in recs]
    assert len(ids) == len(set(ids))
    titles = [r["title"] for r in recs]
    # the baseline's assumptions once (the postures extend it), each posture's own timing under its file
    assert sum("world_chip_output_growth" in x for x in titles) == 1
    assert sum("posture_start" in x for x in titles) == 3
