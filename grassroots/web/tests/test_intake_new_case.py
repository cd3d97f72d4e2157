"""Registering a case on the new-case page: for a resident of the register, a caller with a name
and phone, or anonymously; placed by a household, a point or the resident's own household; a
double submit registers one case; errors show under their fields with everything else kept."""

import uuid

import pytest
from django.urls import reverse

from conftest import PHONE_A, assert_no_plaintext
from grassroots.cases.choices import ReporterKind
from grassroots.cases.models import Case
from grassroots.core import pii

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def data(**fields):
    base = {
        "title": "楼道灯坏了",
        "description": "3单元楼道灯不亮。",
        "channel": "service_day",
        "urgency": "normal",
        "reporter_kind": "anonymous",
        "idempotency_key": uuid.uuid4().hex,
    }
    base.update(fields)
    return base


@pytest.fixture
def staff(ledger, client):
    client.force_login(ledger.community_worker)
    return client


def post(client, **fields):
    return client.post(reverse("web:new-case"), data(**fields), **EN)


def test_a_resident_found_in_the_register_is_the_reporter(ledger, staff):
    response = post(staff, reporter_kind="resident", reporter=str(ledger.resident_a.uid))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/"
    assert case.reporter == ledger.resident_a
    assert case.reporter_kind == ReporterKind.ON_BEHALF
    assert case.created_by == ledger.community_worker
    assert case.household == ledger.household_x  # with no location, the resident's own household
    assert case.grid == ledger.grid_x


