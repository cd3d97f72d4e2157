"""A district's skeleton: departments, party organisations, staff and their posts, demo accounts,
facilities and organisations (everything but the households and their people)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from grassroots.core import pii
from grassroots.core.models import User
from grassroots.demo import accounts, geometry, names, people
from grassroots.demo.plan import Node
from grassroots.demo.state import LoadState, batched, communities, uid
from grassroots.org.choices import PartyOrgKind, Role, UnitKind
from grassroots.org.models import Department, PartyOrg, Post, Unit
from grassroots.people.choices import FacilityKind, OrganizationCategory
from grassroots.people.models import Facility, Organization

# 一有七中心 (docs/domain.md §2): the names the centres usually go by.
FACILITY_NAMES = {
    FacilityKind.PARTY_SERVICE: "党群服务中心",
    FacilityKind.CONVENIENCE: "便民服务中心",
    FacilityKind.GOVERNANCE: "综治中心",
    FacilityKind.CULTURE_SPORTS: "文体活动中心",
    FacilityKind.HEALTH: "卫生服务站",
    FacilityKind.DAY_CARE: "老年人日间照料中心",
    FacilityKind.CHILDREN: "儿童之家",
    FacilityKind.VOLUNTEER: "志愿服务站",
}
COMMUNITY_TITLES = ("党委书记", "居委会主任", "副书记", "副主任", "委员", "社区专干", "社区专干")
STREET_TITLES = ("党工委书记", "办事处主任", "党工委副书记", "副主任", "党建办", "综治办", "社会事务办")
GRID_CORE = (
    (Role.GRID_LEADER, "gl", "网格长"),
    (Role.PARTY_GUIDE, "pg", "党建指导员"),
    (Role.GRID_MANAGER, "gm", "专职网格员"),
)


@dataclass
class PartyOrgs:
    """A district's party organisations that members are placed in."""

    organ_branches: list[PartyOrg] = field(default_factory=list)
    groups: dict[int, list[PartyOrg]] = field(default_factory=dict)  # grid pk → its branch's groups


def write(state: LoadState, plan: Node, *, first: bool) -> PartyOrgs:
    """Write the skeleton of the district ``plan``; the first district gets the demo accounts."""
    district = state.units[plan.code]
    rng = state.rng("skeleton", plan.code)
    departments = write_departments(state, plan, district)
    orgs = write_party_orgs(state, plan, district, departments)
    if first:
        state.demo_users = write_demo_users(state)
    write_staff(state, plan_staff(state, plan, district, departments, rng, first=first))
    write_places_of_service(state, plan, district, rng)
    return orgs


def write_departments(state: LoadState, plan: Node, district: Unit) -> list[Department]:
    """The district's departments (``names.DEPARTMENTS``), named after the district."""
    departments = batched(
        (
            Department(
                district=district, name=name.format(d=plan.name), short_name=short, code=f"{plan.code}-{code}"
            )
            for name, short, code in names.DEPARTMENTS
        ),
        Department,
    )
    state.counts["departments"] += len(departments)
    return departments


def write_party_orgs(
    state: LoadState, plan: Node, district: Unit, departments: list[Department]
) -> PartyOrgs:
    """党工委 per street → 大党委 per community → 支部 per grid → 2–5 党小组 (docs/domain.md §2; Dongchuan:
    3 community committees, 28 building branches, 118 floor groups), and the organs' committee
    (机关工委) with a branch per department, where in-service members belong."""
    rng = state.rng("party", plan.code)
    units = state.units
    roots = [
        PartyOrg(
            kind=PartyOrgKind.WORKING_COMMITTEE,
            name=street.name + ("党委" if street.kind == UnitKind.TOWN else "党工委"),
            code=f"{street.code}-P",
            district=district,
            serves=units[street.code],
        )
        for street in plan.children
    ]
    organs = PartyOrg(
        kind=PartyOrgKind.WORKING_COMMITTEE,
        name=plan.name + "直属机关工委",
        code=f"{plan.code}-P-JG",
        district=district,
        serves=district,
    )
    PartyOrg.add_nodes([*roots, organs])
    committees = [
        PartyOrg(
            kind=PartyOrgKind.COMMUNITY_COMMITTEE,
            name=community.name + ("党总支" if community.is_village else "大党委"),
            code=f"{community.code}-P",
            district=district,
            parent=root,
            serves=units[community.code],
        )
        for street, root in zip(plan.children, roots, strict=True)
        for community in street.children
    ]
    PartyOrg.add_nodes(committees)
    organ_branches = [
        PartyOrg(
            kind=PartyOrgKind.BRANCH,
            name=f"{department.name}机关党支部",
            code=f"{department.code}-P",
            district=district,
            parent=organs,
        )
        for department in departments
    ]
    grid_branches = [
        PartyOrg(
            kind=PartyOrgKind.BRANCH,
            name=f"{grid.name}党支部",
            code=f"{grid.code}-P",
            district=district,
            parent=committee,
            serves=units[grid.code],
        )
        for community, committee in zip(communities(plan), committees, strict=True)
        for grid in community.children
    ]
    PartyOrg.add_nodes([*organ_branches, *grid_branches])
    groups = [
        PartyOrg(
            kind=PartyOrgKind.GROUP,
            name=f"第{n}党小组",
            code=f"{branch.code}-{n}",
            district=district,
            parent=branch,
            serves=branch.serves,
        )
        for branch in grid_branches
        for n in range(1, rng.randint(2, 5) + 1)
    ]
    PartyOrg.add_nodes(groups)
    orgs = PartyOrgs(organ_branches=organ_branches)
    for group in groups:
        assert group.serves_id is not None
        orgs.groups.setdefault(group.serves_id, []).append(group)
    state.counts["party_orgs"] += (
        len(roots) + 1 + len(committees) + len(organ_branches) + len(grid_branches) + len(groups)
    )
    return orgs


