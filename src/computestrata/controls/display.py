"""Human labels for the engine's stable codes (status, review policy, comparator, …).

JSON output keeps the codes; tables show these labels in the reader's language, so one
place decides how a code reads in en/ko/zh.  Unknown codes show as themselves.
"""

from __future__ import annotations

import re
from typing import Any

from computestrata.i18n import catalog, t

#: Comparator symbols of the rule data → catalogue suffix.
_OPS = {">=": "ge", ">": "gt", "<": "lt", "<=": "le", "==": "eq", "in": "in", "applies": "applies"}
_REFERENCE_NOTE = re.compile(r"^reference chip \((high|medium|low) confidence\)")


def _label(prefix: str, code: Any) -> str:
    key = f"{prefix}.{code}"
    return t(key) if key in catalog() else str(code)


def status(code: str | None) -> str | None:
    """Short label of a verdict status (``denial`` → "presumption of denial")."""
    return None if code is None else _label("controls.status_label", code)


def policy(code: str | None) -> str | None:
    """Label of a review policy (``presumption_of_denial`` …)."""
    return None if code is None else _label("controls.policy", code)


def comparator(op: str) -> str:
    """A comparator with its meaning (``>=`` → "≥ (at least)")."""
    return _label("controls.op", _OPS.get(op, op))


def passed(value: bool | None) -> str:
    """Three-valued test result: met, not met, unknown."""
    return t(f"controls.passed.{'none' if value is None else str(value).lower()}")


def yes_no(value: bool | None) -> str | None:
    return None if value is None else t(f"controls.bool.{str(value).lower()}")


def quantity(name: str) -> str:
    return _label("controls.qty", name)


def kind(code: str) -> str:
    return _label("controls.kind", code)


def value(quantity_name: str, v: Any) -> Any:
    """A reason's value or threshold as shown: booleans and policy codes translated."""
    if isinstance(v, bool):
        return yes_no(v)
    if isinstance(v, str) and v.startswith("priority "):
        return t("controls.word.priority", n=v.removeprefix("priority "))
    if quantity_name == "review_policy" and isinstance(v, str):
        return policy(v)
    if quantity_name in ("destination", "headquarters") and isinstance(v, str):
        return selector(v)
    return v


def selector(text: str) -> str:
    """A country selector description (``D:5, MAC (not A:5, A:6)``) with its words translated."""
    text = text.replace("all countries", t("controls.word.all_countries"))
    m = re.fullmatch(r"(.*) \(not (.*)\)", text)
    return t("controls.word.except", groups=m.group(1), excluded=m.group(2)) if m else text


def citation(text: str) -> str:
    """A citation as shown: the words scope.py adds for hypothetical instruments translated."""
    m = re.fullmatch(r"(.*) as modified by (\S+)", text)
    if m:
        return t("controls.word.modified_by", citation=m.group(1), by=m.group(2))
    m = re.fullmatch(r"hypothetical \((\S+)\)", text)
    return t("controls.word.hypothetical_citation", by=m.group(1)) if m else text


def note(text: str) -> str:
    """A catalogue note with its fixed prefix translated; the chip-specific rest is source data
    (provenance as transcribed), kept in English and labelled so in other languages."""
    from computestrata.i18n import get_lang

    m = _REFERENCE_NOTE.match(text)
    if not m:
        return text
    prefix = t("controls.note.reference_chip", confidence=t(f"controls.conf.{m.group(1)}"))
    rest = text[m.end() :]
    if get_lang() != "en" and rest.startswith(": ") and rest[2:].strip():
        return f"{prefix}: {t('controls.note.source_text_en')} {rest[2:]}"
    return prefix + rest


def measure_title(m: Any) -> str:
    """An is-informed letter's title in the reader's language (a verdict's ``measures`` entry or a
    :class:`~computestrata.controls.regime.Measure`); English when the letters file has no other."""
    from computestrata.controls import regime
    from computestrata.i18n import get_lang

    ident = m["id"] if isinstance(m, dict) else m.id
    found = next((x for x in regime.load().measures if x.id == ident), None)
    if found is None:
        return str(m["title"] if isinstance(m, dict) else m.title)
    return found.title_in(get_lang())


def basis(code: str) -> str:
    """One entry of ``license_basis``: a rule paragraph as it is, a letter as "letter <id>"."""
    kind, sep, ident = code.partition(":")
    return t("controls.word.letter", ids=ident) if sep and kind == "is_informed_letter" else code


def summary(v: Any) -> str:
    """The timeline's one-phrase summary of a verdict, translated (JSON keeps batch.summary)."""
    parts = [v.paragraph or v.eccn or t("controls.word.not_3a090")]
    if v.license_required_by_rules:  # a letter's licence is named by the "letter" part
        parts.append(policy(v.review_policy) or status("license") or "")
    if v.license_exceptions:
        parts.append(t("controls.word.le", codes="/".join(v.license_exceptions)))
    if v.measures:
        parts.append(t("controls.word.letter", ids="/".join(m["id"] for m in v.measures)))
    if v.status == "indeterminate":
        parts.append(t("controls.word.indeterminate_missing", inputs=", ".join(v.missing_inputs)))
    return " · ".join(parts)
