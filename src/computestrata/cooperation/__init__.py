"""The cooperation space between two countries across the compute stack (paper section IV).

Public API: :mod:`computestrata.cooperation.api`; the rule: ``rules.yaml``; the method:
``docs/cooperation.md``.
"""
