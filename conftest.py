"""Shared test world: a small district and the personas every access test runs over.

    district D ─ street S ─ community C ─ grid X (household HX: resident A)
                │                      └─ grid Y (household HY: resident B)
                │          └ community C2 ─ grid Z (household HZ)
                └ street S2 ─ community C3 ─ grid W (household HW)

Grids are unit squares of 0.01° at lng 103 + i·0.01, lat 26.0–26.01 (X, Y, Z, W side by side).
Personas: resident A and B, grid manager of X and of Y, community worker of C, street staff of S,
a department handler of 民政局, the district administrator, and ``root`` (superuser).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from grassroots.core.models import User
from grassroots.org import actions as org_actions
from grassroots.org.choices import PartyOrgKind, Role, UnitKind
from grassroots.people import actions as people_actions

# Valid GB 11643 numbers (checksums computed), region 530113.
ID_A = "530113199001011230"  # resident A: male, 1990
ID_B = "530113198512120020"  # resident B: female, 1985
ID_M = "53011319700101001X"  # party member M: male, 1970
PHONE_A = "13812345678"
PHONE_B = "13987654321"
PHONE_M = "13600002222"
PHONE_O = "13700001111"
# Personal values no page, API answer, export or audit record may contain in clear.
PLAINTEXT = (ID_A, ID_B, ID_M, PHONE_A, PHONE_B, PHONE_M, PHONE_O)
PERSONAS = (
    "resident_a",
    "resident_b",
    "grid_manager_x",
    "grid_manager_y",
    "community_worker",
    "street_staff",
    "department_handler",
    "district_admin",
    "nobody",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Password hashing is slow by design; tests only need it to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Messages raised by actions and commands are asserted in English (the msgids); requests still
    get the site's default language, Chinese, through the locale middleware."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _counters_agree_with_the_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used the database, the board's counters of every district agree with
    a count of its cases (``cases.tally``): whatever the test did through the actions, commands,
    pages or API kept them exact. A test that writes cases behind the actions' back recounts."""
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db or request.node.get_closest_marker("counters_unchecked"):
        yield
        return
    request.getfixturevalue(max(uses_db, key=len))  # transactional_db if asked; torn down after the check
    yield
    from grassroots.cases import tally
    from grassroots.cases.models import Case
    from grassroots.org.models import Unit

    districts = Unit.objects.filter(pk__in=Case.objects.values("district_id").distinct())
    wrong = {district.code: tally.differences(district) for district in districts}
    assert not any(wrong.values()), f"the counters drifted from the cases: {wrong}"


def square(lng: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        ],
    }


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password="pw-" + username, display_name=username, **extra
    )


