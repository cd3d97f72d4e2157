"""The catalog through the API, as a district administrator: categories as a tree, added, changed
and deactivated; time-limit rows set, changed and removed; deadline settings read and changed;
domain rules come back as 400 field errors."""

from decimal import Decimal

from grassroots.cases.models import Category, SlaSettings, TimeLimit


def find(nodes: list, code: str) -> dict | None:
    for node in nodes:
        if node["code"] == code:
            return node
        found = find(node["children"], code)
        if found:
            return found
    return None


def test_the_tree_nests_categories_in_order_with_what_they_inherit(client_for, default_catalog):
    tree = client_for("district_admin").get("/api/catalog/530113/categories/").json()

    assert [node["code"] for node in tree][:3] == ["CJ", "HB", "JT"]
    road = find(tree, "CJ-01-01")
    assert road is not None
    assert road["level"] == 3
    assert road["default_class"] == ""
    assert road["effective_class"] == "major"
    assert road["department"]["short_name"] == "住建"
    assert road["auto_escalate"] is True
    assert "坑洼" in road["keywords"]
    manhole = find(tree, "CJ-01-02")
    assert manhole is not None
    assert manhole["department"] is None
    assert manhole["effective_department"]["short_name"] == "城管"


def test_an_administrator_adds_changes_and_deactivates_a_category(client_for, default_catalog):
    client = client_for("district_admin")

    created = client.post(
        "/api/catalog/530113/categories/",
        {
            "code": "SQ-01-09",
            "name": "楼道扶手",
            "parent": "SQ-01",
            "keywords": ["扶手", "栏杆"],
            "examples": ["楼梯扶手松了。"],
            "department": "ZJ",
        },
        format="json",
    )
    changed = client.patch(
        "/api/catalog/530113/categories/SQ-01-09/", {"name": "楼梯扶手", "auto_escalate": True}, format="json"
    )
    deactivated = client.post("/api/catalog/530113/categories/SQ-01/deactivate/")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["path"] == "社区治理 / 社区物业 / 楼道扶手"
    assert body["effective_class"] == "community"
    assert body["department"]["code"] == "ZJ"
    assert changed.json()["name"] == "楼梯扶手"
    assert deactivated.json()["is_active"] is False
    assert not Category.objects.get(code="SQ-01-09").is_active


def test_catalog_rules_come_back_as_field_errors(client_for, default_catalog):
    client = client_for("district_admin")

    too_deep = client.post(
        "/api/catalog/530113/categories/",
        {"code": "D4", "name": "第四层", "parent": "CJ-01-01"},
        format="json",
    )
    taken = client.post("/api/catalog/530113/categories/", {"code": "CJ", "name": "重复"}, format="json")
    no_parent = client.post(
        "/api/catalog/530113/categories/", {"code": "Z", "name": "无", "parent": "NOPE"}, format="json"
    )
    wrong_class = client.patch("/api/catalog/530113/categories/CJ/", {"default_class": "big"}, format="json")

    assert (too_deep.status_code, set(too_deep.json())) == (400, {"parent"})
    assert (taken.status_code, set(taken.json())) == (400, {"code"})
    assert (no_parent.status_code, set(no_parent.json())) == (400, {"parent"})
    assert (wrong_class.status_code, set(wrong_class.json())) == (400, {"default_class"})
    assert client.get("/api/catalog/530113/categories/NOPE/").status_code == 404
    assert client.get("/api/catalog/999999/categories/").status_code == 404


def test_time_limit_rows_are_set_changed_listed_and_removed(client_for, default_catalog):
    client = client_for("district_admin")

    created = client.post(
        "/api/catalog/530113/time-limits/",
        {"category": "SQ-01-01", "triage_class": "community", "stage": "community", "handling_days": "4"},
        format="json",
    )
    again = client.post(
        "/api/catalog/530113/time-limits/",
        {"category": "SQ-01-01", "triage_class": "community", "stage": "community", "handling_days": "3.5"},
        format="json",
    )
    row = created.json()["id"]
    patched = client.patch(
        f"/api/catalog/530113/time-limits/{row}/", {"verification_days": "1"}, format="json"
    )
    listed = client.get("/api/catalog/530113/time-limits/", {"category": "SQ-01-01"}).json()
    defaults = client.get("/api/catalog/530113/time-limits/", {"category": "*"}).json()
    negative = client.post(
        "/api/catalog/530113/time-limits/", {"stage": "grid", "handling_days": "-1"}, format="json"
    )
    removed = client.delete(f"/api/catalog/530113/time-limits/{row}/")

    assert (created.status_code, again.status_code) == (201, 200)
    assert again.json()["handling_days"] == "3.50"
    assert patched.json()["verification_days"] == "1.00"
    assert [(r["triage_class"], r["stage"]) for r in listed] == [("community", "community")]
    assert len(defaults) == 9
    assert all(r["category"] is None for r in defaults)
    assert negative.status_code == 400
    assert removed.status_code == 204
    assert not TimeLimit.objects.filter(pk=row).exists()


def test_deadline_settings_are_read_with_defaults_and_changed(client_for, default_catalog):
    client = client_for("district_admin")

    before = client.get("/api/catalog/530113/sla/").json()
    bad = client.patch("/api/catalog/530113/sla/", {"yellow_fraction": "1.00"}, format="json")
    changed = client.patch(
        "/api/catalog/530113/sla/", {"yellow_fraction": "0.80", "rating_window_days": 10}, format="json"
    )

    assert before["yellow_fraction"] == "0.70"
    assert before["district"] == "530113"
    assert (bad.status_code, set(bad.json())) == (400, {"yellow_fraction"})
    assert changed.json()["yellow_fraction"] == "0.80"
    assert SlaSettings.objects.get(district=default_catalog.district).rating_window_days == 10
    assert SlaSettings.objects.get(district=default_catalog.district).yellow_fraction == Decimal("0.8")
