"""The demo loader: writes a planned district (or city), its people and its ledger to the database.

This is a *system loader*. At this volume (25,000 households; 1.5 million for the city) writing
every row through the per-row actions would take hours, so it writes in bulk instead — tree nodes
with ``add_nodes`` (which sets their paths), the small tables with ``bulk_create`` in batches, the
big ones (households, residents, care tags, party members) through ``sink`` — and keeps the rules
the actions keep: ID numbers and phones are sealed (``core.pii``, never stored in clear), every
database constraint holds (one primary owner per grid, unique names and ID numbers …), the
boundary revision is bumped so every process's ``locate`` sees the new grids, and the load leaves
one audit record (``demo.district`` or ``demo.city``), written last, which also marks it complete.

People are generated grid by grid and written community by community, so memory stays bounded
whatever the scale. A district is loaded in one transaction; the city commits its skeleton and
then district by district (a stopped city load is found incomplete and needs ``--reset``). The
city's historical cases (``demo.history``, millions) come last, again one transaction per
district, in batches of 20,000.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import reset_queries, transaction
from django.db.models import F
from django.utils import timezone

from grassroots.cases import tally
from grassroots.core import audit, pii
from grassroots.core.context import command_context
from grassroots.core.models import AuditAction, AuditRecord, User
from grassroots.demo import accounts, geometry, history, homes, ledger, people, skeleton
from grassroots.demo.plan import DEFAULT_SEED, Node, Size
from grassroots.demo.plan import build as build_plan
from grassroots.demo.sink import Sink
from grassroots.demo.state import LoadState, communities, uid
from grassroots.org.actions import bump_boundary_revision
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Unit
from grassroots.people.choices import PartyStatus
from grassroots.people.models import CareTag, Household, PartyMember, Resident

Progress = Callable[[str], None]
TARGET_TYPES = {scale: f"demo.{scale}" for scale in ("district", "city")}
SEALED_COLUMNS = (
    "id_number_cipher",
    "id_number_hash",
    "id_number_masked",
    "phone_cipher",
    "phone_hash",
    "phone_masked",
)


@dataclass
class Result:
    """What a load did: the root unit, row counts, and how long it took."""

    root: Unit
    counts: Counter[str]
    seconds: float
    # Acts of the ledger's stories the actions refused (none expected; see ``demo.ledger``).
    failures: list[str] = field(default_factory=list)
    case_seconds: float = 0.0  # the city's historical cases (``demo.history``)


def find_root(size: Size) -> Unit | None:
    return Unit.objects.filter(code=size.root_code, parent__isnull=True).first()


def is_complete(root: Unit, size: Size) -> bool:
    """Whether ``root`` was fully loaded: its load's audit record is written last."""
    return AuditRecord.objects.filter(
        action=AuditAction.IMPORT,
        target_type=TARGET_TYPES[size.scale],
        target_id=root.code,
        scope_path=root.path,
    ).exists()


def load(
    size: Size,
    *,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cases: int | None = None,
) -> Result:
    """Plan and write the demo for ``size`` (see the module doc). The caller checks it is absent.

    Birth dates, post start dates and the like count back from ``today``, so the demo never ages;
    the same seed gives the same district on the same day. ``cases`` is the number of historical
    cases of the city (default ``history.default_count()``: 10 million on PostgreSQL, 2 million
    on SQLite); the district scale has its played ledger instead."""
    started = time.monotonic()
    loader = _Loader(
        LoadState(size, seed, today or timezone.localdate()), progress or (lambda _message: None), cases
    )
    with command_context("demo"):
        if size.districts == 1:
            with transaction.atomic():
                root = loader.run()
        else:
            root = loader.run()
    return Result(
        root=root,
        counts=loader.state.counts,
        seconds=time.monotonic() - started,
        failures=loader.failures,
        case_seconds=loader.case_seconds,
    )


