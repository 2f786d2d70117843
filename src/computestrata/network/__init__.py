"""Compute-network siting and scheduling (East-Data-West-Computing, green data centres).

Where should data-centre capacity sit, which workloads should run where, at what cost and
carbon, and what is one more megawatt at a site worth?  A linear (or mixed-integer, with
capacity build) programme over demand regions x sites x workload classes x hours, written
with linopy and solved by HiGHS.  The typed entry point is :mod:`computestrata.network.api`;
the equations are on the methods page ``docs/network.md``.
"""
