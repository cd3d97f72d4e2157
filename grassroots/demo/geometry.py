"""Boundaries of the demo district: a nested tessellation that is a valid coverage at every level.

The shape of the method (why not simply "clip each Voronoi cell to its parent"): two neighbours
clipped separately get their shared corner from two separate floating-point intersections, which
can differ in the last bit and leave hair-thin overlaps or gaps. Here every edge exists once:

1. Top-down, in a local metre frame, each region is split into its children's *tentative*
   regions by a Voronoi diagram of Lloyd-relaxed sites (so cells are compact and similar in
   size), down to the grids.
2. The boundaries of all grid cells are noded into one edge network with snap-rounding (every
   vertex on a 0.5 m lattice, so coincident edges from both sides collapse into one), densified
   and bent by one smooth displacement field (boundaries look drawn, not ruled), converted to
   longitude/latitude and noded again on a 1e-7° lattice (≈1 cm).
3. The network is polygonized into faces; each grid takes the face holding its (displaced) site.
   Stray slivers, if snapping made any, join the neighbour they share most edge with.
4. Bottom-up, every parent is the coverage union of its children, so communities, streets and
   districts are made of their grids' own vertices: nesting is exact, not approximate.

The result is checked (``shapely.coverage_is_valid``) before anything is written.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LNG_AT_EQUATOR = 111_320.0
SNAP_M = 0.5  # metre lattice of the first noding
SNAP_DEG = 1e-7  # degree lattice of the final coordinates (≈ 1 cm)
DIGITS = 7  # decimals written to GeoJSON, matching SNAP_DEG


class TessellationError(RuntimeError):
    """The tessellation came out inconsistent (a generator bug, never bad input)."""


@dataclass(frozen=True)
class Frame:
    """A local tangent plane in metres around (lng0, lat0); good to a few centimetres over 50 km."""

    lng0: float
    lat0: float

    @property
    def m_per_deg_lng(self) -> float:
        return M_PER_DEG_LNG_AT_EQUATOR * math.cos(math.radians(self.lat0))

    def to_degrees(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [self.lng0 + xy[:, 0] / self.m_per_deg_lng, self.lat0 + xy[:, 1] / M_PER_DEG_LAT]
        )


@dataclass
class Region:
    """A node of the tessellation: a district, street, community or grid (a leaf).

    ``tentative`` (metres) is where the node's children are seeded; ``polygon`` (degrees) is the
    final boundary, filled in by ``tessellate``.
    """

    key: str
    children: list[Region] = field(default_factory=list)
    tentative: BaseGeometry | None = None
    site: Point | None = None
    polygon: BaseGeometry | None = None

    def leaves(self) -> Iterator[Region]:
        if not self.children:
            yield self
        for child in self.children:
            yield from child.leaves()

    def walk_bottom_up(self) -> Iterator[Region]:
        for child in self.children:
            yield from child.walk_bottom_up()
        yield self


def outline(rng: random.Random, *, radius_m: float, aspect: float = 1.3, vertices: int = 48) -> Polygon:
    """An irregular, star-shaped area of about π·radius² (a smooth random radius around an ellipse)."""
    waves = [(k, 0.16 / k, rng.uniform(0, 2 * math.pi)) for k in (2, 3, 4, 5)]
    points = []
    for i in range(vertices):
        theta = 2 * math.pi * i / vertices
        r = radius_m * (1 + sum(a * math.sin(k * theta + phase) for k, a, phase in waves))
        points.append((r * math.cos(theta) * math.sqrt(aspect), r * math.sin(theta) / math.sqrt(aspect)))
    return Polygon(points)


def random_points(polygon: BaseGeometry, n: int, rng: random.Random) -> list[Point]:
    """``n`` uniform points strictly inside ``polygon`` (rejection sampling in its bounding box)."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    out: list[Point] = []
    while len(out) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(polygon, x, y):
            out.append(Point(x, y))
    return out


def _voronoi(sites: Sequence[Point], within: BaseGeometry) -> list[BaseGeometry]:
    cells = shapely.voronoi_polygons(shapely.MultiPoint(list(sites)), extend_to=within, ordered=True)
    return list(shapely.intersection(np.array(shapely.get_parts(cells)), within))


def partition(
    polygon: BaseGeometry, n: int, rng: random.Random, *, iterations: int = 4
) -> tuple[list[BaseGeometry], list[Point]]:
    """Split ``polygon`` into ``n`` compact cells: Voronoi of random sites moved ``iterations``
    times to their cell's centroid (Lloyd relaxation). Returns the cells and their sites."""
    if n == 1:
        return [polygon], [polygon.point_on_surface()]
    sites = random_points(polygon, n, rng)
    for _ in range(iterations):
        cells = _voronoi(sites, polygon)
        sites = [c.centroid if polygon.contains(c.centroid) else c.point_on_surface() for c in cells]
    return _voronoi(sites, polygon), sites


def _seed_regions(node: Region, rng: random.Random) -> None:
    if not node.children:
        return
    assert node.tentative is not None
    cells, sites = partition(node.tentative, len(node.children), rng)
    for child, cell, site in zip(node.children, cells, sites, strict=True):
        child.tentative, child.site = cell, site
        _seed_regions(child, rng)


