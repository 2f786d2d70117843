"""Source records for what the controls engine cites but the atlas does not hold.

The atlas ``sources`` table covers the Epoch chips; the shipped reference chips and the rule
texts (Federal Register, BIS notices) and is-informed letters live in the package.  These
records have the atlas' source shape, so :func:`computestrata.cli_common.emit` lists them in
the JSON ``sources`` and the table footer beside the atlas ones (``Output.extra_sources``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from computestrata.controls.catalogue import CatalogueEntry
    from computestrata.controls.regime import Basis, Instrument, Measure, Regime

REFERENCE_CHIPS_ID = "controls_reference_chips"
#: Facts compiled by the project from datasheets and filings: the atlas' licence for compiled facts.
REFERENCE_CHIPS_LICENSE = "LicenseRef-compiled-facts"
#: US federal government works (Federal Register, BIS notices) are public domain (17 U.S.C. 105).
RULES_LICENSE = "LicenseRef-US-government-work"
REFERENCE_FILE = "computestrata/controls/reference_chips.csv"


def record(source_id: str, publisher: str, title: str, citation: str, license: str, **more: Any) -> dict[str, Any]:
    """A source record in the atlas ``sources`` shape, for data the package ships (any area may use it)."""
    rec: dict[str, Any] = {
        "source_id": source_id,
        "publisher": publisher,
        "title": title,
        "url": None,
        "date_published": None,
        "date_accessed": None,
        "license": license,
        "citation": citation,
        "locator": None,
        "sha256": None,
        "raw_file": None,
    }
    rec.update(more)
    return rec


def reference_chips(entries: Iterable[CatalogueEntry]) -> list[dict[str, Any]]:
    """The record for the shipped reference chips among ``entries`` (none if there are none).

    One chip: its own citation (the datasheets/filings it was transcribed from) and its name
    as locator; several: the file's description (each chip's citation is in its verdict)."""
    from computestrata.controls.catalogue import REFERENCE_SOURCE

    refs = [e for e in entries if e.origin == "reference"]
    if not refs:
        return []
    one = refs[0] if len(refs) == 1 else None
    return [
        record(
            REFERENCE_CHIPS_ID,
            "compiled by computestrata from the cited datasheets and filings",
            "computestrata reference chips (worked export-control examples)",
            f"{one.citation}; {REFERENCE_SOURCE}" if one is not None and one.citation else REFERENCE_SOURCE,
            REFERENCE_CHIPS_LICENSE,
            locator=one.name if one is not None else f"{len(refs)} chips",
            raw_file=REFERENCE_FILE,
        )
    ]


#: Who issues the instruments of each authority, and the status of their texts (official texts
#: are not protected by copyright in all four: 17 U.S.C. 105, Auteurswet art. 11, 著作権法 13条,
#: 著作权法 第五条).
AUTHORITY_PUBLISHERS = {
    "USA": ("US Department of Commerce, Bureau of Industry and Security", RULES_LICENSE),
    "NLD": ("Government of the Netherlands (Ministry of Foreign Affairs)", "LicenseRef-NL-official-text"),
    "JPN": ("Government of Japan, Ministry of Economy, Trade and Industry (METI)", "LicenseRef-JP-official-text"),
    "CHN": ("PRC Ministry of Commerce (MOFCOM) and General Administration of Customs", "LicenseRef-PRC-official-text"),
}


def instrument(inst: Instrument) -> dict[str, Any]:
    """The record of one rule or announcement (Federal Register link when it has an FR doc)."""
    fr = inst.fr_doc
    publisher, licence = AUTHORITY_PUBLISHERS.get(inst.authority, AUTHORITY_PUBLISHERS["USA"])
    return record(
        f"controls_rule_{inst.id}",
        publisher + (" (Federal Register)" if fr else ""),
        inst.title,
        inst.citation + (f", FR Doc {fr}" if fr and fr not in inst.citation else ""),
        licence,
        url=f"https://www.federalregister.gov/d/{fr}" if fr else None,
        date_published=(inst.published or inst.effective).isoformat(),
    )


def letter(m: Measure) -> dict[str, Any]:
    """The record of one is-informed letter, as its addressee reported it."""
    return record(
        f"controls_letter_{m.id}",
        f"{m.addressee} (reporting a US government notice)",
        m.title,
        m.citation,
        REFERENCE_CHIPS_LICENSE,
        date_published=m.effective.isoformat(),
    )


def all_rules(regime: Regime) -> list[dict[str, Any]]:
    """Records of every real instrument and every letter in the rule data (for listings of them all)."""
    ordered = sorted(regime.instruments, key=lambda i: i.effective)
    return [instrument(i) for i in ordered if not i.hypothetical] + [letter(m) for m in regime.measures]


def rules(
    regime: Regime, days: Iterable[date], basis: Basis = "compliance", letter_ids: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Records of the instruments in force on any of ``days`` (hypothetical ones are not sources)
    and of the letters ``letter_ids``, in date order."""
    live: set[str] = set()
    for day in days:
        live.update(i.id for i in regime.at(day, basis).instruments)
    ordered = sorted(regime.instruments, key=lambda i: i.effective)
    out = [instrument(i) for i in ordered if i.id in live and not i.hypothetical]
    wanted = set(letter_ids)
    out += [letter(m) for m in regime.measures if m.id in wanted]
    return out
