"""computestrata.controls."""
