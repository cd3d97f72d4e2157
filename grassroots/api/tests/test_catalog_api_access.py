"""Who reads the catalog through the API: everyone with a post in the district reads all of it,
its time limits and deadline settings; a resident reads its active categories only; anyone else
gets 404. Everyone signed in reads the holiday calendar. Writes are for district administrators."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PERSONAS
from grassroots.cases import catalog
from grassroots.cases.models import Category

STAFF = (
    "grid_manager_x",
    "grid_manager_y",
    "community_worker",
    "street_staff",
    "department_handler",
    "district_admin",
)
RESIDENTS = ("resident_a", "resident_b")


def count(nodes: list) -> int:
    return sum(1 + count(node["children"]) for node in nodes)


@pytest.fixture
def loaded(default_catalog, rich_world):
    catalog.deactivate_category(
        actor=None, category=Category.objects.get(district=default_catalog.district, code="SH")
    )
    return default_catalog


@pytest.mark.parametrize("persona", [*PERSONAS, "root", "anonymous"])
def test_each_persona_reads_what_its_posts_allow(client_for, loaded, persona):
    client = client_for(persona)
    total = Category.objects.filter(district=loaded.district).count()
    active = Category.objects.filter(district=loaded.district, is_active=True).count()

    tree = client.get("/api/catalog/530113/categories/")
    limits = client.get("/api/catalog/530113/time-limits/")
    sla = client.get("/api/catalog/530113/sla/")
    detail = client.get("/api/catalog/530113/categories/SQ-01-02/")
    inactive = client.get("/api/catalog/530113/categories/SH-01/")
    export = client.get("/api/catalog/export.xlsx", {"district": "530113"})
    holidays = client.get("/api/holidays/")

    if persona in (*STAFF, "root"):
        assert tree.status_code == 200
        assert count(tree.json()) == total
        assert (limits.status_code, sla.status_code, detail.status_code, inactive.status_code) == (200,) * 4
        assert export.status_code == 200
    elif persona in RESIDENTS:
        assert count(tree.json()) == active < total
        assert detail.status_code == 200
        assert (limits.status_code, sla.status_code, inactive.status_code, export.status_code) == (404,) * 4
    elif persona == "nobody":
        assert {r.status_code for r in (tree, limits, sla, detail, export)} == {404}
    else:
        assert {r.status_code for r in (tree, limits, sla, detail, export, holidays)} == {401}
    if persona != "anonymous":
        assert holidays.status_code == 200


def test_another_districts_administrator_sees_none_of_it(client_for, loaded):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(loaded.other_admin)
    assert client.get("/api/catalog/530113/categories/").status_code == 404
    assert client.get("/api/catalog/530114/categories/").json() == []


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "district_admin"])
def test_only_the_districts_administrators_write(client_for, loaded, persona):
    client = client_for(persona)
    readable = persona in STAFF or persona in RESIDENTS
    expected = 403 if readable else 404

    created = client.post("/api/catalog/530113/categories/", {"code": "X", "name": "新事项"}, format="json")
    changed = client.patch("/api/catalog/530113/categories/SQ-01-02/", {"name": "灯"}, format="json")
    deactivated = client.post("/api/catalog/530113/categories/SQ-01-02/deactivate/")
    limit = client.post(
        "/api/catalog/530113/time-limits/", {"stage": "case", "handling_days": "3"}, format="json"
    )
    sla = client.patch("/api/catalog/530113/sla/", {"case_days": "9"}, format="json")
    holiday = client.post("/api/holidays/", {"date": "2027-01-01", "kind": "off"}, format="json")

    assert (created.status_code, changed.status_code, deactivated.status_code) == (expected,) * 3
    staff_only = 403 if persona in STAFF else 404
    assert (limit.status_code, sla.status_code) == (staff_only, staff_only)
    assert holiday.status_code == 403
    assert not Category.objects.filter(code="X").exists()
    assert Category.objects.get(district=loaded.district, code="SQ-01-02").is_active


def test_the_tree_costs_a_fixed_number_of_queries(client_for, loaded):
    client = client_for("community_worker")
    client.get("/api/catalog/530113/categories/")  # warm the session
    with CaptureQueriesContext(connection) as first:
        response = client.get("/api/catalog/530113/categories/")
    catalog.create_category(actor=None, district=loaded.district, code="MORE", name="更多")
    for n in range(5):
        catalog.create_category(
            actor=None,
            district=loaded.district,
            code=f"MORE-{n}",
            name=f"更多{n}",
            parent=Category.objects.get(district=loaded.district, code="MORE"),
        )
    with CaptureQueriesContext(connection) as second:
        client.get("/api/catalog/530113/categories/")
    assert response.status_code == 200
    assert len(second) == len(first)
    assert len(first) <= 8
