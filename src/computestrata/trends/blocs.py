"""Political blocs as dated data: who is in which bloc in a given year.

A bloc file (YAML, see ``trends/data/blocs.yaml``) holds several *definitions* (the default
and its robustness variants), each dated (``as_of``) and with its rationale and sources, and
destination *groups* (China+HK, USA, ASEAN) used for export shares.  Economies in no bloc
are the "rest", which is never a bloc.  Loading validates everything a user file can get
wrong — unknown countries, a country in two blocs in the same year, bad years, missing keys
— and says which file, definition, bloc and entry to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from computestrata.errors import InputError

SHIPPED = "blocs.yaml"


@dataclass(frozen=True)
class Member:
    """An economy in a bloc, optionally only from/to a year (inclusive)."""

    iso3: str
    start: int | None = None
    end: int | None = None

    def active(self, year: int) -> bool:
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Bloc:
    key: str
    label: str
    members: tuple[Member, ...]

    def codes(self, year: int | None = None) -> set[str]:
        """Member ISO3 codes (in ``year``; all members ever when None)."""
        return {m.iso3 for m in self.members if year is None or m.active(year)}


@dataclass(frozen=True)
class BlocDefinition:
    """One dated grouping of economies into blocs."""

    key: str
    title: str
    as_of: str
    rationale: str
    sources: tuple[str, ...]
    blocs: Mapping[str, Bloc]

    def bloc_of(self, iso3: str | None, year: int) -> str | None:
        """The bloc ``iso3`` belongs to in ``year`` (None = the rest, or unknown country)."""
        if iso3 is None:
            return None
        for key, bloc in self.blocs.items():
            if any(m.iso3 == iso3 and m.active(year) for m in bloc.members):
                return key
        return None

    def mapper(self, year: int) -> Callable[[str | None], str | None]:
        """A fast ``iso3 → bloc`` function for one year."""
        table = {m.iso3: k for k, b in self.blocs.items() for m in b.members if m.active(year)}
        return lambda iso: table.get(iso) if iso is not None else None


@dataclass(frozen=True)
class BlocFile:
    """All definitions and destination groups of one bloc file."""

    path: str
    version: str
    default: str
    definitions: Mapping[str, BlocDefinition]
    groups: Mapping[str, Bloc] = field(default_factory=dict)

    def definition(self, key: str | None = None) -> BlocDefinition:
        from computestrata.errors import unknown

        k = key or self.default
        if k not in self.definitions:
            raise unknown("bloc definition", k, self.definitions)
        return self.definitions[k]

    def source_record(self) -> dict[str, Any]:
        """A source record (as in the atlas ``sources`` table) for the bloc coding itself."""
        shipped = self.path == SHIPPED
        cites = "; ".join(s for d in self.definitions.values() for s in d.sources)
        return {
            "source_id": "computestrata_blocs" if shipped else "user_blocs",
            "publisher": "computestrata (our coding)" if shipped else "user-supplied bloc file",
            "title": f"Bloc definitions, version {self.version}",
            "url": "docs/trends.md#blocs" if shipped else self.path,
            "date_published": self.version,
            "date_accessed": None,
            "license": "LicenseRef-computestrata-coding" if shipped else "LicenseRef-user-supplied",
            "citation": f"Bloc definitions ({', '.join(self.definitions)}), our coding from: {cites}",
            "locator": self.path,
            "sha256": None,
            "raw_file": None,
        }


def _fail(path: str, where: str, problem: str, hint: str) -> InputError:
    return InputError(f"bloc file {path}: {where}: {problem}", hint=hint)


def _year(path: str, where: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise _fail(path, where, f"{value!r} is not a year", "write the year as a number, e.g. from: 2023")
    return value


def _members(
    path: str, where: str, raw: object, resolve: Callable[[str], str | None], choices: Iterable[str]
) -> tuple[Member, ...]:
    from computestrata.errors import closest

    if not isinstance(raw, list) or not raw:
        raise _fail(
            path, where, "members must be a non-empty list", "e.g. members: [USA, JPN, {iso3: COL, from: 2022}]"
        )
    out: list[Member] = []
    for i, item in enumerate(raw):
        spot = f"{where}, member {i + 1}"
        if isinstance(item, dict):
            unknown_keys = set(item) - {"iso3", "from", "to"}
            if unknown_keys or "iso3" not in item:
                raise _fail(path, spot, f"unexpected entry {item!r}", "write {iso3: XXX, from: YYYY, to: YYYY}")
            word, start, end = str(item["iso3"]), _year(path, spot, item.get("from")), _year(path, spot, item.get("to"))
        elif isinstance(item, str):
            word, start, end = item, None, None
        else:
            raise _fail(path, spot, f"{item!r} is not a country", "write an ISO3 code such as USA")
        code = resolve(word)
        if code is None:
            near = ", ".join(closest(word, choices, 5))
            raise _fail(path, spot, f"unknown country {word!r}", f"use an ISO3 code or a country name; closest: {near}")
        if start is not None and end is not None and start > end:
            raise _fail(path, spot, f"from {start} is after to {end}", "swap the years")
        out.append(Member(code, start, end))
    return tuple(out)


def _check_overlap(path: str, key: str, blocs: Mapping[str, Bloc]) -> None:
    """A country may not be in two blocs (or twice in one) in any year."""
    seen: dict[str, list[tuple[str, Member]]] = {}
    for bk, bloc in blocs.items():
        for m in bloc.members:
            seen.setdefault(m.iso3, []).append((bk, m))
    for iso, entries in seen.items():
        for i, (b1, m1) in enumerate(entries):
            for b2, m2 in entries[i + 1 :]:
                lo = max(m1.start or -9999, m2.start or -9999)
                hi = min(m1.end or 9999, m2.end or 9999)
                if lo <= hi:
                    span = "every year" if lo == -9999 and hi == 9999 else f"{max(lo, 1900)}–{min(hi, 2100)}"
                    raise _fail(
                        path,
                        f"definition {key!r}",
                        f"{iso} is in bloc {b1!r} and bloc {b2!r} in {span}"
                        if b1 != b2
                        else f"{iso} is listed twice in bloc {b1!r}",
                        "keep each country in one bloc per year (use from/to years for a change of side)",
                    )


def _sources(raw: object) -> tuple[str, ...]:
    """A definition's sources: a list of citations (one citation alone is accepted as such)."""
    if raw is None:
        return ()
    if isinstance(raw, list):
        return tuple(str(s) for s in raw)
    return (str(raw),)


