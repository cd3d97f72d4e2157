"""The demo district has the structure docs/domain.md §2 describes."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from grassroots.core.models import AuditAction, AuditRecord
from grassroots.demo import plan
from grassroots.demo.tests.tiny import TINY
from grassroots.org.choices import GRID_CORE_ROLES, PartyOrgKind, Role, UnitKind
from grassroots.org.models import Department, PartyOrg, Post, Unit
from grassroots.people.choices import STANDARD_FACILITIES
from grassroots.people.models import Facility, Household, PartyMember, Resident


def test_the_tree_has_streets_a_town_communities_a_village_and_grids(tiny):
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    assert kinds[UnitKind.DISTRICT] == 1
    assert kinds[UnitKind.STREET] + kinds[UnitKind.TOWN] == TINY.streets
    assert kinds[UnitKind.COMMUNITY] + kinds[UnitKind.VILLAGE] == TINY.communities
    assert kinds[UnitKind.VILLAGE] == TINY.villages
    assert kinds[UnitKind.GRID] == TINY.grids
    for courtyard in Unit.objects.filter(kind=UnitKind.COURTYARD).select_related("parent__parent"):
        assert courtyard.parent is not None
        assert courtyard.parent.parent is not None
        assert courtyard.parent.parent.kind == UnitKind.VILLAGE
    district = tiny.root
    assert not Unit.objects.exclude(pk=district.pk).exclude(district=district).exists()
    assert district.district_id == district.pk


def test_households_per_grid_are_within_the_range(tiny):
    low, high = TINY.households
    counts = dict(Household.objects.values_list("grid_id").annotate(n=Count("id")))
    assert len(counts) == TINY.grids
    assert all(low <= n <= high for n in counts.values())
    for household in Household.objects.select_related("building"):
        assert household.building is not None
        assert household.building.parent_id == household.grid_id
        assert household.address.endswith(household.door)


def test_every_grid_has_its_three_core_posts_and_exactly_one_primary(tiny):
    for grid in Unit.objects.filter(kind=UnitKind.GRID):
        posts = Post.objects.active().filter(unit=grid)
        assert set(posts.filter(role__in=GRID_CORE_ROLES).values_list("role", flat=True)) == GRID_CORE_ROLES
        assert posts.filter(is_primary=True).count() == 1
        assert posts.filter(role=Role.POLICE_OFFICER).count() == 1


def test_every_community_has_all_eight_standard_facilities(tiny):
    for community in Unit.objects.filter(kind__in=[UnitKind.COMMUNITY, UnitKind.VILLAGE]):
        kinds = list(Facility.objects.filter(unit=community).values_list("kind", flat=True))
        assert sorted(kinds) == sorted(STANDARD_FACILITIES)
        assert Post.objects.filter(unit=community, role=Role.COMMUNITY_STAFF).count() >= 5


def test_party_organisations_follow_the_units_they_serve(tiny):
    streets = Unit.objects.filter(kind__in=[UnitKind.STREET, UnitKind.TOWN])
    for street in streets:
        assert PartyOrg.objects.get(serves=street).kind == PartyOrgKind.WORKING_COMMITTEE
    for grid in Unit.objects.filter(kind=UnitKind.GRID):
        branch = PartyOrg.objects.get(serves=grid, kind=PartyOrgKind.BRANCH)
        assert branch.parent is not None
        assert branch.parent.serves == grid.parent
        assert 2 <= branch.children.filter(kind=PartyOrgKind.GROUP).count() <= 5
    assert PartyOrg.objects.filter(kind=PartyOrgKind.BRANCH, serves__isnull=True).count() == (
        Department.objects.count()
    )


def test_party_members_are_a_few_per_cent_of_adults_and_some_report_to_their_community(tiny):
    adults = Resident.objects.filter(birth_year__lte=2026 - 18).count()
    members = PartyMember.objects.all()
    assert 0.01 * adults <= members.count() <= 0.12 * adults
    for member in members.filter(is_in_service=True):
        assert member.registered_community is not None
        assert member.registered_community.kind in (UnitKind.COMMUNITY, UnitKind.VILLAGE)
        assert member.unit == tiny.root


def test_the_bulk_load_leaves_exactly_one_audit_record(tiny):
    # The ledger (cases, catalog, holidays) goes through the actions, which record each act.
    records = AuditRecord.objects.exclude(target_type__startswith="cases.").exclude(
        target_type="core.holiday"
    )
    assert records.count() == 1
    record = records.get()
    assert (record.action, record.target_type, record.target_id) == (
        AuditAction.IMPORT,
        "demo.district",
        tiny.root.code,
    )
    assert record.actor is None
    assert record.source == "command:demo"
    assert record.changes["rows"]["households"] == Household.objects.count()


def test_the_default_sizes_are_the_documented_ones():
    district = plan.DISTRICT
    assert (district.streets, district.communities, district.grids) == (3, 12, 100)
    assert district.households == (200, 300)
    assert district.villages >= 1
    city = plan.CITY
    assert city.total_grids == 5000
    assert city.total_grids * sum(city.households) / 2 == 1_500_000


def test_the_default_district_plan_has_about_25000_households():
    root = plan.build(plan.DISTRICT, plan.DEFAULT_SEED)
    grids = [n for n in root.walk() if n.kind == UnitKind.GRID]
    assert all(200 <= g.households <= 300 for g in grids)
    assert 23_000 <= sum(g.households for g in grids) <= 27_000
    assert len({n.code for n in root.walk()}) == len(list(root.walk()))
