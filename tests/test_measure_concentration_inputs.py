"""`strata measure concentration --dataset clusters --list …`: a clear InputError, not a ValueError."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from computestrata.errors import InputError
from computestrata.measure import stratification as st


class _ClusterAtlas:
    """Just enough of an atlas for :func:`concentration_for` on a cluster table."""

    def __init__(self) -> None:
        self.frame = pd.DataFrame(
            {
                "status": ["Existing"] * 4,
                "h100e": [50.0, 40.0, 5.0, 4.0],
                "country_iso3": ["USA", "USA", "CHN", "DEU"],
                "first_operational_date": pd.to_datetime(["2022-01-01", "2023-01-01", "2024-01-01", "2024-06-01"]),
                "decommissioned_date": pd.to_datetime([None] * 4),
                "include_in_standard_analysis": [True] * 4,
                "source_id": ["c"] * 4,
            }
        )
        self.manifest = {"tables": {"gpu_clusters": {"columns": list(self.frame.columns)}}}

    def require(self, *tables: str) -> None:
        return None

    def has(self, table: str) -> bool:
        return table == "gpu_clusters"

    def table(self, name: str) -> pd.DataFrame:
        return self.frame

    def df(self, sql: str) -> pd.DataFrame:
        """``SELECT "a", "b" FROM gpu_clusters`` (the column reads of the cluster loader)."""
        cols = sql.split("SELECT", 1)[1].split("FROM", 1)[0]
        return self.frame[[c.strip().strip('"') for c in cols.split(",")]]


@pytest.mark.parametrize("list_id", ["1900-01", "2024-11", "x"])
def test_list_on_clusters_names_the_years_and_the_fix(list_id: str) -> None:
    with pytest.raises(InputError) as e:
        st.concentration_for(_ClusterAtlas(), "clusters", "all", list_id=list_id)  # type: ignore[arg-type]
    assert "--list" in e.value.message and "clusters" in e.value.message
    assert "2022–2024" in e.value.message
    assert "--year 2024" in (e.value.hint or "")


@pytest.mark.integration
def test_cli_raises_the_input_error_main_turns_into_exit_2(built_atlas: object) -> None:
    """The command surfaces an InputError (``main()`` prints it and exits 2), not a ValueError."""
    from computestrata.cli import app

    args = ["measure", "concentration", "--dataset", "clusters", "--list", "1900-01", "--atlas", str(built_atlas)]
    res = CliRunner().invoke(app, args)
    assert isinstance(res.exception, InputError), repr(res.exception)
    assert "--year" in (res.exception.hint or "")
