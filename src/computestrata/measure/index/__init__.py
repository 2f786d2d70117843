"""Composite-index engine (OECD/JRC method)."""
