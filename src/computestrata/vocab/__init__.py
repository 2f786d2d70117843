"""Shared vocabulary: the ids every part speaks (a leaf: imports only errors and i18n).

:mod:`.segments` holds the compute stack's segment ids, layers and tiers.  Controls tag rules
with them, cooperation scores them and the stack measures them; keeping them here lets each
of those parts import the vocabulary without importing another part.
"""
