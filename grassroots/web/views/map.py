"""The map (一张图, docs/domain.md §7): boundaries with drill-down, grids shaded by their open or
overdue cases, case markers, facilities, and a side panel per unit or grid.

Who sees what (docs/domain.md §1: the map is one more path to the same data, with the same scope):

- The page and its layers are for staff with a post at a unit (grid staff up to district
  administrators) and for system administrators (``may_use_map``). Residents, party members,
  volunteers, department handlers (whose posts sit beside the tree) and users without posts get
  "not found".
- Boundaries: units from ``org.access.units_visible_to``; a unit outside it is "not found".
- Cases (markers, counts, the panel's list): ``cases.access.cases_visible_to`` only.
- Facilities: ``people.access.facilities_visible_to``; households are counted only where the user
  may read people data (``org.access.can_read_people_in``). No personal data is shown: staff by
  name and post, cases by number, title and state.

Layers are GeoJSON FeatureCollections under ``/map/layers/<layer>/<unit code>/``. Their
polygons are simplified for the level shown (shared edges kept shared, ``shapely.coverage_simplify``)
and cached per boundary revision; the case counts that shade them are a single aggregate query
per layer, never one per grid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import shapely
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.urls import get_script_prefix, path, reverse
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from grassroots.cases.access import cases_visible_to
from grassroots.cases.choices import OPEN_STATES, Color, State
from grassroots.cases.models import Case
from grassroots.core.models import User
from grassroots.core.tree import SEGMENT, subtree_q
from grassroots.org import access, geo
from grassroots.org.choices import ADMINISTRATIVE_KINDS, GRID_CORE_ROLES, Role, UnitKind
from grassroots.org.models import Post, Unit
from grassroots.people.access import facilities_visible_to, households_visible_to
from grassroots.people.choices import FacilityKind
from grassroots.web import session

GEOJSON = "application/geo+json"
# Roles whose post opens the map: every post held at a unit except those of party members and
# volunteers, who see public tasks, not the governance map (docs/domain.md §1). A department
# handler's post is held at a department, beside the tree.
MAP_ROLES = frozenset(Role) - {Role.PARTY_MEMBER, Role.VOLUNTEER, Role.DEPARTMENT_HANDLER}
# Upper bounds that keep a layer's answer small; the answer says when it was cut.
MAX_MARKERS = 5000
MAX_GRIDS = 2500
PANEL_CASES = 30
# Shading classes: a grid with at least scale[i] cases falls in class i + 1 (class 0: none).
SCALES: dict[str, tuple[int, ...]] = {"open": (1, 3, 6, 11), "overdue": (1, 2, 4, 8)}
# Simplify to about a third of a pixel when the shown unit fills a 1,000-pixel-wide map, and
# round to 1e-6° (≈ 0.1 m), far below that.
PIXELS = 3000
DIGITS = 6
CACHE_SECONDS = 24 * 3600
# 一长两员 first, in the order the community reads them; then whoever else is attached.
STAFF_ORDER = [
    Role.GRID_LEADER,
    Role.PARTY_GUIDE,
    Role.GRID_MANAGER,
    Role.POLICE_OFFICER,
    Role.SUNK_CADRE,
    Role.MICRO_GRID_WORKER,
]
OVERDUE = Q(case_color=Color.RED) | Q(stage_color=Color.RED)
URGENT_FIRST = F("due_at").asc(nulls_last=True)

conditional = decorator_from_middleware(ConditionalGetMiddleware)


# -- who and where ------------------------------------------------------------------------------------


def may_use_map(user: User) -> bool:
    """Staff with a post at a unit, or a system administrator (see the module docstring)."""
    return access.is_superuser(user) or any(
        post.unit is not None and post.role in MAP_ROLES for post in access.active_posts(user)
    )


def _map_user(request: HttpRequest) -> User:
    user = session.account(request)
    if not may_use_map(user):
        raise Http404
    return user


def _default_unit(request: HttpRequest, user: User) -> Unit:
    """The unit of the post chosen in the unit switcher, else the user's highest map post, else
    (a system administrator) the first top-level unit."""
    post = session.current_post(request)
    if post is not None and post.unit is not None and post.role in MAP_ROLES:
        return post.unit
    units = [p.unit for p in access.active_posts(user) if p.unit is not None and p.role in MAP_ROLES]
    if units:
        return min(units, key=lambda unit: (unit.depth, unit.path))
    top = access.units_visible_to(user).filter(parent__isnull=True).order_by("path").defer("boundary").first()
    if top is None:
        raise Http404
    return top


def _map_unit(user: User, code: str) -> Unit:
    """A unit of the administrative tree the user sees; anything else is "not found"."""
    # The boundary itself is read only through ``outlines`` (a district's can be large).
    unit = (
        access.units_visible_to(user)
        .filter(code=code, kind__in=sorted(ADMINISTRATIVE_KINDS))
        .defer("boundary")
        .first()
    )
    if unit is None:
        raise Http404
    return unit


def _children(user: User, unit: Unit) -> QuerySet[Unit]:
    """Active administrative units one level below ``unit`` (buildings and courtyards are places)."""
    return access.units_visible_to(user).filter(
        parent=unit, is_active=True, kind__in=sorted(ADMINISTRATIVE_KINDS)
    )


def _grids(user: User, unit: Unit) -> QuerySet[Unit]:
    return access.units_visible_to(user).filter(path__subtree=unit.path, kind=UnitKind.GRID, is_active=True)


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str


def _crumbs(user: User, unit: Unit) -> list[Crumb]:
    """The unit's ancestors the user sees, top first, and the unit."""
    rows = (
        access.units_visible_to(user)
        .filter(pk__in=unit.ancestor_pks(include_self=True))
        .order_by("depth")
        .values_list("code", "name")
    )
    return [Crumb(code, name) for code, name in rows]


