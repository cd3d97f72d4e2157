"""Boundaries and ``locate``: which grid is this point in? (DOMAIN.md §2)

Boundaries are GeoJSON Polygon/MultiPolygon geometries in lng/lat (WGS 84 / CGCS 2000, the
datum of 天地图). ``Locator`` holds two shapely STRtrees built once: one over grid polygons and one
over every other unit with a boundary. A point is located in a grid when it lies in the grid's
polygon or on its edge; a point on an edge shared by two grids goes to the grid created first
(lowest id), so the answer never depends on tree order. A point in no grid falls back to the
smallest unit with a boundary that contains it (a community's fallback queue, DOMAIN.md §2), or
to nothing.

Each process keeps one ``Locator`` and rebuilds it when ``BoundaryRevision`` moves (see
``get_locator``), so a boundary change in one worker reaches all workers on their next call.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from grassroots.org.choices import UnitKind

_POLYGONAL = {"Polygon", "MultiPolygon"}


def parse_boundary(data: Any) -> BaseGeometry:
    """A valid polygonal shapely geometry from GeoJSON (dict or text), or a ValidationError saying why not."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationError(_("The boundary is not valid JSON: %(error)s") % {"error": exc}) from None
    if not isinstance(data, dict):
        raise ValidationError(_("The boundary must be a GeoJSON geometry object."))
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
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
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError(
            _("The boundary's coordinates are outside longitude/latitude range (lng, lat order).")
        )
    if not geom.is_valid:
        raise ValidationError(
            _("The boundary is not a valid polygon: %(reason)s") % {"reason": explain_validity(geom)}
        )
    return geom


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    return dict(mapping(geom))


@dataclass(frozen=True)
class Located:
    """The answer of a lookup: the grid (or the fallback unit) by id, and whether it is a grid."""

    unit_id: int
    is_grid: bool


class Locator:
    """Point-in-polygon lookup over grid boundaries with a fallback to enclosing units."""

    def __init__(self, units: Sequence[tuple[int, str, BaseGeometry]]) -> None:
        grids = sorted((u for u in units if u[1] == UnitKind.GRID), key=lambda u: u[0])
        others = sorted((u for u in units if u[1] != UnitKind.GRID), key=lambda u: (u[2].area, u[0]))
        self.grid_ids = np.array([u[0] for u in grids], dtype=np.int64)
        self.grid_geoms = np.array([u[2] for u in grids], dtype=object)
        # Sorted by area, so the first hit among the fallbacks is the smallest enclosing unit.
        self.other_ids = np.array([u[0] for u in others], dtype=np.int64)
        self.other_geoms = np.array([u[2] for u in others], dtype=object)
        shapely.prepare(self.grid_geoms)
        shapely.prepare(self.other_geoms)
        self.grid_tree = shapely.STRtree(self.grid_geoms)
        self.other_tree = shapely.STRtree(self.other_geoms)

    def __len__(self) -> int:
        return len(self.grid_ids)

    def locate(self, lat: float, lng: float) -> Located | None:
        point = shapely.Point(lng, lat)
        hits = self.grid_tree.query(point, predicate="intersects")
        if len(hits):
            return Located(int(self.grid_ids[hits.min()]), True)
        hits = self.other_tree.query(point, predicate="intersects")
        if len(hits):
            return Located(int(self.other_ids[hits.min()]), False)
        return None

    def locate_many(
        self, lats: Sequence[float] | np.ndarray, lngs: Sequence[float] | np.ndarray
    ) -> np.ndarray:
        """Unit ids for arrays of points: the grid's id, else the fallback unit's id as a negative
        number, else 0. Vectorised: one STRtree query for all points."""
        points = shapely.points(np.asarray(lngs, dtype=float), np.asarray(lats, dtype=float))
        result = np.zeros(len(points), dtype=np.int64)
        if len(self.grid_ids):
            point_idx, geom_idx = self.grid_tree.query(points, predicate="intersects")
            _first_hit(result, point_idx, geom_idx, self.grid_ids, sign=1)
        missing = np.flatnonzero(result == 0)
        if len(missing) and len(self.other_ids):
            point_idx, geom_idx = self.other_tree.query(points[missing], predicate="intersects")
            partial = np.zeros(len(missing), dtype=np.int64)
            _first_hit(partial, point_idx, geom_idx, self.other_ids, sign=-1)
            result[missing] = partial
        return result


def _first_hit(
    out: np.ndarray, point_idx: np.ndarray, geom_idx: np.ndarray, ids: np.ndarray, *, sign: int
) -> None:
    """For each point, the hit with the smallest geometry index (geometries are pre-sorted)."""
    if not len(point_idx):
        return
    order = np.lexsort((geom_idx, point_idx))
    point_idx, geom_idx = point_idx[order], geom_idx[order]
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    out[point_idx[first]] = sign * ids[geom_idx[first]]


_lock = threading.Lock()
_cached: tuple[int, Locator] | None = None


def current_revision() -> int:
    from grassroots.org.models import BoundaryRevision

    row = BoundaryRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return row or 0


def build_locator() -> Locator:
    from grassroots.org.models import Unit

    rows = Unit.objects.filter(boundary__isnull=False, is_active=True).values_list("pk", "kind", "boundary")
    return Locator([(pk, kind, shape(boundary)) for pk, kind, boundary in rows.iterator(chunk_size=2000)])


def get_locator() -> Locator:
    """This process's locator, rebuilt when any boundary changed since it was built."""
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
