"""A scenario family in a few lines: how fast must China's domestic accelerators ramp to hold
its 2030 share of intelligent compute under each control posture?

Run from the repository folder:  python docs/scenarios_example.py
(uses the atlas in STRATA_ATLAS, else the shipped one).  See docs/scenarios.md for the model.
"""

from __future__ import annotations

from computestrata.atlas import store
from computestrata.scenarios import api, model


def main() -> None:
    atlas = store.open()
    # 1. the shipped scenarios side by side, at their central values
    runs = api.run(atlas, ["baseline", "no_yard"], pair=("KOR", "CHN"), to_year=2030)
    for p in runs.scenarios:
        last = p.years[-1]
        print(
            f"{p.scenario:>22}: CHN share {last['shares']['intelligent']['CHN']:.3f}, "
            f"KOR-CHN open share {last['cooperation']['open_share']:.2f}"
        )
    # 2. a family: prepare once (atlas, controls, cooperation), then evaluate many parameter sets
    for name in ("baseline", "small_yard_high_fence", "no_yard"):
        prep = api.prepare(atlas, name, to_year=2030)
        lo, hi = prep.ranges["cn_output_growth"]
        for growth in (lo, (lo + hi) / 2, hi):
            out = model.evaluate(prep, {"cn_output_growth": growth})
            print(f"{name:>22} cn_output_growth={growth:.2f}: CHN share 2030 = {out['share.CHN.2030']:.3f}")
    print("sources:", ", ".join(runs.source_ids[:6]), "...")


if __name__ == "__main__":
    main()
