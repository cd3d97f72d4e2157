"""Unit boundaries in and out as a GeoJSON FeatureCollection (docs/domain.md §2).

Export: one Feature per unit with a boundary, properties ``code``, ``name``, ``kind`` and
``parent_code`` only (boundaries are not personal data; nothing else leaves).

Import: each Feature names its unit by ``properties.code`` (or by ``parent_code`` + ``name``) and
carries its new boundary. Every boundary is written through ``org.actions.set_boundary`` (or
``create_unit`` with ``create_missing``), so permission checks and audit records apply as for any
other edit. The import is all-or-nothing: the whole file is checked first, every problem is reported
against its feature (index, code, name), and nothing is written unless every feature passes.
Checks: the file is a FeatureCollection; each feature has a Polygon/MultiPolygon geometry that is
valid (self-intersections are reported with their place), in lng/lat range and not swapped; its
unit exists and the actor may administer it; and no two units of the same kind — in the file or
already in the database — overlap by more than a small area (shared edges are fine). A unit lying
outside its parent's boundary is a warning, not an error.

The functions are used by ``manage.py boundaries``, the admin and pages alike.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from grassroots.core import audit
from grassroots.core.models import AuditAction, User
from grassroots.core.tree import SEGMENT
from grassroots.org import access, actions, geo
from grassroots.org.choices import ALLOWED_CHILDREN, LEVEL, UnitKind
from grassroots.org.models import Unit

# Interiors of two units of one kind may overlap by this much before it is an error: hand-drawn
# neighbours rarely share their edges to the last centimetre.
OVERLAP_TOLERANCE_M2 = 10.0
# A unit may stick out of its parent by this much before a warning.
OUTSIDE_PARENT_TOLERANCE_M2 = 10.0

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LNG_EQUATOR = 111_320.0


def area_m2(geom: BaseGeometry) -> float:
    """Approximate area in square metres of a small lng/lat geometry (local equirectangular scale)."""
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return float(geom.area) * _M_PER_DEG_LAT * _M_PER_DEG_LNG_EQUATOR * math.cos(math.radians(lat))


# -- export -------------------------------------------------------------------------------------------


def export_boundaries(
    *, actor: User, root: Unit | None = None, kinds: Iterable[str] | None = None
) -> dict[str, Any]:
    """A FeatureCollection of the units with a boundary that ``actor`` can see: ``root``'s subtree
    (root included) or everything visible, optionally only some kinds, in tree order."""
    units = access.units_visible_to(actor).filter(boundary__isnull=False)
    if root is not None:
        units = units.filter(path__subtree=root.path)
    kinds = sorted(set(kinds or ()))
    if kinds:
        units = units.filter(kind__in=kinds)
    rows = list(
        units.order_by("path").values_list("code", "name", "kind", "parent__code", "boundary", "path")
    )
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name, "kind": kind, "parent_code": parent_code},
            "geometry": boundary,
        }
        for code, name, kind, parent_code, boundary, _path in rows
    ]
    scope = root.path if root is not None else _common_path([row[5] for row in rows])
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type="org.boundaries",
        target_id=root.code if root is not None else "",
        label=str(_("Boundaries (GeoJSON)")),
        scope_path=scope,
        changes={"features": len(features), "kinds": kinds},
    )
    return {"type": "FeatureCollection", "features": features}


def _common_path(paths: list[str]) -> str:
    # Character by character is right here: a path is a string of fixed-width segments.
    prefix = os.path.commonprefix(paths) if paths else ""  # noqa: RUF071
    return prefix[: len(prefix) - len(prefix) % SEGMENT]


# -- import: the report ---------------------------------------------------------------------------------


@dataclass
class FeatureResult:
    """What happened (or would happen) to one feature of the file."""

    index: int  # position in ``features`` (0-based, as in the file)
    code: str = ""
    name: str = ""
    status: str = ""  # "created" | "updated" | "unchanged" | "failed"
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        who = " ".join(part for part in (self.code, self.name and f"«{self.name}»") if part)
        return f"features[{self.index}]" + (f" {who}" if who else "")


@dataclass
class ImportReport:
    """The outcome of an import: per-feature results, errors about the file as a whole, and
    whether anything was written (``applied``). Nothing is written when ``ok`` is false."""

    features: list[FeatureResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not any(f.errors for f in self.features)

    def count(self, status: str) -> int:
        return sum(1 for f in self.features if f.status == status)

    def lines(self) -> list[str]:
        """Every error and warning as one line each, file-level first."""
        out = [_("Error: %(message)s") % {"message": message} for message in self.errors]
        for result in self.features:
            out += [
                _("%(feature)s: error: %(message)s") % {"feature": result.label, "message": message}
                for message in result.errors
            ]
            out += [
                _("%(feature)s: warning: %(message)s") % {"feature": result.label, "message": message}
                for message in result.warnings
            ]
        return out

    def summary(self) -> str:
        counts = {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
        }
        if not self.ok:
            failed = sum(1 for f in self.features if f.errors)
            return _("Nothing imported: %(failed)s of %(total)s features have errors.") % {
                "failed": failed,
                "total": len(self.features),
            }
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing written: would create %(created)s, update %(updated)s, "
                    "leave %(unchanged)s unchanged."
                )
                % counts
            )
        return _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % counts


# -- import: the checks ---------------------------------------------------------------------------------


@dataclass
class _Planned:
    """A feature that passed its own checks, waiting for the checks across features."""

    result: FeatureResult
    geometry: BaseGeometry
    kind: str
    unit: Unit | None  # None: to be created
    parent: Unit | None
    parent_code: str
    name: str


class _Rollback(Exception):
    pass


def import_boundaries(
    *,
    actor: User,
    data: Any,
    create_missing: bool = False,
    dry_run: bool = False,
    overlap_tolerance_m2: float = OVERLAP_TOLERANCE_M2,
) -> ImportReport:
    """Set the boundaries of the units named in a GeoJSON FeatureCollection, all or nothing.

    ``data`` is the parsed collection (a dict), its text, its bytes, or an open (uploaded) file.
    With ``create_missing`` a feature naming an unknown unit creates it under ``parent_code``
    (kind from ``properties.kind``, or the only kind the parent allows). With ``dry_run`` every
    write is made and then rolled back, so the report says exactly what would happen.
    """
    report = ImportReport(dry_run=dry_run)
    features = _read_collection(data, report)
    if features is None:
        return report

    report.features = [FeatureResult(index=index) for index in range(len(features))]
    planned: list[_Planned] = []
    seen_units: dict[int, int] = {}
    new_codes: dict[str, _Planned] = {}
    # A feature to be created under a parent that the file itself creates waits until that
    # parent's feature has been checked, wherever it stands in the file.
    file_codes = {_property(feature, "code") for feature in features} - {""}
    checked: set[str] = set()
    queue, defer = list(enumerate(features)), create_missing
    while queue:
        waiting = []
        for index, feature in queue:
            parent_code = _property(feature, "parent_code")
            if defer and parent_code in file_codes - checked:
                waiting.append((index, feature))
                continue
            result = report.features[index]
            plan = _check_feature(actor, feature, result, create_missing=create_missing, new_codes=new_codes)
            checked.add(_property(feature, "code"))
            if plan is None:
                continue
            if plan.unit is not None:
                if plan.unit.pk in seen_units:
                    result.errors.append(
                        _("The same unit is already given a boundary by features[%(index)s].")
                        % {"index": seen_units[plan.unit.pk]}
                    )
                    result.status = "failed"
                    continue
                seen_units[plan.unit.pk] = index
            elif plan.result.code:
                new_codes[plan.result.code] = plan
            planned.append(plan)
        defer = len(waiting) < len(queue)  # no progress (a cycle): check the rest as they are
        queue = waiting

    _check_overlaps(planned, tolerance=overlap_tolerance_m2)
    _check_inside_parents(planned)
    if not report.ok:
        return report

    try:
        with transaction.atomic():
            _apply(actor, planned)
            if not report.ok:
                for result in report.features:
                    if not result.errors:
                        result.status = ""  # nothing was written after all
                raise _Rollback
            if dry_run:
                raise _Rollback
            audit.record(
                actor=actor,
                action=AuditAction.IMPORT,
                target_type="org.boundaries",
                label=str(_("Boundaries (GeoJSON)")),
                scope_path=_common_path([p.unit.path for p in planned if p.unit is not None and p.unit.path]),
                changes={
                    "created": report.count("created"),
                    "updated": report.count("updated"),
                    "unchanged": report.count("unchanged"),
                },
            )
            report.applied = True
    except _Rollback:
        pass
    return report


def _read_collection(data: Any, report: ImportReport) -> list[Any] | None:
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append(_("The file is not UTF-8 text."))
            return None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            report.errors.append(_("The file is not valid JSON: %(error)s") % {"error": exc})
            return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        report.errors.append(
            _("The file must be a GeoJSON FeatureCollection, not %(type)s.") % {"type": found or _("nothing")}
        )
        return None
    features = data.get("features")
    if not isinstance(features, list):
        report.errors.append(_("The FeatureCollection has no list of features."))
        return None
    if not features:
        report.errors.append(_("The FeatureCollection has no features."))
        return None
    return features


def _property(feature: Any, name: str) -> str:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return _text(properties.get(name)) if isinstance(properties, dict) else ""


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _check_feature(
    actor: User,
    feature: Any,
    result: FeatureResult,
    *,
    create_missing: bool,
    new_codes: dict[str, _Planned],
) -> _Planned | None:
    """The checks of one feature on its own; errors go to ``result``."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        result.errors.append(_("This is not a GeoJSON Feature."))
        result.status = "failed"
        return None
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    code, name = _text(properties.get("code")), _text(properties.get("name"))
    parent_code, kind = _text(properties.get("parent_code")), _text(properties.get("kind"))
    result.code, result.name = code, name

    geometry: BaseGeometry | None = None
    raw = feature.get("geometry")
    if raw is None:
        result.errors.append(_("The feature has no geometry."))
    else:
        try:
            geometry = geo.parse_boundary(raw)
        except ValidationError as exc:
            result.errors.extend(exc.messages)

    unit, parent = _find_unit(actor, code=code, parent_code=parent_code, name=name)
    if unit is not None:
        if not access.can_administer(actor, unit):
            result.errors.append(_("You cannot change this unit's boundary."))
        if name and name != unit.name:
            result.warnings.append(
                _("The name in the file differs from the unit's name %(name)s; the name is not changed.")
                % {"name": f"«{unit.name}»"}
            )
        if kind and kind != unit.kind:
            result.errors.append(
                _("The file says this unit is a %(file_kind)s, but it is a %(kind)s.")
                % {
                    "file_kind": UnitKind(kind).label if kind in UnitKind.values else kind,
                    "kind": UnitKind(unit.kind).label,
                }
            )
        result.code, result.name, kind = unit.code, unit.name, unit.kind
        parent = unit.parent
    elif not create_missing:
        if code:
            result.errors.append(_("No unit has the code %(code)s.") % {"code": code})
        elif parent_code and name:
            result.errors.append(
                _("No unit named %(name)s under %(parent)s.") % {"name": f"«{name}»", "parent": parent_code}
            )
        else:
            result.errors.append(
                _("The feature names no unit: give properties.code, or parent_code and name.")
            )
    else:
        kind = _check_creation(
            actor, result, parent=parent, parent_code=parent_code, name=name, kind=kind, new_codes=new_codes
        )

    if result.errors or geometry is None:
        result.status = "failed"
        return None
    return _Planned(
        result=result,
        geometry=geometry,
        kind=kind,
        unit=unit,
        parent=parent,
        parent_code=parent_code,
        name=name,
    )


