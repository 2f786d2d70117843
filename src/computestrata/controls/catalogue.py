"""The chip catalogue: worked reference chips (shipped) plus the Epoch ML hardware table (atlas).

Name precedence (documented in ``strata controls classify --help``):

1. an exact name or alias of a **reference chip** (``controls/reference_chips.csv``, transcribed
   from the project's export-control reference notes: it carries the datacenter flag and the
   aggregate I/O that Epoch lacks); names compare case-, punctuation- and space-blind, so
   "RTX 4090D" = "RTX 4090 D";
2. an exact name of an **Epoch chip** (atlas table ``chips``).  Every name the catalogue lists
   matches itself.  When that Epoch record describes the same chip as a reference record (its
   *twin*: same name or an alias), the **reference record wins**, with a note naming the Epoch
   record — one chip, one verdict, whatever name is typed;
3. a unique chip whose name contains every word of the query, a word also matching a model
   number with one more letter ("MI308" → "MI308X"; the completion is noted).  Twins count as
   one chip.  Several chips → an ambiguity error **listing the candidates** (never a silent pick);
4. a unique close fuzzy match (rapidfuzz WRatio >= 92, 5 points clear of the next).

Otherwise an :func:`~computestrata.errors.unknown` error lists the closest names.

Inputs a reference record lacks (die area, DRAM bandwidth) are filled from its Epoch twin and
flagged in the notes and in ``CatalogueEntry.filled`` with the source id and a confidence.

Mapping Epoch → spec (assumptions, stated in each verdict's notes):

- Throughput: Epoch reports dense figures where it knows both (its Notes say "without
  sparsity" or that it halved sparse numbers); we take them as dense.  ``fp16_tflops`` is the
  larger of Epoch's FP16 and Tensor-FP16/BF16 columns.  If no per-precision figure exists but
  Epoch gives its own TPP column, that value is used and said so.
- Aggregate I/O (2022 test) = Epoch's intranode bandwidth only (NVLink / Infinity Fabric /
  HCCS scale-up fabric, bytes/s → GB/s).  Host PCIe and network links are not counted, so the
  figure can understate the rule's "aggregate bidirectional" rate; missing stays missing.
- Datacenter flag (Note 2): ``False`` for names with GeForce, TITAN, Quadro or Radeon RX;
  ``True`` for accelerator lines sold to datacenters (Tesla, Instinct, A100/A800/H100/H800/
  H200/H20/GH200/B100/B200/B300/GB200/GB300, L2/L4/L20/L40, Gaudi, Ascend, Trainium,
  Inferentia, TPU, "Data Center GPU", V100/P100/P40/P4/M40/K80, A2/A10/A16/A30/A40/T4, Rubin,
  Maia, MTIA, Cambricon MLU, Kunlun, MetaX, Tianshu/Iluvatar, Moore Threads S3000/S4000) and for
  Epoch types TPU, NPU,
  XPU, XPU-R, LPU, ASIC, GPGPU, DCU; ``None`` (unknown) otherwise — e.g. the RTX 6000 Ada,
  which Epoch notes NVIDIA does not market for datacenters but documents as one.
- DRAM bandwidth = Epoch memory bandwidth (bytes/s → GB/s).
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from computestrata.controls.items import ChipSpec
from computestrata.errors import InputError, unknown

if TYPE_CHECKING:
    import pandas as pd

    from computestrata.atlas.store import Atlas

REFERENCE_SOURCE = (
    "computestrata reference notes: export-controls-chips.csv and export-controls-RULES.md §7 "
    "(datasheets and secondary sources named per chip)"
)

_CONSUMER = re.compile(r"geforce|\btitan\b|quadro|radeon rx", re.I)
_DATACENTER = re.compile(
    r"tesla|instinct|\b(a100|a800|h100|h800|h200|h20|gh200|gh100|b100|b200|b300|gb200|gb300|"
    r"l2|l4|l20|l40s?|v100|p100|p40|p4|m40|k80|a2|a10|a16|a30|a40|t4|rubin|s3000|s4000)\b|"
    r"gaudi|ascend|trainium|inferentia|\btpu\b|data center gpu|mi\d{3}|maia|mtia|\bmlu\d|kunlun|metax|"
    r"tianshu|iluvatar",
    re.I,
)
_DC_TYPES = {"tpu", "npu", "xpu", "xpu-r", "lpu", "asic", "gpgpu", "dcu (gpgpu)"}

#: Epoch column → (spec key, divisor to TOPS/TFLOPS)
_EPOCH_FIGURES: dict[str, str] = {
    "int4_ops": "int4_tops",
    "int8_ops": "int8_tops",
    "int16_ops": "int16_tops",
    "fp4_flops": "fp4_tflops",
    "fp8_flops": "fp8_tflops",
    "tf32_flops": "tf32_tflops",
    "fp32_flops": "fp32_tflops",
    "fp64_flops": "fp64_tflops",
}


@dataclass(frozen=True)
class CatalogueEntry:
    """One chip the CLI can classify by name."""

    chip_id: str
    name: str
    vendor: str | None
    origin: str  # "reference" or "epoch"
    spec: ChipSpec
    aliases: tuple[str, ...] = ()
    source_id: str | None = None
    release_date: str | None = None
    citation: str | None = None  # reference chips: the datasheets/filings the figures come from
    #: inputs filled from another record: {"input", "value", "from", "source_id", "confidence"}
    filled: tuple[dict[str, Any], ...] = ()


def normalise(name: str) -> str:
    """Lower-case words joined by single spaces (for exact and containment matching)."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