def write_demo_users(state: LoadState) -> dict[str, User]:
    """The demo accounts (``accounts.DEMO_ROLES``), by role; their posts and records come later."""
    rng = state.rng("accounts")
    users = []
    for role in accounts.DEMO_ROLES:
        user = state.new_user(rng, "x")
        user.username = accounts.username(state.size.prefix, role.code)
        user.password = accounts.password_hash()
        users.append(user)
    batched(users, User)
    state.counts["users"] += len(users)
    return {role.code: user for role, user in zip(accounts.DEMO_ROLES, users, strict=True)}


@dataclass
class Staff:
    """A staff user and the posts they hold (written after the users, in bulk)."""

    user: User
    posts: list[dict[str, Any]] = field(default_factory=list)


def plan_staff(
    state: LoadState,
    plan: Node,
    district: Unit,
    departments: list[Department],
    rng: random.Random,
    *,
    first: bool,
) -> list[Staff]:
    """Every post the district needs (docs/domain.md §1–2): each grid's 一长两员 with one primary owner
    (the grid leader in four grids of five, else the grid manager); a community police officer
    across each community's grids; a sunk cadre in about one grid of three and a courier
    micro-grid worker in one of four; 5–7 community workers per community, 5–7 street staff per
    street, two handlers per department, two district administrators. In the first district the
    demo accounts take the first post of their role, and the party member's and volunteer's posts
    are at the first community."""
    demo = dict(state.demo_users) if first else {}
    units = state.units
    staff: list[Staff] = []

    def person(role: str, abbr: str, *, demo_first: bool = False) -> Staff:
        user = demo.pop(role) if demo_first and role in demo else state.new_user(rng, abbr)
        staff.append(Staff(user))
        return staff[-1]

    def post(holder: Staff, role: str, *, unit: Unit | None = None, **extra: Any) -> None:
        started = state.today - dt.timedelta(days=rng.randint(30, 2500))
        holder.posts.append({"role": role, "unit": unit, "started_on": started, **extra})

    for street in plan.children:
        for n, title in enumerate(STREET_TITLES[: rng.randint(5, 7)]):
            post(
                person(Role.STREET_STAFF, "ss", demo_first=n == 0),
                Role.STREET_STAFF,
                unit=units[street.code],
                title=title,
            )
    for community in communities(plan):
        for n, title in enumerate(COMMUNITY_TITLES[: rng.randint(5, 7)]):
            holder = person(Role.COMMUNITY_STAFF, "cs", demo_first=n == 0)
            post(holder, Role.COMMUNITY_STAFF, unit=units[community.code], title=title)
        police = person(Role.POLICE_OFFICER, "po")
        for grid in community.children:
            grid_unit = units[grid.code]
            leads = rng.random() < 0.8 or Role.GRID_LEADER in demo  # the demo grid leader owns the demo grid
            primary = Role.GRID_LEADER if leads else Role.GRID_MANAGER
            for role, abbr, title in GRID_CORE:
                post(
                    person(role, abbr, demo_first=True),
                    role,
                    unit=grid_unit,
                    title=title,
                    is_primary=role == primary,
                )
            post(police, Role.POLICE_OFFICER, unit=grid_unit, title="社区民警")
            if rng.random() < 1 / 3:
                post(person(Role.SUNK_CADRE, "sc"), Role.SUNK_CADRE, unit=grid_unit, title="下沉干部")
            if rng.random() < 1 / 4:
                post(
                    person(Role.MICRO_GRID_WORKER, "mg"),
                    Role.MICRO_GRID_WORKER,
                    unit=grid_unit,
                    title="快递员",
                )
    for department in departments:
        for n in range(2):
            holder = person(Role.DEPARTMENT_HANDLER, "dh", demo_first=n == 0)
            post(holder, Role.DEPARTMENT_HANDLER, department=department, title="经办人")
    for n in range(2):
        post(
            person(Role.DISTRICT_ADMIN, "da", demo_first=n == 0),
            Role.DISTRICT_ADMIN,
            unit=district,
            title="指挥中心",
        )
    if first:
        home = units[communities(plan)[0].code]
        post(person(Role.PARTY_MEMBER, "pm", demo_first=True), Role.PARTY_MEMBER, unit=home)
        post(person(Role.VOLUNTEER, "vo", demo_first=True), Role.VOLUNTEER, unit=home)
    return staff


