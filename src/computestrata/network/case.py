"""Case files: read, validate, resolve atlas facts, and turn into a numeric :class:`Instance`.

A case (``cases/<id>.yaml`` or any path) names demand regions, sites and workload classes.
Every number is a *parameter* ``{value, unit, <provenance>}`` whose provenance is exactly one
of ``source`` (a URL), ``derived`` (computed from atlas facts, said how) or ``assumption``
(with the reasoning).  Site coordinates, PUE targets and grid emission factors come from the
atlas where it has them (EDWC clusters in ``eds_hubs``; provincial factors in
``china_grid_factors``; national intensities in ``energy_mix``), cited by their source ids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError, unknown

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas
    from computestrata.network.model import Instance

CASES_DIR = Path(__file__).resolve().parent / "cases"
PROVENANCE_KEYS = ("source", "derived", "assumption")
MAX_HOURS = 8760


@dataclass(frozen=True)
class Param:
    """One number of a case and where it comes from."""

    path: str
    value: float | None
    unit: str
    kind: str  # source | derived | assumption | atlas
    basis: str  # the URL, the derivation, the reasoning, or the atlas source id

    def record(self) -> dict[str, Any]:
        return {"parameter": self.path, "value": self.value, "unit": self.unit, "kind": self.kind, "basis": self.basis}


@dataclass
class Site:
    id: str
    name: dict[str, str]
    side: str
    lat: float
    lon: float
    pue: float
    ef_t_mwh: float
    capacity_mw: float
    price: float
    ppa: float
    solar_mw: float
    solar_cf: float
    wind_mw: float
    wind_cf: float
    max_modules: int
    source_ids: list[str] = field(default_factory=list)


@dataclass
class Case:
    """A validated case with its atlas facts resolved."""

    id: str
    name: dict[str, str]
    path: Path
    default_build: bool
    exclude_side: str | None
    globals: dict[str, float | None]
    classes: list[dict[str, Any]]
    regions: list[dict[str, Any]]
    sites: list[Site]
    params: list[Param]
    source_ids: list[str]

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("en") or self.id


def case_ids() -> list[str]:
    """The cases shipped with the package."""
    return sorted(p.stem for p in CASES_DIR.glob("*.yaml"))


def case_path(case: str | Path) -> Path:
    """A shipped case id, or a path to a case file."""
    p = Path(case)
    if p.suffix in (".yaml", ".yml"):
        if not p.is_file():
            raise InputError(f"case file {str(p)!r} not found", hint="give a shipped case id or an existing YAML file")
        return p
    if str(case) not in case_ids():
        raise unknown("case", str(case), case_ids())
    return CASES_DIR / f"{case}.yaml"


class _Reader:
    """Validates one case file, collecting every parameter with its provenance."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.params: list[Param] = []

    def fail(self, where: str, problem: str, fix: str) -> InputError:
        return InputError(f"case file {self.path.name}, {where}: {problem}", hint=fix)

    def param(
        self, node: Any, where: str, lo: float | None = None, hi: float | None = None, nullable: bool = False
    ) -> float | None:
        if not isinstance(node, dict) or "value" not in node:
            raise self.fail(where, "not a parameter", "write {value: X, unit: U, source|derived|assumption: ...}")
        kinds = [k for k in PROVENANCE_KEYS if node.get(k)]
        if len(kinds) != 1:
            raise self.fail(
                where, "needs exactly one of source, derived, assumption", "say where the number comes from"
            )
        v = node["value"]
        if v is None:
            if not nullable:
                raise self.fail(where, "value is empty", "give a number")
            val: float | None = None
        else:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(float(v)):
                raise self.fail(where, f"value {v!r} is not a finite number", "give a number")
            val = float(v)
            if (lo is not None and val < lo) or (hi is not None and val > hi):
                raise self.fail(where, f"value {val:g} outside [{lo}, {hi}]", "check the unit and the figure")
        unit = node.get("unit")
        if not isinstance(unit, str) or not unit.strip():
            raise self.fail(where, "unit is missing", "add unit: (e.g. MW IT, USD/MWh, ratio)")
        kind = kinds[0]
        basis = str(node[kind])
        if kind == "source" and not basis.startswith("http"):
            raise self.fail(where, "a source must be a URL", "or mark the value as an assumption with its reasoning")
        self.params.append(Param(where, val, unit, kind, basis))
        return val

    def num(self, node: Any, where: str, lo: float | None = None, hi: float | None = None) -> float:
        v = self.param(node, where, lo, hi)
        assert v is not None
        return v

    def renewable(self, node: Any, where: str) -> tuple[float, float, float, float]:
        if not isinstance(node, dict) or (not node.get("assumption") and not node.get("source")):
            raise self.fail(where, "renewable needs solar_mw, solar_cf, wind_mw, wind_cf and an assumption", "add them")
        vals = []
        for k, hi in (("solar_mw", None), ("solar_cf", 1.0), ("wind_mw", None), ("wind_cf", 1.0)):
            v = node.get(k)
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0 or (hi is not None and v > hi):
                raise self.fail(f"{where}.{k}", f"value {v!r} is not a number in range", "give a number >= 0")
            vals.append(float(v))
        kind = "source" if node.get("source") else "assumption"
        self.params.append(Param(where, None, "MW, capacity factor", kind, str(node[kind])))
        return vals[0], vals[1], vals[2], vals[3]


