"""Photos on the case page: thumbnails that open the full photo; an upload form for those who may
attach (``actions.attach_photo``), whose type and size errors show inline under the file field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def upload(client, case, content, name="photo.png", **extra):
    file = SimpleUploadedFile(name, content, content_type="image/png")
    return client.post(
        reverse("web:case-act", args=[case.number, "attach_photo"]),
        {"version": case.version, "file": file},
        **extra,
    )


def test_a_photo_is_uploaded_and_shown_as_a_thumbnail_that_opens_it(ledger, bring):
    case = bring.registered()
    client = client_of(ledger.grid_manager_x)
    response = upload(client, case, PNG, name="楼道.png", headers=HTMX)
    assert response.status_code == 200
    attachment = Attachment.objects.get(case=case)
    url = reverse("web:case-photo", args=[case.number, attachment.uid])
    body = response.content.decode()
    assert "Photo attached." in body
    assert f'<a href="{url}" data-photo' in body
    assert f'<img src="{url}" alt="楼道.png"' in body
    assert case.events.filter(kind="attach").count() == 1


def test_a_file_that_is_not_a_photo_is_refused_under_the_file_field(ledger, bring):
    case = bring.registered()
    response = upload(client_of(ledger.grid_manager_x), case, b"%PDF-1.7 not a photo", name="fake.png")
    assert response.status_code == 400
    form = response.context["result"].form
    assert form.errors["file"] == ["Only photos (JPEG, PNG, WebP or GIF) can be attached."]
    assert 'id="attach_photo-file_error"' in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_photo_too_large_is_refused_under_the_file_field(ledger, bring, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    case = bring.registered()
    response = upload(client_of(ledger.grid_manager_x), case, PNG + b"\x00" * 1024 * 1024, headers=HTMX)
    assert response.status_code == 200  # htmx swaps the panel, which shows the error
    assert response.context["result"].form.errors["file"] == ["The photo is larger than 1.0\xa0MB."]
    assert "The photo is larger than 1.0\xa0MB." in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_asks_for_one(ledger, bring):
    case = bring.registered()
    response = client_of(ledger.grid_manager_x).post(
        reverse("web:case-act", args=[case.number, "attach_photo"]), {"version": case.version}
    )
    assert response.status_code == 400
    assert response.context["result"].form.errors["file"] == ["This field is required."]


def test_the_upload_form_shows_only_to_those_who_may_attach(ledger, bring):
    w = ledger
    # Entered by the community worker: grid manager X sees it (their grid) but neither entered,
    # triages nor handles it.
    case = bring.registered(actor=w.community_worker)
    assert client_of(w.community_worker).get(reverse("web:case", args=[case.number])).context["photo_form"]
    page = client_of(w.grid_manager_x).get(reverse("web:case", args=[case.number]))
    assert page.context["photo_form"] is None
    assert 'data-act="attach_photo"' not in page.content.decode()
    refused = upload(client_of(w.grid_manager_x), case, PNG)
    assert refused.status_code == 403
    assert "You cannot add photos to this case." in refused.content.decode()
    assert not Attachment.objects.exists()


def test_the_upload_form_goes_once_a_case_has_all_its_photos(ledger, bring, settings):
    settings.ATTACHMENTS_PER_CASE = 1
    case = bring.registered()
    actions.attach_photo(
        case, actor=ledger.grid_manager_x, upload=SimpleUploadedFile("a.png", PNG), name="a.png"
    )
    page = client_of(ledger.grid_manager_x).get(reverse("web:case", args=[case.number]))
    assert page.context["photo_form"] is None
    response = upload(client_of(ledger.grid_manager_x), case, PNG)
    assert response.status_code == 400
    assert response.context["result"].form.errors["file"] == ["A case has at most 1 photos."]
