"""Segments of the layered compute stack, as versioned data (``segments.yaml``), validated on load.

The paper (section I) names five layers, bottom to top: hardware, infrastructure, platform,
core capability and application.  Each segment sits in one layer and carries its security
sensitivity (with the reason and the source), the export-control references that reach it
and the CSET Chip Explorer inputs it aggregates.  Other modules (controls, cooperation,
scenarios) rely on the segment ids, so they are stable and checked here.

The vocabulary lives in the leaf package ``vocab`` so that controls and cooperation can use it
without importing the stack; the data file stays with the stack (``stack/segments.yaml``) and
``computestrata.stack.segments`` re-exports this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from computestrata.errors import InputError, unknown

SCHEMA_VERSION = 1


class Layer(StrEnum):
    """The paper's five layers, bottom to top (a ``str``: JSON and catalogue keys stay ``L1``…)."""

    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"


class Tier(StrEnum):
    """Security sensitivity tier of a segment."""

    FRONTIER = "frontier"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Confidence(StrEnum):
    """How sure the stack is that an ECCN reaches a segment."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ShareBasis(StrEnum):
    """Where a segment's country shares come from (``none``: no share data)."""

    CSET = "cset"
    CURATED = "curated"
    TOP500 = "top500"
    GPU_CLUSTERS = "gpu_clusters"
    AI_MODELS = "ai_models"
    PAPER_DC_CAPACITY = "paper_dc_capacity"
    CLOUD = "cloud"
    DERIVED = "derived"
    NONE = "none"