@pytest.fixture
def world(db: Any) -> SimpleNamespace:
    w = SimpleNamespace()
    w.root = User.objects.create_superuser(username="root", password="pw-root")
    create = org_actions.create_unit
    w.district = create(actor=w.root, kind=UnitKind.DISTRICT, name="示范区", code="530113")
    w.street = create(actor=w.root, kind=UnitKind.STREET, name="碧谷街道", parent=w.district)
    w.street2 = create(actor=w.root, kind=UnitKind.STREET, name="铜都街道", parent=w.district)
    w.community = create(actor=w.root, kind=UnitKind.COMMUNITY, name="桂苑社区", parent=w.street)
    w.community2 = create(actor=w.root, kind=UnitKind.COMMUNITY, name="集义社区", parent=w.street)
    w.community3 = create(actor=w.root, kind=UnitKind.COMMUNITY, name="桥北社区", parent=w.street2)
    w.grid_x = create(
        actor=w.root, kind=UnitKind.GRID, name="第一网格", parent=w.community, boundary=square(103.00, 26.0)
    )
    w.grid_y = create(
        actor=w.root, kind=UnitKind.GRID, name="第二网格", parent=w.community, boundary=square(103.01, 26.0)
    )
    w.grid_z = create(
        actor=w.root, kind=UnitKind.GRID, name="第一网格", parent=w.community2, boundary=square(103.02, 26.0)
    )
    w.grid_w = create(
        actor=w.root, kind=UnitKind.GRID, name="第一网格", parent=w.community3, boundary=square(103.03, 26.0)
    )
    w.building_x = create(
        actor=w.root, kind=UnitKind.BUILDING, name="1栋", parent=w.grid_x, lat=26.005, lng=103.005
    )
    w.department = org_actions.create_department(
        actor=w.root, district=w.district, name="区民政局", code="MZ"
    )

    w.grid_manager_x = make_user("gm_x")
    w.grid_manager_y = make_user("gm_y")
    w.community_worker = make_user("cw")
    w.street_staff = make_user("ss")
    w.department_handler = make_user("dh")
    w.district_admin = make_user("da")
    w.resident_a_user = make_user("resident_a")
    w.resident_b_user = make_user("resident_b")
    w.nobody = make_user("nobody")
    assign = org_actions.assign_post
    assign(actor=w.root, user=w.grid_manager_x, role=Role.GRID_MANAGER, unit=w.grid_x)
    assign(actor=w.root, user=w.grid_manager_y, role=Role.GRID_MANAGER, unit=w.grid_y)
    assign(actor=w.root, user=w.community_worker, role=Role.COMMUNITY_STAFF, unit=w.community)
    assign(actor=w.root, user=w.street_staff, role=Role.STREET_STAFF, unit=w.street)
    assign(actor=w.root, user=w.department_handler, role=Role.DEPARTMENT_HANDLER, department=w.department)
    assign(actor=w.root, user=w.district_admin, role=Role.DISTRICT_ADMIN, unit=w.district)

    hh = people_actions.register_household
    w.household_x = hh(
        actor=w.root, grid=w.grid_x, building=w.building_x, door="1单元101", address="桂苑社区1栋1单元101"
    )
    w.household_y = hh(actor=w.root, grid=w.grid_y, address="桂苑社区2栋2单元202")
    w.household_z = hh(actor=w.root, grid=w.grid_z, address="集义社区3栋301")
    w.household_w = hh(actor=w.root, grid=w.grid_w, address="桥北社区4栋401")
    w.resident_a = people_actions.register_resident(
        actor=w.root,
        household=w.household_x,
        name="张伟",
        gender="male",
        birth_year=1990,
        id_number=ID_A,
        phone=PHONE_A,
        user=w.resident_a_user,
        tags=["veteran"],
    )
    w.resident_b = people_actions.register_resident(
        actor=w.root,
        household=w.household_y,
        name="李娜",
        gender="female",
        birth_year=1985,
        id_number=ID_B,
        phone=PHONE_B,
        user=w.resident_b_user,
    )
    return w


@pytest.fixture
def rich_world(world: SimpleNamespace) -> SimpleNamespace:
    """The world plus a record of every other kind:

    community C ─ facility F (党群服务中心), party branch P serving C with member M (ID and phone)
    grid X      ─ organisation O (shop) with a contact phone
    """
    w = world
    w.facility = people_actions.register_facility(
        actor=w.root, unit=w.community, kind="party_service", name="桂苑党群服务中心", lat=26.005, lng=103.01
    )
    w.branch = org_actions.create_party_org(
        actor=w.root,
        kind=PartyOrgKind.BRANCH,
        name="桂苑社区党支部",
        district=w.district,
        serves=w.community,
        code="P-GY",
    )
    w.member = people_actions.register_party_member(
        actor=w.root,
        party_org=w.branch,
        name="王强",
        gender="male",
        birth_year=1970,
        id_number=ID_M,
        phone=PHONE_M,
        resident=w.resident_a,
    )
    w.organization = people_actions.register_organization(
        actor=w.root,
        unit=w.grid_x,
        category="shop",
        name="桂苑便利店",
        contact_name="赵敏",
        contact_phone=PHONE_O,
    )
    return w


def assert_no_plaintext(body: bytes | str, allowed: Iterable[str] = ()) -> None:
    """Fail if any of the test data's ID numbers or phones appears in clear."""
    text = body.decode() if isinstance(body, bytes) else body
    for value in PLAINTEXT:
        if value not in allowed:
            assert value not in text, f"plaintext {value[:3]}… leaked"


@pytest.fixture
def personas(world: SimpleNamespace) -> dict[str, User]:
    """Every persona by name, for access tables."""
    return {
        "resident_a": world.resident_a_user,
        "resident_b": world.resident_b_user,
        "grid_manager_x": world.grid_manager_x,
        "grid_manager_y": world.grid_manager_y,
        "community_worker": world.community_worker,
        "street_staff": world.street_staff,
        "department_handler": world.department_handler,
        "district_admin": world.district_admin,
        "nobody": world.nobody,
    }


