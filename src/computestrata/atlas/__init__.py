"""The atlas: real public data about compute, every number with its source and licence.

``computestrata.atlas.open()`` opens the shipped atlas (or ``$STRATA_ATLAS``).
"""

from computestrata.atlas.store import Atlas, open

__all__ = ["Atlas", "open"]