def write_staff(state: LoadState, staff: list[Staff]) -> None:
    new_users = [s.user for s in staff if s.user.pk is None]
    batched(new_users, User)
    posts = batched((Post(user=s.user, **spec) for s in staff for spec in s.posts), Post)
    state.counts["users"] += len(new_users)
    state.counts["posts"] += len(posts)


def write_places_of_service(state: LoadState, plan: Node, district: Unit, rng: random.Random) -> None:
    """Each community's 一有七中心 (all eight standard facilities, docs/domain.md §2), 2–4 in-area
    organisations (three in four registered with the community, 单位双报到), 2–4 social
    organisations, and 2–6 shops per grid, each placed inside its unit."""
    facilities: list[Facility] = []
    organizations: list[Organization] = []

    def organization(unit: Unit, polygon: Any, category: str, name: str, **extra: Any) -> None:
        ((lat, lng),) = geometry.points_inside(polygon, 1, rng)
        sealed = pii.seal(people.mobile(rng), kind="phone")
        contact = names.full_name(rng, rng.choice((people.MALE, people.FEMALE)), rng.randint(1965, 1995))
        organizations.append(
            Organization(
                uid=uid(rng),
                district=district,
                unit=unit,
                category=category,
                name=name,
                address=f"{unit.name}{name}",
                lat=lat,
                lng=lng,
                contact_name=contact,
                phone_cipher=sealed.cipher,
                phone_hash=sealed.hash,
                phone_masked=sealed.masked,
                **extra,
            )
        )

    for community in communities(plan):
        unit, polygon = state.units[community.code], community.region.polygon
        spots = geometry.points_inside(polygon, len(FACILITY_NAMES), rng)
        for (kind, label), (lat, lng) in zip(FACILITY_NAMES.items(), spots, strict=True):
            hours = "每日 8:00-18:00" if kind == FacilityKind.DAY_CARE else "周一至周五 9:00-17:30"
            facilities.append(
                Facility(
                    uid=uid(rng),
                    district=district,
                    unit=unit,
                    kind=kind,
                    name=community.name + label,
                    address=community.name + label,
                    lat=lat,
                    lng=lng,
                    service_phone=f"0871-6{rng.randrange(10**7):07d}",
                    opening_hours=hours,
                )
            )
        word = community.name.removesuffix("社区").removesuffix("村")
        for name in rng.sample(names.IN_AREA_ORGS, rng.randint(2, 4)):
            registered = rng.random() < 0.75
            organization(
                unit,
                polygon,
                OrganizationCategory.IN_AREA,
                word + name,
                registered_community=unit if registered else None,
                registered_on=state.today - dt.timedelta(days=rng.randint(30, 900)) if registered else None,
            )
        for name in rng.sample(names.SOCIAL_ORGS, rng.randint(2, 4)):
            organization(unit, polygon, OrganizationCategory.SOCIAL, community.name + name)
        for grid in community.children:
            shops: set[str] = set()
            for _ in range(rng.randint(2, 6)):
                shop_kind, label = rng.choice(names.SHOP_KINDS)
                owner = names.surname(rng) + "记" if rng.random() < 0.5 else rng.choice(names.PLACE_WORDS)
                if owner + label not in shops:
                    shops.add(owner + label)
                    organization(
                        state.units[grid.code],
                        grid.region.polygon,
                        OrganizationCategory.SHOP,
                        owner + label,
                        kind=shop_kind,
                    )
    batched(facilities, Facility)
    batched(organizations, Organization)
    state.counts["facilities"] += len(facilities)
    state.counts["organizations"] += len(organizations)
