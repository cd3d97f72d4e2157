"""Photos: checked from their bytes on upload (400 otherwise), served only to those who see the
case (404 otherwise), never cached by shared caches (docs/domain.md §8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from conftest import PERSONAS
from grassroots.api.tests import case_states as states
from grassroots.cases import actions

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
SEES_X = {"resident_a", "grid_manager_x", "community_worker", "street_staff", "district_admin"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, case, content=JPEG, name="现场.jpg", content_type="image/jpeg"):
    return client.post(
        f"/api/cases/{case.number}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def test_a_photo_is_attached_and_listed_on_the_case(client_for, ledger, report):
    case = states.registered(ledger, report)
    client = client_for("grid_manager_x")

    response = upload(client, case)

    assert response.status_code == 201
    body = response.json()
    assert body["content_type"] == "image/jpeg"
    assert body["size"] == len(JPEG)
    assert body["original_name"] == "现场.jpg"
    detail = client.get(f"/api/cases/{case.number}/").json()
    assert [a["uid"] for a in detail["attachments"]] == [body["uid"]]
    assert detail["timeline"][-1]["kind"] == "attach"


def test_a_file_that_is_not_a_photo_is_refused_whatever_it_claims(client_for, ledger, report):
    case = states.registered(ledger, report)

    response = upload(
        client_for("grid_manager_x"),
        case,
        content=b"<svg onload=alert(1)>",
        name="x.jpg",
        content_type="image/jpeg",
    )

    assert response.status_code == 400
    assert "file" in response.json()


def test_a_photo_larger_than_the_limit_is_refused(client_for, ledger, report, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    case = states.registered(ledger, report)

    response = upload(client_for("grid_manager_x"), case)

    assert response.status_code == 400
    with translation.override("zh-hans"):  # the request's language
        assert response.json()["file"] == [actions.photo_too_large()]


def test_an_upload_without_a_file_is_a_field_error(client_for, ledger, report):
    case = states.registered(ledger, report)

    response = client_for("grid_manager_x").post(
        f"/api/cases/{case.number}/attachments/", {}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()


def test_who_may_attach(client_for, ledger, report):
    case = states.registered(ledger, report)

    statuses = {persona: upload(client_for(persona), case).status_code for persona in PERSONAS}

    # the reporter, whoever entered it (grid manager X), and those who triage or handle it
    assert statuses == {
        "resident_a": 201,
        "resident_b": 404,
        "grid_manager_x": 201,
        "grid_manager_y": 404,
        "community_worker": 201,
        "street_staff": 201,
        "department_handler": 404,
        "district_admin": 201,
        "nobody": 404,
    }


def test_the_photo_is_served_only_to_those_who_see_the_case(client_for, ledger, report):
    case = states.registered(ledger, report)
    uid = upload(client_for("grid_manager_x"), case).json()["uid"]
    url = f"/api/cases/{case.number}/attachments/{uid}/"

    for persona in PERSONAS:
        response = client_for(persona).get(url)
        if persona in SEES_X:
            assert response.status_code == 200, persona
            assert b"".join(response.streaming_content) == JPEG
            assert response["Content-Type"] == "image/jpeg"
            assert response["Cache-Control"] == "private, no-store"
            assert response["Content-Disposition"] == f'inline; filename="{uid}.jpg"'
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 404, persona


def test_an_image_only_client_can_fetch_the_photo(client_for, ledger, report):
    case = states.registered(ledger, report)
    uid = upload(client_for("grid_manager_x"), case).json()["uid"]

    response = client_for("community_worker").get(
        f"/api/cases/{case.number}/attachments/{uid}/", HTTP_ACCEPT="image/jpeg"
    )

    assert response.status_code == 200


def test_a_photo_of_another_case_is_not_found_under_this_one(client_for, ledger, report):
    case = states.registered(ledger, report)
    other = states.registered(ledger, report)
    uid = upload(client_for("grid_manager_x"), other).json()["uid"]

    response = client_for("community_worker").get(f"/api/cases/{case.number}/attachments/{uid}/")

    assert response.status_code == 404
