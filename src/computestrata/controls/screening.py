"""Screen a party name against the Entity List, the other U.S. screening lists and MOFCOM's lists.

Names are matched on the listed name and every alias, after normalisation (NFKC, case,
punctuation, legal suffixes such as "Co., Ltd."); a query whose words all occur in a listed
name scores 0.85-1.0 (1.0 for the same name), otherwise a string-similarity score below 0.9.
A match at or above :data:`THRESHOLD` is a hit.  Whether a hit was *listed on the date asked*
comes from its listing date: for the Entity List the date of its first Federal Register
citation (``frdates.py``; a range when the page is not an anchor), for MOFCOM the announcement
date.  Before the range the party is not listed, after it listed, inside it uncertain (``None``).
The lists are snapshots (CSL 2026-07-31, MOFCOM 2026-07-19): a party removed before the
snapshot is invisible, so "not listed" for a past date is only as good as the snapshot.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from computestrata.errors import InputError, unknown
from computestrata.i18n import t

if TYPE_CHECKING:
    from computestrata.atlas.store import Atlas

THRESHOLD = 0.85
SHOWN = 0.6
MIN_CHARS = 3
LIST_CHOICES = ("el", "mofcom", "csl", "all")
SNAPSHOT = date(2026, 7, 31)
FDP_RULE = {1: "§734.9(e)(1)", 3: "§734.9(g)", 4: "§734.9(e)(2)", 5: "§734.9(e)(3)"}
_SUFFIXES = {
    "co",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "llc",
    "plc",
    "gmbh",
    "the",
    "and",
    "of",
    "公司",
    "有限公司",
    "股份有限公司",
    "株式会社",
    # further legal forms (Singapore, Malaysia, Russia, continental Europe, the Gulf)
    "pte",
    "pvt",
    "private",
    "bhd",
    "jsc",
    "ooo",
    "oao",
    "zao",
    "llp",
    "sa",
    "ag",
    "bv",
    "srl",
    "fze",
    "fzco",
    "fzc",
}
#: Words that may precede a brand in a listed name without naming a different party: places
#: ("Beijing Biren …", "Shanghai Fudan …") and country words.  Any other word before the first
#: query word means the listed name is a different brand ("Oriental Apple" for "Apple Inc").
_PLACES = frozenset(
    {
        "china",
        "chinese",
        "prc",
        "beijing",
        "shanghai",
        "shenzhen",
        "tianjin",
        "chongqing",
        "wuhan",
        "hefei",
        "xian",
        "xi",
        "an",
        "chengdu",
        "guangzhou",
        "hangzhou",
        "nanjing",
        "suzhou",
        "wuxi",
        "qingdao",
        "dalian",
        "xiamen",
        "fuzhou",
        "changsha",
        "changchun",
        "zhengzhou",
        "jinan",
        "kunshan",
        "ningbo",
        "zhuhai",
        "dongguan",
        "foshan",
        "harbin",
        "shenyang",
        "taiyuan",
        "nanchang",
        "kunming",
        "guiyang",
        "lanzhou",
        "urumqi",
        "hohhot",
        "nanning",
        "haikou",
        "shijiazhuang",
        "mianyang",
        "fujian",
        "jiangsu",
        "zhejiang",
        "guangdong",
        "hubei",
        "hunan",
        "henan",
        "hebei",
        "shandong",
        "sichuan",
        "anhui",
        "shaanxi",
        "shanxi",
        "jilin",
        "liaoning",
        "heilongjiang",
        "jiangxi",
        "yunnan",
        "guizhou",
        "gansu",
        "hainan",
        "ningxia",
        "qinghai",
        "xinjiang",
        "tibet",
        "guangxi",
        "inner",
        "mongolia",
        "hong",
        "kong",
        "macau",
        "macao",
        "taiwan",
        "japan",
        "korea",
        "singapore",
        "russia",
        "iran",
        "pakistan",
        "hk",
        "national",
        "state",
        "new",
    }
)
_PAREN = re.compile(r"\(([^()]+)\)")
_TOKEN = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")


def normalise(name: str) -> str:
    s = unicodedata.normalize("NFKC", name or "").lower()
    return " ".join(tok for tok in _TOKEN.findall(s) if tok not in _SUFFIXES)


def tokens(name: str) -> tuple[str, ...]:
    return tuple(normalise(name).split())


def _cjk(tok: str) -> bool:
    return bool(tok) and not tok.isascii()


def score(query: tuple[str, ...], qnorm: str, cand: tuple[str, ...], cnorm: str) -> float:
    """1.0 same name; 0.85-1.0 all query words in the name (CJK runs by substring); else similarity x 0.9."""
    if not query or not cand:
        return 0.0
    if qnorm == cnorm:
        return 1.0
    cset = set(cand)

    def found(q: str) -> bool:
        return q in cset or (_cjk(q) and any(q in c for c in cand if _cjk(c)))

    if all(found(q) for q in query):
        full = round(0.85 + 0.15 * min(1.0, len(query) / len(cand)), 4)
        # a distinctive word before the first query word names another brand: "Apple Inc" is
        # not "Oriental Apple Company", "Micron" not "Nedayeh Micron Electronics" — shown, no hit
        first = min((i for i, c in enumerate(cand) if any(q == c or (_cjk(q) and q in c) for q in query)), default=0)
        if any(c not in _PLACES for c in cand[:first]):
            return round(0.8 * full, 4)
        return full
    if not any(c[:4] == q[:4] for q in query for c in cand):  # nothing in common: skip the slow ratio
        return 0.0
    sm = difflib.SequenceMatcher(None, qnorm, cnorm)
    if sm.real_quick_ratio() < 0.7 or sm.quick_ratio() < 0.7:
        return 0.0
    return round(0.9 * sm.ratio(), 4)


@dataclass
class ScreenResult:
    """Whether ``name`` is listed on ``on``: ``listed`` True/False (None: a hit's date is uncertain)."""

    name: str
    on: date
    lists: str
    listed: bool | None
    rows: list[dict[str, Any]]
    threshold: float = THRESHOLD
    notes: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "date": self.on.isoformat(),
            "lists": self.lists,
            "listed": self.listed,
            "threshold": self.threshold,
            "rows": self.rows,
            "notes": self.notes,
        }