def parse(data: object, path: str, resolve: Callable[[str], str | None], choices: Iterable[str]) -> BlocFile:
    """Validate a parsed bloc file; every problem is an :class:`InputError` naming where it is."""
    choices = list(choices)
    if not isinstance(data, dict) or not isinstance(data.get("definitions"), dict) or not data["definitions"]:
        raise _fail(path, "top level", "no 'definitions' mapping", "see trends/data/blocs.yaml for the format")
    defs: dict[str, BlocDefinition] = {}
    for key, d in data["definitions"].items():
        where = f"definition {key!r}"
        if not isinstance(d, dict) or not isinstance(d.get("blocs"), dict) or not d["blocs"]:
            raise _fail(path, where, "no 'blocs' mapping", "give each definition blocs: {name: {label, members}}")
        if not d.get("as_of"):
            raise _fail(path, where, "no 'as_of' date", "date each definition, e.g. as_of: 2024-03-07")
        blocs: dict[str, Bloc] = {}
        for bk, b in d["blocs"].items():
            if str(bk) == "rest":
                raise _fail(path, f"{where}, bloc 'rest'", "'rest' is reserved", "economies in no bloc are the rest")
            if not isinstance(b, dict):
                raise _fail(path, f"{where}, bloc {bk!r}", "not a mapping", "write {label: ..., members: [...]}")
            blocs[str(bk)] = Bloc(
                str(bk),
                str(b.get("label", bk)),
                _members(path, f"{where}, bloc {bk!r}", b.get("members"), resolve, choices),
            )
        _check_overlap(path, str(key), blocs)
        defs[str(key)] = BlocDefinition(
            str(key),
            str(d.get("title", key)),
            str(d["as_of"]),
            str(d.get("rationale", "")).strip(),
            _sources(d.get("sources")),
            blocs,
        )
    default = str(data.get("default", next(iter(defs))))
    if default not in defs:
        raise _fail(path, "default", f"{default!r} is not a definition", f"use one of {', '.join(defs)}")
    groups: dict[str, Bloc] = {}
    raw_groups = data.get("groups") or {}
    if not isinstance(raw_groups, dict):
        raise _fail(path, "groups", "not a mapping", "write groups: {china_hk: {label: ..., members: [...]}, ...}")
    for gk, g in raw_groups.items():
        if not isinstance(g, dict):
            raise _fail(path, f"group {gk!r}", "not a mapping", "write {label: ..., members: [...]}")
        groups[str(gk)] = Bloc(
            str(gk), str(g.get("label", gk)), _members(path, f"group {gk!r}", g.get("members"), resolve, choices)
        )
    return BlocFile(path, str(data.get("version", "")), default, defs, groups)


