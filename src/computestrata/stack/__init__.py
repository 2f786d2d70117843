"""computestrata.stack."""
