"""The report's sections, one module each, in the order of the paper's argument.

Each ``build(ctx)`` calls the same API function the matching CLI command calls and only
arranges the result into charts and tables; nothing is recomputed here.
"""