def load(path: Path | None = None, atlas: object | None = None) -> BlocFile:
    """The shipped bloc file, or a user's (validated against the atlas's countries).

    Destination groups (``china_hk``, ``usa``, ``sea``) a user's file does not define are
    taken from the shipped file: they are geography, not a bloc choice, and without them
    the export shares would be computed against empty groups (zeros that are not data).
    """
    from computestrata.trends.files import read_yaml

    data, name = read_yaml(
        path,
        SHIPPED,
        "bloc file",
        "give the path of a YAML bloc file (format: see docs/trends.md)",
        "check indentation and brackets",
    )
    resolve, choices = _resolver(atlas)
    bf = parse(data, name, resolve, choices)
    if path is None:
        return bf
    shipped = load(None, atlas)
    missing = {k: g for k, g in shipped.groups.items() if k not in bf.groups}
    return replace(bf, groups={**bf.groups, **missing}) if missing else bf


def require_blocs(bf: BlocFile, keys: Sequence[str], purpose: str) -> None:
    """Every definition of ``bf`` names the blocs ``keys`` (else an InputError naming the first that does not)."""
    for dk, d in bf.definitions.items():
        lacking = [k for k in keys if k not in d.blocs]
        if lacking:
            raise _fail(
                bf.path,
                f"definition {dk!r}",
                f"no bloc {', '.join(repr(k) for k in lacking)} ({purpose} compares these blocs; "
                f"this definition has {', '.join(repr(k) for k in d.blocs)})",
                f"name the blocs {' and '.join(keys)} in every definition",
            )


def _resolver(atlas: object | None) -> tuple[Callable[[str], str | None], list[str]]:
    """Country resolution: the atlas's resolver when it has country tables, else ISO3 codes as given."""
    from computestrata.atlas.store import Atlas

    if isinstance(atlas, Atlas) and atlas.has("countries") and atlas.has("country_aliases"):
        from computestrata.atlas.countries import CountryResolver, resolver_from_atlas

        res = resolver_from_atlas(atlas)
        if not res.iso3_codes:
            # ``--exclude-license PDDL-1.0`` hides the countries table: without this every
            # member of the shipped file would be an "unknown country"; the alias table
            # still names every code
            codes = frozenset(str(r["iso3"]) for r in atlas.rows("SELECT DISTINCT iso3 FROM country_aliases"))
            res = CountryResolver(res.lookup, codes)
        if res.iso3_codes:
            return res.resolve, sorted(res.iso3_codes)
    return (lambda w: w.strip().upper() if len(w.strip()) == 3 and w.strip().isalpha() else None), []