def _warp(xy: np.ndarray, *, spacing: float, phases: Sequence[float]) -> np.ndarray:
    """A smooth displacement (≈5 % of a grid's width, gentle enough to keep every face intact):
    the same point always moves the same way, so shared edges stay shared."""
    k = 2 * math.pi / (2.2 * spacing)
    x, y = xy[:, 0], xy[:, 1]
    amp = 0.05 * spacing
    dx = amp * (np.sin(k * 1.1 * y + phases[0]) + 0.5 * np.sin(k * 2.3 * x + k * 1.7 * y + phases[1]))
    dy = amp * (np.sin(k * 1.3 * x + phases[2]) + 0.5 * np.sin(k * 2.1 * y - k * 1.5 * x + phases[3]))
    return np.column_stack([x + dx, y + dy])


def _assign_faces(faces: np.ndarray, sites: np.ndarray) -> list[list[int]]:
    """Face indices per leaf: the face holding the leaf's site, plus stray faces merged into the
    neighbour they share the longest edge with."""
    tree = shapely.STRtree(faces)
    site_idx, face_idx = tree.query(sites, predicate="within")
    if len(site_idx) != len(sites) or len(set(face_idx.tolist())) != len(sites):
        raise TessellationError("each grid site must lie in exactly one face of its own")
    owner = np.full(len(faces), -1, dtype=np.int64)
    owner[face_idx] = site_idx
    for _ in range(len(faces)):
        strays = np.flatnonzero(owner < 0)
        if not len(strays):
            break
        for f in strays.tolist():
            best: int = -1
            best_len = 0.0
            for g in tree.query(faces[f], predicate="intersects"):
                if owner[g] >= 0:
                    shared = float(shapely.length(shapely.intersection(faces[f].boundary, faces[g].boundary)))
                    if shared > best_len:
                        best, best_len = int(owner[g]), shared
            owner[f] = best
    groups: list[list[int]] = [[] for _ in sites]
    for f, leaf in enumerate(owner.tolist()):
        if leaf < 0:
            raise TessellationError("a face touches no grid")
        groups[leaf].append(f)
    return groups


def tessellate(
    root: Region,
    area_m: Polygon,
    frame: Frame,
    rng: random.Random,
    *,
    densify_m: float | None = None,
) -> None:
    """Fill in ``polygon`` (lng/lat) for ``root`` and every region below it; see the module doc."""
    root.tentative, root.site = area_m, area_m.point_on_surface()
    _seed_regions(root, rng)
    leaves = list(root.leaves())
    spacing = math.sqrt(area_m.area / max(len(leaves), 1))
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(4)]

    edges = shapely.union_all([shapely.boundary(leaf.tentative) for leaf in leaves], grid_size=SNAP_M)
    edges = shapely.segmentize(edges, densify_m or spacing / 8)

    def place(xy: np.ndarray) -> np.ndarray:
        return frame.to_degrees(_warp(xy, spacing=spacing, phases=phases))

    edges = shapely.union_all(shapely.transform(edges, place), grid_size=SNAP_DEG)
    faces = np.array(shapely.get_parts(shapely.polygonize(shapely.get_parts(edges))))
    sites = shapely.transform(np.array([leaf.site for leaf in leaves]), place)
    for leaf, group in zip(leaves, _assign_faces(faces, sites), strict=True):
        leaf.polygon = faces[group[0]] if len(group) == 1 else shapely.coverage_union_all(faces[group])
    for node in root.walk_bottom_up():
        if node.children:
            node.polygon = shapely.coverage_union_all([c.polygon for c in node.children])
    _check(root)


def _check(root: Region) -> None:
    """Every level a valid coverage of valid polygons (no overlaps, no gaps between neighbours)."""
    level = [root]
    while level:
        polygons = [node.polygon for node in level]
        if not all(p is not None and p.is_valid and not p.is_empty for p in polygons):
            raise TessellationError("an invalid or empty polygon came out of the tessellation")
        if len(polygons) > 1 and not shapely.coverage_is_valid(polygons):
            raise TessellationError("overlapping polygons came out of the tessellation")
        level = [child for node in level for child in node.children]


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """GeoJSON with coordinates rounded to the lattice they already lie on (short, exact)."""
    return dict(mapping(shapely.transform(geom, lambda xy: np.round(xy, DIGITS))))


def points_inside(
    polygon: BaseGeometry, n: int, rng: random.Random, *, margin_deg: float = 8e-5
) -> list[tuple[float, float]]:
    """``n`` (lat, lng) points at least ``margin_deg`` (≈8 m) inside ``polygon``, rounded to 7
    decimals: building and facility positions that never sit on a boundary."""
    inner = polygon.buffer(-margin_deg)
    if inner.is_empty:
        inner = polygon.buffer(-margin_deg / 10)
    if inner.is_empty:  # a sliver; only its interior point is safe
        p = polygon.point_on_surface()
        return [(round(p.y, DIGITS), round(p.x, DIGITS))] * n
    out = []
    for p in random_points(inner, n, rng):
        out.append((round(p.y, DIGITS), round(p.x, DIGITS)))
    return out
