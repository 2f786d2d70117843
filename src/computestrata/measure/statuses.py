"""The words measure's judgements are made of, as enums (one spelling, checked by mypy).

They are ``StrEnum`` s: a member *is* its string (``Outcome.HOLDS == "holds"``), so JSON,
tables and catalogue keys (``measure.outcome.holds``) read exactly as before.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """Verdict on 'the frontier concentrates' for one dataset."""

    HOLDS = "holds"
    PARTLY = "partly"
    FAILS = "fails"
    NO_CLEAR_TREND = "no_clear_trend"
    NO_DATA = "no_data"


class Trend(StrEnum):
    """Sign of a least-squares slope judged on its confidence interval."""

    UP = "up"
    DOWN = "down"
    UNCLEAR = "unclear"


class Check(StrEnum):
    """One of the three conditions of the stratification claim."""

    MET = "met"
    NOT_MET = "not_met"
    UNCLEAR = "unclear"


class Sufficiency(StrEnum):
    """Whether a year's cluster records can carry national shares (see ``estimates.sufficiency``)."""

    OK = "ok"
    THIN = "thin"
    INSUFFICIENT = "insufficient"


class Role(StrEnum):
    """A country's place in the core–periphery model."""

    CORE = "core"
    PERIPHERY = "periphery"
