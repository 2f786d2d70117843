"""All ordered pairs of a country list on one date, vectorised over pairs.

The pair command's formulas (:mod:`computestrata.cooperation.combine`) on N×N arrays per
segment: the controls engine is asked once per segment and destination group (every pair
with the same destination group shares the verdict), capability, demand and trade terms are
vectors, and the directional complementarity is an outer product.  The result has one row
per ordered pair (A, B), A ≠ B: counts and shares of segments and of stack value per class,
per layer, and how many segments are asymmetric or have a complementarity gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from computestrata.cooperation.combine import CLASSES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from computestrata.atlas.store import Atlas
    from computestrata.controls.regime import Regime
    from computestrata.cooperation.config import Rules
    from computestrata.cooperation.evidence import Evidence


@dataclass
class MatrixResult:
    on: date
    countries: list[str]
    frame: pd.DataFrame
    classes: dict[str, np.ndarray]  # segment -> N×N class codes (0 restricted, 1 limited, 2 open)
    destination_groups: int
    source_ids: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Every pair as a plain row (the JSON ``rows``; table and dashboard show the same)."""
        return [{str(k): v for k, v in row.items()} for row in self.frame.to_dict(orient="records")]


def default_countries(atlas: Atlas, regime: Regime) -> list[str]:
    """Countries with data: in the atlas with a GDP figure and known to the controls engine."""
    rows = atlas.rows(
        "SELECT DISTINCT f.entity AS iso3 FROM facts f JOIN countries c ON c.iso3 = f.entity "
        "WHERE f.variable = 'Economy|GDP' AND f.value IS NOT NULL ORDER BY 1"
    )
    return [r["iso3"] for r in rows if r["iso3"] in regime.countries]


def _vec(values: list[float | None]) -> np.ndarray:
    import numpy as np

    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _sat(x: np.ndarray, s: float) -> np.ndarray:
    import numpy as np

    return np.minimum(1.0, np.round(x / s, 12))


def _directional(c: np.ndarray, d: np.ndarray, w: float) -> np.ndarray:
    """k[i, j] = c_i · (w·D_j + (1−w)·(1−c_j)) (NaN where an input is missing)."""
    return c[:, None] * (w * d[None, :] + (1.0 - w) * (1.0 - c[None, :]))


def directed_levels(rules: Rules, key: np.ndarray, statuses: list[list[str]]) -> np.ndarray:
    """rho(A→B) for every ordered pair (N×N) from the status table between country groups."""
    import numpy as np

    levels = rules.restriction_levels
    lk = np.array([[levels.get(s, levels["indeterminate"]) for s in row] for row in statuses])
    return lk[key[:, None], key[None, :]]


