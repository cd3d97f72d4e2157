"""A resident reports a problem from the portal: the case is a self-report of theirs, placed at
their household unless they point elsewhere, with its photos, anonymous to the public if asked;
a repeated submission of the same form makes no second case; bad input is shown on the form and
leaves nothing behind."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Attachment, Case
from grassroots.core.errors import ValidationError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
URL = reverse("web:portal-report")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _form(client: Any) -> dict[str, Any]:
    """The form's fields as the page served them (with its hidden idempotency key)."""
    page = client.get(URL)
    assert page.status_code == 200
    return {"idempotency_key": page.context["form"]["idempotency_key"].value(), "where": "home"}


def _photo(content: bytes = PNG, name: str = "灯.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_a_report_with_a_photo_and_anonymity_becomes_the_residents_self_report(
    client_for: Any, ledger: SimpleNamespace
) -> None:
    client = client_for("resident_a")
    data = {
        **_form(client),
        "group": ledger.cat_comm.code,
        "category": ledger.cat_light.code,
        "description": "3单元楼道灯不亮\n晚上看不见",
        "public_anonymous": "on",
        "photos": _photo(),
    }
    response = client.post(URL, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:portal-case", args=[case.number])
    assert case.channel == "self_report"
    assert case.reporter_kind == "resident"
    assert case.reporter == ledger.resident_a
    assert case.created_by == ledger.resident_a_user
    assert case.public_anonymous is True
    assert case.category == ledger.cat_light
    assert case.household == ledger.household_x
    assert case.grid == ledger.grid_x
    assert case.title == "3单元楼道灯不亮"  # no title given: the description's first line
    photo = Attachment.objects.get(case=case)
    assert photo.content_type == "image/png"
    assert photo.uploaded_by == ledger.resident_a_user


def test_a_report_is_public_unless_the_resident_asks_otherwise(
    client_for: Any, ledger: SimpleNamespace
) -> None:
    client = client_for("resident_b")
    client.post(URL, {**_form(client), "title": "垃圾没人收", "description": "两天了"})
    case = Case.objects.get()
    assert case.public_anonymous is False
    assert case.title == "垃圾没人收"
    assert case.reporter == ledger.resident_b
    assert case.category is None  # "not sure": staff classify it at triage


def test_choosing_only_the_kind_of_problem_files_it_under_the_kind(
    client_for: Any, ledger: SimpleNamespace
) -> None:
    client = client_for("resident_a")
    client.post(URL, {**_form(client), "group": ledger.cat_build.code, "description": "路面塌了"})
    assert Case.objects.get().category == ledger.cat_build


def test_the_same_form_sent_twice_makes_one_case(client_for: Any, ledger: SimpleNamespace) -> None:
    client = client_for("resident_a")
    data = {**_form(client), "description": "楼道灯不亮"}
    first = client.post(URL, {**data, "photos": _photo()})
    second = client.post(URL, {**data, "photos": _photo()})
    assert Case.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_point_elsewhere_is_kept_with_the_address(client_for: Any, ledger: SimpleNamespace) -> None:
    client = client_for("resident_a")
    client.post(
        URL,
        {
            **_form(client),
            "description": "路灯坏了",
            "where": "elsewhere",
            "lat": "26.005",
            "lng": "103.015",
            "address": "桂苑路口",
        },
    )
    case = Case.objects.get()
    assert (case.lat, case.lng) == (26.005, 103.015)
    assert case.address == "桂苑路口"


def test_elsewhere_without_a_point_or_an_address_is_asked_for_inline(
    client_for: Any, ledger: SimpleNamespace
) -> None:
    client = client_for("resident_a")
    response = client.post(
        URL, {**_form(client), "description": "路灯坏了", "where": "elsewhere"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["address"] == [
        "Tap the map, use your current location, or write the address."
    ]
    assert not Case.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_inline_and_no_case_is_made(
    client_for: Any, ledger: SimpleNamespace
) -> None:
    client = client_for("resident_a")
    data = {**_form(client), "description": "楼道灯不亮", "photos": _photo(b"%PDF-1.4 not a photo", "a.png")}
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        "Only photos (JPEG, PNG, WebP or GIF) can be attached." in response.context["form"].errors["photos"]
    )
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_too_many_photos_are_refused_inline(client_for: Any, ledger: SimpleNamespace, settings: Any) -> None:
    settings.ATTACHMENTS_PER_CASE = 1
    client = client_for("resident_a")
    data = {**_form(client), "description": "楼道灯不亮", "photos": [_photo(), _photo()]}
    response = client.post(URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["photos"] == ["At most 1 photo."]
    assert not Case.objects.exists()


def test_a_photo_the_action_refuses_leaves_no_case_behind(
    client_for: Any, ledger: SimpleNamespace, monkeypatch: Any
) -> None:
    """The case and its photos are written in one transaction: the action's refusal of the second
    photo undoes the case and the first photo."""
    real = actions.attach_photo
    calls: list[int] = []

    def second_refused(case: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError({"file": ["refused by the action"]})
        return real(case, **kwargs)

    monkeypatch.setattr(actions, "attach_photo", second_refused)
    client = client_for("resident_a")
    data = {**_form(client), "description": "楼道灯不亮", "photos": [_photo(), _photo()]}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == ["refused by the action"]
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_a_report_without_a_description_is_refused_inline(client_for: Any, ledger: SimpleNamespace) -> None:
    client = client_for("resident_a")
    response = client.post(URL, {**_form(client), "description": "  "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == ["This field is required."]
    assert b'class="errorlist"' in response.content
    assert not Case.objects.exists()


def test_a_category_of_another_district_is_not_a_choice(
    client_for: Any, default_catalog: SimpleNamespace
) -> None:
    from grassroots.cases.models import Category

    foreign = Category.objects.create(district=default_catalog.district2, code="X1", name="邻区事项")
    client = client_for("resident_a")
    response = client.post(URL, {**_form(client), "description": "灯坏了", "category": foreign.code})
    assert "category" in response.context["form"].errors
    assert not Case.objects.exists()


def test_the_form_offers_the_districts_catalog_in_two_steps(client_for: Any, ledger: SimpleNamespace) -> None:
    form = client_for("resident_a").get(URL).context["form"]
    kinds = [code for code, _label in form.fields["group"].choices]
    assert kinds == ["", "CJ", "JT", "SQ"]  # tree order: sort order, then code
    html = str(form["category"])
    assert f'value="{ledger.cat_light.code}" data-group="{ledger.cat_comm.code}"' in html
    assert "<optgroup" in html