def test_a_caller_not_in_the_register_leaves_a_name_and_a_sealed_phone(ledger, staff):
    response = post(
        staff,
        reporter_kind="caller",
        reporter_name="王先生",
        reporter_phone="138 1234 5678",
        lat="26.005",
        lng="103.015",
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.reporter is None
    assert case.reporter_kind == ReporterKind.ON_BEHALF
    assert case.reporter_name == "王先生"
    assert case.phone_hash == pii.blind_index(PHONE_A, kind="phone")
    assert case.phone_masked == "138****5678"
    assert PHONE_A not in case.phone_cipher
    assert case.grid == ledger.grid_y  # the point lies in grid Y


def test_an_anonymous_report_names_nobody_even_if_a_name_was_typed(ledger, staff):
    post(
        staff,
        reporter_kind="anonymous",
        reporter_name="王先生",
        reporter=str(ledger.resident_a.uid),
        household=str(ledger.household_x.uid),
    )
    case = Case.objects.get()
    assert case.reporter_kind == ReporterKind.ANONYMOUS
    assert case.reporter is None
    assert case.reporter_name == ""
    assert case.public_anonymous
    assert case.household == ledger.household_x


def test_an_anonymous_caller_may_leave_a_phone_for_the_call_back(ledger, staff):
    post(staff, reporter_kind="anonymous", reporter_phone=PHONE_A, lat="26.005", lng="103.005")
    case = Case.objects.get()
    assert case.reporter_kind == ReporterKind.ANONYMOUS
    assert case.phone_masked == "138****5678"


def test_a_chosen_household_is_the_location(ledger, staff):
    post(
        staff,
        reporter_kind="resident",
        reporter=str(ledger.resident_a.uid),
        household=str(ledger.household_y.uid),
    )
    case = Case.objects.get()
    assert case.household == ledger.household_y
    assert case.unit == ledger.grid_y


def test_a_category_of_the_grouped_catalog_is_kept(ledger, staff):
    page = staff.get(reverse("web:new-case"), **EN).content.decode()
    assert '<optgroup label="社区事务">' in page
    assert "楼道照明" in page
    post(staff, category=str(ledger.cat_light.pk), household=str(ledger.household_x.uid))
    assert Case.objects.get().category == ledger.cat_light


def test_the_catalog_groups_three_levels_under_their_top_category(ledger, staff):
    from grassroots.cases.models import Category

    deep = Category.objects.create(
        district=ledger.district, parent=ledger.cat_light, level=3, code="SQ-01-01", name="声控灯"
    )
    choices = dict(staff.get(reverse("web:new-case")).context["form"].fields["category"].choices)
    assert choices["社区事务"] == [
        (ledger.cat_comm.pk, "社区事务"),
        (ledger.cat_light.pk, "楼道照明"),
        (deep.pk, "楼道照明 › 声控灯"),
    ]


def test_a_double_submit_registers_one_case(ledger, staff):
    fields = data(household=str(ledger.household_x.uid))
    first = staff.post(reverse("web:new-case"), fields)
    second = staff.post(reverse("web:new-case"), fields)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/cases/{Case.objects.get().number}/"


def test_each_shown_form_carries_a_fresh_idempotency_key(ledger, staff):
    keys = {staff.get(reverse("web:new-case")).context["form"].initial["idempotency_key"] for _ in range(2)}
    assert len(keys) == 2


def test_missing_fields_show_under_their_fields_and_keep_what_was_typed(ledger, staff):
    response = post(
        staff,
        title="",
        channel="",
        description="灯不亮了",
        reporter_kind="caller",
        reporter_name="王先生",
        reporter_phone=PHONE_A,
        lat="26.005",
        lng="103.005",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"title", "channel"}
    page = response.content.decode()
    assert (
        '<div id="err-title" class="field-errors" role="alert"><ul class="errorlist" id="id_title_error">'
        in page
    )
    for kept in ("灯不亮了", "王先生", 'value="26.005"'):
        assert kept in page
    assert_no_plaintext(page)  # the phone is never echoed back
    assert not Case.objects.exists()


def test_a_resident_reporter_must_be_chosen(ledger, staff):
    response = post(staff, reporter_kind="resident", household=str(ledger.household_x.uid))
    assert response.status_code == 400
    assert "Find the resident" in response.context["form"].errors["reporter"][0]
    assert not Case.objects.exists()


def test_a_resident_or_household_out_of_sight_is_refused(ledger, client):
    client.force_login(ledger.grid_manager_x)
    response = post(client, reporter_kind="resident", reporter=str(ledger.resident_b.uid))
    assert response.status_code == 400
    assert "reporter" in response.context["form"].errors
    assert "李娜" not in response.content.decode()
    response = post(client, household=str(ledger.household_y.uid))
    assert "household" in response.context["form"].errors
    assert not Case.objects.exists()


def test_the_actions_errors_land_on_the_form(ledger, staff):
    response = post(staff, reporter_kind="caller", reporter_name="王先生", reporter_phone="12345")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "reporter_phone" in errors
    response = post(staff, reporter_kind="caller", reporter_name="王先生")
    assert response.context["form"].errors["household"] == [
        "Give a location: a point on the map, a household or a building."
    ]
    assert not Case.objects.exists()


def test_a_half_point_is_an_error(ledger, staff):
    response = post(staff, lat="26.005")
    assert "lat" in response.context["form"].errors


def test_sent_with_htmx_an_error_answers_the_error_messages_and_success_a_redirect(ledger, staff):
    response = staff.post(reverse("web:new-case"), data(title=""), HTTP_HX_REQUEST="true", **EN)
    assert response.status_code == 200  # the messages say what happened; no 4xx for the console
    assert '<div id="err-title"' in response.content.decode()
    assert "#err-title" in response.context["error_ids"]
    response = staff.post(
        reverse("web:new-case"), data(household=str(ledger.household_x.uid)), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/cases/{Case.objects.get().number}/"


def test_the_page_is_in_chinese_by_default_and_english_on_request(ledger, staff):
    assert '<html lang="zh-hans">' in staff.get(reverse("web:new-case")).content.decode()
    english = staff.get(reverse("web:new-case"), **EN).content.decode()
    assert '<html lang="en">' in english
    assert "Register the case" in english