def segment_arrays(
    ev: Evidence,
    rules: Rules,
    seg: Any,
    countries: list[str],
    directed: np.ndarray,
    fenced: np.ndarray,
) -> dict[str, np.ndarray]:
    """rho, kappa, k, score and class of one segment for every ordered pair (N×N arrays);
    ``directed`` is rho(A→B) (:func:`directed_levels`), ``fenced`` whether the pair's frontier is fenced."""
    import warnings

    import numpy as np

    from computestrata.cooperation.combine import class_array, score_array

    rho = np.maximum(directed, directed.T)
    sigma = rules.sensitivity[seg.sensitivity.tier]
    kappa = (1.0 - rho) * (1.0 - rules.sensitivity_discount * sigma)
    cap = ev.capability[seg.id]
    c = _sat(_vec([cap.share_of(x) for x in countries]), rules.capability_saturation)
    inds = rules.demand_indicators[seg.layer]
    dm = np.vstack(
        [_sat(_vec([ev.demand.get(i, {}).get(x) for x in countries]), rules.demand_saturation) for i in inds]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d = np.nanmean(dm, axis=0)
    w = rules.demand_weight
    k_cap = _directional(c, d, w)
    tr = ev.trade
    group = tr.group_of(seg.id, rules) if tr is not None else None
    if tr is not None and group is not None:
        member = np.array([x in tr.members for x in countries])
        rca = _vec([tr.rca.get(group, {}).get(x) if x in tr.members else None for x in countries])
        m = np.where(member, _vec([tr.import_share.get(group, {}).get(x, 0.0) for x in countries]), np.nan)
        r = _sat(rca, rules.rca_saturation)
        k_tr = r[:, None] * (w * _sat(m, rules.demand_saturation)[None, :] + (1.0 - w) * (1.0 - r[None, :]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            k_dir = np.nanmean(np.stack([k_cap, k_tr]), axis=0)
    else:
        k_dir = k_cap
    k = np.fmax(k_dir, k_dir.T)
    pi_tier = rules.posture.values[_posture(seg, rules, True)]
    pi_layer = rules.posture.values[_posture(seg, rules, False)]
    pi = np.where(fenced, pi_tier, pi_layer)
    score = score_array(kappa, k, pi, rules)
    klass = class_array(score, rho, rules)
    return {"rho": rho, "kappa": kappa, "k": k, "score": score, "class": klass, "asym": directed != directed.T}


def _posture(seg: Any, rules: Rules, fenced: bool) -> str:
    from computestrata.cooperation.combine import posture_of

    return posture_of(seg.sensitivity.tier, seg.layer, rules, fenced)


def matrix(
    atlas: Atlas,
    on: date | str,
    countries: list[str] | None = None,
    *,
    rules: Rules | None = None,
    regime: Regime | None = None,
) -> MatrixResult:
    """The cooperation summary of every ordered pair of ``countries`` (default: all with data)."""
    import numpy as np
    import pandas as pd

    from computestrata.cooperation import config, evidence
    from computestrata.cooperation.api import check_country, check_date
    from computestrata.cooperation.controls_view import current_regime, group_count, treatments
    from computestrata.errors import InputError
    from computestrata.stack.segments import LAYERS, segments

    rules = rules or config.load()
    day = check_date(on, regime=regime)
    reg = current_regime(regime)
    if countries:
        cs = list(dict.fromkeys(check_country(atlas, c, "--countries") for c in countries))
        for c in cs:
            reg.check_country(c, "--countries")
        if len(cs) < 2:
            raise InputError(
                "--countries needs at least two different countries", hint="e.g. --countries KOR,CHN,USA,JPN"
            )
    else:
        cs = default_countries(atlas, reg)
    ev = evidence.gather(atlas, day, rules)
    segs = list(segments())
    key_list, status = treatments([s.id for s in segs], cs, day, regime=regime, rules=rules)
    key = np.array(key_list)
    n = len(cs)
    counts = {(layer, c): np.zeros((n, n), dtype=np.int16) for layer in (*LAYERS, "all") for c in range(3)}
    value = {c: np.zeros((n, n)) for c in range(3)}
    score_sum = np.zeros((n, n))
    asym = np.zeros((n, n), dtype=np.int16)
    gaps = np.zeros((n, n), dtype=np.int16)
    classes: dict[str, np.ndarray] = {}
    total_value = 0.0
    directed = {s.id: directed_levels(rules, key, status[s.id]) for s in segs}
    at = rules.posture.fence_at
    fenced = np.ones((n, n), dtype=bool) if at is None else np.zeros((n, n), dtype=bool)
    if at is not None:
        for s in segs:
            if s.sensitivity.tier == "frontier":
                fenced |= np.maximum(directed[s.id], directed[s.id].T) >= at
    for s in segs:
        arr = segment_arrays(ev, rules, s, cs, directed[s.id], fenced)
        cl = arr["class"]
        classes[s.id] = cl
        v = ev.value_usd.get(s.id) or 0.0
        total_value += v
        for ci in range(3):
            hit = cl == ci
            counts[(s.layer, ci)] += hit
            counts[("all", ci)] += hit
            if v:
                value[ci] += hit * v
        score_sum += arr["score"]
        asym += arr["asym"]
        gaps += np.isnan(arr["k"])
    iu = ~np.eye(n, dtype=bool)
    ai, bi = np.nonzero(iu)
    names = np.array(cs)
    data: dict[str, Any] = {"a": names[ai], "b": names[bi], "date": day.isoformat()}
    for ci, label in enumerate(CLASSES):
        data[f"n_{label}"] = counts[("all", ci)][iu]
    nseg = len(segs)
    for ci, label in enumerate(CLASSES):
        data[f"share_{label}"] = counts[("all", ci)][iu] / nseg
    for ci, label in enumerate(CLASSES):
        data[f"value_share_{label}"] = value[ci][iu] / total_value if total_value else np.nan
    for layer in LAYERS:
        for ci, label in enumerate(CLASSES):
            data[f"{layer}_{label}"] = counts[(layer, ci)][iu]
    data["mean_score"] = np.round(score_sum[iu] / nseg, 4)
    data["asymmetric_controls"] = asym[iu]
    data["complementarity_gaps"] = gaps[iu]
    frame = pd.DataFrame(data)
    sources = set(ev.value_sources)
    for cap in ev.capability.values():
        sources.update(cap.source_ids)
    for meta in ev.demand_meta.values():
        sources.update(meta.get("source_ids", []))
    if ev.trade is not None:
        sources.update(ev.trade.source_ids)
    notes = [
        f"{n} countries, {len(frame)} ordered pairs, {nseg} segments; controls verdicts computed for "
        f"{group_count(cs, day, regime)} country groups (exporter × destination) and shared by their members",
        f"stack value known for {sum(1 for s in segs if ev.value_usd.get(s.id))} of {nseg} segments "
        "(CSET market sizes)",
    ]
    return MatrixResult(day, cs, frame, classes, group_count(cs, day, regime), sources, notes)
