"""Composite-index engine following the OECD/JRC Handbook (Nardo et al. 2008).

An index is a validated YAML config (:mod:`.config`): indicators (atlas facts variables or
derived indicators from :mod:`.indicators`), their direction, the pillar/level tree, and the
choice made at each step.  :func:`.engine.build` runs screening → imputation → outlier
treatment → normalisation → weighting → aggregation and keeps every intermediate result and
the source ids of the facts used; :mod:`.analysis` looks inside (correlations, Cronbach's α,
PCA, strengths and weaknesses, version comparison, drop-one); :mod:`.uncertainty` runs
Monte Carlo and Sobol sensitivity analyses as array operations over precomputed variants.

Shipped frameworks (``frameworks/*.yaml``): ``gci``, ``caict5``, ``fiveforce`` — open-data
analogues of published frameworks, each documenting what every indicator stands for and
which pillars are thin.  Command line: ``strata index build|uncertainty|sensitivity|analyse|
compare|frameworks``.
"""
