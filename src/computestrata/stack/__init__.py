"""The layered compute stack (paper §I, §III.3): segments, dependency graph, shares, chokepoints.

* :mod:`~computestrata.stack.segments` — segments as versioned data (``segments.yaml``), validated
  (re-exports :mod:`computestrata.vocab.segments`, the leaf every part may import).
* :mod:`~computestrata.stack.graph` — support edges (``edges.yaml``) as a networkx DiGraph, with sources.
* :mod:`~computestrata.stack.shares` — country shares per segment and year, each with its source.
* :mod:`~computestrata.stack.concentration` — HHI, CR1/CR3, countries-for-90 %, chokepoints.
* :mod:`~computestrata.stack.exposure` — weakest-link propagation of a loss of access.
* :mod:`~computestrata.stack.views` — what a face shows (rows, sources, notes) as a ``StackView``.
* :mod:`~computestrata.stack.schemas` — pydantic schema of an ``edges.yaml`` entry.
* :mod:`~computestrata.stack.api` — the functions the CLI, report and dashboard call.
"""
