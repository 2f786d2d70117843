"""Federal Register citation → Entity List listing date — moved to :mod:`computestrata.atlas.frdates`.

The atlas build dates Entity List rows with it, so it lives below controls; this module
re-exports it so existing imports keep working.
"""

from __future__ import annotations

from computestrata.atlas.frdates import (
    SAME_RULE_PAGES,
    Anchor,
    FrDate,
    anchors,
    citations,
    date_of,
    listing_date,
)

__all__ = ["SAME_RULE_PAGES", "Anchor", "FrDate", "anchors", "citations", "date_of", "listing_date"]
