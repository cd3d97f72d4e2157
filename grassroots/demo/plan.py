"""The shape of the demo: sizes, the unit tree with names, codes and boundaries (no database).

``DISTRICT`` is the demo district, modelled on the local reports (docs/domain.md): 3 streets/towns,
12 communities (two of them villages with courtyards), 100 grids of 200–300 households
(docs/domain.md §2: a grid covers 200–300 households), ≈25,000 households. ``CITY`` is the benchmark
city: 10 districts × 500 grids = 5,000 grids (Jincheng has 4,609, docs/domain.md §2) and 1.5 million
households (300 per grid on average).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from grassroots.demo import geometry, names
from grassroots.org.choices import UnitKind

DEFAULT_SEED = 530113  # Dongchuan's administrative code: any fixed number would do


@dataclass(frozen=True)
class Size:
    """How much to generate. ``households`` is the range per grid; ``residents`` says whether
    every member of a household is generated (≈2.5 per household) or only its head."""

    scale: str
    districts: int
    streets: int  # per district
    communities: int  # per district
    grids: int  # per district
    villages: int  # per district: communities that are villages, in the district's town
    households: tuple[int, int]
    residents: str  # "all" or "head"
    radius_m: float  # of the whole area
    centre: tuple[float, float]  # lng, lat

    @property
    def total_grids(self) -> int:
        return self.districts * self.grids

    @property
    def root_code(self) -> str:
        return ROOT_CODES[self.scale]

    @property
    def prefix(self) -> str:
        """Username prefix of the generated accounts (``demo_district_admin``, ``demo.gm.00001``)."""
        return PREFIXES[self.scale]


ROOT_CODES = {"district": "DEMO", "city": "DEMOCITY"}
PREFIXES = {"district": "demo", "city": "city"}

DISTRICT = Size(
    scale="district",
    districts=1,
    streets=3,
    communities=12,
    grids=100,
    villages=2,
    households=(200, 300),
    residents="all",
    radius_m=1_800,  # ≈ 5 × 3.5 km, the size of Dongchuan's town centre
    centre=(103.187, 26.083),  # Dongchuan, Kunming
)
# The city keeps only each household's head as a resident (1.5 million residents instead of
# 3.75 million), so that it loads in minutes; the district demo has whole families.
CITY = Size(
    scale="city",
    districts=10,
    streets=8,
    communities=60,
    grids=500,
    villages=6,
    households=(250, 350),
    residents="head",
    radius_m=18_000,
    centre=(102.71, 25.04),  # Kunming
)
SIZES = {"district": DISTRICT, "city": CITY}


def district_of_grids(grids: int, *, households: tuple[int, int] | None = None) -> Size:
    """A smaller (or larger) demo district with about the default's proportions: 8 grids per
    community, 4 communities per street, one village when there are at least three communities."""
    communities = max(1, round(grids / 8.3))
    streets = max(1, min(3, round(communities / 4)))
    villages = 0 if communities < 3 else 1 if communities < 12 else 2
    return replace(
        DISTRICT,
        streets=streets,
        communities=max(communities, streets),
        grids=max(grids, communities),
        villages=villages,
        households=households or DISTRICT.households,
        radius_m=DISTRICT.radius_m * (grids / DISTRICT.grids) ** 0.5,
    )


@dataclass
class Node:
    """A unit to be created: kind, name, code and (once tessellated) its boundary."""

    kind: str
    name: str
    code: str
    region: geometry.Region
    children: list[Node] = field(default_factory=list)
    households: int = 0  # grids: how many households to generate
    id_region: str = ""  # districts: the GB/T 2260 code of registered residents

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def is_village(self) -> bool:
        return self.kind == UnitKind.VILLAGE


def split(total: int, parts: int, rng: random.Random, *, spread: float = 0.35) -> list[int]:
    """``total`` divided into ``parts`` positive, unequal shares (largest remainder)."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    exact = [total * w / sum(weights) for w in weights]
    shares = [max(1, int(x)) for x in exact]
    order = sorted(range(parts), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(shares) != total:
        j = order[i % parts]
        if sum(shares) < total:
            shares[j] += 1
        elif shares[j] > 1:
            shares[j] -= 1
        i += 1
    return shares


def _region(key: str) -> geometry.Region:
    return geometry.Region(key)


def _village_name(rng: random.Random, word: str) -> str:
    return rng.choice(names.VILLAGE_PREFIXES) + word + rng.choice(names.VILLAGE_SUFFIXES)


def _district(size: Size, rng: random.Random, name: str, code: str, id_region: str) -> Node:
    district = Node(UnitKind.DISTRICT, name, code, _region(code), id_region=id_region)
    street_words = names.distinct_words(rng, size.streets)
    community_words = names.distinct_words(rng, size.communities)
    per_street = split(size.communities, size.streets, rng, spread=0.25)
    per_community = split(size.grids, size.communities, rng)
    community_index = 0
    for s, (word, n_communities) in enumerate(zip(street_words, per_street, strict=True), start=1):
        is_town = s == size.streets and size.villages > 0
        kind = UnitKind.TOWN if is_town else UnitKind.STREET
        street_code = f"{code}-S{s:02d}"
        street = Node(kind, word + ("镇" if is_town else "街道"), street_code, _region(street_code))
        district.children.append(street)
        villages_here = min(size.villages, n_communities) if is_town else 0
        for c in range(1, n_communities + 1):
            village = c > n_communities - villages_here
            cword = community_words[community_index]
            community_code = f"{street_code}-C{c:02d}"
            community = Node(
                UnitKind.VILLAGE if village else UnitKind.COMMUNITY,
                _village_name(rng, cword) if village else cword + "社区",
                community_code,
                _region(community_code),
            )
            street.children.append(community)
            for g in range(1, per_community[community_index] + 1):
                grid_code = f"{community_code}-G{g:02d}"
                community.children.append(
                    Node(
                        UnitKind.GRID,
                        f"第{g}网格",
                        grid_code,
                        _region(grid_code),
                        households=rng.randint(*size.households),
                    )
                )
            community_index += 1
    return district


def build(size: Size, seed: int) -> Node:
    """The whole tree for ``size`` with boundaries: a district (district scale) or a city."""
    rng = random.Random(f"{seed}/plan/{size.scale}")
    if size.scale == "district":
        root = _district(size, rng, "东川演示区", size.root_code, "530113")
    else:
        root = Node(UnitKind.CITY, "昆明演示市", size.root_code, _region(size.root_code))
        for d in range(size.districts):
            name, id_region = names.CITY_DISTRICTS[d % len(names.CITY_DISTRICTS)]
            if d >= len(names.CITY_DISTRICTS):
                name = name.replace("区", f"{d // len(names.CITY_DISTRICTS) + 1}区")
            root.children.append(_district(size, rng, name, f"{size.root_code}-D{d + 1:02d}", id_region))
    for node in root.walk():
        node.region.children = [child.region for child in node.children]
    geo_rng = random.Random(f"{seed}/geometry/{size.scale}")
    area = geometry.outline(geo_rng, radius_m=size.radius_m)
    geometry.tessellate(root.region, area, geometry.Frame(*size.centre), geo_rng)
    return root