def case_url(number: str) -> str:
    """The case page (``/cases/<number>/``, web/views of the case pages)."""
    return f"{get_script_prefix()}cases/{number}/"


# -- case counts (one aggregate per question) -----------------------------------------------------


@dataclass(frozen=True)
class Counts:
    open: int = 0
    overdue: int = 0


def _open_cases(user: User, unit: Unit) -> QuerySet[Case]:
    return cases_visible_to(user).filter(unit__path__subtree=unit.path, state__in=sorted(OPEN_STATES))


def counts_by_child(user: User, unit: Unit) -> tuple[dict[str, Counts], Counts]:
    """Open and overdue visible cases under each child of ``unit`` (by the child's path), and the
    total under ``unit``: one query grouping on the path prefix one level down. Overdue: red on
    either clock (docs/domain.md §3.3)."""
    prefix = (unit.depth + 2) * SEGMENT
    rows = (
        _open_cases(user, unit)
        .annotate(branch=Substr("unit__path", 1, prefix))
        .values("branch")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=OVERDUE))
        .order_by()
    )
    by_path: dict[str, Counts] = {}
    total_open = total_overdue = 0
    for row in rows:
        by_path[row["branch"]] = Counts(row["open"], row["overdue"])
        total_open += row["open"]
        total_overdue += row["overdue"]
    return by_path, Counts(total_open, total_overdue)


def counts_by_grid(user: User, unit: Unit) -> dict[int, Counts]:
    """Open and overdue visible cases per grid under ``unit``, in one query."""
    rows = (
        _open_cases(user, unit)
        .filter(unit__kind=UnitKind.GRID)
        .values("unit_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=OVERDUE))
        .order_by()
    )
    return {row["unit_id"]: Counts(row["open"], row["overdue"]) for row in rows}


# -- geometry -----------------------------------------------------------------------------------------


def _tolerance(geoms: list[BaseGeometry]) -> float:
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(geoms, dtype=object))
    return max(maxx - minx, maxy - miny, 0.0) / PIXELS


