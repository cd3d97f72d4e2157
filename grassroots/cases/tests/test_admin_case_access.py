"""Who reaches which case in the admin: the list is ``cases_visible_to``; a case outside the scope is
"not found" on its page, its act forms and its photos, exactly like an unknown id; department
handlers enter for the cases of their department and see nothing else; residents stay out."""

import pytest
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.access import cases_visible_to
from grassroots.cases.tests.conftest import act_url

ADMITTED = (
    "root",
    "grid_manager_x",
    "grid_manager_y",
    "grid_leader_x",
    "community_worker",
    "street_staff",
    "housing_handler",
    "department_handler",
    "district_admin",
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def cases(ledger, report):
    """A case in grid X, one in grid Y, one in another street's grid W, and a 大事 at 住建."""
    w = ledger
    made = {
        "x": report(),
        "y": report(actor=w.grid_manager_y, household=w.household_y, reporter=w.resident_b),
        "w": report(actor=w.root, household=w.household_w, reporter=None, reporter_name="某人"),
    }
    case = report(category=w.cat_road, title="路面塌陷")
    case = actions.triage_case(
        case, actor=w.community_worker, version=case.version, triage_class="major", reason="道路"
    )
    made["major"] = actions.route_case(
        case, actor=w.community_worker, version=case.version, level="department", department=w.housing
    )
    return made


def listed(client):
    response = client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 200
    return {case.pk for case in response.context["cl"].result_list}


@pytest.mark.parametrize("persona", ADMITTED)
def test_the_case_list_is_the_personas_scope(admin_personas, admin_client, cases, persona):
    user = admin_personas[persona]
    expected = set(cases_visible_to(user).values_list("pk", flat=True))
    assert listed(admin_client(user)) == expected


def test_the_scopes_are_the_expected_ones(admin_personas, admin_client, cases):
    def names(persona):
        seen = listed(admin_client(admin_personas[persona]))
        return {name for name, case in cases.items() if case.pk in seen}

    assert names("grid_manager_x") == {"x", "major"}
    assert names("grid_manager_y") == {"y"}
    assert names("community_worker") == {"x", "y", "major"}
    assert names("housing_handler") == {"major"}
    assert names("department_handler") == set()
    assert names("district_admin") == {"x", "y", "w", "major"}


def test_a_grid_manager_of_y_cannot_open_a_case_of_grid_x(ledger, admin_client, cases, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    w = ledger
    case = cases["x"]
    import io

    photo = actions.attach_photo(case, actor=w.grid_manager_x, upload=io.BytesIO(PNG), name="灯.png")
    client = admin_client(w.grid_manager_y)
    for url in (
        reverse("admin:cases_case_change", args=[case.pk]),
        act_url(case, "comment"),
        reverse("admin:cases_case_history", args=[case.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response["Location"] == reverse("admin:index"), url
    posted = client.post(act_url(case, "comment"), {"version": case.version, "note": "越界评论"})
    assert posted.status_code == 302
    assert posted["Location"] == reverse("admin:index")
    assert not case.events.filter(kind="comment").exists()
    photo_url = reverse("admin:cases_case_photo", args=[case.pk, photo.uid])
    assert client.get(photo_url).status_code == 404
    # the same photo opens for whoever sees the case
    shown = admin_client(w.grid_manager_x).get(photo_url)
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert {"private", "no-store"} <= {part.strip() for part in shown["Cache-Control"].split(",")}
    assert b"".join(shown.streaming_content) == PNG


def test_an_unknown_case_looks_like_one_out_of_scope(ledger, admin_client, cases):
    response = admin_client(ledger.grid_manager_y).get(reverse("admin:cases_case_change", args=[999999]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_department_handler_enters_the_admin_for_the_ledger_only(ledger, admin_client, cases):
    client = admin_client(ledger.housing_handler)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    models = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert models == {"Case", "CommonProblem", "Extension", "SupervisionRecord"}
    for name in ("people_resident", "people_household", "org_unit"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403
    assert client.get(reverse("admin:cases_case_change", args=[cases["major"].pk])).status_code == 200


@pytest.mark.parametrize("persona", ["resident_a_user", "nobody"])
def test_residents_and_people_without_posts_stay_out(admin_personas, admin_client, cases, persona):
    client = admin_client(admin_personas[persona])
    case = cases["x"]
    for url in (
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_change", args=[case.pk]),
        act_url(case, "comment"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_nothing_in_the_ledger_can_be_deleted(ledger, admin_client, cases):
    client = admin_client(ledger.root)
    assert client.get(reverse("admin:cases_case_delete", args=[cases["x"].pk])).status_code == 403
    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert "delete_selected" not in changelist.context["action_form"].fields["action"].choices.__str__()


def test_the_case_admin_speaks_chinese_by_default(ledger, admin_client, cases):
    body = (
        admin_client(ledger.community_worker)
        .get(reverse("admin:cases_case_change", args=[cases["x"].pk]))
        .content.decode()
    )
    assert 'lang="zh-hans"' in body
    assert "注销" in body  # Django's "Log out"


def test_a_department_handler_in_the_admin_still_cannot_see_personal_data(ledger, admin_client, cases):
    from grassroots.core.models import AuditAction, AuditRecord

    client = admin_client(ledger.housing_handler)
    url = reverse("admin:people_resident_reveal", args=[ledger.resident_a.pk, "id_number"])
    response = client.post(url, {"purpose": "看看居民的身份证"})
    assert response.status_code in (403, 404)
    assert not AuditRecord.objects.filter(action=AuditAction.VIEW_PII).exists()
