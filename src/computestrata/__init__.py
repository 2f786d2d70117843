"""computestrata — measure and simulate the structural competition over computing power.

The package is organised one room per concept: ``atlas`` (sourced data), ``stack``
(structure), ``controls`` (export-control rules), ``measure`` (estimates, indices,
concentration).  Imports are lazy so that the CLI starts fast.
"""

__version__ = "0.1.0"
