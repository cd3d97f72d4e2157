"""Every act is a form on the case page: offered to the persona who may take it now, and done when
that persona submits it; everyone else of PERSONAS who submits it anyway is refused (a clear
message, 403, when they see the case; 404 when they do not) and nothing changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from grassroots.cases import actions
from grassroots.cases.access import cases_visible_to, may_attach
from grassroots.cases.acts import available_acts
from grassroots.cases.models import Case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def page_form(client, case, name):
    """The act's form as the page offers it (its hidden version included), or None."""
    page = client.get(reverse("web:case", args=[case.number]))
    assert page.status_code == 200
    for act in page.context["acts"]:
        if act.name == name:
            return act.form
    if name == "attach_photo":
        return page.context["photo_form"]
    return None


def submit(client, case, name, version, fields):
    data = {"version": version, **fields}
    if name == "attach_photo":
        data["file"] = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    return client.post(reverse("web:case-act", args=[case.number, name]), data)


@pytest.fixture
def staff(ledger, personas):
    return {**personas, "community_worker2": ledger.community_worker2, "grid_leader_x": ledger.grid_leader_x}


@pytest.fixture
def cases(ledger, bring):
    """A case ready for each act, and who takes it with which input."""
    w = ledger

    def with_extension():
        case = bring.in_progress("grid")
        actions.request_extension(
            case, actor=w.grid_manager_x, version=case.version, days=2, reason="等待材料"
        )
        return Case.objects.get(pk=case.pk)

    def registered_by_grid_manager():
        return bring.registered()

    original = bring.registered(title="楼道灯不亮（首次反映）")
    why = {"reason": "按照事项清单处理"}
    return {
        "triage": (bring.registered, "community_worker", {"triage_class": "community", **why}),
        "solve_on_the_spot": (bring.registered, "grid_manager_x", {"resolution": "当场换了灯泡"}),
        "route": (bring.triaged, "community_worker", {"level": "grid"}),
        "retriage": (bring.triaged, "community_worker", {"triage_class": "major", **why}),
        "follow_up": (
            bring.guided,
            "community_worker",
            {"solved": "yes", "private_mode": "mutual", "note": "邻居帮忙解决了"},
        ),
        "assign": (bring.in_progress, "community_worker", {"assignee": w.community_worker2.pk}),
        "accept": (bring.routed, "community_worker", {}),
        "progress": (bring.in_progress, "community_worker", {"note": "已联系物业"}),
        "resolve": (bring.in_progress, "community_worker", {"resolution": "更换了灯泡"}),
        "return": (lambda: bring.in_progress("grid"), "grid_manager_x", {"reason": "不属于网格职责"}),
        "escalate": (lambda: bring.in_progress("grid"), "grid_manager_x", {"to_level": "", **why}),
        "request_extension": (lambda: bring.in_progress("grid"), "grid_manager_x", {"days": "2", **why}),
        "decide_extension": (with_extension, "community_worker", {"approve": "yes", "note": "同意"}),
        "verify": (bring.resolved, "community_worker2", {"passed": "yes"}),
        "request_rating": (bring.awaiting_rating, "community_worker", {"note": "电话未接"}),
        "rate": (bring.awaiting_rating, "resident_a", {"satisfaction": "satisfied", "score": "5"}),
        "reopen": (bring.awaiting_rating, "resident_a", {"comment": "灯还是不亮"}),
        "close": (bring.rated, "community_worker", {}),
        "reject": (bring.registered, "community_worker", {"outcome": "not_true", **why}),
        "mark_duplicate": (bring.registered, "community_worker", {"original": original.number}),
        "close_unsolved": (lambda: bring.in_progress("grid"), "street_staff", why),
        "supervise": (bring.in_progress, "district_admin", {"level": "yellow_card", **why}),
        "comment": (bring.registered, "community_worker", {"note": "已电话联系居民"}),
        "attach_photo": (registered_by_grid_manager, "grid_manager_x", {}),
    }


# The timeline event each act leaves, where it is not named like the act.
EVENT = {
    "attach_photo": "attach",
    "decide_extension": "approve_extension",
    "solve_on_the_spot": "solve_on_spot",
}
ACTS = (
    "triage",
    "solve_on_the_spot",
    "route",
    "retriage",
    "follow_up",
    "assign",
    "accept",
    "progress",
    "resolve",
    "return",
    "escalate",
    "request_extension",
    "decide_extension",
    "verify",
    "request_rating",
    "rate",
    "reopen",
    "close",
    "reject",
    "mark_duplicate",
    "close_unsolved",
    "supervise",
    "comment",
    "attach_photo",
)


@pytest.mark.parametrize("name", ACTS)
def test_the_act_is_refused_to_everyone_not_offered_it_and_done_by_who_is(
    name, cases, staff, ledger_snapshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make, taker, fields = cases[name]
    case = make()
    for persona in PERSONAS:
        user = staff[persona]
        client = client_of(user)
        offered = name in {a.name for a in available_acts(user, case)} or (
            name == "attach_photo" and may_attach(user, case)
        )
        if offered:
            assert page_form(client, case, name) is not None, persona
            continue
        before = ledger_snapshot()
        response = submit(client, case, name, case.version, fields)
        if cases_visible_to(user).filter(pk=case.pk).exists():
            assert response.status_code in (403, 409), (persona, response.status_code)
            assert page_form(client, case, name) is None, persona
            errors = response.context["result"].form.non_field_errors()
            assert errors, persona  # the reason is said above the form
        else:
            assert response.status_code == 404, persona
        assert ledger_snapshot() == before, persona

    client = client_of(staff[taker])
    form = page_form(client, case, name)
    assert form is not None, f"{taker} is not offered {name}"
    response = submit(client, case, name, form["version"].value(), fields)
    assert response.status_code == 302, response.context["result"].form.errors if response.context else None
    assert response["Location"] == reverse("web:case", args=[case.number])
    last = Case.objects.get(pk=case.pk).events.order_by("-at", "-id").first()
    assert last is not None
    assert last.kind == EVENT.get(name, name)
    assert last.actor == staff[taker]