LAYERS: tuple[str, ...] = tuple(x.value for x in Layer)
LAYER_NAMES: dict[str, dict[str, str]] = {
    "L1": {"en": "hardware", "ko": "하드웨어", "zh": "硬件"},
    "L2": {"en": "infrastructure", "ko": "기초시설", "zh": "基础设施"},
    "L3": {"en": "platform", "ko": "플랫폼", "zh": "平台"},
    "L4": {"en": "core capability", "ko": "핵심능력", "zh": "核心能力"},
    "L5": {"en": "application", "ko": "응용", "zh": "应用"},
}
TIERS: tuple[str, ...] = tuple(x.value for x in Tier)
CONFIDENCE: tuple[str, ...] = tuple(x.value for x in Confidence)
SHARE_BASES: tuple[str, ...] = tuple(x.value for x in ShareBasis)
# Ids other parts of the system rely on; the data file must keep them.
REQUIRED_IDS: tuple[str, ...] = (
    "eda",
    "chip_design_logic",
    "ai_accelerators",
    "cpus",
    "hbm",
    "dram",
    "nand",
    "advanced_logic_fab",
    "mature_logic_fab",
    "memory_fab",
    "euv_lithography",
    "fab_equipment_other",
    "packaging_advanced",
    "servers",
    "ai_system_software",
    "ai_servers",
    "networking_interconnect",
    "data_centers",
    "power_supply",
    "cooling",
    "cloud_platforms",
    "compute_scheduling",
    "frontier_training",
    "foundation_models",
    "training_data",
    "inference_services",
    "app_smart_manufacturing",
    "app_logistics",
    "app_medical",
    "app_smart_city",
    "app_cross_border_ecommerce",
    "app_energy",
    "ai_governance_standards",
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ECCN = re.compile(r"^[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*$")
_CSET = re.compile(r"^[NS][0-9]+$")


@dataclass(frozen=True)
class Sensitivity:
    """Security sensitivity of a segment, with why and according to whom."""

    tier: Tier
    reason: str
    source: str


@dataclass(frozen=True)
class EccnRef:
    """An export-control classification reaching a segment (joined with the controls engine)."""

    id: str
    confidence: Confidence = Confidence.HIGH


@dataclass(frozen=True)
class Segment:
    """One segment of the compute stack."""

    id: str
    layer: Layer
    name: Mapping[str, str]
    description: str
    sensitivity: Sensitivity
    eccn: tuple[EccnRef, ...] = ()
    control_refs: tuple[str, ...] = ()
    cset_inputs: tuple[str, ...] = ()
    share_basis: ShareBasis = ShareBasis.NONE
    #: share_basis "derived": the segment whose shares stand in for this one (counted once, there)
    derived_from: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def label(self, lang: str = "en") -> str:
        """The segment's name in ``lang`` (English if missing)."""
        return self.name.get(lang) or self.name["en"]

    def record(self) -> dict[str, Any]:
        """Plain dict for JSON output and tables."""
        return {
            "id": self.id,
            "layer": str(self.layer),
            "name_en": self.name["en"],
            "name_ko": self.name["ko"],
            "name_zh": self.name["zh"],
            "description": self.description,
            "sensitivity": str(self.sensitivity.tier),
            "sensitivity_reason": self.sensitivity.reason,
            "sensitivity_source": self.sensitivity.source,
            "eccn": [e.id for e in self.eccn],
            "eccn_confidence": {e.id: str(e.confidence) for e in self.eccn},
            "control_refs": list(self.control_refs),
            "cset_inputs": list(self.cset_inputs),
            "share_basis": str(self.share_basis),
            "derived_from": self.derived_from,
        }


def default_path() -> Path:
    """The shipped segments file, kept beside the stack it describes."""
    return Path(str(resources.files("computestrata.stack") / "segments.yaml"))


def _fail(where: str, problem: str, fix: str) -> InputError:
    return InputError(f"segment data {where}: {problem}", hint=fix)


_OPEN_CLOSE = {"(": ")", "[": "]", "{": "}", "（": "）", "【": "】"}
QUOTE_FIX = 'quote the text: an unquoted comma inside {...} ends a YAML flow value (write en: "A (B, C)")'


def unbalanced(text: str) -> bool:
    """True when ``text``'s brackets do not pair up — the mark of a value a YAML flow mapping cut
    at an unquoted comma (``{en: A (B, C)}`` gives ``A (B``).

    >>> unbalanced("AI accelerators (GPUs"), unbalanced("AI accelerators (GPUs, AI ASICs)")
    (True, False)
    """
    closers = set(_OPEN_CLOSE.values())
    stack: list[str] = []
    for ch in text:
        if ch in _OPEN_CLOSE:
            stack.append(_OPEN_CLOSE[ch])
        elif ch in closers and (not stack or stack.pop() != ch):
            return True
    return bool(stack)


def _check_texts(at: str, fields: Mapping[str, Any]) -> None:
    """Every text field must have balanced brackets (see :func:`unbalanced`)."""
    for name, value in fields.items():
        if isinstance(value, str) and unbalanced(value):
            raise _fail(at, f"{name} {value!r} has unbalanced brackets", QUOTE_FIX)


def parse_segments(data: Any, where: str = "segments.yaml") -> tuple[Segment, ...]:
    """Validate the loaded YAML and return typed segments; any problem names the entry."""
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise _fail(where, "top level must be a mapping with a 'segments' list", "see stack/segments.yaml")
    if data.get("version", 1) != SCHEMA_VERSION:
        raise _fail(
            where, f"version {data.get('version')!r} is not supported", f"this release reads version {SCHEMA_VERSION}"
        )
    from computestrata.vocab.schemas import check_entry

    out: list[Segment] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["segments"]):
        at = f"{where}, entry {i + 1}"
        if not isinstance(raw, dict):
            raise _fail(at, "entry is not a mapping", "write id:, layer:, name:, ... keys")
        sid = str(raw.get("id", ""))
        at = f"{where}, segment {sid or '#' + str(i + 1)!r}"
        check_entry(raw, at)  # key names and value types; the meaning is checked below
        if not _ID.match(sid):
            raise _fail(at, f"bad id {sid!r}", "ids are lower_snake_case")
        if sid in seen:
            raise _fail(at, "id defined twice", "give each segment one entry")
        seen.add(sid)
        layer = str(raw.get("layer", ""))
        if layer not in LAYERS:
            raise _fail(at, f"unknown layer {layer!r}", f"use one of {', '.join(LAYERS)}")
        name = raw.get("name")
        if not isinstance(name, dict) or any(not name.get(lang) for lang in ("en", "ko", "zh")):
            raise _fail(at, "name needs en, ko and zh", "write name: {en: ..., ko: ..., zh: ...}")
        extra_keys = sorted(str(k) for k in name if k not in ("en", "ko", "zh"))
        if extra_keys:  # `{en: A (B, C)}` also leaves a stray key 'C)'
            raise _fail(at, f"name has unexpected keys {extra_keys}", QUOTE_FIX)
        _check_texts(at, {f"name.{k}": v for k, v in name.items()})
        sens = raw.get("sensitivity")
        if (
            not isinstance(sens, dict)
            or sens.get("tier") not in TIERS
            or not sens.get("reason")
            or not sens.get("source")
        ):
            raise _fail(
                at,
                "sensitivity needs tier, reason and source",
                f"tier is one of {', '.join(TIERS)}; cite the paper section, CSET or the rule",
            )
        _check_texts(
            at,
            {
                "description": raw.get("description"),
                "sensitivity.reason": sens["reason"],
                "sensitivity.source": sens["source"],
                **{f"control_refs[{j}]": c for j, c in enumerate(raw.get("control_refs") or [])},
            },
        )
        eccn = []
        for e in raw.get("eccn") or []:
            eid = str(e.get("id", "")) if isinstance(e, dict) else str(e)
            conf = str(e.get("confidence", "high")) if isinstance(e, dict) else "high"
            if not _ECCN.match(eid) or conf not in CONFIDENCE:
                raise _fail(at, f"bad eccn entry {e!r}", "write {id: 3A090.a, confidence: high|medium|low}")
            eccn.append(EccnRef(eid, Confidence(conf)))
        cset = [str(c) for c in raw.get("cset_inputs") or []]
        bad = [c for c in cset if not _CSET.match(c)]
        if bad:
            raise _fail(at, f"bad CSET input ids {bad}", "CSET ids look like N20 (inputs) or S2 (stages)")
        basis = str(raw.get("share_basis", "none"))
        if basis not in SHARE_BASES:
            raise _fail(at, f"unknown share_basis {basis!r}", f"use one of {', '.join(SHARE_BASES)}")
        if basis == "cset" and not cset:
            raise _fail(at, "share_basis cset without cset_inputs", "list the CSET inputs it aggregates")
        derived = raw.get("derived_from")
        if (basis == "derived") != bool(derived):
            raise _fail(at, "share_basis derived needs derived_from (and only it)", "derived_from: SEGMENT_ID")
        out.append(
            Segment(
                id=sid,
                layer=Layer(layer),
                name={k: str(v) for k, v in name.items()},
                description=str(raw.get("description", "")),
                sensitivity=Sensitivity(Tier(sens["tier"]), str(sens["reason"]), str(sens["source"])),
                eccn=tuple(eccn),
                control_refs=tuple(str(c) for c in raw.get("control_refs") or []),
                cset_inputs=tuple(cset),
                share_basis=ShareBasis(basis),
                derived_from=str(derived) if derived else None,
            )
        )
    ids = {s.id: s for s in out}
    for s in out:
        if s.derived_from is not None and (
            s.derived_from not in ids or ids[s.derived_from].share_basis in ("derived", "none")
        ):
            raise _fail(
                f"segment {s.id}",
                f"derived_from {s.derived_from!r} is not a segment with its own shares",
                "name a segment whose share_basis is a data source",
            )
    return tuple(out)


