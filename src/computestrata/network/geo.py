"""Distances and latency between demand regions and sites (pure functions).

Latency is physics plus a documented allowance: great-circle distance times a fibre-route
factor (fibre does not run in straight lines), divided by the speed of light in glass, plus a
fixed equipment overhead.  Both the factor and the overhead are case parameters.
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def route_km(distance_km: float, route_factor: float) -> float:
    """Fibre-route length: the straight line stretched by the route factor (>= 1)."""
    return distance_km * route_factor


def one_way_latency_ms(distance_km: float, route_factor: float, fibre_km_per_ms: float, overhead_ms: float) -> float:
    """One-way propagation latency over fibre plus a fixed overhead (switching, last mile)."""
    return route_km(distance_km, route_factor) / fibre_km_per_ms + overhead_ms