def _find_unit(actor: User, *, code: str, parent_code: str, name: str) -> tuple[Unit | None, Unit | None]:
    """The unit a feature names and, when it names its parent, the parent. Units the actor cannot
    see count as unknown, so that an import never tells whether a code exists elsewhere."""
    visible = access.units_visible_to(actor)
    parent = visible.filter(code=parent_code).first() if parent_code else None
    if code:
        return visible.select_related("parent").filter(code=code).first(), parent
    if parent is not None and name:
        return visible.select_related("parent").filter(parent=parent, name=name).first(), parent
    return None, parent


def _check_creation(
    actor: User,
    result: FeatureResult,
    *,
    parent: Unit | None,
    parent_code: str,
    name: str,
    kind: str,
    new_codes: dict[str, _Planned],
) -> str:
    """Checks for a unit to be created under ``parent_code``; returns the kind it will have."""
    pending_parent = new_codes.get(parent_code) if parent is None else None
    parent_kind = parent.kind if parent is not None else pending_parent.kind if pending_parent else None
    if not parent_code:
        result.errors.append(_("To create a unit, give its parent_code."))
    elif parent_kind is None:
        result.errors.append(_("No unit has the code %(code)s.") % {"code": parent_code})
    if not name:
        result.errors.append(_("To create a unit, give its name."))
    if parent_kind is not None:
        allowed = ALLOWED_CHILDREN[parent_kind]
        if not kind and len(allowed) == 1:
            kind = next(iter(allowed))
        if not kind:
            result.errors.append(_("To create a unit here, give its kind."))
        elif kind not in allowed:
            result.errors.append(
                _("A %(child)s cannot be placed under a %(parent)s.")
                % {
                    "child": UnitKind(kind).label if kind in UnitKind.values else kind,
                    "parent": UnitKind(parent_kind).label,
                }
            )
    # Under a parent that the file itself creates, ``create_unit`` checks the permission when it runs.
    if parent is not None and not access.can_add_under(actor, parent):
        result.errors.append(_("You cannot add units here."))
    return kind


