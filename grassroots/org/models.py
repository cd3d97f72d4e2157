"""The organisation: unit tree, departments, party organisation tree and posts (docs/domain.md §1–2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.tree import PathNode
from grassroots.org.choices import GRID_CORE_ROLES, PartyOrgKind, Role, UnitKind


class Unit(PathNode):
    """A node of the administrative tree: city → district → street/town → community/village → grid → building.

    Rules (docs/domain.md §2): names are unique among siblings (database constraint); which kind may hang
    under which is ``choices.ALLOWED_CHILDREN`` (checked by ``actions``); ``district`` points at the
    district the unit lies in (itself for a district, empty for a city), so that large tables and
    queries can be keyed by district. ``code`` is the public identifier used in URLs, exports and
    GeoJSON files. ``boundary`` is a GeoJSON Polygon/MultiPolygon in WGS 84 / CGCS 2000 lng-lat;
    ``lat``/``lng`` is a representative point (for buildings: their position).
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=40, unique=True)
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_per_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="unit_root_name_unique"
            ),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_valid"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90), name="unit_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | Q(lng__gte=-180, lng__lte=180), name="unit_lng_range"
            ),
        ]
        indexes = [models.Index(fields=["district", "kind"], name="unit_district_kind_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grid(self) -> bool:
        return self.kind == UnitKind.GRID


class BoundaryRevision(models.Model):
    """A counter bumped in the same transaction as any boundary change.

    Every process keeps its own grid index for ``locate`` and rebuilds it when this number moves,
    so a boundary edit in one worker is seen by all of them on their next lookup.
    """

    revision = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("boundary revision")

    def __str__(self) -> str:
        return str(self.revision)


class Department(models.Model):
    """A district department (职能部门: 民政, 城管, 住建 …) beside the unit tree (docs/domain.md §2)."""

    district = models.ForeignKey(
        Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="department_name_unique_per_district"),
        ]

    def __str__(self) -> str:
        return self.name


class PartyOrg(PathNode):
    """A party organisation: 党工委 → 社区大党委 → (总支) → 支部 → 党小组, linked to the unit it serves."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=PartyOrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=40, unique=True)
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    serves = models.ForeignKey(
        Unit,
        verbose_name=_("serves unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_orgs",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="partyorg_name_unique_per_parent"),
            models.UniqueConstraint(
                fields=["district", "name"],
                condition=Q(parent__isnull=True),
                name="partyorg_root_name_unique",
            ),
            models.CheckConstraint(condition=Q(kind__in=PartyOrgKind.values), name="partyorg_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(models.QuerySet["Post"]):
    def active(self) -> PostQuerySet:
        return self.filter(ended_on__isnull=True)


class Post(models.Model):
    """A user's role at a unit, or at a department for department handlers (docs/domain.md §1).

    Database rules: a department handler's post names a department and every other post a unit;
    a grid has at most one active primary owner, and the primary is one of its 一长两员; a grid has
    at most one active grid leader and one active party-building guide; a user holds a role at a
    place once. That a grid with staff has exactly one primary is kept by the post actions, which
    hand the primary on when its holder leaves. A post ends (``ended_on``); it is never deleted,
    so history stays readable.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="posts"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    is_primary = models.BooleanField(_("primary owner"), default=False)
    title = models.CharField(_("title"), max_length=50, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["unit_id", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.DEPARTMENT_HANDLER, department__isnull=False, unit__isnull=True))
                | (~Q(role=Role.DEPARTMENT_HANDLER) & Q(department__isnull=True, unit__isnull=False)),
                name="post_place_matches_role",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="post_role_valid"),
            models.CheckConstraint(
                condition=Q(is_primary=False) | Q(role__in=sorted(GRID_CORE_ROLES), ended_on__isnull=True),
                name="post_primary_is_active_core_role",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(is_primary=True, ended_on__isnull=True),
                name="post_one_primary_per_grid",
            ),
            models.UniqueConstraint(
                fields=["unit", "role"],
                condition=Q(role__in=[Role.GRID_LEADER, Role.PARTY_GUIDE], ended_on__isnull=True),
                name="post_one_leader_and_guide_per_grid",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(ended_on__isnull=True, unit__isnull=False),
                name="post_unique_active_at_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(ended_on__isnull=True, department__isnull=False),
                name="post_unique_active_at_department",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="post_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        place: Any = self.department if self.department_id else self.unit
        return f"{self.user} · {self.get_role_display()} @ {place}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None
