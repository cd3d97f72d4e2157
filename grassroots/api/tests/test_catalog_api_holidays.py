"""The holiday calendar through the API: listed by year, added, changed and removed by a district
administrator, rules as field errors, an entry named by its date."""

from grassroots.core.models import Holiday


def test_the_calendar_is_listed_by_year(client_for, rich_world):
    from django.core.management import call_command

    call_command("load_holidays", verbosity=0)

    year = client_for("resident_a").get("/api/holidays/", {"year": 2026}).json()
    workdays = client_for("resident_a").get("/api/holidays/", {"year": 2025, "kind": "workday"}).json()

    assert year[0] == {"date": "2026-01-01", "kind": "off", "name": "元旦"}
    assert {row["date"][:4] for row in year} == {"2026"}
    assert [row["date"] for row in workdays] == [
        "2025-01-26",
        "2025-02-08",
        "2025-04-27",
        "2025-09-28",
        "2025-10-11",
    ]


def test_an_administrator_adds_changes_and_removes_an_entry(client_for, rich_world):
    client = client_for("district_admin")

    added = client.post(
        "/api/holidays/", {"date": "2027-01-01", "kind": "off", "name": "元旦"}, format="json"
    )
    twice = client.post("/api/holidays/", {"date": "2027-01-01", "kind": "off"}, format="json")
    weekday_workday = client.post("/api/holidays/", {"date": "2027-01-04", "kind": "workday"}, format="json")
    changed = client.patch("/api/holidays/2027-01-01/", {"name": "新年"}, format="json")
    missing = client.patch("/api/holidays/2027-02-30/", {"name": "x"}, format="json")
    removed = client.delete("/api/holidays/2027-01-01/")

    assert added.status_code == 201
    assert (twice.status_code, set(twice.json())) == (400, {"date"})
    assert (weekday_workday.status_code, set(weekday_workday.json())) == (400, {"kind"})
    assert changed.json()["name"] == "新年"
    assert missing.status_code == 404
    assert removed.status_code == 204
    assert not Holiday.objects.exists()
