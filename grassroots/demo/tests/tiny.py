"""A tiny demo district for the tests: two streets (one a town with a village), three
communities, six grids of 12–20 households. Loading it takes a fraction of a second."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from grassroots.demo import generator
from grassroots.demo.plan import DISTRICT, Size

TINY = replace(DISTRICT, streets=2, communities=3, grids=6, villages=1, households=(12, 20), radius_m=500)
TODAY = dt.date(2026, 5, 20)


def load(size: Size = TINY, seed: int = 7) -> generator.Result:
    return generator.load(size, seed=seed, today=TODAY)
