"""TOP500 supercomputer lists: systems and Rmax by country, by system, and over time.

Python API (the CLI `strata top500 ...` calls the same functions)::

    from computestrata import top500
    top500.countries("2024-11")        # per-country systems, Rmax, shares, best rank
    top500.systems("2024-11", top=10)  # the top systems of a list
    top500.history("CHN")              # one country over every list
    top500.api.bind(atlas).countries() # the same, bound to one opened atlas (see top500.api)

Each returns a list of dicts with ``.source_ids`` and ``.notes`` attached.  TOP500
understates China's capacity: China has submitted few new systems since about 2019.
"""

from computestrata.top500 import api
from computestrata.top500.query import Top500Result, countries, history, list_ids, systems

__all__ = ["Top500Result", "api", "countries", "history", "list_ids", "systems"]
