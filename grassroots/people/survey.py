"""Base survey (摸清底数): a unit's statistics table, rolled up its subtree (docs/domain.md §2).

Counts are taken once per table with a GROUP BY on the unit each row belongs to (grid for
households and residents, the unit for organisations, facilities and party members, the parent
for buildings), then added up along each unit's path, so the whole table costs a fixed number of
queries whatever the size of the subtree.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.tree import pks_of
from grassroots.org.choices import ADMINISTRATIVE_KINDS, GRID_CORE_ROLES, UnitKind
from grassroots.org.models import Post, Unit
from grassroots.people.choices import FacilityKind, OrganizationCategory
from grassroots.people.models import Facility, Household, Organization, PartyMember, Resident


@dataclass
class SurveyRow:
    """One line of the statistics table (基本情况统计表)."""

    unit_id: int
    code: str
    name: str
    kind: str
    depth: int
    path: str
    households: int = 0
    residents: int = 0
    elderly: int = 0
    party_members: int = 0
    buildings: int = 0
    grids: int = 0
    grids_covered: int = 0
    organizations: Counter[str] = field(default_factory=Counter)
    facilities: Counter[str] = field(default_factory=Counter)

    @property
    def elderly_share(self) -> float | None:
        """Residents aged ``ELDERLY_AGE`` or more this year / residents."""
        return self.elderly / self.residents if self.residents else None

    @property
    def grid_coverage(self) -> float | None:
        """Grids with a grid leader, a party-building guide and a grid manager / grids."""
        return self.grids_covered / self.grids if self.grids else None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "depth": self.depth,
            "households": self.households,
            "residents": self.residents,
            "elderly": self.elderly,
            "elderly_share": round(self.elderly_share, 4) if self.elderly_share is not None else None,
            "party_members": self.party_members,
            "buildings": self.buildings,
            "grids": self.grids,
            "grids_covered": self.grids_covered,
            "grid_coverage": round(self.grid_coverage, 4) if self.grid_coverage is not None else None,
            "organizations": {c: self.organizations.get(c, 0) for c in OrganizationCategory.values},
            "facilities": {k: self.facilities.get(k, 0) for k in FacilityKind.values},
        }


FORMULAS = {
    "elderly_share": gettext_lazy("Elderly share = residents aged %(age)s or over / residents"),
    "grid_coverage": gettext_lazy(
        "Grid coverage = grids with a grid leader, a party-building guide and a grid manager in post / grids"
    ),
}


def formulas() -> dict[str, str]:
    """The published formula of each ratio, in the active language (shown next to every figure)."""
    return {key: str(text) % {"age": settings.ELDERLY_AGE} for key, text in FORMULAS.items()}


def survey(root: Unit, *, levels: int | None = 1) -> list[SurveyRow]:
    """Rows for ``root`` and its administrative descendants ``levels`` deep (None: down to the grids)."""
    units = list(
        Unit.objects.filter(path__subtree=root.path, is_active=True)
        .exclude(kind=UnitKind.BUILDING)
        .values_list("pk", "code", "name", "kind", "depth", "path")
    )
    rows = {pk: SurveyRow(pk, code, name, kind, depth, path) for pk, code, name, kind, depth, path in units}
    paths = {pk: row.path for pk, row in rows.items()}
    within = Q(path__subtree=root.path)

    def roll_up(unit_id: int | None) -> Iterable[SurveyRow]:
        path = paths.get(unit_id) if unit_id is not None else None
        if path is None:
            return ()
        return (rows[pk] for pk in pks_of(path) if pk in rows)

    scoped = {"district_id": root.district_id} if root.district_id else {}
    for grid_id, n in (
        Household.objects.filter(is_active=True, grid__in=Unit.objects.filter(within), **scoped)
        .values_list("grid_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for row in roll_up(grid_id):
            row.households += n
    elderly_year = timezone.localdate().year - settings.ELDERLY_AGE
    for grid_id, n, old in (
        Resident.objects.filter(is_active=True, grid__in=Unit.objects.filter(within), **scoped)
        .values_list("grid_id")
        .annotate(n=Count("id"), old=Count("id", filter=Q(birth_year__lte=elderly_year)))
        .order_by()
    ):
        for row in roll_up(grid_id):
            row.residents += n
            row.elderly += old
    for unit_id, n in (
        PartyMember.objects.filter(is_active=True, unit__in=Unit.objects.filter(within), **scoped)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for row in roll_up(unit_id):
            row.party_members += n
    for parent_id, n in (
        Unit.objects.filter(within, kind=UnitKind.BUILDING, is_active=True)
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for row in roll_up(parent_id):
            row.buildings += n
    for unit_id, category, n in (
        Organization.objects.filter(is_active=True, unit__in=Unit.objects.filter(within), **scoped)
        .values_list("unit_id", "category")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for row in roll_up(unit_id):
            row.organizations[category] += n
    for unit_id, kind, n in (
        Facility.objects.filter(is_active=True, unit__in=Unit.objects.filter(within), **scoped)
        .values_list("unit_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for row in roll_up(unit_id):
            row.facilities[kind] += n
    roles_by_grid: dict[int, set[str]] = defaultdict(set)
    for unit_id, role in (
        Post.objects.active()
        .filter(unit__in=Unit.objects.filter(within, kind=UnitKind.GRID), role__in=sorted(GRID_CORE_ROLES))
        .values_list("unit_id", "role")
        .distinct()
    ):
        roles_by_grid[unit_id].add(role)
    for pk, row in rows.items():
        if row.kind == UnitKind.GRID:
            covered = roles_by_grid.get(pk, set()) >= GRID_CORE_ROLES
            for ancestor in roll_up(pk):
                ancestor.grids += 1
                ancestor.grids_covered += int(covered)

    max_depth = root.depth + levels if levels is not None else None
    return [
        row
        for row in sorted(rows.values(), key=lambda r: r.path)
        if row.kind in ADMINISTRATIVE_KINDS and (max_depth is None or row.depth <= max_depth)
    ]


def workbook(root: Unit, rows: list[SurveyRow]) -> bytes:
    """The statistics table as an Excel file (.xlsx), one row per unit, indented by level."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Base survey")[:31]
    org_labels = [str(label) for label in OrganizationCategory.labels]
    facility_labels = [str(label) for label in FacilityKind.labels]
    header = [
        _("Code"),
        _("Unit"),
        _("Kind"),
        _("Households"),
        _("Residents"),
        _("Elderly"),
        _("Elderly share"),
        _("Party members"),
        _("Buildings"),
        _("Grids"),
        _("Grids fully staffed"),
        _("Grid coverage"),
        *org_labels,
        *facility_labels,
    ]
    sheet.append([f"{root.name} — {_('Base survey')} ({timezone.localdate():%Y-%m-%d})"])
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.code,
                row.name,
                str(UnitKind(row.kind).label),
                row.households,
                row.residents,
                row.elderly,
                row.elderly_share,
                row.party_members,
                row.buildings,
                row.grids,
                row.grids_covered,
                row.grid_coverage,
                *(row.organizations.get(c, 0) for c in OrganizationCategory.values),
                *(row.facilities.get(k, 0) for k in FacilityKind.values),
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(indent=max(row.depth - root.depth, 0))
        for column in (7, 12):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
    sheet.append([])
    for text in formulas().values():
        sheet.append([text])
    sheet.freeze_panes = "C3"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 24
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