NAME_LANGS = ("en", "ko", "zh")


def _names(node: Any, fallback: str, r: _Reader | None = None, where: str = "name") -> dict[str, str]:
    """Display names by language.  A YAML flow mapping splits an unquoted name at its commas
    (``{en: A (B, C)}`` becomes ``{en: "A (B", "C)": null}``), so anything other than
    en/ko/zh keys with non-empty text is refused rather than shown half-cut."""
    if node is None:
        return {"en": fallback}
    ok = (
        isinstance(node, dict)
        and node
        and all(k in NAME_LANGS and isinstance(v, str) and v.strip() for k, v in node.items())
    )
    if not ok:
        if r is None:
            return {"en": fallback}
        raise r.fail(
            where,
            f"names must map en/ko/zh to text, got {node!r}",
            "write {en: ..., ko: ..., zh: ...} and quote any name that contains a comma",
        )
    return {str(k): str(v) for k, v in node.items()}


def _items(doc: dict[str, Any], key: str, r: _Reader) -> list[Any]:
    """A top-level list of the case (classes, regions, sites)."""
    node = doc[key]
    if node is None:
        return []
    if not isinstance(node, list):
        raise r.fail(key, f"not a list (got {type(node).__name__})", f"write {key}: as a list of '- id: ...' items")
    return node


def _atlas_site(atlas: Atlas | None, cluster: str, r: _Reader, where: str) -> dict[str, Any]:
    if atlas is None or not atlas.has("eds_hubs"):
        raise r.fail(where, "needs the atlas table eds_hubs", "build the atlas from the raw data (strata atlas build)")
    rows = atlas.rows("SELECT * FROM eds_hubs WHERE cluster_en = ?", [cluster])
    if not rows:
        names = [x["cluster_en"] for x in atlas.rows("SELECT cluster_en FROM eds_hubs")]
        raise unknown("EDWC cluster", cluster, names)
    return rows[0]


def _grid_factor(atlas: Atlas | None, spec: Any, r: _Reader, where: str) -> tuple[float, str]:
    """Grid emission factor (t/MWh) and its atlas source id."""
    if not isinstance(spec, dict) or spec.get("table") not in ("china_grid_factors", "energy_mix"):
        raise r.fail(where, "grid must name table china_grid_factors or energy_mix", "see the shipped cases")
    table = str(spec["table"])
    if atlas is None or not atlas.has(table):
        raise r.fail(where, f"needs the atlas table {table}", "build the atlas from the raw data (strata atlas build)")
    if table == "china_grid_factors":
        rows = atlas.rows(
            "SELECT ef_kgco2_kwh AS ef, source_id FROM china_grid_factors WHERE name_en = ? AND year = ?",
            [spec.get("name"), int(spec.get("year", 2022))],
        )
        if not rows:
            names = [x["name_en"] for x in atlas.rows("SELECT DISTINCT name_en FROM china_grid_factors")]
            raise unknown("province or grid region", str(spec.get("name")), names)
        ef, sid = float(rows[0]["ef"]), str(rows[0]["source_id"])  # kg/kWh == t/MWh
    else:
        rows = atlas.rows(
            "SELECT carbon_intensity_gco2_kwh AS ef, source_id, year FROM energy_mix WHERE country_iso3 = ?",
            [spec.get("iso3")],
        )
        if not rows or rows[0]["ef"] is None:
            raise r.fail(where, f"no grid intensity for {spec.get('iso3')!r} in energy_mix", "use an ISO3 code")
        ef, sid = float(rows[0]["ef"]) / 1000.0, str(rows[0]["source_id"])  # g/kWh -> t/MWh
    r.params.append(Param(f"{where}", ef, "tCO2/MWh", "atlas", sid))
    return ef, sid


