"""Boundaries and ``locate``: which grid is this point in? (docs/domain.md §2)

Boundaries are GeoJSON Polygon/MultiPolygon geometries in lng/lat (WGS 84 / CGCS 2000, the
datum of 天地图). The rules of a lookup:

- A point is in a grid when it lies in the grid's polygon *or on its edge*; a point inside a hole
  of a grid is not in that grid. A point on an edge shared by two grids (or in the overlap of two
  badly drawn grids) goes to the grid with the lowest id, so the answer never depends on index order.
- A point in no grid falls back to the smallest enclosing unit above the grid level (community,
  street, district …) that has a boundary, flagged ``is_grid=False``: a community's fallback queue,
  "nothing is ever orphaned" (docs/domain.md §2). With no such unit the answer is ``None``.
- Only active units take part; buildings and courtyards are places, not queues, so they never answer.

``Locator`` holds shapely STRtrees over prepared polygons (the exact test) and, for grids, a raster
of uniform buckets (``_Buckets``) that answers most points without any polygon test. Each process
keeps one ``Locator`` and rebuilds it when ``BoundaryRevision`` moves (see ``get_locator``), so a
boundary change in one worker reaches all workers on their next call.

Public API: ``locate``/``locate_unit``/``locate_many`` (module functions over this process's
locator), ``get_locator`` with ``Locator.locate``/``Locator.locate_many``, ``parse_boundary``
and ``to_geojson``.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from grassroots.org.choices import LEVEL, UnitKind

if TYPE_CHECKING:
    from grassroots.org.models import Unit

logger = logging.getLogger(__name__)

_POLYGONAL = {"Polygon", "MultiPolygon"}
# Units a point may fall back to: the administrative levels above the grid (docs/domain.md §2).
FALLBACK_KINDS = frozenset(kind for kind, level in LEVEL.items() if level < LEVEL[UnitKind.GRID])


def _in_range(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def parse_boundary(data: Any) -> BaseGeometry:
    """A valid polygonal shapely geometry from GeoJSON (dict or text), or a ValidationError saying why not.

    The result is 2-D (altitudes are dropped) with its rings oriented as RFC 7946 asks
    (exterior counter-clockwise), so equal boundaries are stored alike.
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationError(_("The boundary is not valid JSON: %(error)s") % {"error": exc}) from None
    if not isinstance(data, dict):
        raise ValidationError(_("The boundary must be a GeoJSON geometry object."))
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
        if not isinstance(data, dict):
            raise ValidationError(_("The boundary must be a GeoJSON geometry object."))
    if data.get("type") not in _POLYGONAL:
        raise ValidationError(
            _("The boundary must be a GeoJSON Polygon or MultiPolygon, not %(type)s.")
            % {"type": data.get("type") or _("nothing")}
        )
    try:
        geom = shape(data)
    except Exception as exc:
        raise ValidationError(
            _("The boundary's coordinates are malformed: %(error)s") % {"error": exc}
        ) from None
    if geom.is_empty:
        raise ValidationError(_("The boundary is empty."))
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise ValidationError(_("The boundary's coordinates must be finite numbers."))
    if not _in_range(geom.bounds):
        minx, miny, maxx, maxy = geom.bounds
        if _in_range((miny, minx, maxy, maxx)):
            raise ValidationError(
                _(
                    "The boundary's coordinates look swapped: GeoJSON wants longitude first, then "
                    "latitude (lng, lat), but the first numbers lie within ±90 and the second beyond."
                )
            )
        raise ValidationError(
            _("The boundary's coordinates are outside longitude/latitude range (lng, lat order).")
        )
    if not geom.is_valid:
        raise ValidationError(
            _("The boundary is not a valid polygon: %(reason)s") % {"reason": explain_validity(geom)}
        )
    geom = shapely.orient_polygons(shapely.force_2d(geom))
    return geom


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    return dict(mapping(geom))


@dataclass(frozen=True, slots=True)
class Located:
    """The answer of a lookup: the grid (or the fallback unit) by id, and whether it is a grid."""

    unit_id: int
    is_grid: bool


