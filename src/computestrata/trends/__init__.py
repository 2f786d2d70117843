"""The paper's four structural trends as measured indicators (issue 12).

Stratification, chain regionalisation, ecosystem fragmentation and institutional
differentiation, each with a verdict computed from open data or a documented curated
dataset, the interval behind it and robustness variants.  Public API: :mod:`.api`.
"""