def load_segments(path: str | Path | None = None, require: bool = True) -> tuple[Segment, ...]:
    """Read and validate a segments file (default: the shipped ``segments.yaml``)."""
    import yaml

    p = Path(path) if path else default_path()
    # the shipped file through libyaml's loader when present (same data, checked by a test, in
    # a tenth of the time: every command that names a segment reads it); a user's file through
    # the pure-Python one, whose error messages point at the line
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if path is None else yaml.SafeLoader
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(str(p), f"cannot be read: {exc}", "fix the YAML syntax") from exc
    segs = parse_segments(data, p.name)
    if require:
        missing = sorted(set(REQUIRED_IDS) - {s.id for s in segs})
        if missing:
            raise _fail(
                p.name, f"required segment ids missing: {missing}", "other modules rely on these ids; keep them"
            )
    return segs


@cache
def segments() -> tuple[Segment, ...]:
    """The shipped segments, in file order (bottom layer first)."""
    return load_segments()


def segment_ids() -> list[str]:
    return [s.id for s in segments()]


def segment(sid: str) -> Segment:
    """One segment by id; an unknown id lists the closest valid ones."""
    for s in segments():
        if s.id == sid:
            return s
    raise unknown("segment", sid, segment_ids())


def check_ids(ids: list[str]) -> list[str]:
    """Validate a list of segment ids (first unknown one raises, closest match first)."""
    for sid in ids:
        segment(sid)
    return ids


def check_layer(layer: str) -> str:
    """Normalise a layer argument ('L2', 'l2', '2', 'infrastructure')."""
    text = layer.strip()
    for code, names in LAYER_NAMES.items():
        if text.upper() == code or text == code[1:] or text.lower() in {n.lower() for n in names.values()}:
            return code
    raise unknown("layer", layer, [*LAYERS, *(n["en"] for n in LAYER_NAMES.values())])


def by_layer(layer: str | None = None) -> list[Segment]:
    """Segments of one layer (all when ``layer`` is None), bottom layer first."""
    segs = list(segments())
    if layer is None:
        return sorted(segs, key=lambda s: LAYERS.index(s.layer))
    code = check_layer(layer)
    return [s for s in segs if s.layer == code]
