"""Scenarios: control postures, substitution and growth projected to 2035, with hindcasts.

A scenario is data (``library/*.yaml``, validated by :mod:`.spec`): a base year, a horizon, a
control path (the enacted rules until today, then a posture or user-defined transformation of
:mod:`computestrata.controls.scope` from a date) and supply / demand / allocation assumptions,
each with a central value, a range and its source.  :mod:`.model` projects installed compute
by country and kind with a stock-flow model and reports shares, the stratification metrics of
:mod:`computestrata.measure.concentration` and the cooperation summary of
:func:`computestrata.cooperation.api.pair`.  :mod:`.api` is what the CLI and analysts call.
The method is in ``docs/scenarios.md``.
"""
