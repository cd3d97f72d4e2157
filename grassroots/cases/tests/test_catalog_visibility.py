"""Who reads the catalog: everyone with a post in the district (all of it), a resident (the active
categories of their own district), nobody else; time limits and deadline settings only staff."""

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


def test_staff_of_the_district_read_the_whole_catalog_residents_the_active_part(default_catalog, personas):
    w = default_catalog
    catalog.deactivate_category(actor=None, category=Category.objects.get(district=w.district, code="SH"))
    everything = Category.objects.filter(district=w.district).count()
    active = Category.objects.filter(district=w.district, is_active=True).count()
    catalog.create_category(actor=None, district=w.district2, code="X", name="邻区事项")

    seen = {name: catalog.categories_visible_to(user).count() for name, user in personas.items()}

    assert active < everything
    assert {name: seen[name] for name in STAFF} == dict.fromkeys(STAFF, everything)
    assert seen["resident_a"] == seen["resident_b"] == active
    assert seen["nobody"] == 0
    assert catalog.categories_visible_to(w.other_admin).count() == 1
    assert catalog.categories_visible_to(w.root).count() == everything + 1


def test_time_limits_and_settings_are_for_staff_only(default_catalog, personas):
    w = default_catalog
    catalog.update_sla_settings(actor=None, district=w.district, case_days=12)

    assert catalog.time_limits_visible_to(personas["community_worker"]).exists()
    assert catalog.sla_visible_to(personas["department_handler"]).exists()
    for name in ("resident_a", "nobody"):
        assert not catalog.time_limits_visible_to(personas[name]).exists()
        assert not catalog.sla_visible_to(personas[name]).exists()
    assert not catalog.time_limits_visible_to(w.other_admin).exists()


def test_the_calendar_is_read_by_everyone_signed_in(world, personas):
    catalog.add_holiday(actor=None, date=__import__("datetime").date(2026, 10, 1), kind="off", name="国庆节")
    assert all(catalog.holidays_visible_to(user).count() == 1 for user in personas.values())