def _check_overlaps(planned: list[_Planned], *, tolerance: float) -> None:
    """Units of one kind must not overlap: file against file, and file against the active units
    already in the database (with the file's boundary replacing the stored one)."""
    for kind in sorted({p.kind for p in planned}):
        mine = [p for p in planned if p.kind == kind]
        replaced = [p.unit.pk for p in mine if p.unit is not None]
        stored = list(
            Unit.objects.filter(kind=kind, is_active=True, boundary__isnull=False)
            .exclude(pk__in=replaced)
            .values_list("code", "boundary")
        )
        geoms = np.array(
            [p.geometry for p in mine] + [shape(boundary) for _, boundary in stored], dtype=object
        )
        tree = shapely.STRtree(geoms)
        shapely.prepare(geoms)
        left, right = tree.query(geoms[: len(mine)])
        keep = left != right
        # Each pair of two features once; pairs of two stored units are not this file's business.
        keep &= (right >= len(mine)) | (left < right)
        left, right = left[keep], right[keep]
        if not len(left):
            continue
        touching_only = ~shapely.relate_pattern(geoms[left], geoms[right], "T********")
        for a, b in zip(left[~touching_only].tolist(), right[~touching_only].tolist(), strict=True):
            overlap = area_m2(shapely.intersection(geoms[a], geoms[b]))
            if overlap <= tolerance:
                continue
            values = {"area": f"{overlap:,.0f}", "kind": UnitKind(kind).label}
            if b < len(mine):
                # Reported on the later feature, naming the earlier one.
                mine[b].result.errors.append(
                    _(
                        "Overlaps %(other)s by about %(area)s m²: two units of kind %(kind)s may share "
                        "an edge, not an area."
                    )
                    % {**values, "other": mine[a].result.label}
                )
            else:
                mine[a].result.errors.append(
                    _(
                        "Overlaps the unit %(other)s already in the database by about %(area)s m²: two "
                        "units of kind %(kind)s may share an edge, not an area."
                    )
                    % {**values, "other": stored[b - len(mine)][0]}
                )
    for p in planned:
        if p.result.errors:
            p.result.status = "failed"


