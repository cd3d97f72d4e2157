"""The grid staff's quick report from a phone: a photo, a point (or the grid), a category and a
note; solved on the spot or not. All or nothing: an error leaves no case and no stored photo, and
shows under its field; a double submit makes one case."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.cases.choices import Channel, HandlingMode, State
from grassroots.cases.models import Attachment, Case

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
IN_X = {"lat": "26.005", "lng": "103.005"}
IN_Y = {"lat": "26.005", "lng": "103.015"}
NOWHERE = {"lat": "30.5", "lng": "110.5"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def gm(ledger, client):
    client.force_login(ledger.grid_manager_x)
    return client


def photo(name="井盖.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def send(client, *, hx=False, **fields):
    data = {"note": "人行道井盖缺失\n在3栋门口", "solved": "no", "idempotency_key": uuid.uuid4().hex, **IN_X}
    data.update(fields)
    extra = {"HTTP_HX_REQUEST": "true"} if hx else {}
    return client.post(reverse("web:quick-report"), data, **EN, **extra)


def stored(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_photo_and_a_point_make_a_patrol_case_awaiting_triage(ledger, gm, media):
    response = send(gm, photo=photo(), category=str(ledger.cat_light.pk))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:quick-report-done", args=[case.number])
    assert case.state == State.REGISTERED
    assert case.channel == Channel.GRID_PATROL
    assert case.grid == ledger.grid_x
    assert case.category == ledger.cat_light
    assert case.title == "人行道井盖缺失"
    assert case.description == "人行道井盖缺失\n在3栋门口"
    attachment = Attachment.objects.get(case=case)
    assert attachment.content_type == "image/png"
    assert len(stored(media)) == 1


def test_solved_on_the_spot_is_recorded_with_what_was_done(ledger, gm):
    response = send(gm, photo=photo(), solved="yes", resolution="已盖上临时井盖")
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.state == State.AWAITING_RATING
    assert case.handling_mode == HandlingMode.ON_THE_SPOT
    assert case.resolution == "已盖上临时井盖"
    assert case.handler == ledger.grid_manager_x
    assert case.attachments.count() == 1
    done = gm.get(response["Location"], **EN).content.decode()
    assert "Solved on the spot" in done
    assert case.number in done
    assert f'href="{reverse("web:quick-report")}"' in done  # report another


def test_solved_without_saying_what_was_done_is_an_error(ledger, gm, media):
    response = send(gm, photo=photo(), solved="yes", resolution=" ")
    assert response.status_code == 400
    assert "resolution" in response.context["form"].errors
    assert not Case.objects.exists()
    assert stored(media) == []


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(ledger, gm, media):
    response = send(gm, photo=photo("井盖.jpg", b"%PDF-1.4 not a photo"))
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [
        "“井盖.jpg” is not a photo: only JPEG, PNG, WebP or GIF can be attached."
    ]
    page = response.content.decode()
    assert "人行道井盖缺失" in page  # the note is kept
    assert "The photo was not kept" in page
    assert not Case.objects.exists()
    assert stored(media) == []


def test_too_large_a_photo_is_refused(ledger, gm, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = send(gm, photo=photo(content=PNG + b"\x00" * 200))
    assert "photo" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_point_in_another_grid_goes_where_register_case_places_it(ledger, gm):
    response = send(gm, **IN_Y)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.unit == ledger.grid_y
    done = gm.get(response["Location"], **EN)
    assert done.context["outside"]
    assert "outside your grids" in done.content.decode()


def test_a_point_outside_ones_grids_cannot_be_solved_on_the_spot_there(ledger, gm, media):
    response = send(gm, photo=photo(), solved="yes", resolution="已处理", **IN_Y)
    assert response.status_code == 400
    message = response.context["form"].errors["solved"][0]
    assert ledger.grid_y.name in message
    assert "outside your grids" in message
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()
    assert stored(media) == []


def test_a_point_in_no_unit_goes_to_the_chosen_grid(ledger, gm):
    send(gm, grid=ledger.grid_x.code, **NOWHERE)
    case = Case.objects.get()
    assert case.unit == ledger.grid_x
    assert (case.lat, case.lng) == (30.5, 110.5)


def test_without_a_point_the_case_goes_to_the_chosen_grid(ledger, gm):
    send(gm, lat="", lng="", grid=ledger.grid_x.code)
    assert Case.objects.get().unit == ledger.grid_x


def test_without_a_point_or_a_grid_the_location_is_asked_for(ledger, gm):
    response = send(gm, lat="", lng="", grid="")
    assert response.status_code == 400
    assert "Give a location" in response.context["form"].errors["grid"][0]
    assert not Case.objects.exists()


def test_a_grid_not_ones_own_is_not_a_choice(ledger, gm):
    response = send(gm, lat="", lng="", grid=ledger.grid_y.code)
    assert "grid" in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_point_in_no_unit_without_a_grid_is_an_inline_error(ledger, client):
    # A grid manager of two grids has no default grid.
    from grassroots.org import actions as org_actions
    from grassroots.org.choices import Role

    org_actions.assign_post(
        actor=ledger.root, user=ledger.grid_manager_y, role=Role.GRID_LEADER, unit=ledger.grid_z
    )
    client.force_login(ledger.grid_manager_y)
    response = send(client, grid="", **NOWHERE)
    assert response.status_code == 400
    assert response.context["form"].errors["grid"] == [
        "Give a location: a point on the map, a household or a building."
    ]


def test_a_double_submit_makes_one_case_with_one_photo(ledger, gm):
    key = uuid.uuid4().hex
    first = send(gm, photo=photo(), solved="yes", resolution="已处理", idempotency_key=key)
    second = send(gm, photo=photo(), solved="yes", resolution="已处理", idempotency_key=key)
    assert first["Location"] == second["Location"]
    case = Case.objects.get()
    assert case.attachments.count() == 1
    assert case.events.filter(kind="solve_on_spot").count() == 1


def test_sent_with_htmx_an_error_answers_only_messages_and_success_a_redirect(ledger, gm):
    response = send(gm, hx=True, note="", photo=photo())
    assert response.status_code == 200  # the messages say what happened; no 4xx for the console
    page = response.content.decode()
    assert (
        '<div id="err-note" class="field-errors" role="alert"><ul class="errorlist" id="id_note_error">'
        in page
    )
    assert set(response.context["error_ids"].split(",")) >= {
        "#err-all",
        "#err-note",
        "#err-photo",
        "#err-solved",
    }
    assert not Case.objects.exists()
    response = send(gm, hx=True, photo=photo())
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("web:quick-report-done", args=[Case.objects.get().number])


def test_the_page_suits_a_phone_camera_and_draws_ones_grids(ledger, gm):
    response = gm.get(reverse("web:quick-report"), **EN)
    page = response.content.decode()
    assert 'accept="image/*"' in page
    assert 'capture="environment"' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "your photo stays chosen" in page
    codes = [f["properties"]["code"] for f in response.context["map_config"]["boundaries"]["features"]]
    assert codes == [ledger.grid_x.code]
    assert response.context["form"].fields["grid"].initial == ledger.grid_x.code
