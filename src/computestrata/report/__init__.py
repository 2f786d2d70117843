"""The static report: the paper's argument as one cited HTML page with charts (``strata report``).

Python API::

    from computestrata.report import api
    res = api.build_report(atlas, "strata-report", lang="ko", pair=("KOR", "CHN"))
    res.path  # .../strata-report/index.html
"""