def simplify(boundaries: dict[int, Any]) -> dict[int, dict[str, Any]]:
    """GeoJSON geometries simplified for a view of the whole set, keeping edges that neighbours
    share shared (no slivers between grids); rounded to ``DIGITS`` decimals. A boundary that no
    longer parses is left out, as ``org.geo`` leaves it out of ``locate``."""
    ids: list[int] = []
    geoms: list[BaseGeometry] = []
    for pk, boundary in boundaries.items():
        try:
            geom = shape(boundary)
        except Exception:
            geom = None
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        ids.append(pk)
        geoms.append(geom)
    if not geoms:
        return {}
    tolerance = _tolerance(geoms)
    array = np.array(geoms, dtype=object)
    try:
        simplified = shapely.coverage_simplify(array, tolerance)
    except shapely.errors.GEOSException:
        # Overlapping boundaries are not a coverage: simplify each on its own.
        simplified = shapely.simplify(array, tolerance, preserve_topology=True)
    out: dict[int, dict[str, Any]] = {}
    for pk, original, geom in zip(ids, geoms, simplified, strict=True):
        if geom is None or geom.is_empty:
            geom = original
        rounded = shapely.transform(geom, lambda xy: np.round(xy, DIGITS))
        out[pk] = dict(mapping(rounded))
    return out


