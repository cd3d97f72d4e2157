"""How fast is ``locate``? Points per second over city-scale grids, against a brute-force loop.

    .venv/bin/python bench/locate.py            # 5,000 grids, 1,000,000 points (also: make bench-locate)
    .venv/bin/python bench/locate.py --help     # sizes, seed

Builds a synthetic city without a database: Voronoi cells over a 40 × 40 km area, denser in the
centre, with wiggly shared edges (a smooth warp of a noded edge network, then polygonize, so
neighbours share their edges exactly), some grids with holes, some holes given to a neighbour as
an exclave (MultiPolygon grids), a few areas not gridded yet, and communities, streets and the
district above them for the fallback. Then it times ``Locator.locate_many`` (batch),
``Locator.locate`` in a Python loop (single), and the brute-force baseline (``for poly in
polygons: if poly.intersects(point)`` over unprepared copies of the same polygons, with the same
rules: lowest id wins on a shared edge, else the smallest enclosing unit) on a subset, and checks
that all three give the same answer for every point of the subset. Goal: ≥ 300,000
points/s batch, ≤ 20 µs per single lookup.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from grassroots.org.geo import Locator

CENTRE = (102.70, 25.04)  # lng, lat: a Kunming-like city
SIZE_KM = 40.0
GOAL_BATCH = 300_000  # points/s
GOAL_SINGLE_US = 20.0  # µs per lookup


@dataclass
class City:
    """The synthetic city: (id, kind, geometry) rows as the locator takes them."""

    units: list[tuple[int, str, shapely.Geometry]]
    bounds: tuple[float, float, float, float]

    @property
    def grids(self) -> list[tuple[int, str, shapely.Geometry]]:
        return [u for u in self.units if u[1] == "grid"]


def _warp(coords: np.ndarray, scale: float) -> np.ndarray:
    """A smooth displacement field: the same point always moves the same way, so shared edges stay
    shared, and its slope stays well below 1, so the map folds nothing and no faces cross."""
    x, y = coords[:, 0], coords[:, 1]
    dx = np.zeros_like(x)
    dy = np.zeros_like(y)
    for wavelength, phase in ((scale, 0.7), (scale / 4, 2.3)):
        k = 2 * math.pi / wavelength
        amplitude = 0.08 / k  # slope of each term ≤ 0.08·(1 + 1.5)
        dx += amplitude * (np.sin(k * y + phase) + 0.5 * np.sin(k * (1.3 * x + 0.8 * y) - phase))
        dy += amplitude * (np.sin(k * x - phase) + 0.5 * np.sin(k * (0.9 * x - 1.4 * y) + phase))
    return np.column_stack([x + dx, y + dy])


def build_city(n_grids: int = 5_000, seed: int = 20260101) -> City:
    rng = np.random.default_rng(seed)
    lng0, lat0 = CENTRE
    half_lat = SIZE_KM / 2 / 111.0
    half_lng = half_lat / math.cos(math.radians(lat0))
    area = shapely.box(lng0 - half_lng, lat0 - half_lat, lng0 + half_lng, lat0 + half_lat)
    # One cell in a hundred stays without a grid (not gridded yet), so make that many more cells.
    n_cells = n_grids + n_grids // 99
    seeds = _scatter(rng, n_cells, lng0, lat0, half_lng, half_lat)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=area))
    cells = shapely.intersection(cells, area)

    # Wiggly edges: node the cell boundaries into one network (each shared edge once), add
    # vertices every ~20 m, warp them smoothly, and rebuild the faces.
    mean_side = math.sqrt(area.area / n_cells)
    network = shapely.union_all(shapely.boundary(cells))
    network = shapely.segmentize(network, mean_side / 25)
    network = shapely.transform(network, lambda c: _warp(c, mean_side * 6))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(network)))
    faces = faces[np.argsort(shapely.area(faces))[::-1]]  # deterministic order

    # Communities (~20 grids each) by nearest community seed, streets (~10 communities) likewise;
    # a community's boundary is the union of its cells, holes and ungridded cells included.
    centres = shapely.get_coordinates(shapely.point_on_surface(faces))
    n_comm = max(1, len(faces) // 20)
    comm_seeds = centres[rng.choice(len(faces), n_comm, replace=False)]
    comm_of = np.argmin(((centres[:, None, :] - comm_seeds[None, :, :]) ** 2).sum(axis=2), axis=1)
    n_street = max(1, n_comm // 10)
    street_seeds = comm_seeds[rng.choice(n_comm, n_street, replace=False)]
    street_of = np.argmin(((comm_seeds[:, None, :] - street_seeds[None, :, :]) ** 2).sum(axis=2), axis=1)
    communities = [shapely.coverage_union_all(faces[comm_of == c]) for c in range(n_comm)]
    streets = [
        shapely.coverage_union_all(np.array([communities[c] for c in np.flatnonzero(street_of == s)]))
        for s in range(n_street)
    ]

    grids: list[shapely.Geometry | None] = list(faces)
    # Cells not gridded yet: points there fall back to the community.
    for i in rng.choice(len(grids), max(0, len(grids) - n_grids), replace=False):
        grids[i] = None
    # ~3 % of grids have a hole (a park, a lake, a compound run by another grid); half of the
    # holes are an exclave of the grid with the next index, which becomes a MultiPolygon.
    for i in rng.choice(len(grids), len(grids) * 3 // 100, replace=False):
        cell = grids[i]
        if cell is None:
            continue
        centre = shapely.point_on_surface(cell)
        radius = 0.25 * math.sqrt(cell.area / math.pi)
        hole = shapely.buffer(centre, radius, quad_segs=4)
        if not cell.contains_properly(hole):
            continue
        grids[i] = cell.difference(hole)
        j = (i + 1) % len(grids)
        if rng.random() < 0.5 and grids[j] is not None and grids[j].disjoint(hole):
            grids[j] = shapely.multipolygons([*shapely.get_parts(grids[j]), hole])

    # Ids in creation order: district, streets, communities street by street, grids community by
    # community (so that neither the id order nor the brute force's scan order follows size).
    units: list[tuple[int, str, shapely.Geometry]] = [(1, "district", area)]
    units += [(2 + s, "street", geom) for s, geom in enumerate(streets)]
    comm_order = np.argsort(street_of, kind="stable")
    comm_id = {int(c): 2 + n_street + k for k, c in enumerate(comm_order)}
    units += [(comm_id[int(c)], "community", communities[c]) for c in comm_order]
    next_id = 2 + n_street + n_comm
    for i in np.lexsort((rng.random(len(grids)), np.array([comm_id[int(c)] for c in comm_of]))):
        geom = grids[i]
        if geom is not None:
            units.append((next_id, "grid", geom))
            next_id += 1
    return City(units=units, bounds=area.bounds)


def _scatter(
    rng: np.random.Generator, n: int, lng0: float, lat0: float, half_lng: float, half_lat: float
) -> np.ndarray:
    """Points denser in the centre (where grids are small and people many) than at the edge."""
    n_dense = int(n * 0.6)
    dense = rng.normal(0, 0.35, size=(n_dense, 2)).clip(-0.99, 0.99)
    sparse = rng.uniform(-0.99, 0.99, size=(n - n_dense, 2))
    unit = rng.permutation(np.vstack([dense, sparse]))
    return np.column_stack([lng0 + unit[:, 0] * half_lng, lat0 + unit[:, 1] * half_lat])


def random_points(city: City, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points spread like the population (denser in the centre) over the whole area and a little
    beyond it, 1 % of them exactly on grid vertices (shared edges and corners)."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = city.bounds
    half_lng, half_lat = (maxx - minx) / 2 * 1.02, (maxy - miny) / 2 * 1.02
    points = _scatter(rng, n, (minx + maxx) / 2, (miny + maxy) / 2, half_lng, half_lat)
    lng, lat = points[:, 0], points[:, 1]
    vertices = shapely.get_coordinates(np.array([g for _, _, g in city.grids], dtype=object))
    on_vertex = rng.choice(n, n // 100, replace=False)
    picked = vertices[rng.choice(len(vertices), len(on_vertex))]
    lng[on_vertex], lat[on_vertex] = picked[:, 0], picked[:, 1]
    return lat, lng


def brute_force(city: City, lats: np.ndarray, lngs: np.ndarray) -> np.ndarray:
    """The baseline: a plain loop over unprepared copies of the polygons, same answer convention."""
    # Copies, because the locator prepares the geometries it is given in place.
    grids = [
        (uid, shapely.from_wkb(shapely.to_wkb(g))) for uid, _, g in sorted(city.grids, key=lambda u: u[0])
    ]
    others = sorted(
        ((uid, shapely.from_wkb(shapely.to_wkb(g))) for uid, kind, g in city.units if kind != "grid"),
        key=lambda u: (u[1].area, u[0]),
    )
    out = np.zeros(len(lats), dtype=np.int64)
    for k, (lat, lng) in enumerate(zip(lats, lngs, strict=True)):
        point = shapely.Point(lng, lat)
        for uid, poly in grids:
            if poly.intersects(point):
                out[k] = uid
                break
        else:
            for uid, poly in others:
                if poly.intersects(point):
                    out[k] = -uid
                    break
    return out


def single_loop(locator: Locator, lats: np.ndarray, lngs: np.ndarray) -> np.ndarray:
    out = np.zeros(len(lats), dtype=np.int64)
    locate = locator.locate
    for k, (lat, lng) in enumerate(zip(lats.tolist(), lngs.tolist(), strict=True)):
        hit = locate(lat, lng)
        if hit is not None:
            out[k] = hit.unit_id if hit.is_grid else -hit.unit_id
    return out


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grids", type=int, default=5_000, help="number of grids (default 5,000)")
    parser.add_argument(
        "--points", type=int, default=1_000_000, help="points for the batch (default 1,000,000)"
    )
    parser.add_argument(
        "--single", type=int, default=200_000, help="points for single lookups (default 200,000)"
    )
    parser.add_argument(
        "--baseline", type=int, default=1_000, help="points for the brute force (default 1,000)"
    )
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    print(
        f"machine: {harness.machine_line()}, shapely {shapely.__version__}, "
        f"GEOS {shapely.geos_version_string}, numpy {np.__version__}"
    )
    city, t_city = _timed(build_city, args.grids, args.seed)
    n_grids = len(city.grids)
    n_parts = sum(len(shapely.get_parts(g)) for _, _, g in city.grids)
    n_holes = sum(
        int(shapely.get_num_interior_rings(p)) for _, _, g in city.grids for p in shapely.get_parts(g)
    )
    n_vertices = sum(int(shapely.get_num_coordinates(g)) for _, _, g in city.grids)
    print(
        f"city: {n_grids} grids ({n_parts - n_grids} exclaves, {n_holes} holes, "
        f"{n_vertices / n_grids:.0f} vertices/grid), {len(city.units) - n_grids} enclosing units; "
        f"built in {t_city:.1f} s"
    )
    _, t_first = _timed(Locator, city.units)
    locator, t_build = _timed(Locator, city.units)
    buckets = locator.buckets
    assert buckets is not None
    print(
        f"locator: built in {t_build * 1000:.0f} ms (first build in the process {t_first * 1000:.0f} ms, "
        f"with imports); {buckets.nx}×{buckets.ny} buckets, {buckets.marked_share:.0%} crossed by an edge"
    )

    lats, lngs = random_points(city, args.points, args.seed + 1)
    locator.locate_many(lats[:1000], lngs[:1000])  # warm up
    batch, t_batch = _timed(locator.locate_many, lats, lngs)
    n_single = min(args.single, args.points)
    single, t_single = _timed(single_loop, locator, lats[:n_single], lngs[:n_single])
    n_base = min(args.baseline, args.points)
    base, t_base = _timed(brute_force, city, lats[:n_base], lngs[:n_base])

    rows = [
        ("batch  Locator.locate_many", args.points, t_batch),
        ("single Locator.locate (loop)", n_single, t_single),
        ("brute force poly.intersects", n_base, t_base),
    ]
    base_rate = n_base / t_base
    print()
    header = ["method", "points", "time s", "points/s", "µs/point", "× baseline"]
    table = [
        [name, f"{n:,}", f"{t:.3f}", f"{n / t:,.0f}", f"{1e6 * t / n:.2f}", f"{n / t / base_rate:,.0f}"]
        for name, n, t in rows
    ]
    print(harness.format_table(header, table))

    mismatches = int(np.count_nonzero(batch[:n_base] != base) + np.count_nonzero(single[:n_base] != base))
    mismatches += int(np.count_nonzero(batch[:n_single] != single))
    in_grid = np.count_nonzero(batch > 0) / len(batch)
    fallback = np.count_nonzero(batch < 0) / len(batch)
    print()
    print(f"answers: {in_grid:.1%} in a grid, {fallback:.1%} fallback to an enclosing unit, rest outside")
    print(
        f"exactness: batch, single and brute force agree on all {n_base:,} baseline points"
        if mismatches == 0
        else f"exactness: {mismatches} DISAGREEMENTS"
    )
    batch_rate, single_us = args.points / t_batch, 1e6 * t_single / n_single
    batch_ok, single_ok = batch_rate >= GOAL_BATCH, single_us <= GOAL_SINGLE_US
    print(
        f"goal: batch {batch_rate:,.0f}/s (≥ {GOAL_BATCH:,}) {'met' if batch_ok else 'MISSED'}; "
        f"single {single_us:.1f} µs (≤ {GOAL_SINGLE_US:.0f}) {'met' if single_ok else 'MISSED'}"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