@dataclass
class _Member:
    """A person about to be written: their resident row, and their party record if they have one."""

    person: people.Person
    id_number: str
    uid: uuid.UUID
    party: PartyMember | None = None
    user: User | None = None


@dataclass
class _Home:
    household: Household
    place: int  # index of its building or courtyard in the chunk
    members: list[_Member] = field(default_factory=list)


@dataclass
class _Chunk:
    """The rows of one community, written together: places, households, people."""

    places: list[Unit] = field(default_factory=list)
    homes: list[_Home] = field(default_factory=list)


class _Loader:
    def __init__(self, state: LoadState, progress: Progress, cases: int | None = None) -> None:
        self.state, self.progress = state, progress
        self.party_orgs: dict[str, skeleton.PartyOrgs] = {}  # by district code
        self.failures: list[str] = []
        self.cases = cases
        self.case_seconds = 0.0

    def run(self) -> Unit:
        state = self.state
        plan = build_plan(state.size, state.seed)
        districts = [node for node in plan.walk() if node.kind == UnitKind.DISTRICT]
        with transaction.atomic():
            self.write_units(plan)
            for index, district in enumerate(districts):
                self.party_orgs[district.code] = skeleton.write(state, district, first=index == 0)
        self.progress(f"units, departments, party organisations, staff: {state.counts.total():,} rows")
        for index, district in enumerate(districts):
            started = time.monotonic()
            with transaction.atomic():
                self.write_people(district, first=index == 0)
            self.progress(
                f"{district.name}: {state.counts['households']:,} households so far "
                f"({time.monotonic() - started:.1f} s)"
            )
        for index, district in enumerate(districts):
            started = time.monotonic()
            with transaction.atomic():
                result = ledger.write(state, district, first=index == 0)
            self.failures += result.failures
            refused = f", {len(result.failures)} acts refused" if result.failures else ""
            played = f", {result.cases} cases{refused}" if state.size.scale == "district" else ""
            self.progress(
                f"{district.name}: catalog ({result.catalog.created} categories)"
                f"{played} ({time.monotonic() - started:.1f} s)"
            )
        if state.size.scale == "city":
            self.write_history(districts)
        root = state.units[plan.code]
        with transaction.atomic():
            bump_boundary_revision()
            audit.record(
                actor=None,
                action=AuditAction.IMPORT,
                target_type=TARGET_TYPES[state.size.scale],
                target_id=root.code,
                label=root.name,
                scope_path=root.path,
                changes={
                    "seed": state.seed,
                    "scale": state.size.scale,
                    "rows": dict(sorted(state.counts.items())),
                },
            )
        return root

    # -- the city's historical cases ------------------------------------------------------------------

    def write_history(self, plans: list[Node]) -> None:
        """The city's historical cases (``demo.history``), district by district, each district in
        its own transaction; shared out in proportion to the districts' households."""
        state = self.state
        total = self.cases if self.cases is not None else history.default_count()
        days = history.Days.build(state)
        weights = [sum(node.households for node in plan.walk()) for plan in plans]
        started = time.monotonic()
        for plan, count in zip(plans, history.spread(total, weights), strict=True):
            begun = time.monotonic()
            with transaction.atomic():
                written = history.write(state, plan, days, count)
            seconds = time.monotonic() - begun
            self.progress(
                f"{plan.name}: {written.cases:,} cases ({written.open:,} open) in {seconds:.1f} s, "
                f"{written.cases / max(seconds, 1e-9):,.0f} cases/s"
            )
        self.case_seconds = time.monotonic() - started
        self.progress(
            f"cases: {total:,} in {self.case_seconds:.1f} s, "
            f"{total / max(self.case_seconds, 1e-9):,.0f} cases/s"
        )
        begun = time.monotonic()
        _rebuild_counters([state.units[plan.code] for plan in plans])
        self.progress(f"board counters recomputed from the cases ({time.monotonic() - begun:.1f} s)")

    # -- units ---------------------------------------------------------------------------------------

    def write_units(self, plan: Node) -> None:
        """The administrative tree down to the grids, level by level (parents before children);
        a district's ``district`` is itself."""
        units = self.state.units
        level: list[tuple[Node, Unit | None]] = [(plan, None)]
        while level:
            created = Unit.add_nodes([_unit(node, parent, i) for i, (node, parent) in enumerate(level)])
            districts = [unit for unit in created if unit.kind == UnitKind.DISTRICT]
            Unit.objects.filter(pk__in=[unit.pk for unit in districts]).update(district_id=F("id"))
            for unit in districts:
                unit.district = unit
            units.update((unit.code, unit) for unit in created)
            self.state.counts["units"] += len(created)
            level = [(child, units[node.code]) for node, _parent in level for child in node.children]

    # -- people ----------------------------------------------------------------------------------------

    def write_people(self, plan: Node, *, first: bool) -> None:
        """Buildings, households, residents, care tags and party members, community by community."""
        district = self.state.units[plan.code]
        ids = people.IdNumbers()
        sink = Sink()
        demo_grid = communities(plan)[0].children[0].code if first else None
        for street in plan.children:
            for community in street.children:
                chunk = _Chunk()
                for grid in community.children:
                    self.plan_grid(chunk, plan, street, community, grid, ids, demo=grid.code == demo_grid)
                self.write_chunk(chunk, district, sink)
                reset_queries()  # with DEBUG on Django keeps every statement; memory must stay bounded
        sink.finish()

    def plan_grid(
        self,
        chunk: _Chunk,
        district: Node,
        street: Node,
        community: Node,
        grid: Node,
        ids: people.IdNumbers,
        *,
        demo: bool,
    ) -> None:
        """The homes of one grid and the households living in them. In the demo grid the first
        household's head is the demo resident and the second's the demo party member."""
        state = self.state
        grid_unit, polygon = state.units[grid.code], grid.region.polygon
        prefix = street.name + community.name
        rng = state.rng("homes", grid.code)
        if community.is_village:
            first_number = sum(1 for place in chunk.places if place.kind == UnitKind.COURTYARD) + 1
            places, doors = homes.courtyards(rng, grid, grid_unit, polygon, prefix, first_number=first_number)
        else:
            places, doors = homes.buildings(rng, grid, grid_unit, polygon, prefix)
        offset = len(chunk.places)
        chunk.places.extend(places)
        rng = state.rng("people", grid.code)
        community_unit = state.units[community.code]
        for n, (place, door, address) in enumerate(doors):
            household = Household(uid=uid(rng), grid_id=grid_unit.pk, door=door, address=address)
            home = _Home(household, offset + place)
            generated = people.household(
                rng,
                state.today,
                home_region=district.id_region,
                rural=community.is_village,
                head_only=state.size.residents == "head",
            )
            for person in generated.members:
                member = _Member(person, ids.issue(rng, person.region, person.birth, person.gender), uid(rng))
                force = demo and n == 1 and not home.members
                member.party = self.party_membership(
                    rng, district, community_unit, grid_unit, person, force=force
                )
                home.members.append(member)
            head = home.members[0]
            if demo and n == 0:
                head.user = state.demo_users.get(accounts.RESIDENT)
            if demo and n == 1 and head.party is not None:
                head.party.user = state.demo_users.get(Role.PARTY_MEMBER)
            chunk.homes.append(home)

    def party_membership(
        self,
        rng: random.Random,
        district: Node,
        community: Unit,
        grid: Unit,
        person: people.Person,
        *,
        force: bool,
    ) -> PartyMember | None:
        """About 5 % of adults are members (``people.party_member_chance``). A quarter of those of
        working age are in-service members of an organ branch who have registered with the
        community where they live (双报到, docs/domain.md §5); the others belong to a group of their
        grid's branch. 3 % are probationary (joined within the year)."""
        today = self.state.today
        age = person.age(today)
        if not force and rng.random() >= people.party_member_chance(age, person.gender):
            return None
        orgs = self.party_orgs[district.code]
        in_service = 22 <= age < 60 and rng.random() < 0.25
        probationary = rng.random() < 0.03
        if probationary:
            joined = today - dt.timedelta(days=rng.randint(10, 360))
        else:
            joined_age = rng.randint(19, max(19, min(age - 1, 45)))
            joined = person.birth + dt.timedelta(days=int(joined_age * 365.25) + rng.randrange(300))
            joined = min(joined, today - dt.timedelta(days=366))
        member = PartyMember(
            uid=uid(rng),
            name=person.name,
            gender=person.gender,
            birth_year=person.birth.year,
            status=PartyStatus.PROBATIONARY if probationary else PartyStatus.FULL,
            joined_on=joined,
        )
        if in_service:
            branch = rng.choice(orgs.organ_branches)
            member.party_org, member.unit = branch, self.state.units[district.code]
            member.is_in_service, member.workplace = True, branch.name.removesuffix("机关党支部")
            member.registered_community = community
            member.registered_on = today - dt.timedelta(days=rng.randint(20, 1500))
        else:
            member.party_org, member.unit = rng.choice(orgs.groups[grid.pk]), grid
        return member

    def write_chunk(self, chunk: _Chunk, district: Unit, sink: Sink) -> None:
        """Write one community's rows, parents before the rows that point at them. Foreign keys are
        set by id (``x_id = row.pk``): at this volume the related-object descriptors are a cost."""
        Unit.add_nodes(chunk.places)
        for home in chunk.homes:
            home.household.district_id = district.pk
            home.household.building_id = chunk.places[home.place].pk
        sink.insert([home.household for home in chunk.homes])
        pairs = [(m, _resident(m, home.household, district)) for home in chunk.homes for m in home.members]
        sink.insert([resident for _m, resident in pairs])
        tags = [
            CareTag(district_id=district.pk, resident_id=r.pk, tag=tag)
            for m, r in pairs
            for tag in m.person.tags
        ]
        sink.insert(tags)
        members = []
        for m, resident in pairs:
            if m.party is not None:
                m.party.district_id, m.party.resident_id = district.pk, resident.pk
                for column in SEALED_COLUMNS:  # the same person: the same sealed ID number and phone
                    setattr(m.party, column, getattr(resident, column))
                members.append(m.party)
        sink.insert(members)
        self.state.counts.update(
            units=len(chunk.places),
            households=len(chunk.homes),
            residents=len(pairs),
            care_tags=len(tags),
            party_members=len(members),
        )


