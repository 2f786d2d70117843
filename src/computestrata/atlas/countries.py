"""Country names → ISO3, with the known traps made explicit.

Every loader resolves country spellings through one :class:`CountryResolver`, built from
the ISO/UN names in the countries table plus ``country_aliases.csv`` (one row per trap:
"Korea, South" → KOR, never PRK; Taiwan as "Other Asia, nes"; Czechia; "Saudia Arabia").
Matching is exact after normalising case, accents, punctuation and a leading "the".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources


def normalise_name(name: str) -> str:
    """Lookup key for a country name: for Latin script, lower-case ASCII with accents,
    punctuation and 'the' removed; for other scripts (한국, 中国), the case-folded name
    without spaces or punctuation."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"\(the\)", " ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    if s:
        return s
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def shipped_aliases() -> list[tuple[str, str]]:
    """The alias table shipped with the package: (alias, iso3) pairs."""
    text = (resources.files("computestrata.atlas") / "country_aliases.csv").read_text(encoding="utf-8")
    return [(r["alias"], r["iso3"]) for r in csv.DictReader(text.splitlines())]


@dataclass
class CountryResolver:
    """Resolves names and ISO2/ISO3 codes to ISO3; ``None`` when unknown."""

    lookup: dict[str, str]
    iso3_codes: frozenset[str]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], iso3_codes: Iterable[str]) -> CountryResolver:
        """Build from (name, iso3) pairs; later pairs do not override earlier ones."""
        lookup: dict[str, str] = {}
        for name, iso3 in pairs:
            if name and iso3:
                lookup.setdefault(normalise_name(name), iso3)
        return cls(lookup, frozenset(iso3_codes))

    def resolve(self, name: str) -> str | None:
        raw = name.strip()
        if raw.upper() in self.iso3_codes:
            return raw.upper()
        return self.lookup.get(normalise_name(raw))

    def pairs(self) -> list[tuple[str, str]]:
        """(normalised alias, iso3) pairs, as stored in the atlas ``country_aliases`` table."""
        return sorted(self.lookup.items())


def resolver_from_atlas(atlas: object) -> CountryResolver:
    """The resolver stored in a built atlas (``country_aliases`` + ``countries`` tables).

    Used when data is added to an existing atlas without the raw country files, and for every
    country a user types: built once per opened atlas (:meth:`Atlas.memo`), not per name (a
    matrix of 200 countries resolved each one by re-reading and re-normalising ~1,300 names).
    """
    from computestrata.atlas.store import Atlas

    assert isinstance(atlas, Atlas)
    atlas.require("country_aliases", "countries")

    def build() -> CountryResolver:
        pairs = [(r["alias_key"], r["iso3"]) for r in atlas.rows("SELECT alias_key, iso3 FROM country_aliases")]
        codes = [r["iso3"] for r in atlas.rows("SELECT iso3 FROM countries")]
        return CountryResolver.from_pairs(pairs, codes)

    return atlas.memo(("atlas.country_resolver",), build)


def country_arg(atlas: object, word: str, what: str = "country", extra_codes: Iterable[str] = ()) -> str:
    """ISO3 for a country the user typed: a code, an English/UN/World Bank name or alias, or
    a Korean or Chinese name (한국, 中国).  ``extra_codes`` are accepted as they are (e.g.
    regional groups).  Unknown input is an :class:`InputError` listing the closest countries.
    """
    from computestrata.atlas.store import Atlas
    from computestrata.errors import unknown

    assert isinstance(atlas, Atlas)
    text = word.strip()
    extra = {c.upper() for c in extra_codes}
    if text.upper() in extra:
        return text.upper()
    hit = resolver_from_atlas(atlas).resolve(text) if text else None
    candidates = AMBIGUOUS.get(normalise_name(text)) if text else None
    if candidates:
        _ambiguous(atlas, text, candidates, hit, what)
    if hit:
        return hit
    col = _name_column()
    names = atlas.rows(f"SELECT iso3, coalesce({col}, name_en) AS name FROM countries ORDER BY iso3")
    raise unknown(what, word, [f"{r['iso3']} ({r['name']})" for r in names] + sorted(extra))


#: Names that stand for more than one country (normalised as :func:`normalise_name` does).
#: A typed name that resolves is read as the data sources read it, with a warning that
#: lists the others; one that does not resolve is an error listing them all.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "korea": ("KOR", "PRK"),
    "코리아": ("KOR", "PRK"),
    "congo": ("COG", "COD"),
    "콩고": ("COG", "COD"),
    "刚果": ("COG", "COD"),
    "guinea": ("GIN", "GNB", "GNQ", "PNG"),
    "sudan": ("SDN", "SSD"),
    "virgin islands": ("VGB", "VIR"),
    "samoa": ("WSM", "ASM"),
}


def _name_column() -> str:
    from computestrata.i18n import get_lang

    return {"ko": "name_ko", "zh": "name_zh"}.get(get_lang(), "name_en")


def _ambiguous(atlas: object, word: str, candidates: tuple[str, ...], hit: str | None, what: str) -> None:
    """Warn (resolved) or refuse (unresolved) a name that several countries answer to."""
    from computestrata.atlas.store import Atlas
    from computestrata.errors import InputError, kind_param, notice
    from computestrata.i18n import t

    assert isinstance(atlas, Atlas)
    col = _name_column()
    rows = atlas.rows(f"SELECT iso3, coalesce({col}, name_en) AS name FROM countries")
    name = {r["iso3"]: r["name"] for r in rows}
    listed = ", ".join(f"{c} ({name.get(c, c)})" for c in candidates)
    if hit:
        notice(t("errors.ambiguous_country", word=repr(word), candidates=listed, chosen=hit))
        return
    raise InputError.keyed(
        "errors.ambiguous_country_unresolved",
        "errors.ambiguous_country_hint",
        what=kind_param(what),
        word=repr(word),
        candidates=listed,
        codes=", ".join(candidates),
    )
