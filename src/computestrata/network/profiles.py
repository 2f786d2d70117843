"""Deterministic hourly profiles from documented assumptions (no weather data is bundled).

Every shape here is a closed-form function of the hour of day and the day of year, scaled so
that its annual mean equals a case parameter (a capacity factor or a mean load).  They are
*synthetic* stand-ins for measured series, and results that depend on them say so.  The same
inputs always give the same series, so runs are reproducible.

- Solar: a half-sine between 06:00 and 18:00 local solar time, with the day length and height
  modulated by season (peak at the June solstice, day 172).
- Wind: a mean plus a diurnal term (stronger at night, peak 03:00), a seasonal term (stronger in
  winter/spring, peak day 45) and a synoptic term (a 5-day weather cycle), clipped to [0, 1].
- Inference demand: a diurnal curve peaking in the evening (21:00) with a trough before dawn;
  training and storage are flat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

HOURS_PER_YEAR = 8760
DAYS_PER_YEAR = 365


def sample_periods(hours: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Which (day-of-year, hour-of-day) each modelled period stands for, and its weight in hours.

    ``hours`` <= 24: one representative day (the year's average day, ``days`` is empty) with
    ``hours`` evenly spaced hours.  ``hours`` a multiple of 24: ``hours/24`` days evenly spaced
    through the year.  Each period then stands for ``8760 / hours`` hours of the year.
    """
    import numpy as np

    if hours <= 24:
        days = np.array([], dtype=int)  # the average day of the year
        hod = np.floor(np.arange(hours) * 24 / hours).astype(int)
    else:
        n_days = hours // 24
        days = np.floor(np.arange(n_days) * DAYS_PER_YEAR / n_days).astype(int)
        hod = np.arange(24)
    return days, hod, HOURS_PER_YEAR / hours


def _scale(shape: np.ndarray, mean: float, cap: float | None = 1.0) -> np.ndarray:
    """Rescale a non-negative shape to the given mean (then clip to ``cap``, renormalise once)."""
    import numpy as np

    m = float(shape.mean())
    if m <= 0 or mean <= 0:
        return np.zeros_like(shape)
    out = shape * (mean / m)
    if cap is not None:
        for _ in range(20):  # clip and push the lost energy back into unclipped hours
            out = np.minimum(out, cap)
            gap = mean - float(out.mean())
            free = out < cap - 1e-12
            if gap <= 1e-12 or not free.any():
                break
            out = np.where(free, out * (1 + gap * out.size / max(float(out[free].sum()), 1e-12)), out)
        out = np.minimum(out, cap)
    return out


def full_year_solar(cf_mean: float) -> np.ndarray:
    """Hourly solar capacity factor for 365 x 24 hours with annual mean ``cf_mean``."""
    import numpy as np

    d = np.arange(DAYS_PER_YEAR)[:, None]
    h = np.arange(24)[None, :] + 0.5
    season = np.cos(2 * np.pi * (d - 172) / DAYS_PER_YEAR)  # +1 at the June solstice
    half_day = 6.0 + 1.5 * season  # day length 9 h (winter) to 15 h (summer)
    x = (h - 12.0) / half_day
    height = 0.75 + 0.25 * season
    shape = np.where(np.abs(x) < 1, np.cos(x * np.pi / 2), 0.0) * height
    return _scale(shape, cf_mean)


def full_year_wind(cf_mean: float) -> np.ndarray:
    """Hourly wind capacity factor for 365 x 24 hours with annual mean ``cf_mean``."""
    import numpy as np

    d = np.arange(DAYS_PER_YEAR)[:, None]
    h = np.arange(24)[None, :]
    t = d * 24 + h
    shape = (
        1.0
        + 0.25 * np.cos(2 * np.pi * (h - 3) / 24)
        + 0.30 * np.cos(2 * np.pi * (d - 45) / DAYS_PER_YEAR)
        + 0.35 * np.sin(2 * np.pi * t / (5 * 24))
    )
    return _scale(np.clip(shape, 0.02, None), cf_mean)


def full_year_inference(amplitude: float) -> np.ndarray:
    """Relative inference load (mean 1) for 365 x 24 hours: evening peak, pre-dawn trough."""
    import numpy as np

    h = np.arange(24)[None, :]
    shape = 1.0 + amplitude * np.cos(2 * np.pi * (h - 21) / 24)
    return np.broadcast_to(shape, (DAYS_PER_YEAR, 24)).astype(float)


def pick(full: np.ndarray, days: np.ndarray, hod: np.ndarray) -> np.ndarray:
    """The (day, hour) sub-grid of a 365 x 24 series that the model's periods stand for.

    No days: the average day, and each of its periods is the mean over the block of hours it
    stands for (``hod[i]`` up to ``hod[i+1]``), not the value at the block's first hour --
    otherwise ``--hours 1`` would model the whole year at midnight (no sun, evening-peak
    inference).  With blocks of equal length (N dividing 24) the annual energy is kept exactly.
    """
    import numpy as np

    if days.size == 0:
        avg = full.mean(axis=0)
        ends = [*(int(h) for h in hod[1:]), 24]
        return np.array([[avg[int(a) : b].mean() for a, b in zip(hod, ends, strict=True)]])
    return full[days][:, hod]
