"""computestrata.top500."""