def load(case: str | Path, atlas: Atlas | None) -> Case:
    """Read and validate a case, resolving its atlas facts (raises :class:`InputError`)."""
    import yaml

    path = case_path(case)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(f"case file {path.name} is not valid YAML: {exc}", hint="fix the YAML syntax") from exc
    r = _Reader(path)
    if not isinstance(doc, dict):
        raise r.fail("top level", "not a mapping", "see the shipped cases")
    for key in ("id", "globals", "classes", "regions", "sites"):
        if key not in doc:
            raise r.fail("top level", f"missing {key!r}", f"add {key}")
    g = doc["globals"]
    if not isinstance(g, dict):
        raise r.fail("globals", "not a mapping", "see the shipped cases")
    bounds: dict[str, tuple[float | None, float | None]] = {
        "fibre_km_per_ms": (1, 300),
        "fibre_route_factor": (1, 5),
        "latency_overhead_ms": (0, 100),
        "bandwidth_usd_per_tb_1000km": (0, None),
        "build_module_mw": (0.1, None),
        "build_capex_usd_per_mw": (0, None),
        "discount_rate": (0, 1),
        "lifetime_years": (1, 100),
        "carbon_price_usd_per_t": (0, None),
        "compare_carbon_price_usd_per_t": (0, None),
        "inference_diurnal_amplitude": (0, 0.95),
    }
    gl: dict[str, float | None] = {}
    for key, (lo, hi) in bounds.items():
        if key not in g:
            raise r.fail("globals", f"missing {key!r}", f"add globals.{key}")
        gl[key] = r.param(g[key], f"globals.{key}", lo, hi)
    classes: list[dict[str, Any]] = []
    for i, c in enumerate(_items(doc, "classes", r)):
        where = f"classes[{i}]"
        if not isinstance(c, dict) or "id" not in c:
            raise r.fail(where, "needs an id", "add id")
        cid = str(c["id"])
        classes.append(
            {
                "id": cid,
                "name": _names(c.get("name"), cid, r, f"classes.{cid}.name"),
                "latency_limit_ms": r.param(
                    c.get("latency_limit_ms"), f"classes.{cid}.latency_limit_ms", 0, None, True
                ),
                "flexible": bool(c.get("flexible", False)),
                "data_tb_per_mwh": r.num(c.get("data_tb_per_mwh"), f"classes.{cid}.data_tb_per_mwh", 0),
                "unserved_usd_per_mwh": r.param(
                    c.get("unserved_usd_per_mwh"), f"classes.{cid}.unserved_usd_per_mwh", 0, None, True
                ),
                "demand_share": r.num(c.get("demand_share"), f"classes.{cid}.demand_share", 0, 1),
            }
        )
    if not classes:
        raise r.fail("classes", "no workload classes", "add at least one")
    share = sum(float(c["demand_share"]) for c in classes)
    if abs(share - 1) > 1e-6:
        raise r.fail("classes", f"demand shares sum to {share:g}, not 1", "make the demand_share values add up to 1")
    regions: list[dict[str, Any]] = []
    for i, reg in enumerate(_items(doc, "regions", r)):
        if not isinstance(reg, dict) or "id" not in reg:
            raise r.fail(f"regions[{i}]", "needs an id", "add id")
        rid = str(reg["id"])
        regions.append(
            {
                "id": rid,
                "name": _names(reg.get("name"), rid, r, f"regions.{rid}.name"),
                "lat": r.num(reg.get("lat"), f"regions.{rid}.lat", -90, 90),
                "lon": r.num(reg.get("lon"), f"regions.{rid}.lon", -180, 180),
                "demand_mw": r.num(reg.get("demand_mw"), f"regions.{rid}.demand_mw", 0),
            }
        )
    if not regions:
        raise r.fail("regions", "no demand regions", "add at least one")
    sites: list[Site] = []
    source_ids: list[str] = []
    for i, s in enumerate(_items(doc, "sites", r)):
        if not isinstance(s, dict) or "id" not in s:
            raise r.fail(f"sites[{i}]", "needs an id", "add id")
        sid = str(s["id"])
        w = f"sites.{sid}"
        ids: list[str] = []
        if s.get("eds_cluster"):
            row = _atlas_site(atlas, str(s["eds_cluster"]), r, w)
            lat, lon, pue = float(row["approx_lat"]), float(row["approx_lon"]), row["pue_target_max"]
            if pue is None or (isinstance(pue, float) and math.isnan(pue)):
                raise r.fail(w, "the atlas row has no PUE target", "give pue in the case")
            ids.append(str(row["source_id"]))
            for key, val in (("lat", lat), ("lon", lon), ("pue", float(pue))):
                r.params.append(Param(f"{w}.{key}", val, "deg" if key != "pue" else "ratio", "atlas", ids[0]))
            name = {"en": str(row["cluster_en"]), "zh": str(row["cluster_cn"] or row["cluster_en"])}
            name = {**name, **_names(s.get("name"), sid, r, f"{w}.name")} if s.get("name") else name
            side = str(row["hub_side"] or "")
            if row.get("is_assumption"):
                r.params.append(
                    Param(f"{w}.atlas_row", None, "", "atlas", f"{ids[0]} (low confidence row: treat as an assumption)")
                )
            pue = float(pue)
        else:
            lat = r.num(s.get("lat"), f"{w}.lat", -90, 90)
            lon = r.num(s.get("lon"), f"{w}.lon", -180, 180)
            pue = r.num(s.get("pue"), f"{w}.pue", 1.0, 3.0)
            name, side = _names(s.get("name"), sid, r, f"{w}.name"), str(s.get("side") or "")
        ef, ef_sid = _grid_factor(atlas, s.get("grid"), r, f"{w}.grid_ef")
        ids.append(ef_sid)
        solar_mw, solar_cf, wind_mw, wind_cf = r.renewable(s.get("renewable"), f"{w}.renewable")
        mm = r.num(s.get("build_max_modules"), f"{w}.build_max_modules", 0)
        if mm != int(mm):
            raise r.fail(f"{w}.build_max_modules", f"value {mm:g} is not a whole number", "give an integer")
        sites.append(
            Site(
                id=sid,
                name=name,
                side=side,
                lat=lat,
                lon=lon,
                pue=pue,
                ef_t_mwh=ef,
                capacity_mw=r.num(s.get("capacity_mw"), f"{w}.capacity_mw", 0),
                price=r.num(s.get("price_usd_per_mwh"), f"{w}.price_usd_per_mwh", 0),
                ppa=r.num(s.get("ppa_usd_per_mwh"), f"{w}.ppa_usd_per_mwh", 0),
                solar_mw=solar_mw,
                solar_cf=solar_cf,
                wind_mw=wind_mw,
                wind_cf=wind_cf,
                max_modules=int(mm),
                source_ids=ids,
            )
        )
        source_ids.extend(i for i in ids if i not in source_ids)
    if not sites:
        raise r.fail("sites", "no sites", "add at least one")
    for i, ref in enumerate(doc.get("atlas_facts") or []):
        where = f"atlas_facts[{i}]"
        if not isinstance(ref, dict) or ref.get("table") != "korea_datacenter_facts" or not ref.get("metric"):
            raise r.fail(where, "needs table: korea_datacenter_facts and a metric", "see the korea case")
        if atlas is None or not atlas.has("korea_datacenter_facts"):
            raise r.fail(where, "needs the atlas table korea_datacenter_facts", "build the atlas (strata atlas build)")
        hits = atlas.rows(
            "SELECT value, unit, as_of, source_id FROM korea_datacenter_facts WHERE metric = ? ORDER BY as_of DESC",
            [ref["metric"]],
        )
        if not hits:
            names = [x["metric"] for x in atlas.rows("SELECT DISTINCT metric FROM korea_datacenter_facts")]
            raise unknown("Korean data-centre fact", str(ref["metric"]), names)
        h = hits[0]
        r.params.append(
            Param(
                f"atlas.{ref['metric']} ({h['as_of']})", float(h["value"]), str(h["unit"]), "atlas", str(h["source_id"])
            )
        )
        if h["source_id"] not in source_ids:
            source_ids.append(str(h["source_id"]))
    for kind, items in (("class", classes), ("region", regions), ("site", [{"id": s.id} for s in sites])):
        seen = [str(x["id"]) for x in items]
        dup = {x for x in seen if seen.count(x) > 1}
        if dup:
            raise r.fail(f"{kind} ids", f"duplicate {sorted(dup)}", "give each one a unique id")
    return Case(
        id=str(doc["id"]),
        name=_names(doc.get("name"), str(doc["id"]), r, "name"),
        path=path,
        default_build=bool(doc.get("default_build", False)),
        exclude_side=doc.get("exclude_side_in_compare"),
        globals=gl,
        classes=classes,
        regions=regions,
        sites=sites,
        params=r.params,
        source_ids=source_ids,
    )


