"""Where households live: a grid's buildings (楼栋 → 单元 → 室) or a village grid's courtyards (院坝/组)."""

from __future__ import annotations

import random
from typing import Any

from grassroots.demo import geometry, names
from grassroots.demo.plan import Node
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit

# Building types of an urban grid (entrances 单元, floors, homes per floor, weight): six-storey
# walk-ups dominate older estates like Dongchuan's; a few mid- and high-rises.
BUILDING_TYPES = ((3, 6, 2, 0.45), (2, 7, 2, 0.2), (2, 11, 2, 0.15), (2, 18, 4, 0.12), (1, 26, 4, 0.08))
OCCUPANCY = 0.88  # share of homes with a registered household
COURTYARD_HOUSES = (30, 70)  # houses per courtyard (院坝/组)

# (index of the building or courtyard, door, full address)
Door = tuple[int, str, str]


def buildings(
    rng: random.Random, grid: Node, grid_unit: Unit, polygon: Any, prefix: str
) -> tuple[list[Unit], list[Door]]:
    """One or two estates' buildings with enough homes for the grid's households, and the homes
    taken: door ``2单元301室`` (entrance 2, floor 3, room 01), address ``…金沙花园3栋2单元301室``."""
    estates = [
        word + rng.choice(names.ESTATE_SUFFIXES) for word in names.distinct_words(rng, rng.randint(1, 2))
    ]
    kinds, weights = [t[:3] for t in BUILDING_TYPES], [t[3] for t in BUILDING_TYPES]
    planned: list[tuple[str, tuple[int, int, int]]] = []
    capacity = 0
    while capacity * OCCUPANCY < grid.households:
        estate = estates[len(planned) % len(estates)]
        shape = rng.choices(kinds, weights)[0]
        number = sum(1 for name, _ in planned if name.startswith(estate)) + 1
        planned.append((f"{estate}{number}栋", shape))
        capacity += shape[0] * shape[1] * shape[2]
    spots = geometry.points_inside(polygon, len(planned), rng)
    places = [
        Unit(
            kind=UnitKind.BUILDING,
            name=name,
            code=f"{grid.code}-B{i + 1:02d}",
            parent=grid_unit,
            district=grid_unit.district,
            address=prefix + name,
            lat=lat,
            lng=lng,
            sort_order=i,
        )
        for i, ((name, _shape), (lat, lng)) in enumerate(zip(planned, spots, strict=True))
    ]
    homes = [
        (b, f"{entrance}单元{floor}{room:02d}室")
        for b, (_name, (entrances, floors, rooms)) in enumerate(planned)
        for entrance in range(1, entrances + 1)
        for floor in range(1, floors + 1)
        for room in range(1, rooms + 1)
    ]
    taken = sorted(rng.sample(range(len(homes)), grid.households))
    return places, [(homes[i][0], homes[i][1], prefix + planned[homes[i][0]][0] + homes[i][1]) for i in taken]


def courtyards(
    rng: random.Random, grid: Node, grid_unit: Unit, polygon: Any, prefix: str, *, first_number: int
) -> tuple[list[Unit], list[Door]]:
    """Courtyards of a village grid (docs/domain.md §2), numbered on across the village's grids from
    ``first_number`` (第7组), with 30–70 houses each (``12号``)."""
    sizes: list[int] = []
    while sum(sizes) < grid.households:
        sizes.append(min(rng.randint(*COURTYARD_HOUSES), grid.households - sum(sizes)))
    spots = geometry.points_inside(polygon, len(sizes), rng)
    places = [
        Unit(
            kind=UnitKind.COURTYARD,
            name=f"第{first_number + i}组",
            code=f"{grid.code}-Y{i + 1:02d}",
            parent=grid_unit,
            district=grid_unit.district,
            address=f"{prefix}第{first_number + i}组",
            lat=lat,
            lng=lng,
            sort_order=i,
        )
        for i, (lat, lng) in enumerate(spots)
    ]
    doors = [
        (i, f"{house}号", f"{prefix}第{first_number + i}组{house}号")
        for i, n in enumerate(sizes)
        for house in range(1, n + 1)
    ]
    return places, doors