def _rebuild_counters(districts: list[Unit]) -> None:
    """Recompute the board's maintained counters of each district from the cases written in bulk
    (``grassroots.cases.tally.rebuild(district)``): the bulk load bypasses the actions that keep
    them up to date."""
    for district in districts:
        tally.rebuild(district)


def _unit(node: Node, parent: Unit | None, order: int) -> Unit:
    polygon = node.region.polygon
    assert polygon is not None
    point = polygon.representative_point()
    district = None if parent is None else parent if parent.kind == UnitKind.DISTRICT else parent.district
    return Unit(
        kind=node.kind,
        name=node.name,
        code=node.code,
        parent=parent,
        district=district,
        lat=round(point.y, geometry.DIGITS),
        lng=round(point.x, geometry.DIGITS),
        boundary=geometry.to_geojson(polygon),
        sort_order=order,
    )


def _resident(member: _Member, household: Household, district: Unit) -> Resident:
    person = member.person
    resident = Resident(
        uid=member.uid,
        district_id=district.pk,
        household_id=household.pk,
        grid_id=household.grid_id,
        user_id=member.user.pk if member.user else None,
        name=person.name,
        gender=person.gender,
        birth_year=person.birth.year,
        relation=person.relation,
        residency=person.residency,
    )
    pii.store(resident, "id_number", member.id_number, kind="id_number")
    pii.store(resident, "phone", person.phone, kind="phone")
    return resident
