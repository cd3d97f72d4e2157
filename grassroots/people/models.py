"""People and places of the base survey (摸清底数, docs/domain.md §2, §8).

Every table here is large at city scale, so each row carries its ``district`` (the key a
distributed database would shard on) besides the unit it belongs to. Rows are found by their
``uid`` from outside; ID numbers and phones are sealed (``core.pii``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.models import SealedIdNumber, SealedPhone
from grassroots.org.models import PartyOrg, Unit
from grassroots.people.choices import (
    FacilityKind,
    Gender,
    OrganizationCategory,
    PartyStatus,
    Relation,
    Residency,
    ResidentTag,
)


class DistrictRecord(models.Model):
    """Common columns: public id, district key, timestamps, active flag."""

    uid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Household(DistrictRecord):
    """A household (户) at an address in exactly one grid, optionally in a building or courtyard of it."""

    grid = models.ForeignKey(
        Unit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="households"
    )
    building = models.ForeignKey(
        Unit,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="building_households",
    )
    door = models.CharField(_("unit and room"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["grid_id", "building_id", "door", "id"]
        indexes = [
            models.Index(fields=["grid", "is_active"], name="household_grid_idx"),
            models.Index(fields=["district", "is_active"], name="household_district_idx"),
        ]

    def __str__(self) -> str:
        return self.address


class Resident(DistrictRecord, SealedIdNumber, SealedPhone):
    """A person living in a household. ``grid`` repeats the household's grid for scoped queries.

    The ID number is checked against GB 11643 and must agree with the birth year and gender; one
    active resident per ID number per district (database constraint on the lookup hash).
    """

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    grid = models.ForeignKey(Unit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="residents")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    relation = models.CharField(
        _("relation to head"), max_length=12, choices=Relation.choices, default=Relation.HEAD
    )
    residency = models.CharField(
        _("residency"), max_length=12, choices=Residency.choices, default=Residency.REGISTERED
    )

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "id_number_hash"],
                condition=Q(is_active=True) & ~Q(id_number_hash=""),
                name="resident_unique_id_number",
            ),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="resident_gender_valid"),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900, birth_year__lte=2100), name="resident_birth_year"
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "is_active", "birth_year"], name="resident_grid_idx"),
            models.Index(fields=["district", "is_active"], name="resident_district_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CareTag(models.Model):
    """A care tag on a resident (elderly living alone, disability, minimum allowance …)."""

    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="tags"
    )
    tag = models.CharField(_("tag"), max_length=24, choices=ResidentTag.choices)

    class Meta:
        verbose_name = _("care tag")
        verbose_name_plural = _("care tags")
        constraints = [
            models.UniqueConstraint(fields=["resident", "tag"], name="caretag_unique"),
            models.CheckConstraint(condition=Q(tag__in=ResidentTag.values), name="caretag_valid"),
        ]
        indexes = [models.Index(fields=["district", "tag"], name="caretag_district_idx")]

    def __str__(self) -> str:
        return self.get_tag_display()


class PartyMember(DistrictRecord, SealedIdNumber, SealedPhone):
    """A party member: their branch (组织关系), and for in-service members the community where they
    live and have reported (双报到, docs/domain.md §5). ``unit`` is where the member is counted: the
    unit their branch serves, else their registered community."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="party_members"
    )
    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("party organisation"), on_delete=models.PROTECT, related_name="members"
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_memberships",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    status = models.CharField(
        _("status"), max_length=16, choices=PartyStatus.choices, default=PartyStatus.FULL
    )
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    is_in_service = models.BooleanField(_("in-service member"), default=False)
    workplace = models.CharField(_("workplace"), max_length=100, blank=True)
    registered_community = models.ForeignKey(
        Unit,
        verbose_name=_("registered community (双报到)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_party_members",
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["party_org_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "id_number_hash"],
                condition=Q(is_active=True) & ~Q(id_number_hash=""),
                name="partymember_unique_id_number",
            ),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="partymember_gender_valid"),
            models.CheckConstraint(
                condition=Q(registered_community__isnull=True) | Q(registered_on__isnull=False),
                name="partymember_registration_dated",
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active"], name="partymember_unit_idx")]

    def __str__(self) -> str:
        return self.name


class Organization(DistrictRecord, SealedPhone):
    """An in-area organisation (驻区单位), social organisation (社会组织) or shop in a unit's area.

    In-area organisations register with the community (单位双报到) and may have a party organisation.
    The contact's phone is personal data and sealed like a resident's.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="organizations"
    )
    category = models.CharField(_("category"), max_length=12, choices=OrganizationCategory.choices)
    kind = models.CharField(_("type"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    party_org = models.ForeignKey(
        PartyOrg, verbose_name=_("party organisation"), null=True, blank=True, on_delete=models.SET_NULL
    )
    registered_community = models.ForeignKey(
        Unit,
        verbose_name=_("registered community (双报到)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_organizations",
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["unit_id", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "category", "name"], name="organization_unique_name"),
            models.CheckConstraint(
                condition=Q(category__in=OrganizationCategory.values), name="organization_category_valid"
            ),
        ]
        indexes = [models.Index(fields=["unit", "category"], name="organization_unit_idx")]

    def __str__(self) -> str:
        return self.name


class Facility(DistrictRecord):
    """A service facility with a location: the community's 一有七中心 and others (docs/domain.md §2)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="facilities"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    service_phone = models.CharField(_("service phone"), max_length=30, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["unit_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="facility_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=FacilityKind.values), name="facility_kind_valid"),
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90), name="facility_lat_range"),
            models.CheckConstraint(condition=Q(lng__gte=-180, lng__lte=180), name="facility_lng_range"),
        ]
        indexes = [models.Index(fields=["unit", "kind"], name="facility_unit_idx")]

    def __str__(self) -> str:
        return self.name
