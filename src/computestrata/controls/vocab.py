"""The controls engine's closed vocabularies as enums: verdict statuses, rule component kinds,
comparison operators, review policies, item kinds, authorities, confidence tags.

They are :class:`enum.StrEnum`, so a member *is* its string: JSON output, catalogue keys
(``controls.status.{status}``) and comparisons with plain strings are unchanged, while code and
schemas (``controls/schema.py``) name the closed set once.  A leaf module: it imports nothing
of the package, so every part (cooperation, scenarios, report, web) may import it.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A verdict's status, from least to most restrictive (:func:`~.classify.severity`);
    ``indeterminate`` (an input is missing) sits outside the scale."""

    FREE = "free"
    EXCEPTION = "exception"
    APPROVAL = "approval"
    LICENSE = "license"
    WITHIN_CAP = "within_cap"
    MEASURE = "measure"
    CASE_BY_CASE = "case_by_case"
    DENIAL = "denial"
    INDETERMINATE = "indeterminate"


class Kind(StrEnum):
    """What a rule component is (see ``controls/regime.py`` and ``docs/controls-beyond-chips.md``)."""

    PARAGRAPH = "paragraph"
    CARVE_OUT = "carve_out"
    LICENSE_SCOPE = "license_scope"
    HQ_SCOPE = "hq_scope"
    REVIEW_POLICY = "review_policy"
    LICENSE_EXCEPTION = "license_exception"
    ECCN_CONTROL = "eccn_control"
    PROVISION = "provision"
    END_USE = "end_use"
    FDP = "fdp"


class Op(StrEnum):
    """A condition's comparison: ``quantity op value``."""

    GE = ">="
    GT = ">"
    LT = "<"
    LE = "<="
    EQ = "=="


class Policy(StrEnum):
    """Review policies from least to most restrictive (their order is the severity scale)."""

    PRESUMPTION_OF_APPROVAL = "presumption_of_approval"
    APPROVAL_WITHIN_CAP = "approval_within_cap"
    CASE_BY_CASE = "case_by_case"
    PRESUMPTION_OF_DENIAL = "presumption_of_denial"


class ItemKind(StrEnum):
    """What a ``paragraph`` tests: chips and HBM by parameters, the rest by the paragraph named."""

    CHIP = "chip"
    HBM = "hbm"
    EQUIPMENT = "equipment"
    EDA = "eda"
    MATERIAL = "material"


class Authority(StrEnum):
    """Who enacts a rule: the U.S. EAR, the Netherlands, Japan, China."""

    USA = "USA"
    NLD = "NLD"
    JPN = "JPN"
    CHN = "CHN"


class Quantity(StrEnum):
    """What a condition compares (the item's figures)."""

    TPP = "tpp"
    PD = "pd"
    IO_BANDWIDTH_GBPS = "io_bandwidth_gbps"
    DRAM_BANDWIDTH_GBPS = "dram_bandwidth_gbps"
    DATACENTER = "datacenter"
    HBM_DENSITY = "hbm_density"
    COPACKAGED_WITH_LOGIC = "copackaged_with_logic"


class Confidence(StrEnum):
    """The reference notes' confidence tag of a rule reading: high, medium, low."""

    H = "H"
    M = "M"
    L = "L"


class Action(StrEnum):
    """What a later instrument does with a component id: add (or replace) it, or remove it."""

    ADD = "add"
    REMOVE = "remove"


#: Statuses on the severity scale (``indeterminate`` is not on it).
SCALE: tuple[Status, ...] = tuple(s for s in Status if s is not Status.INDETERMINATE)
