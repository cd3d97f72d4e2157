"""A tiny demo district for the tests: two streets (one a town with a village), three
communities, six grids of 12–20 households. Loading it takes a fraction of a second. And a tiny
city of two such districts (with a handful of households per grid) for the historical cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from grassroots.demo import generator
from grassroots.demo.plan import CITY, DISTRICT, Size

TINY = replace(DISTRICT, streets=2, communities=3, grids=6, villages=1, households=(12, 20), radius_m=500)
TODAY = dt.date(2026, 5, 20)


def load(size: Size = TINY, seed: int = 7) -> generator.Result:
    return generator.load(size, seed=seed, today=TODAY)


# A tiny city: two districts of six grids with a few households each, and its historical cases.
TINY_CITY = replace(
    CITY, districts=2, streets=2, communities=3, grids=6, villages=1, households=(3, 5), radius_m=2_000
)


def load_city(cases: int, today: dt.date = TODAY, seed: int = 7) -> generator.Result:
    return generator.load(TINY_CITY, seed=seed, today=today, cases=cases)
