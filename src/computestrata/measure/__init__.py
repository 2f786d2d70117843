"""computestrata.measure."""