@dataclass
class _Party:
    row: dict[str, Any]
    names: list[tuple[str, tuple[str, ...], str]]  # (shown, tokens, normalised)


class Lists:
    """The screening table of an atlas, normalised once for repeated screening."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.parties: list[_Party] = []
        #: 4-character word prefix → parties with such a word; parties with CJK words.  A party
        #: sharing no prefix with the query scores 0 (see :func:`score`), so only these are scored.
        self.by_prefix: dict[str, set[int]] = {}
        self.cjk: set[int] = set()
        for r in rows:
            names = [r["name"], *(r.get("aliases") or [])]
            # "Semiconductor Manufacturing International Corporation (SMIC)": the bracketed short
            # name is an alias in its own right
            names += [m for n in list(names) for m in _PAREN.findall(n or "") if len(m) <= 20]
            party = _Party(r, [(n, tokens(n), normalise(n)) for n in names if n])
            idx = len(self.parties)
            self.parties.append(party)
            for _, toks, _ in party.names:
                for tok in toks:
                    if _cjk(tok):
                        self.cjk.add(idx)
                    self.by_prefix.setdefault(tok[:4], set()).add(idx)

    @classmethod
    def from_atlas(cls, atlas: Atlas, lists: str = "all") -> Lists:
        """The parties of ``lists`` (el | mofcom | csl | all) from the atlas table ``screening_parties``."""
        which = (lists or "all").strip().lower()
        if which not in LIST_CHOICES:
            raise unknown("--list", lists, LIST_CHOICES)
        atlas.require("screening_parties")
        where = {
            "el": "where list = 'EL'",
            "mofcom": "where list like 'MOFCOM%'",
            "csl": "where list not like 'MOFCOM%'",
            "all": "",
        }[which]
        return cls(atlas.rows(f"select * from screening_parties {where}"))

    def screen(self, name: str, on: date, lists: str = "el", limit: int = 10) -> ScreenResult:
        """Matches of ``name`` in ``lists`` (el | mofcom | csl | all), best first, as on ``on``."""
        which = (lists or "all").strip().lower()
        if which not in LIST_CHOICES:
            raise unknown("--list", lists, LIST_CHOICES)
        q = tokens(name)
        qnorm = " ".join(q)
        if len(qnorm.replace(" ", "")) < MIN_CHARS and not any(_cjk(x) and len(x) >= 2 for x in q):
            raise InputError.keyed("input.party_too_short", "input.party_too_short.hint", name=repr(name), n=MIN_CHARS)
        found: dict[int, dict[str, Any]] = {}
        self._match(q, qnorm, which, on, found, None)
        # the CSL has Latin-script names only: a Chinese name is also screened by its English name
        translated = zh_translation(name)
        if translated is not None:
            en = tokens(translated[1])
            self._match(en, " ".join(en), which, on, found, translated[0])
        hits = sorted(found.values(), key=lambda r: (-r["score"], r["list"], r["name"]))
        rows = hits[:limit]
        strong = [r for r in rows if r["score"] >= THRESHOLD]
        states = [r["listed"] for r in strong]
        listed = True if any(s is True for s in states) else (None if any(s is None for s in states) else False)
        notes = [t("controls.beyond.screen.snapshot"), t("controls.beyond.screen.current_terms")]
        if translated is not None:
            notes.append(t("controls.beyond.screen.translated", zh=translated[0], en=translated[1]))
        for r in strong:
            if r["listed"] is False and r["listed_on"]:
                notes.append(
                    t("controls.beyond.screen.before", name=r["name"], listed=r["listed_on"], date=on.isoformat())
                )
        uncertain = sum(1 for r in strong if r.get("listed_on_confidence") == "L")
        if uncertain:
            notes.append(t("controls.beyond.screen.date_uncertain", n=uncertain))
        headline = (
            t("controls.beyond.screen.listed", name=name, n=sum(1 for s in states if s), date=on.isoformat())
            if listed
            else t("controls.beyond.screen.not_listed", name=name, date=on.isoformat(), threshold=THRESHOLD)
        )
        notes.insert(0, headline)
        ids = sorted({r["source_id"] for r in rows if r.get("source_id")})
        return ScreenResult(name, on, which, listed, rows, THRESHOLD, notes, ids)

    def _match(
        self, q: tuple[str, ...], qnorm: str, which: str, on: date, found: dict[int, dict[str, Any]], via: str | None
    ) -> None:
        """Score the parties sharing a word prefix (or a CJK run) with ``q`` into ``found`` (best per party)."""
        cands: set[int] = set(self.cjk) if any(_cjk(x) for x in q) else set()
        for tok in q:
            cands |= self.by_prefix.get(tok[:4], set())
        for i in sorted(cands):
            p = self.parties[i]
            code = p.row["list"]
            if which == "el" and code != "EL":
                continue
            if which == "mofcom" and not code.startswith("MOFCOM"):
                continue
            if which == "csl" and code.startswith("MOFCOM"):
                continue
            best, shown = 0.0, ""
            for label, toks, norm in p.names:
                s = score(q, qnorm, toks, norm)
                if s > best:
                    best, shown = s, label
            if best >= SHOWN and (i not in found or best > found[i]["score"]):
                found[i] = _row(p.row, best, f"{shown} (← {via})" if via else shown, on)


@cache
def zh_names() -> tuple[tuple[str, str], ...]:
    """(Chinese name, English name) pairs of ``lists/zh_names.csv``, longest Chinese name first."""
    text = (resources.files("computestrata.controls") / "lists" / "zh_names.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    pairs = {(r["zh"].strip(), r["en"].strip()) for r in csv.DictReader(lines)}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


def zh_translation(name: str) -> tuple[str, str] | None:
    """The (Chinese, English) pair whose Chinese name occurs in ``name``, longest first; else None."""
    text = unicodedata.normalize("NFKC", name or "")
    if text.isascii():
        return None
    return next(((zh, en) for zh, en in zh_names() if zh in text), None)


def _iso(v: Any) -> str | None:
    return v.isoformat() if isinstance(v, date) else (str(v) if v else None)


def _row(r: dict[str, Any], s: float, matched: str, on: date) -> dict[str, Any]:
    first, last = r.get("listed_on"), r.get("listed_on_latest") or r.get("listed_on")
    if first is None:
        # the other CSL lists carry no dates: listed as of the snapshot, unknown before it
        state: bool | None = True if on >= SNAPSHOT else None
    elif on < first:
        state = False
    elif last is not None and on >= last:
        state = True
    else:
        state = None
    fn = r.get("footnote")
    fn_int = None if fn is None or fn != fn else int(fn)
    return {
        "list": r["list"],
        "name": r["name"],
        "matched_on": matched,
        "score": s,
        "listed": state,
        "listed_on": _iso(first),
        "listed_on_latest": _iso(last),
        "listed_on_confidence": r.get("listed_on_confidence"),
        "listed_on_basis": r.get("listed_on_basis"),
        "federal_register_citation": r.get("federal_register_citation"),
        "license_requirement": r.get("license_requirement"),
        "license_policy": r.get("license_policy"),
        "footnote": fn_int,
        "fdp_rule": FDP_RULE.get(fn_int) if fn_int is not None else None,
        "countries": list(r.get("countries") or []),
        "segment_ids": list(r.get("segment_ids") or []),
        "reason": r.get("reason"),
        "source_url": r.get("source_url"),
        "source_id": r.get("source_id"),
    }