def outlines(layer: str, unit: Unit, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Simplified boundaries of ``ids`` for ``layer`` shown at ``unit``, cached per boundary
    revision (``BoundaryRevision``): a boundary change anywhere makes every process compute them
    again. A unit that joined the set without a revision bump (a move) misses the cache."""
    wanted = set(ids)
    key = f"web.map.{layer}.{unit.pk}.{geo.current_revision()}"
    cached: tuple[dict[int, dict[str, Any]], frozenset[int]] | None = cache.get(key)
    if cached is not None and wanted <= cached[1]:
        return cached[0]
    rows = Unit.objects.filter(pk__in=wanted, boundary__isnull=False).values_list("pk", "boundary")
    shapes = simplify(dict(rows))
    # The ids asked for are remembered too, so that units without a boundary do not miss every time.
    cache.set(key, (shapes, frozenset(wanted)), CACHE_SECONDS)
    return shapes


def _geojson(features: list[dict[str, Any]], **members: Any) -> JsonResponse:
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features, **members},
        content_type=GEOJSON,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def _feature(geometry: dict[str, Any] | None, properties: dict[str, Any], fid: str) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": properties}


def _point(lng: float | None, lat: float | None) -> dict[str, Any] | None:
    if lng is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [round(lng, DIGITS), round(lat, DIGITS)]}


# -- the page -----------------------------------------------------------------------------------------


def tile_config() -> dict[str, Any] | None:
    """``MAP_TILE_URL`` for Leaflet, or None: no tiles at all, the map is drawn offline."""
    url = getattr(settings, "MAP_TILE_URL", "")
    if not url:
        return None
    host = urlsplit(url.replace("{s}", "a")).hostname or ""
    attribution = getattr(settings, "MAP_TILE_ATTRIBUTION", "")
    if not attribution:
        if "openstreetmap" in host:
            attribution = "© OpenStreetMap contributors"
        elif "tianditu" in host:
            attribution = "© 天地图 Tianditu"
        else:
            attribution = host
    # 天地图 serves from t0…t7; OSM-style servers from a, b, c.
    subdomains = "01234567" if "tianditu" in host else "abc"
    return {"url": url, "attribution": attribution, "subdomains": subdomains}


def _placeholder_url(name: str) -> str:
    return reverse(name, args=["__CODE__"])


def map_config(unit: Unit) -> dict[str, Any]:
    """What map.js needs: the unit, the layers' URLs (``__CODE__`` stands for a unit code), the
    tiles (or none), the shading classes and its texts in the page's language."""
    return {
        "unit": unit.code,
        "urls": {
            "page": _placeholder_url("web:map-unit"),
            "panel": _placeholder_url("web:map-panel"),
            "units": _placeholder_url("web:map-layer-units"),
            "grids": _placeholder_url("web:map-layer-grids"),
            "cases": _placeholder_url("web:map-layer-cases"),
            "facilities": _placeholder_url("web:map-layer-facilities"),
        },
        "tiles": tile_config(),
        "scales": SCALES,
        "text": {
            "legend": _("Legend"),
            "boundaries": _("Boundaries"),
            "grids": _("Grids shaded by cases"),
            "cases": _("Open cases"),
            "shade_by": _("Shade grids by"),
            "open": _("Open cases"),
            "overdue": _("Overdue cases"),
            "none": _("none"),
            "markers": _("Case markers"),
            "on_time": _("On time"),
            "yellow": _("Yellow warning"),
            "red": _("Red: overdue"),
            "open_case": _("Open the case"),
            "open_count": _("open"),
            "overdue_count": _("overdue"),
            "hours": _("Opening hours"),
            "phone": _("Service phone"),
            "loading": _("Loading the map…"),
            "failed": _("The map layers could not be loaded. Try again."),
            "truncated": _("Only the first %(n)s are shown.") % {"n": MAX_MARKERS},
            "too_many_grids": _("Too many grids to shade at this level: choose a smaller unit."),
            "unlocated": _("Open cases without a location: %(n)s"),
            "no_shapes": _("No boundaries are drawn for this unit yet."),
        },
    }


@login_required
@require_GET
def map_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """一张图: the map of a unit, with its panel (docs/domain.md §7)."""
    user = _map_user(request)
    unit = _map_unit(user, code) if code is not None else _default_unit(request, user)
    context = {
        "nav": "map",
        "unit": unit,
        "crumbs": _crumbs(user, unit),
        "map_config": map_config(unit),
        "leaflet_tiles": tile_config() is not None,
        **panel_context(user, unit),
    }
    return render(request, "web/map/page.html", context)


# -- the panel ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    code: str
    name: str
    kind: str
    is_grid: bool
    counts: Counts


@dataclass(frozen=True)
class StaffRow:
    role: str
    name: str
    primary: bool
    vacant: bool = False


@dataclass(frozen=True)
class CaseRow:
    number: str
    title: str
    state: str
    color: str
    url: str


def _case_color(stage: str, whole: str) -> str:
    """The worse of the two clocks' colours (docs/domain.md §3.3), as a CSS word."""
    if Color.RED in (stage, whole):
        return "red"
    if Color.YELLOW in (stage, whole):
        return "yellow"
    return "green"


def _staff(user: User, grid: Unit) -> list[StaffRow]:
    """一长两员 (a vacant one named as vacant) and the others attached to the grid, the primary owner
    marked (docs/domain.md §2)."""
    posts = (
        access.posts_visible_to(user)
        .filter(unit=grid, ended_on__isnull=True, role__in=STAFF_ORDER)
        .select_related("user")
        .order_by("id")
    )
    by_role: dict[str, list[Post]] = {}
    for post in posts:
        by_role.setdefault(post.role, []).append(post)
    rows: list[StaffRow] = []
    for role in STAFF_ORDER:
        label = str(Role(role).label)
        for post in by_role.get(role, []):
            person = post.user.display_name or post.user.username
            rows.append(StaffRow(role=label, name=person, primary=post.is_primary))
        if role in GRID_CORE_ROLES and role not in by_role:
            rows.append(StaffRow(role=label, name="", primary=False, vacant=True))
    return rows


def panel_context(user: User, unit: Unit) -> dict[str, Any]:
    """The panel of a grid (its staff, households and open cases) or of a larger unit (its
    children with their open and overdue cases)."""
    if unit.kind == UnitKind.GRID:
        return _grid_panel(user, unit)
    by_path, total = counts_by_child(user, unit)
    children = [
        ChildRow(
            code=child.code,
            name=child.name,
            kind=str(UnitKind(child.kind).label),
            is_grid=child.kind == UnitKind.GRID,
            counts=by_path.get(child.path, Counts()),
        )
        for child in _children(user, unit).order_by("sort_order", "path")
    ]
    return {
        "panel_template": "web/map/_unit_panel.html",
        "panel_unit": unit,
        "panel_kind": UnitKind(unit.kind).label,
        "panel_total": total,
        "panel_children": children,
    }


def _grid_panel(user: User, grid: Unit) -> dict[str, Any]:
    households: int | None = None
    if access.can_read_people_in(user, grid):
        households = households_visible_to(user).filter(grid=grid, is_active=True).count()
    open_cases = cases_visible_to(user).filter(unit=grid, state__in=sorted(OPEN_STATES))
    total = open_cases.aggregate(open=Count("pk"), overdue=Count("pk", filter=OVERDUE))
    rows = open_cases.order_by(URGENT_FIRST, "received_at", "id").values_list(
        "number", "title", "state", "stage_color", "case_color"
    )[:PANEL_CASES]
    parent = (
        access.units_visible_to(user).filter(pk=grid.parent_id).values_list("code", "name").first()
        if grid.parent_id
        else None
    )
    return {
        "panel_template": "web/map/_grid_panel.html",
        "panel_unit": grid,
        "panel_kind": UnitKind(grid.kind).label,
        "panel_parent": Crumb(*parent) if parent else None,
        "panel_staff": _staff(user, grid),
        "panel_households": households,
        "panel_total": Counts(total["open"], total["overdue"]),
        "panel_cases": [
            CaseRow(
                number=number,
                title=title,
                state=str(State(state).label),
                color=_case_color(stage, whole),
                url=case_url(number),
            )
            for number, title, state, stage, whole in rows
        ],
        "panel_more": max(total["open"] - PANEL_CASES, 0),
    }


@login_required
@require_GET
def panel(request: HttpRequest, code: str) -> HttpResponse:
    """The side panel of a unit or grid (an htmx fragment)."""
    user = _map_user(request)
    unit = _map_unit(user, code)
    context = panel_context(user, unit)
    response = render(request, context["panel_template"], context)
    response["Cache-Control"] = "private, no-cache"
    return response


# -- the layers ---------------------------------------------------------------------------------------


def _layer(view: Callable[[HttpRequest, User, Unit], JsonResponse]) -> Callable[..., HttpResponseBase]:
    """A layer endpoint: signed in, allowed the map, a unit the user sees; ETag and 304."""

    @login_required
    @require_GET
    @conditional
    def endpoint(request: HttpRequest, code: str) -> HttpResponseBase:
        user = _map_user(request)
        return view(request, user, _map_unit(user, code))

    endpoint.__name__ = view.__name__
    endpoint.__doc__ = view.__doc__
    return endpoint


def _units_layer(request: HttpRequest, user: User, unit: Unit) -> JsonResponse:
    """The unit's outline (``role: self``) and its children (``role: child``) with the open and
    overdue cases under each; the answer also names the unit and its breadcrumb."""
    children = list(
        _children(user, unit)
        .order_by("sort_order", "path")
        .values_list("pk", "code", "name", "kind", "path", "lat", "lng")
    )
    shapes = outlines("units", unit, [unit.pk, *(row[0] for row in children)])
    by_path, total = counts_by_child(user, unit)

    def properties(code: str, name: str, kind: str, role: str, counts: Counts) -> dict[str, Any]:
        return {
            "code": code,
            "name": name,
            "kind": kind,
            "kind_label": str(UnitKind(kind).label),
            "role": role,
            "grid": kind == UnitKind.GRID,
            "open": counts.open,
            "overdue": counts.overdue,
        }

    features = [
        _feature(shapes.get(unit.pk), properties(unit.code, unit.name, unit.kind, "self", total), unit.code)
    ]
    for pk, code, name, kind, child_path, lat, lng in children:
        geometry = shapes.get(pk)
        if geometry is None:
            geometry = _point(lng, lat)
        counts = by_path.get(child_path, Counts())
        features.append(_feature(geometry, properties(code, name, kind, "child", counts), code))
    return _geojson(
        features,
        unit={"code": unit.code, "name": unit.name, "kind": unit.kind, "lat": unit.lat, "lng": unit.lng},
        crumbs=[{"code": crumb.code, "name": crumb.name} for crumb in _crumbs(user, unit)],
    )


def _grids_layer(request: HttpRequest, user: User, unit: Unit) -> JsonResponse:
    """Every grid under the unit with its open and overdue cases, for shading; cut off (``too_many``)
    above ``MAX_GRIDS`` grids."""
    grids = list(_grids(user, unit).order_by("path").values_list("pk", "code", "name")[: MAX_GRIDS + 1])
    if len(grids) > MAX_GRIDS:
        return _geojson([], too_many=True)
    shapes = outlines("grids", unit, [row[0] for row in grids])
    counts = counts_by_grid(user, unit)
    features = []
    for pk, code, name in grids:
        geometry = shapes.get(pk)
        if geometry is None:
            continue
        c = counts.get(pk, Counts())
        features.append(
            _feature(geometry, {"code": code, "name": name, "open": c.open, "overdue": c.overdue}, code)
        )
    return _geojson(features, too_many=False)


def _cases_layer(request: HttpRequest, user: User, unit: Unit) -> JsonResponse:
    """Open cases under the unit that the user sees, as points coloured by their deadline warning;
    the most urgent first, at most ``MAX_MARKERS``; ``unlocated`` counts those without a position."""
    scoped = _open_cases(user, unit)
    rows = list(
        scoped.filter(lat__isnull=False, lng__isnull=False)
        .order_by(URGENT_FIRST, "id")
        .values_list("number", "title", "state", "stage_color", "case_color", "lat", "lng")[: MAX_MARKERS + 1]
    )
    features = [
        _feature(
            _point(lng, lat),
            {
                "number": number,
                "title": title,
                "state": str(State(state).label),
                "color": _case_color(stage, whole),
                "url": case_url(number),
            },
            number,
        )
        for number, title, state, stage, whole, lat, lng in rows[:MAX_MARKERS]
    ]
    unlocated = scoped.filter(Q(lat__isnull=True) | Q(lng__isnull=True)).count()
    return _geojson(features, truncated=len(rows) > MAX_MARKERS, unlocated=unlocated)


def _facilities_layer(request: HttpRequest, user: User, unit: Unit) -> JsonResponse:
    """Facilities (一有七中心 and others) under the unit, by kind; at a grid, those of its community,
    which serve the whole community (docs/domain.md §2)."""
    base = unit.path[:-SEGMENT] if unit.kind == UnitKind.GRID and unit.parent_id else unit.path
    rows = (
        facilities_visible_to(user)
        .filter(subtree_q("unit__path", [base]), is_active=True)
        .order_by("kind", "name", "id")
        .values_list("uid", "kind", "name", "address", "opening_hours", "service_phone", "lat", "lng")
    )
    features = []
    present: set[str] = set()
    for uid, kind, name, address, hours, phone, lat, lng in rows:
        present.add(kind)
        features.append(
            _feature(
                _point(lng, lat),
                {
                    "name": name,
                    "kind": kind,
                    "kind_label": str(FacilityKind(kind).label),
                    "address": address,
                    "hours": hours,
                    "phone": phone,
                },
                str(uid),
            )
        )
    kinds = [{"kind": kind.value, "label": str(kind.label)} for kind in FacilityKind if kind.value in present]
    return _geojson(features, kinds=kinds)


units_layer = _layer(_units_layer)
grids_layer = _layer(_grids_layer)
cases_layer = _layer(_cases_layer)
facilities_layer = _layer(_facilities_layer)


urlpatterns = [
    path("map/", map_page, name="map"),
    path("map/layers/units/<str:code>/", units_layer, name="map-layer-units"),
    path("map/layers/grids/<str:code>/", grids_layer, name="map-layer-grids"),
    path("map/layers/cases/<str:code>/", cases_layer, name="map-layer-cases"),
    path("map/layers/facilities/<str:code>/", facilities_layer, name="map-layer-facilities"),
    path("map/panel/<str:code>/", panel, name="map-panel"),
    path("map/<str:code>/", map_page, name="map-unit"),
]