# Bucket states besides "grid number k" (k >= 0).
_NO_GRID = -1  # no grid has any point in this bucket
_TEST = -2  # a grid edge runs through this bucket: test the polygons


PER_GRID = 256  # buckets per typical grid: more buckets, fewer polygon tests, longer build


class _Buckets:
    """A raster of uniform buckets over the grids' extent that answers most points without a polygon test.

    A bucket through which no grid edge runs lies wholly inside the same grids, so a test of one
    point per connected run of such buckets gives the answer for every point in them; buckets that
    an edge touches say "test". Exactness: ``_index`` is monotonic in each coordinate, an edge
    marks every bucket its bounding box (widened by a hair against rounding) maps to, and a point's
    bucket is computed with the same arithmetic, so a point on or beyond an edge is never reported
    from an unmarked bucket.
    """

    def __init__(self, geoms: np.ndarray, tree: shapely.STRtree, *, per_grid: int = PER_GRID) -> None:
        from scipy import ndimage

        x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(geoms))
        # Size buckets for the typical (median) grid, which is where most points are: the large
        # peri-urban grids are few.
        typical = float(np.median(shapely.area(geoms)))
        size = math.sqrt(typical / per_grid) or max(x1 - x0, y1 - y0, 1e-9) / 1024
        max_buckets = max(4 * per_grid * len(geoms), 1 << 16)
        while True:
            nx = math.floor((x1 - x0) / size) + 1
            ny = math.floor((y1 - y0) / size) + 1
            if nx * ny <= max_buckets:
                break
            size *= math.sqrt(nx * ny / max_buckets) * 1.01
        self.x0, self.y0, self.size, self.nx, self.ny = x0, y0, size, nx, ny

        # Cut every ring into pieces no longer than a bucket and mark the buckets each piece's box covers.
        rings = shapely.segmentize(shapely.get_rings(shapely.get_parts(geoms)), size)
        coords, ring = shapely.get_coordinates(rings, return_index=True)
        same = ring[1:] == ring[:-1]
        a, b = coords[:-1][same], coords[1:][same]
        hair = size * 1e-6  # far above rounding (~1e-14°), far below a bucket
        lo, hi = np.minimum(a, b) - hair, np.maximum(a, b) + hair
        i0, i1 = self._index(lo[:, 0], x0, nx), self._index(hi[:, 0], x0, nx)
        j0, j1 = self._index(lo[:, 1], y0, ny), self._index(hi[:, 1], y0, ny)
        marked = np.zeros((ny, nx), dtype=bool)
        for di in range(int((i1 - i0).max(initial=0)) + 1):
            for dj in range(int((j1 - j0).max(initial=0)) + 1):
                hit = (i0 + di <= i1) & (j0 + dj <= j1)
                marked[(j0 + dj)[hit], (i0 + di)[hit]] = True

        # One exact test per connected run of unmarked buckets, at the centre of one of its buckets.
        labels, count = ndimage.label(~marked)
        # Any bucket of a run will do as its representative: whichever write lands last.
        flat = labels.ravel()
        member = np.zeros(count + 1, dtype=np.int64)
        member[flat] = np.arange(flat.size)
        member = member[1:]
        owner = np.full(count + 1, _NO_GRID, dtype=np.int16 if len(geoms) < (1 << 15) else np.int32)
        owner[0] = _TEST
        if count:
            first = _first_index(
                tree, geoms, x0 + (member % nx + 0.5) * size, y0 + (member // nx + 0.5) * size
            )
            found = np.flatnonzero(first < len(geoms))
            owner[found + 1] = first[found]
        self.state = owner[labels]
        self.marked_share = float(marked.mean())

    def _index(self, values: np.ndarray, origin: float, n: int) -> np.ndarray:
        """Bucket numbers along one axis, clipped to the raster (the same arithmetic as ``state_at``)."""
        return np.clip(np.floor((values - origin) / self.size), 0, n - 1).astype(np.int64)

    def states(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Bucket state per point; points off the raster (or NaN) are ``_NO_GRID``: no grid reaches there."""
        with np.errstate(invalid="ignore"):
            fi = np.floor((xs - self.x0) / self.size)
            fj = np.floor((ys - self.y0) / self.size)
            on = (fi >= 0) & (fi < self.nx) & (fj >= 0) & (fj < self.ny)
        out = np.full(len(xs), _NO_GRID, dtype=np.int32)
        out[on] = self.state[fj[on].astype(np.int64), fi[on].astype(np.int64)]
        return out

    def state_at(self, x: float, y: float) -> int:
        i = math.floor((x - self.x0) / self.size)
        j = math.floor((y - self.y0) / self.size)
        if 0 <= i < self.nx and 0 <= j < self.ny:
            return int(self.state.item(j, i))
        return _NO_GRID


class Locator:
    """Point-in-polygon lookup over grid boundaries with a fallback to enclosing units.

    ``units`` are ``(id, kind, geometry)`` rows; geometries are prepared in place.
    """

    def __init__(self, units: Sequence[tuple[int, str, BaseGeometry]]) -> None:
        grids = sorted((u for u in units if u[1] == UnitKind.GRID), key=lambda u: u[0])
        others = sorted((u for u in units if u[1] in FALLBACK_KINDS), key=lambda u: (float(u[2].area), u[0]))
        self.grid_ids = np.array([u[0] for u in grids], dtype=np.int64)
        self.grid_geoms = np.array([u[2] for u in grids], dtype=object)
        # Sorted by area, so the first hit among the fallbacks is the smallest enclosing unit.
        self.other_ids = np.array([u[0] for u in others], dtype=np.int64)
        self.other_geoms = np.array([u[2] for u in others], dtype=object)
        shapely.prepare(self.grid_geoms)
        shapely.prepare(self.other_geoms)
        self.grid_tree = shapely.STRtree(self.grid_geoms)
        self.other_tree = shapely.STRtree(self.other_geoms)
        self.buckets = _Buckets(self.grid_geoms, self.grid_tree) if len(grids) else None
        # Answers are immutable: make them once.
        self._grid_answers = [Located(int(i), True) for i in self.grid_ids]
        self._other_answers = [Located(int(i), False) for i in self.other_ids]

    def __len__(self) -> int:
        return len(self.grid_ids)

    def locate(self, lat: float, lng: float) -> Located | None:
        """The grid at (lat, lng), else the smallest enclosing unit above grid level, else None."""
        lat, lng = float(lat), float(lng)
        if not (math.isfinite(lat) and math.isfinite(lng)):
            return None
        state = self.buckets.state_at(lng, lat) if self.buckets is not None else _NO_GRID
        if state >= 0:
            return self._grid_answers[state]
        point = shapely.Point(lng, lat)
        if state == _TEST:
            k = _first_containing(self.grid_tree, self.grid_geoms, point, lng, lat)
            if k is not None:
                return self._grid_answers[k]
        k = _first_containing(self.other_tree, self.other_geoms, point, lng, lat)
        return self._other_answers[k] if k is not None else None

    def locate_many(
        self, lats: Sequence[float] | np.ndarray, lngs: Sequence[float] | np.ndarray
    ) -> np.ndarray:
        """Unit ids for arrays of points, aligned with the input: the grid's id, else the fallback
        unit's id as a negative number, else 0 (also for NaN coordinates)."""
        ys = np.asarray(lats, dtype=float).ravel()
        xs = np.asarray(lngs, dtype=float).ravel()
        if len(xs) != len(ys):
            raise ValueError("lats and lngs must have the same length")
        result = np.zeros(len(xs), dtype=np.int64)
        if self.buckets is not None:
            states = self.buckets.states(xs, ys)
            known = states >= 0
            result[known] = self.grid_ids[states[known]]
            test = np.flatnonzero(states == _TEST)
            if len(test):
                result[test] = _first_hits(self.grid_tree, self.grid_geoms, self.grid_ids, xs[test], ys[test])
        missing = np.flatnonzero(result == 0)
        if len(missing) and len(self.other_ids):
            result[missing] = -_first_hits(
                self.other_tree, self.other_geoms, self.other_ids, xs[missing], ys[missing]
            )
        return result


# The tree is asked for bounding-box candidates only and the polygons test the points themselves:
# ``STRtree.query(..., predicate=...)`` evaluates the predicate with the *point* prepared, which for
# a community polygon with thousands of vertices is some twenty times slower.


def _first_containing(
    tree: shapely.STRtree, geoms: np.ndarray, point: shapely.Point, x: float, y: float
) -> int | None:
    """Index of the first geometry (lowest id / smallest area, as sorted) that the point intersects."""
    candidates = tree.query(point)
    if not len(candidates):
        return None
    candidates.sort()
    hits = candidates[shapely.intersects_xy(geoms[candidates], x, y)]
    return int(hits[0]) if len(hits) else None


def _first_hits(
    tree: shapely.STRtree, geoms: np.ndarray, ids: np.ndarray, xs: np.ndarray, ys: np.ndarray
) -> np.ndarray:
    """Per point, the id of the first geometry (in sorted order) it intersects, or 0."""
    out = np.zeros(len(xs), dtype=np.int64)
    first = _first_index(tree, geoms, xs, ys)
    found = first < len(geoms)
    out[found] = ids[first[found]]
    return out


def _first_index(tree: shapely.STRtree, geoms: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Per point, the index of the first geometry it intersects, or ``len(geoms)`` for none."""
    best = np.full(len(xs), len(geoms), dtype=np.int64)
    if not len(geoms) or not len(xs):
        return best
    point_idx, geom_idx = tree.query(shapely.points(xs, ys))
    hit = shapely.intersects_xy(geoms[geom_idx], xs[point_idx], ys[point_idx])
    np.minimum.at(best, point_idx[hit], geom_idx[hit])
    return best


_lock = threading.Lock()
_cached: tuple[int, Locator] | None = None


def current_revision() -> int:
    from grassroots.org.models import BoundaryRevision

    row = BoundaryRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return row or 0


def build_locator() -> Locator:
    """A locator over the active units' stored boundaries. A boundary that no longer parses (written
    around the actions) is left out with a warning rather than breaking every lookup."""
    from grassroots.org.models import Unit

    kinds = sorted(FALLBACK_KINDS | {UnitKind.GRID})
    rows = Unit.objects.filter(boundary__isnull=False, is_active=True, kind__in=kinds).values_list(
        "pk", "code", "kind", "boundary"
    )
    units: list[tuple[int, str, BaseGeometry]] = []
    for pk, code, kind, boundary in rows.iterator(chunk_size=2000):
        try:
            geom = shape(boundary)
        except Exception:
            geom = None
        if geom is None or geom.is_empty or geom.geom_type not in _POLYGONAL:
            logger.warning("locate: unit %s has an unreadable boundary; left out", code)
            continue
        units.append((pk, kind, geom))
    return Locator(units)


def get_locator() -> Locator:
    """This process's locator, rebuilt when any boundary changed since it was built.

    One indexed read per call (the revision); the rebuild itself happens once per change. A revision
    number is never reused (``bump_boundary_revision`` steps at random), so a locator built inside a
    transaction that rolled back is never mistaken for the current one.
    """
    global _cached
    revision = current_revision()
    cached = _cached
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != revision:
            _cached = (revision, build_locator())
        return _cached[1]


def reset_locator() -> None:
    global _cached
    with _lock:
        _cached = None


# -- the public lookups -----------------------------------------------------------------------------


def locate(lat: float, lng: float) -> Located | None:
    """The grid at a point, else the fallback unit (``is_grid=False``), else None."""
    return get_locator().locate(lat, lng)


def locate_unit(lat: float, lng: float) -> Unit | None:
    """The ``Unit`` at a point as ``locate`` finds it (check ``unit.is_grid``). Unscoped: unit names
    and boundaries are not personal data, but callers showing more than the unit scope it themselves."""
    from grassroots.org.models import Unit

    hit = locate(lat, lng)
    return Unit.objects.filter(pk=hit.unit_id).first() if hit is not None else None


def locate_many(lats: Sequence[float] | np.ndarray, lngs: Sequence[float] | np.ndarray) -> np.ndarray:
    """``Locator.locate_many`` over this process's locator: grid id, −fallback id, or 0 per point."""
    return get_locator().locate_many(lats, lngs)