def crf(rate: float, years: float) -> float:
    """Capital recovery factor: the annual payment per unit of capital (annuity)."""
    if rate == 0:
        return 1.0 / years
    return rate * (1 + rate) ** years / ((1 + rate) ** years - 1)


def instance(
    case: Case,
    hours: int = 24,
    carbon_price: float | None = None,
    exclude_sites: tuple[str, ...] = (),
    strict: bool = False,
) -> Instance:
    """The numeric instance of a case for ``hours`` periods (validated arguments)."""
    import numpy as np

    from computestrata.network import geo, profiles
    from computestrata.network.model import Instance

    if not isinstance(hours, int) or hours < 1 or hours > MAX_HOURS or (hours > 24 and hours % 24):
        raise InputError(
            f"--hours {hours} is not usable",
            hint="give 1-24 (one representative day) or a multiple of 24 up to 8760 (days spread over the year)",
        )
    if carbon_price is not None and (not math.isfinite(carbon_price) or carbon_price < 0):
        raise InputError(f"--carbon-price {carbon_price} must be a number >= 0", hint="USD per tonne CO2, e.g. 60")
    bad = [s for s in exclude_sites if s not in {x.id for x in case.sites}]
    if bad:
        raise unknown("site", bad[0], [s.id for s in case.sites])
    sites = [s for s in case.sites if s.id not in exclude_sites]
    if not sites:
        raise InputError("every site is excluded", hint="keep at least one site")
    g = case.globals
    days, hod, weight = profiles.sample_periods(hours)
    D, H = max(len(days), 1), len(hod)
    K = len(case.classes)
    lat_ms = np.array(
        [
            [
                geo.one_way_latency_ms(
                    geo.great_circle_km(r["lat"], r["lon"], s.lat, s.lon),
                    float(g["fibre_route_factor"] or 1),
                    float(g["fibre_km_per_ms"] or 1),
                    float(g["latency_overhead_ms"] or 0),
                )
                for s in sites
            ]
            for r in case.regions
        ]
    )
    route_km = np.array(
        [
            [
                geo.route_km(geo.great_circle_km(r["lat"], r["lon"], s.lat, s.lon), float(g["fibre_route_factor"] or 1))
                for s in sites
            ]
            for r in case.regions
        ]
    )
    bw = float(g["bandwidth_usd_per_tb_1000km"] or 0)
    vol = np.array([c["data_tb_per_mwh"] for c in case.classes])
    net = route_km[:, :, None] / 1000.0 * bw * vol[None, None, :]
    infer = profiles.pick(profiles.full_year_inference(float(g["inference_diurnal_amplitude"] or 0)), days, hod)
    demand = np.zeros((len(case.regions), K, D, H))
    for i, r in enumerate(case.regions):
        for k, c in enumerate(case.classes):
            shape = infer if c["id"] == "inference" else np.ones((D, H))
            demand[i, k] = r["demand_mw"] * c["demand_share"] * shape
    ren = np.stack(
        [
            s.solar_mw * profiles.pick(profiles.full_year_solar(s.solar_cf), days, hod)
            + s.wind_mw * profiles.pick(profiles.full_year_wind(s.wind_cf), days, hod)
            for s in sites
        ]
    )
    lim = np.array([np.nan if c["latency_limit_ms"] is None else c["latency_limit_ms"] for c in case.classes])
    pen = np.array(
        [np.nan if (strict or c["unserved_usd_per_mwh"] is None) else c["unserved_usd_per_mwh"] for c in case.classes]
    )
    capex = float(g["build_capex_usd_per_mw"] or 0) * crf(
        float(g["discount_rate"] or 0), float(g["lifetime_years"] or 1)
    )
    return Instance(
        regions=tuple(r["id"] for r in case.regions),
        sites=tuple(s.id for s in sites),
        classes=tuple(c["id"] for c in case.classes),
        weight_h=weight,
        demand_mw=demand,
        flexible=tuple(bool(c["flexible"]) for c in case.classes),
        latency_ms=lat_ms,
        latency_limit_ms=lim,
        net_cost_usd_mwh=net,
        capacity_mw=np.array([s.capacity_mw for s in sites]),
        pue=np.array([s.pue for s in sites]),
        price_usd_mwh=np.array([s.price for s in sites]),
        ef_t_mwh=np.array([s.ef_t_mwh for s in sites]),
        ppa_usd_mwh=np.array([s.ppa for s in sites]),
        renewable_mw=ren,
        grid_limit_mw=np.full(len(sites), np.inf),
        unserved_usd_mwh=pen,
        carbon_price=float(g["carbon_price_usd_per_t"] or 0) if carbon_price is None else float(carbon_price),
        build_module_mw=float(g["build_module_mw"] or 0),
        build_cost_usd_mw_yr=np.full(len(sites), capex),
        build_max_modules=np.array([s.max_modules for s in sites]),
        labels={"route_km": route_km},
    )
