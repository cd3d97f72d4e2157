"""The catalog in the admin: read by the district's people editors in tree order, edited by its
administrators with the time limits inline (all of a page saved, or none of it), the holiday
calendar and deadline settings for administrators only — every save through the catalog actions."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.cases.models import Category, SlaSettings, TimeLimit
from grassroots.core.models import AuditRecord, Holiday


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("district_admin", 200),
        ("community_worker", 200),
        ("grid_manager_x", 200),
        ("department_handler", None),  # not a people editor: no door into the admin through these
        ("resident_a", None),
    ],
)
def test_the_catalog_list_follows_the_posts(default_catalog, personas, persona, status):
    response = client(personas[persona]).get(reverse("admin:cases_category_changelist"))
    if status is None:
        assert response.status_code in (302, 403)
    else:
        assert response.status_code == status
        codes = [c.code for c in response.context["cl"].result_list]
        assert codes[:4] == ["CJ", "CJ-01", "CJ-01-01", "CJ-01-02"]


def test_a_community_worker_reads_but_does_not_change(default_catalog):
    light = Category.objects.get(code="SQ-01-02")
    c = client(default_catalog.community_worker)
    page = c.get(reverse("admin:cases_category_change", args=[light.pk]))
    posted = c.post(reverse("admin:cases_category_change", args=[light.pk]), {"name": "灯"})

    assert page.status_code == 200
    assert posted.status_code == 403
    assert Category.objects.get(pk=light.pk).name == "楼道照明"


def change_form(category: Category, limits: list[TimeLimit], **changes) -> dict:
    data = {
        "parent": category.parent_id or "",
        "code": category.code,
        "name": category.name,
        "default_class": category.default_class,
        "department": category.department_id or "",
        "keywords": category.keywords,
        "examples": category.examples,
        "sort_order": category.sort_order,
        "is_active": "on",
        "limits-TOTAL_FORMS": len(limits) + 1,
        "limits-INITIAL_FORMS": len(limits),
        "limits-MIN_NUM_FORMS": 0,
        "limits-MAX_NUM_FORMS": 1000,
    }
    for n, limit in enumerate(limits):
        data.update(
            {
                f"limits-{n}-id": limit.pk,
                f"limits-{n}-category": category.pk,
                f"limits-{n}-triage_class": limit.triage_class,
                f"limits-{n}-stage": limit.stage,
                f"limits-{n}-response_days": limit.response_days,
                f"limits-{n}-handling_days": limit.handling_days,
                f"limits-{n}-verification_days": limit.verification_days,
            }
        )
    data.update(changes)
    return data


def test_an_administrator_edits_a_category_and_its_time_limits_on_one_page(default_catalog):
    light = Category.objects.get(code="SQ-01-02")
    limits = list(light.limits.order_by("stage"))  # case, community, grid
    assert [limit.stage for limit in limits] == ["case", "community", "grid"]
    new = len(limits)
    data = change_form(
        light,
        limits,
        name="楼道照明与门禁",
        **{
            "limits-1-handling_days": "4",
            "limits-2-DELETE": "on",
            f"limits-{new}-category": light.pk,
            f"limits-{new}-triage_class": "",
            f"limits-{new}-stage": "street",
            f"limits-{new}-response_days": "1",
            f"limits-{new}-handling_days": "6",
            f"limits-{new}-verification_days": "2",
        },
    )

    response = client(default_catalog.district_admin).post(
        reverse("admin:cases_category_change", args=[light.pk]), data
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    light.refresh_from_db()
    assert light.name == "楼道照明与门禁"
    rows = {limit.stage: limit.handling_days for limit in light.limits.all()}
    assert rows == {"case": Decimal(5), "community": Decimal(4), "street": Decimal(6)}
    assert (
        AuditRecord.objects.filter(
            target_type="cases.timelimit", actor=default_catalog.district_admin
        ).count()
        == 3
    )


def test_a_refused_row_keeps_nothing_of_the_page(default_catalog):
    light = Category.objects.get(code="SQ-01-02")
    limits = list(light.limits.order_by("stage"))
    data = change_form(
        light, limits, name="改了名字", **{"limits-1-handling_days": "4", "limits-0-handling_days": "-5"}
    )

    response = client(default_catalog.district_admin).post(
        reverse("admin:cases_category_change", args=[light.pk]), data
    )

    assert response.status_code == 200  # shown again with the error
    light.refresh_from_db()
    assert light.name == "楼道照明"
    assert light.limits.get(stage="community").handling_days == 3


def test_an_administrator_adds_a_category_and_a_domain_error_is_a_form_error(default_catalog):
    w = default_catalog
    c = client(w.district_admin)
    url = reverse("admin:cases_category_add")
    base = {"district": w.district.pk, "name": "新的类", "sort_order": 0, "default_class": "community"}

    taken = c.post(url, {**base, "code": "CJ"})
    added = c.post(url, {**base, "code": "NEW"})

    assert taken.status_code == 200
    assert "code" in taken.context["adminform"].form.errors
    assert added.status_code == 302
    assert Category.objects.get(code="NEW").default_class == "community"


def test_the_calendar_is_edited_and_entries_deleted_by_administrators_only(default_catalog):
    w = default_catalog
    admin = client(w.district_admin)
    added = admin.post(
        reverse("admin:core_holiday_add"), {"date": "2027-01-01", "kind": "off", "name": "元旦"}
    )
    holiday = Holiday.objects.get(date="2027-01-01")
    refused = admin.post(reverse("admin:core_holiday_add"), {"date": "2027-01-04", "kind": "workday"})
    others = client(w.community_worker).get(reverse("admin:core_holiday_changelist"))
    deleted = admin.post(reverse("admin:core_holiday_delete", args=[holiday.pk]), {"post": "yes"})

    assert added.status_code == 302
    assert refused.status_code == 200
    assert "kind" in refused.context["adminform"].form.errors
    assert others.status_code == 403
    assert deleted.status_code == 302
    assert not Holiday.objects.exists()
    assert AuditRecord.objects.filter(target_type="core.holiday", action="delete").count() == 1


def test_deadline_settings_are_changed_through_the_action(default_catalog):
    w = default_catalog
    admin = client(w.district_admin)
    fields = {
        "district": w.district.pk,
        "yellow_fraction": "1",
        "urgent_factor": "0.5",
        "critical_factor": "0.25",
        "rating_window_days": 7,
        "red_card_after_days": 5,
        "min_ranking_sample": 20,
        "response_days": 1,
        "grid_days": 2,
        "community_days": 5,
        "street_days": 7,
        "department_days": 10,
        "case_days": 15,
        "verification_days": 2,
        "follow_up_days": 5,
    }

    refused = admin.post(reverse("admin:cases_slasettings_add"), fields)
    added = admin.post(reverse("admin:cases_slasettings_add"), {**fields, "yellow_fraction": "0.8"})

    assert refused.status_code == 200
    assert "yellow_fraction" in refused.context["adminform"].form.errors
    assert added.status_code == 302
    assert SlaSettings.objects.get(district=w.district).yellow_fraction == Decimal("0.8")
    assert (
        client(w.other_admin).get(reverse("admin:cases_slasettings_changelist")).context["cl"].result_count
        == 0
    )