def compact(name: str) -> str:
    """:func:`normalise` without spaces: "RTX 4090D" and "RTX 4090 D" are the same name."""
    return normalise(name).replace(" ", "")


def _word_hit(word: str, have: set[str]) -> bool:
    """A query word matches a name word exactly or with one more letter (MI308 → MI308X)."""
    return word in have or (any(ch.isdigit() for ch in word) and any(h[:-1] == word and h[-1].isalpha() for h in have))


def slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def datacenter_flag(name: str, chip_type: str | None = None) -> bool | None:
    """The documented name/type heuristic for Note 2 (see module docstring)."""
    if _CONSUMER.search(name):
        return False
    ctype = chip_type.strip().lower() if isinstance(chip_type, str) else ""
    if _DATACENTER.search(name) or ctype in _DC_TYPES:
        return True
    return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


@cache
def reference_entries() -> tuple[CatalogueEntry, ...]:
    """The worked chips shipped with the package (``reference_chips.csv``)."""
    text = (resources.files("computestrata.controls") / "reference_chips.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    out = []
    from computestrata.controls.tpp import BIT_LENGTHS

    for i, r in enumerate(csv.DictReader(lines)):
        figures = {k: v for k in BIT_LENGTHS if k in r and (v := _num(r[k])) is not None}
        dc = {"true": True, "false": False}.get(r["datacenter"].strip().lower())
        if dc is None:
            raise InputError(
                f"reference_chips.csv row {i + 2}: datacenter must be true/false", hint="fix the package data file"
            )
        notes = (f"reference chip ({r['confidence']} confidence): {r['note']}".rstrip(": "),)
        spec = ChipSpec(
            figures=figures,
            die_area_mm2=_num(r["die_area_mm2"]),
            io_bandwidth_gbps=_num(r["io_bandwidth_gbps"]),
            datacenter=dc,
            dram_bandwidth_gbps=_num(r["dram_bandwidth_gbps"]),
            name=r["name"],
            vendor=r["vendor"],
            source=f"{r['source']}; {REFERENCE_SOURCE}",
            notes=notes,
        )
        aliases = tuple(a.strip() for a in r["aliases"].split("|") if a.strip())
        out.append(
            CatalogueEntry(
                chip_id="ref:" + slug(r["name"]),
                name=r["name"],
                vendor=r["vendor"],
                origin="reference",
                spec=spec,
                aliases=aliases,
                citation=r["source"].strip() or None,
            )
        )
    return tuple(out)


def epoch_entries(frame: pd.DataFrame) -> list[CatalogueEntry]:
    """Catalogue entries from an atlas ``chips`` frame (schema in the module docstring)."""
    out = []
    for rec in frame.to_dict("records"):
        name = str(rec.get("name") or "").strip()
        if not name:
            continue
        figures: dict[str, float] = {}
        for col, key in _EPOCH_FIGURES.items():
            v = _num(rec.get(col))
            if v is not None and v > 0:
                figures[key] = v / 1e12
        fp16 = [v for c in ("fp16_flops", "tensor_fp16_flops") if (v := _num(rec.get(c))) is not None and v > 0]
        if fp16:
            figures["fp16_tflops"] = max(fp16) / 1e12
        notes = ["Epoch ML hardware table: figures taken as dense (Epoch states dense where it knows)"]
        reported = _num(rec.get("epoch_tpp"))
        if not figures and reported:
            # Epoch's own TPP (bit-OP/s) as an int8-equivalent figure, so TPP = reported / 1e12
            figures["int8_tops"] = reported / 1e12 / 8
            notes.append(f"no per-precision figure: TPP taken from Epoch's TPP column ({reported / 1e12:,.0f})")
        elif reported and figures:
            ours = max(v * _bits()[k] for k, v in figures.items())
            if abs(ours - reported / 1e12) > 0.01 * max(ours, 1.0):
                notes.append(f"Epoch's own TPP column says {reported / 1e12:,.0f}; ours {ours:,.0f}")
        intra = _num(rec.get("intranode_bandwidth_bytes_s"))
        if intra is not None:
            notes.append("aggregate I/O approximated by Epoch intranode bandwidth (host PCIe/network not counted)")
        caveat = UNVERIFIED_CHINA_MARKET.get(normalise(name))
        if caveat:
            notes.append(caveat)
        dc = datacenter_flag(name, _text(rec.get("type")))
        notes.append(
            "datacenter flag "
            + ("unknown (no name/type rule)" if dc is None else f"{str(dc).lower()} by name/type heuristic")
        )
        spec = ChipSpec(
            figures=figures,
            die_area_mm2=_num(rec.get("die_area_mm2")) or None,
            io_bandwidth_gbps=None if intra is None else intra / 1e9,
            datacenter=dc,
            dram_bandwidth_gbps=(mb / 1e9) if (mb := _num(rec.get("memory_bandwidth_bytes_s"))) else None,
            name=name,
            vendor=_text(rec.get("manufacturer")),
            source=f"Epoch AI, Machine Learning Hardware (CC-BY-4.0), source_id {rec.get('source_id')}",
            notes=tuple(notes),
        )
        rd = rec.get("release_date")
        out.append(
            CatalogueEntry(
                chip_id=_text(rec.get("chip_id")) or slug(name),
                name=name,
                vendor=_text(rec.get("manufacturer")),
                origin="epoch",
                spec=spec,
                source_id=_text(rec.get("source_id")),
                release_date=None if rd is None or rd != rd else str(rd)[:10],
            )
        )
    return out


def _bits() -> Mapping[str, int]:
    from computestrata.controls.tpp import BIT_LENGTHS

    return BIT_LENGTHS


@dataclass
class Catalogue:
    """Reference chips plus Epoch chips, with the name lookup described above."""

    entries: list[CatalogueEntry]
    notes: list[str] = field(default_factory=list)
    #: Epoch chip id → the reference record of the same chip (which wins)
    twins: dict[str, CatalogueEntry] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def _canonical(self, e: CatalogueEntry, note: str | None = None) -> CatalogueEntry:
        """The record used for ``e``: its reference twin when it has one; ``note`` added."""
        notes: list[str] = []
        if e.origin == "epoch" and e.chip_id in self.twins:
            notes.append(f"Epoch record {e.name!r} describes the same chip as reference record; the reference wins")
            e = self.twins[e.chip_id]
        if note:
            notes.append(note)
        if not notes:
            return e
        return dataclasses.replace(e, spec=dataclasses.replace(e.spec, notes=(*e.spec.notes, *notes)))

    def lookup(self, query: str) -> CatalogueEntry:
        """The chip ``query`` names (see precedence in the module docstring)."""
        q = normalise(query)
        if not q:
            raise InputError("--chip is empty", hint='give a chip name, e.g. --chip "H100"')
        qc = q.replace(" ", "")
        for origin in ("reference", "epoch"):
            for e in self.entries:
                if e.origin == origin and qc in {compact(n) for n in (e.name, *e.aliases)}:
                    return self._canonical(e)
        words = q.split()
        hits: dict[str, CatalogueEntry] = {}
        completed = False
        for e in self.entries:
            for n in (e.name, *e.aliases):
                have = set(normalise(n).split())
                if all(_word_hit(w, have) for w in words):
                    chip = self.twins.get(e.chip_id, e) if e.origin == "epoch" else e
                    hits.setdefault(chip.chip_id, chip)
                    completed = completed or not all(w in have for w in words)
                    break
        if len(hits) == 1:
            (only,) = hits.values()
            note = f"{query!r} completed to {only.name!r} (model number with one more letter)" if completed else None
            return self._canonical(only, note)
        if len(hits) > 1:
            names = sorted(h.name for h in hits.values())
            raise InputError.keyed(
                "errors.chip_ambiguous",
                "errors.chip_candidates",
                query=repr(query),
                n=len(names),
                names="; ".join(names[:12]) + (" …" if len(names) > 12 else ""),
            )
        from rapidfuzz import fuzz, process, utils

        pool = {e.name: e for e in self.entries if e.origin == "epoch"}
        pool.update({e.name: e for e in self.entries if e.origin == "reference"})  # same name: reference wins
        best = process.extract(query, list(pool), scorer=fuzz.WRatio, processor=utils.default_process, limit=2)
        if best and best[0][1] >= 92 and (len(best) < 2 or best[0][1] - best[1][1] >= 5):
            return self._canonical(pool[best[0][0]])
        raise unknown("chip", query, pool)


def from_frame(frame: pd.DataFrame | None, reference: bool = True) -> Catalogue:
    """Reference chips (unless ``reference`` is false) plus the Epoch chips in ``frame``
    (``None`` → reference chips only)."""
    entries = list(reference_entries()) if reference else []
    twins: dict[str, CatalogueEntry] = {}
    if frame is not None:
        epoch = epoch_entries(frame)
        filled = [_fill(e, epoch) for e in entries]
        for ref in filled:
            for tw in _twins(ref, epoch):
                twins[tw.chip_id] = ref
        entries = filled + epoch
    return Catalogue(entries=entries, twins=twins)


_FILLABLE = ("die_area_mm2", "dram_bandwidth_gbps")

#: China-market parts with no published datasheet and so no reference record: their Epoch record
#: is used, with this caveat in the notes (a reference record needs cited public specs; none exist)
UNVERIFIED_CHINA_MARKET = {
    "amd radeon instinct mi308x": (
        "China-market part with no AMD datasheet: Epoch's record (die area as the MI300X's, memory "
        "bandwidth above it) is unverified; secondary figures disagree (export-controls-RULES.md §6 "
        "and its survey of public repositories), so no reference record is shipped and this verdict "
        "is low confidence"
    ),
}


#: how much a figure taken from another record of the same chip is trusted
FILL_CONFIDENCE = "medium"


def _twins(ref: CatalogueEntry, epoch: list[CatalogueEntry]) -> list[CatalogueEntry]:
    """Epoch records of the same chip as ``ref``: their name equals its name or an alias
    (compared with :func:`compact`, so "80 GB" = "80GB")."""
    names = {compact(n) for n in (ref.name, *ref.aliases)}
    return [e for e in epoch if compact(e.name) in names]


def _fill(ref: CatalogueEntry, epoch: list[CatalogueEntry]) -> CatalogueEntry:
    """A reference chip with gaps (die area, DRAM bandwidth) filled from its Epoch twin.

    Every filled input is flagged: a note and ``filled`` name the record, its source id and a
    confidence (:data:`FILL_CONFIDENCE`: another source's figure for the same chip, not the
    reference notes).  With a twin and nothing to fill, the twin is still named (and cited)."""
    twins = _twins(ref, epoch)
    if not twins:
        return ref
    twin = twins[0]
    fills = {
        k: getattr(twin.spec, k)
        for k in _FILLABLE
        if getattr(ref.spec, k) is None and getattr(twin.spec, k) is not None
    }
    if not fills:
        note = (
            f"Epoch record {twin.name!r} (source_id {twin.source_id}) describes the same chip; reference figures used"
        )
        return dataclasses.replace(
            ref, spec=dataclasses.replace(ref.spec, notes=(*ref.spec.notes, note)), source_id=twin.source_id
        )
    flags = tuple(
        {"input": k, "value": v, "from": twin.name, "source_id": twin.source_id, "confidence": FILL_CONFIDENCE}
        for k, v in fills.items()
    )
    note = "filled from Epoch chip {!r} (source_id {}, confidence {}): {}".format(
        twin.name, twin.source_id, FILL_CONFIDENCE, ", ".join(f"{k}={v:g}" for k, v in fills.items())
    )
    spec = dataclasses.replace(ref.spec, notes=(*ref.spec.notes, note), **fills)
    return dataclasses.replace(ref, spec=spec, source_id=twin.source_id, filled=flags)


def from_atlas(atlas: Atlas | None) -> Catalogue:
    """The catalogue for an opened atlas; reference chips only when it has no ``chips`` table.

    The atlas' licence exclusions apply: its ``chips`` view already hides excluded Epoch rows,
    and the reference chips are left out when their licence (compiled facts) is excluded."""
    from computestrata.controls.sources import REFERENCE_CHIPS_LICENSE
    from computestrata.i18n import t

    reference = atlas is None or REFERENCE_CHIPS_LICENSE not in atlas.exclude_licenses
    notes = [] if reference else [t("controls.note.reference_excluded", spdx=REFERENCE_CHIPS_LICENSE)]
    if atlas is None or not atlas.has("chips"):
        cat = from_frame(None, reference=reference)
        cat.notes += [*notes, t("controls.note.no_chips_table")]
        return cat
    cat = from_frame(atlas.table("chips"), reference=reference)
    cat.notes += notes
    return cat


def specs(entries: Iterable[CatalogueEntry]) -> list[ChipSpec]:
    return [e.spec for e in entries]