def _check_inside_parents(planned: list[_Planned]) -> None:
    """Warn (only) when a unit sticks out of its parent's boundary, as in the file or as stored."""
    by_code = {p.result.code: p.geometry for p in planned if p.result.code}
    for p in planned:
        parent_geom: BaseGeometry | None = by_code.get(p.parent.code if p.parent else p.parent_code)
        if parent_geom is None and p.parent is not None and p.parent.boundary:
            parent_geom = shape(p.parent.boundary)
        if parent_geom is None:
            continue
        outside = area_m2(shapely.difference(p.geometry, parent_geom))
        if outside > OUTSIDE_PARENT_TOLERANCE_M2:
            p.result.warnings.append(
                _("About %(area)s m² of it lies outside its parent's boundary.") % {"area": f"{outside:,.0f}"}
            )


# -- import: the writes ---------------------------------------------------------------------------------


def _apply(actor: User, planned: list[_Planned]) -> None:
    """Write every planned boundary through the actions; a failure is recorded on its feature
    (the caller then rolls everything back). Parents are created before their children."""
    created: dict[str, Unit] = {}
    for plan in sorted(planned, key=lambda p: (p.unit is not None, LEVEL.get(p.kind, 99), p.result.index)):
        result = plan.result
        geojson = geo.to_geojson(plan.geometry)
        try:
            with transaction.atomic():
                if plan.unit is None:
                    parent = plan.parent or created.get(plan.parent_code)
                    unit = actions.create_unit(
                        actor=actor,
                        kind=plan.kind,
                        name=plan.name,
                        parent=parent,
                        code=result.code,
                        boundary=geojson,
                    )
                    created[unit.code] = unit
                    result.code, result.status = unit.code, "created"
                    plan.unit = unit
                elif _same_geometry(plan.unit.boundary, plan.geometry):
                    result.status = "unchanged"
                else:
                    actions.set_boundary(actor=actor, unit=plan.unit, boundary=geojson)
                    result.status = "updated"
        except (ValidationError, PermissionDenied) as exc:
            result.status = "failed"
            if isinstance(exc, ValidationError):
                result.errors.extend(exc.messages)
            else:
                result.errors.append(str(exc))


def _same_geometry(stored: Any, geometry: BaseGeometry) -> bool:
    if not stored:
        return False
    try:
        current = shapely.orient_polygons(shapely.force_2d(shape(stored)))
    except Exception:  # a stored boundary that no longer parses is simply replaced
        return False
    return bool(shapely.equals_exact(shapely.normalize(current), shapely.normalize(geometry), tolerance=0))
