"""Who may open which case page: exactly the cases ``cases_visible_to`` gives them; everything
else — another grid's case, a number that does not exist, a photo of a case out of sight — is "not
found" (404), never "forbidden". Signed-out visitors are sent to sign in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from grassroots.cases import actions
from grassroots.cases.access import cases_visible_to

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def cases_around(ledger, report, bring):
    """A case in each grid of community C, one in community C2, one in the other street, and one
    at the department 区住建局."""
    w = ledger
    return {
        "grid_x": report(),
        "grid_y": report(household=w.household_y, reporter=w.resident_b, actor=w.grid_manager_y),
        "grid_z": report(household=w.household_z, reporter=None, reporter_kind="anonymous", actor=w.root),
        "grid_w": report(household=w.household_w, reporter=None, reporter_kind="anonymous", actor=w.root),
        "department": bring.at_department(),
    }


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_a_case_page_opens_exactly_for_those_who_see_the_case(cases_around, client_for, user_of, persona):
    client = client_for(persona)
    visible = set(cases_visible_to(user_of(persona)).values_list("pk", flat=True))
    assert persona in ("nobody", "resident_b", "department_handler") or visible
    for where, case in cases_around.items():
        response = client.get(reverse("web:case", args=[case.number]))
        assert response.status_code == (200 if case.pk in visible else 404), (persona, where)


def test_a_grid_manager_opening_a_case_of_another_grid_gets_not_found(cases_around, client_for):
    client = client_for("grid_manager_x")
    assert client.get(reverse("web:case", args=[cases_around["grid_x"].number])).status_code == 200
    assert client.get(reverse("web:case", args=[cases_around["grid_y"].number])).status_code == 404
    act = reverse("web:case-act", args=[cases_around["grid_y"].number, "comment"])
    assert client.post(act, {"version": 1, "note": "看一看"}).status_code == 404


def test_an_unknown_number_is_not_found_and_a_malformed_one_matches_no_page(ledger, client_for):
    client = client_for("root")
    assert client.get(reverse("web:case", args=["2026-999999"])).status_code == 404
    assert client.get("/cases/42/").status_code == 404
    assert client.post(reverse("web:case-act", args=["2026-999999", "comment"]), {}).status_code == 404


def test_an_unknown_act_is_not_found(cases_around, client_for):
    url = reverse("web:case-act", args=[cases_around["grid_x"].number, "delete"])
    assert client_for("root").post(url, {"version": 1}).status_code == 404


def test_acts_are_posted_never_taken_by_a_get(cases_around, client_for):
    url = reverse("web:case-act", args=[cases_around["grid_x"].number, "comment"])
    assert client_for("community_worker").get(url, {"version": 1, "note": "x"}).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(cases_around):
    response = Client().get(reverse("web:case", args=[cases_around["grid_x"].number]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_a_photo_is_served_only_to_those_who_see_the_case(
    ledger, cases_around, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = cases_around["grid_x"]
    upload = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    attachment = actions.attach_photo(case, actor=ledger.grid_manager_x, upload=upload, name="lamp.png")
    url = reverse("web:case-photo", args=[case.number, attachment.uid])
    shown = client_for("grid_manager_x").get(url)
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content) == PNG
    assert shown["Content-Type"] == "image/png"
    assert shown["Cache-Control"] == "private, no-store"
    assert client_for("grid_manager_y").get(url).status_code == 404
    assert client_for("resident_b").get(url).status_code == 404
    other = reverse("web:case-photo", args=[cases_around["grid_y"].number, attachment.uid])
    assert client_for("root").get(other).status_code == 404  # a photo belongs to its own case only