@pytest.fixture
def put_case(world: SimpleNamespace) -> Any:
    """``put_case(unit, received_at=…, **fields)`` → a case row written directly, bypassing the
    actions, for tests that need cases in exact states at exact times (the metrics), and counted
    in the board's counters as a loader counts it. Giving an ``outcome`` makes the case closed, as
    the database requires."""
    from grassroots.cases import tally
    from grassroots.cases.models import Case

    numbers = iter(range(1, 1_000_000))

    def make(unit: Any, **fields: Any) -> Case:
        n = next(numbers)
        data: dict[str, Any] = {
            "district": world.district,
            "number": f"1999-{n:06d}",
            "title": f"case {n}",
            "description": "-",
            "channel": "grid_patrol",
            "reporter_kind": "anonymous",
            "unit": unit,
            "grid": unit if unit.kind == UnitKind.GRID else None,
        }
        data.update(fields)
        if data.get("outcome"):
            data.setdefault("state", "closed")
        case = Case.objects.create(**data)
        tally.created(case)
        return case

    return make


@pytest.fixture
def default_catalog(world: SimpleNamespace) -> SimpleNamespace:
    """The world's district with the shipped default catalog (``cases.default_catalog``) loaded by
    the system, after giving it departments with short names: 民政 (the world's 区民政局), 住建, 城管.
    Adds ``world.housing`` and ``world.city_management``, and a second district ``world.district2``
    with its own administrator ``world.other_admin``."""
    from grassroots.cases.default_catalog import load_default_catalog

    w = world
    org_actions.update_department(actor=w.root, department=w.department, short_name="民政")
    w.housing = org_actions.create_department(
        actor=w.root, district=w.district, name="区住房和城乡建设局", code="ZJ", short_name="住建"
    )
    w.city_management = org_actions.create_department(
        actor=w.root, district=w.district, name="区城市管理局", code="CG", short_name="城管"
    )
    w.district2 = org_actions.create_unit(actor=w.root, kind=UnitKind.DISTRICT, name="邻区", code="530114")
    w.other_admin = make_user("da2")
    org_actions.assign_post(actor=w.root, user=w.other_admin, role=Role.DISTRICT_ADMIN, unit=w.district2)
    w.catalog_load = load_default_catalog(w.district, actor=None)
    return w


@pytest.fixture
def threads_db(transactional_db: Any, tmp_path: Any) -> Any:
    """A database that several threads use at once, each through its own connection, with real
    locking: ``threads_db.run(f, g, …)`` runs the callables in parallel threads and returns their
    results (re-raising the first error); ``threads_db.use()`` connects the calling thread, one the
    test did not start itself (a live server's request thread), to the same database. Request it
    before the world fixtures (``ledger``…), so that the world is written where the threads look.

    PostgreSQL needs nothing more than committed data (a transactional test). SQLite's in-memory
    test database cannot take concurrent writers (its shared cache fails at once with "table is
    locked" instead of waiting), so the schema is copied into a file database that every thread,
    this one included, connects to for the test: WAL, busy timeout and IMMEDIATE transactions, as
    in production."""
    import sqlite3
    import threading

    from django.db import connections

    original = connections["default"]
    settings_dict: dict[str, Any] | None = None
    if original.vendor == "sqlite":
        path = tmp_path / "threads.sqlite3"
        original.ensure_connection()
        target = sqlite3.connect(path)
        original.connection.backup(target)
        target.close()
        settings_dict = {**original.settings_dict, "NAME": str(path)}

    def use() -> None:
        if settings_dict is not None:
            connections["default"] = type(original)(dict(settings_dict), "default")

    def run(*functions: Any) -> list[Any]:
        results: list[Any] = [None] * len(functions)
        errors: list[BaseException] = []
        language = translation.get_language()  # the active language is per thread

        def work(index: int, function: Any) -> None:
            use()
            try:
                with translation.override(language):
                    results[index] = function()
            except BaseException as exc:  # re-raised in the test's thread
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(i, f)) for i, f in enumerate(functions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        if errors:
            raise errors[0]
        return results

    use()
    try:
        yield SimpleNamespace(run=run, use=use)
    finally:
        if settings_dict is not None:
            connections["default"].close()
            connections["default"] = original
