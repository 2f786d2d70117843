"""Core–periphery structure (Borgatti & Everett 1999) of a country × segment network.

The paper describes a core–periphery diffusion in which middle powers insert themselves at
given layers.  On a two-mode matrix X (rows = countries, columns = supply-chain segments,
cells = the country's market share in the segment) the **discrete** model asks for a set
of core rows R and core columns C such that X resembles the ideal pattern Δ with
Δᵢⱼ = 1 when i ∈ R and j ∈ C, else 0.  Fit = Pearson correlation between X and Δ over all
cells.  We maximise it by greedy single moves (flip one row or column in or out of the
core, take the best improving flip, repeat) from several starting partitions; the
correlation of every flip is computed in closed form, so a sweep costs one matrix–vector
product.

The **continuous** coreness is the leading singular-vector pair of X (the least-squares
rank-one fit X ≈ a bᵀ of the continuous model, which has no diagonal to ignore in a
two-mode matrix), scaled so the largest coreness is 1.

Reference: Borgatti, S. P. & Everett, M. G. (1999), "Models of core/periphery structures",
*Social Networks* 21(4): 375–395.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError
from computestrata.measure.statuses import Role
from computestrata.provenance import Provenance, sourced

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from computestrata.atlas.store import Atlas

    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]
else:
    FloatArray = Any
    BoolArray = Any

GROUPINGS = ("input", "type")


@dataclass
class CorePeriphery:
    """A fitted discrete core–periphery partition with continuous coreness."""

    rows: list[str]
    cols: list[str]
    core_rows: list[str]
    core_cols: list[str]
    fit: float
    row_coreness: dict[str, float] = field(default_factory=dict)
    col_coreness: dict[str, float] = field(default_factory=dict)


def correlation_fit(x: FloatArray, core_rows: BoolArray, core_cols: BoolArray) -> float:
    """Pearson correlation between ``x`` and the ideal core×core pattern (NaN if Δ is constant)."""
    import numpy as np

    ideal = np.outer(core_rows.astype(float), core_cols.astype(float))
    if ideal.std() == 0 or x.std() == 0:
        return float("nan")
    return float(np.corrcoef(x.ravel(), ideal.ravel())[0, 1])


def _flip_fits(x: FloatArray, r: BoolArray, c: BoolArray, s_x: float, sxx: float) -> tuple[Any, Any]:
    """Fit after flipping each row (vector) and each column (vector), in closed form.

    corr(X, Δ) with Δ = r cᵀ binary: cov = (rᵀXc − S_x·m/N) / N and var(Δ) = m/N·(1 − m/N),
    where m = |R|·|C| is the number of ideal ones and N the number of cells.
    """
    import numpy as np

    n = x.size
    var_x = sxx / n - (s_x / n) ** 2
    rf, cf = r.astype(float), c.astype(float)
    xc = x @ cf  # row sums over core columns
    xr = rf @ x  # column sums over core rows
    base = float(rf @ xc)
    nr, nc = rf.sum(), cf.sum()

    def corr(cross: Any, m: Any) -> Any:
        p = m / n
        with np.errstate(invalid="ignore", divide="ignore"):
            out = (cross / n - (s_x / n) * p) / np.sqrt(var_x * p * (1 - p))
        return np.where((p > 0) & (p < 1), out, -np.inf)

    sign_r = np.where(r, -1.0, 1.0)
    row_fits = corr(base + sign_r * xc, (nr + sign_r) * nc)
    sign_c = np.where(c, -1.0, 1.0)
    col_fits = corr(base + sign_c * xr, nr * (nc + sign_c))
    return row_fits, col_fits


def fit_discrete(
    x: FloatArray, starts: int = 8, seed: int = 0, max_iter: int = 10_000
) -> tuple[BoolArray, BoolArray, float]:
    """Greedy maximisation of the BE correlation fit; returns (core rows, core cols, fit)."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or min(x.shape) < 2:
        raise InputError(
            f"need a matrix with at least 2 rows and 2 columns, got shape {x.shape}",
            hint="give more countries or segments",
        )
    if np.isnan(x).any():
        raise InputError("the matrix has missing cells", hint="fill known zeros or drop rows first")
    if x.std() == 0:
        raise InputError("the matrix is constant: no core can be found", hint="check the input data")
    s_x, sxx = float(x.sum()), float((x * x).sum())
    gen = np.random.default_rng(seed)
    order_r = np.argsort(-x.sum(axis=1))
    order_c = np.argsort(-x.sum(axis=0))
    inits = []
    for k in sorted({1, 2, 3, max(1, x.shape[0] // 4)}):
        r = np.zeros(x.shape[0], bool)
        r[order_r[: min(k, x.shape[0] - 1)]] = True
        c = np.zeros(x.shape[1], bool)
        c[order_c[: max(1, min(x.shape[1] - 1, round(x.shape[1] * k / x.shape[0])))]] = True
        inits.append((r, c))
    while len(inits) < starts:
        rr = np.asarray(gen.random(x.shape[0]) < 0.3, dtype=bool)
        cc = np.asarray(gen.random(x.shape[1]) < 0.3, dtype=bool)
        rr[order_r[0]] = True
        cc[order_c[0]] = True
        inits.append((rr, cc))
    best: tuple[BoolArray, BoolArray, float] | None = None
    for r0, c0 in inits:
        r, c = r0.copy(), c0.copy()
        cur = correlation_fit(x, r, c)
        cur = -np.inf if cur != cur else cur
        for _ in range(max_iter):
            rf, cf = _flip_fits(x, r, c, s_x, sxx)
            i, j = int(np.argmax(rf)), int(np.argmax(cf))
            if max(rf[i], cf[j]) <= cur + 1e-12:
                break
            if rf[i] >= cf[j]:
                r[i] = ~r[i]
                cur = float(rf[i])
            else:
                c[j] = ~c[j]
                cur = float(cf[j])
        if best is None or cur > best[2]:
            best = (r.copy(), c.copy(), cur)
    assert best is not None
    return best


def coreness(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Continuous coreness of rows and columns: leading singular vectors, max scaled to 1."""
    import numpy as np

    u, _s, vt = np.linalg.svd(np.asarray(x, dtype=float), full_matrices=False)
    a, b = np.abs(u[:, 0]), np.abs(vt[0])
    return a / a.max(), b / b.max()


def core_periphery(matrix: pd.DataFrame, starts: int = 8, seed: int = 0) -> CorePeriphery:
    """Fit both models on a labelled country × segment frame (index = countries)."""
    x = matrix.to_numpy(dtype=float)
    r, c, fit = fit_discrete(x, starts=starts, seed=seed)
    a, b = coreness(x)
    rows = [str(i) for i in matrix.index]
    cols = [str(j) for j in matrix.columns]
    return CorePeriphery(
        rows=rows,
        cols=cols,
        fit=fit,
        core_rows=[n for n, k in zip(rows, r, strict=True) if k],
        core_cols=[n for n, k in zip(cols, c, strict=True) if k],
        row_coreness={n: float(v) for n, v in zip(rows, a, strict=True)},
        col_coreness={n: float(v) for n, v in zip(cols, b, strict=True)},
    )


def country_segment_matrix(
    provision: pd.DataFrame,
    providers: pd.DataFrame,
    inputs: pd.DataFrame | None = None,
    by: str = "input",
    min_share: float = 0.0,
) -> pd.DataFrame:
    """Country × segment market-share matrix from CSET provision rows of country providers.

    For each input the latest year is kept (CSET mixes years across inputs); ``by='type'``
    averages the inputs of one type (design, tools, materials, process).  Unknown shares
    ('negligible', '<1%') count as 0 here: the core–periphery fit needs a full matrix, and
    CSET only marks them as small.
    """
    import pandas as pd

    prov = providers[providers["provider_type"].astype(str) == "country"]
    prov = prov[prov["country_iso3"].notna()]
    df = provision.merge(prov[["provider_id", "country_iso3"]], on="provider_id")
    df = df[df["share"].notna()]
    if df.empty:
        raise InputError(
            "no country-level market shares in the supply-chain tables", hint="rebuild the atlas with the cset loader"
        )
    latest = df.groupby("input_id")["year"].transform("max")
    df = df[(df["year"] == latest) | df["year"].isna()]
    if by not in GROUPINGS:
        raise InputError(f"unknown grouping {by!r}", hint=f"use one of {', '.join(GROUPINGS)}")
    mat = df.pivot_table(index="country_iso3", columns="input_id", values="share", aggfunc="sum").fillna(0.0)
    if by == "type":
        if inputs is None:
            raise InputError("by='type' needs the inputs table", hint="pass sc_inputs")
        # provision rows on whole stages (Design, Fab, ATP) have no input type: label "stage"
        kind = inputs.set_index("input_id")["type"].reindex(mat.columns).fillna("stage")
        mat = mat.T.groupby(kind.to_numpy()).mean().T  # mean share over the inputs of a type
    elif "input_name" in df.columns:
        names = df.drop_duplicates("input_id").set_index("input_id")["input_name"]
        mat.columns = [f"{i} {names.get(i, '')}".strip() for i in mat.columns]
    mat = mat.loc[mat.max(axis=1) > min_share]
    return pd.DataFrame(mat)


def from_atlas(
    atlas: Atlas, by: str = "input", starts: int = 8, seed: int = 0
) -> tuple[CorePeriphery, list[str], pd.DataFrame]:
    """The fitted core–periphery of the CSET country × segment network, its sources and matrix."""
    atlas.require("sc_provision", "sc_providers")
    provision = atlas.table("sc_provision")
    providers = atlas.table("sc_providers")
    inputs = atlas.table("sc_inputs") if by == "type" and atlas.has("sc_inputs") else None
    if provision.empty and atlas.exclude_licenses:
        raise InputError(
            "the supply-chain network is hidden by --exclude-license "
            f"{', '.join(atlas.exclude_licenses)} (CSET's Chip Explorer is CC-BY-NC-4.0)",
            hint="drop --exclude-license CC-BY-NC-4.0 to fit the core–periphery model",
        )
    mat = country_segment_matrix(provision, providers, inputs, by=by)
    ids: set[str] = set()
    for f in (provision, providers) if inputs is None else (provision, providers, inputs):
        ids.update(f["source_id"].dropna().astype(str).unique())
    return core_periphery(mat, starts=starts, seed=seed), sorted(ids), mat


def ranked(cp: CorePeriphery, top: int | None = None) -> list[dict[str, Any]]:
    """Countries by coreness, with their discrete role (core/periphery)."""
    rows: list[dict[str, Any]] = [
        {"country": n, "role": Role.CORE if n in cp.core_rows else Role.PERIPHERY, "coreness": v}
        for n, v in cp.row_coreness.items()
    ]
    rows.sort(key=lambda r: (r["role"] != Role.CORE, -float(r["coreness"])))
    return rows[:top] if top else rows


@dataclass
class CorePeripheryResult:
    """The fitted core–periphery as shown: ranked country rows, summary data, notes, sources.

    ``model`` and ``matrix`` keep the full fit and the country × segment matrix behind it.
    """

    model: CorePeriphery
    matrix: pd.DataFrame
    rows: list[dict[str, Any]]
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    #: where the numbers come from (filled by :func:`computestrata.provenance.sourced`)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        """Translated title (in the current language)."""
        from computestrata.i18n import t

        return t("measure.title.coreperiphery")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: fit summary, rows, notes and source ids (not the matrix)."""
        return {**self.data, "rows": self.rows, "notes": self.notes, "source_ids": self.source_ids}


#: columns of the ranked rows as shown
CP_COLUMNS = ("country", "role", "coreness")


def role_label(code: str) -> str:
    """``core``/``periphery`` in the reader's language (JSON keeps the code)."""
    from computestrata.i18n import t

    return t(f"measure.role.{code}")


@sourced
def analyse(
    atlas: Atlas, by: str = "input", top: int | None = 20, starts: int = 8, seed: int = 0
) -> CorePeripheryResult:
    """Fit the CSET country × segment network and rank the ``top`` countries by coreness.

    Rows carry the role as a code (``core``/``periphery``; tables translate it) and coreness
    rounded to 4 digits; the
    notes give the method, the data caveat and the fit with its core.  ``top`` None = all
    countries; below 1 it is an :class:`InputError`.
    """
    from computestrata.i18n import t
    from computestrata.measure.checks import at_least
    from computestrata.measure.rounding import round_floats

    if top is not None:
        at_least("--top", top, 1, 20)
    res, ids, matrix = from_atlas(atlas, by=by, starts=starts, seed=seed)
    rows = [round_floats(dict(r)) for r in ranked(res, top)]
    data = {
        "fit": res.fit,
        "core_countries": res.core_rows,
        "core_segments": res.core_cols,
        "countries": len(res.rows),
        "segments": len(res.cols),
    }
    notes = [
        t("measure.note.cp_method"),
        t("measure.note.cp_data"),
        t(
            "measure.note.cp_fit",
            fit=res.fit,
            core=", ".join(res.core_rows),
            core_segments=len(res.core_cols),
            segments=len(res.cols),
        ),
    ]
    return CorePeripheryResult(res, matrix, rows, data, notes, ids)
