"""The layered compute stack (paper §I, §III.3): segments, dependency graph, shares, chokepoints.

* :mod:`~computestrata.stack.segments` — segments as versioned data (``segments.yaml``), validated.
* :mod:`~computestrata.stack.graph` — support edges (``edges.yaml``) as a networkx DiGraph, with sources.
* :mod:`~computestrata.stack.shares` — country shares per segment and year, each with its source.
* :mod:`~computestrata.stack.concentration` — HHI, CR1/CR3, countries-for-90 %, chokepoints.
* :mod:`~computestrata.stack.exposure` — weakest-link propagation of a loss of access.
* :mod:`~computestrata.stack.api` — the functions the CLI, report and dashboard call.
"""
