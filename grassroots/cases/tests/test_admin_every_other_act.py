"""Every act not on the main paths also works from its admin form: re-triage, the follow-up of a 私事,
assignment, progress, return, escalation, extensions, asking for a rating again, reopening on the
phone, closing unsolved, supervision, comments and photos."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.cases.tests.conftest import assert_done

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fresh(case):
    return Case.objects.get(pk=case.pk)


def last_event(case):
    return case.events.order_by("-at", "-id").first()


@pytest.fixture
def triaged(ledger, report):
    w = ledger

    def make(triage_class="community", category=None, **fields):
        case = report(category=category or w.cat_light, **fields)
        return actions.triage_case(
            case, actor=w.community_worker, version=case.version, triage_class=triage_class, reason="分流理由"
        )

    return make


@pytest.fixture
def in_progress(ledger, triaged):
    w = ledger

    def make(level=None):
        case = triaged()
        case = actions.route_case(case, actor=w.community_worker, version=case.version, level=level)
        handler = w.grid_manager_x if level == "grid" else w.community_worker
        return actions.accept_case(case, actor=handler, version=case.version)

    return make


def test_a_private_matter_is_retriaged_after_its_follow_up_finds_real_difficulty(
    ledger, triaged, admin_client, admin_act
):
    w = ledger
    case = triaged("private", category=w.cat_clean)
    worker = admin_client(w.community_worker)
    assert_done(admin_act(worker, case, "route", private_mode="mutual", note="邻里互助"))
    assert fresh(case).state == "guided"
    assert_done(admin_act(worker, case, "follow_up", solved="no", note="老人独居，互助难以持续"))
    assert fresh(case).state == "triaged"
    assert_done(admin_act(worker, case, "retriage", triage_class="community", reason="纳入社区帮扶"))
    case = fresh(case)
    assert (case.state, case.triage_class) == ("triaged", "community")
    retriage = last_event(case)
    assert (retriage.kind, retriage.data) == ("retriage", {"from": "private", "to": "community"})


def test_a_guided_private_matter_solved_by_the_market_goes_to_rating(
    ledger, triaged, admin_client, admin_act
):
    w = ledger
    case = triaged("private", category=w.cat_clean)
    worker = admin_client(w.community_worker)
    assert_done(admin_act(worker, case, "route", private_mode=""))
    assert_done(
        admin_act(worker, case, "follow_up", solved="yes", private_mode="market", note="找了家政公司")
    )
    case = fresh(case)
    assert (case.state, case.private_mode) == ("awaiting_rating", "market")


def test_a_case_is_assigned_and_progress_is_recorded(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress()
    worker = admin_client(w.community_worker)
    page = worker.get(reverse("admin:cases_case_act", args=[case.pk, "assign"]))
    assert set(page.context["form"].fields["assignee"].queryset) == {w.community_worker, w.community_worker2}
    assert_done(admin_act(worker, case, "assign", assignee=w.community_worker2.pk))
    assert fresh(case).assignee == w.community_worker2
    assert_done(admin_act(admin_client(w.community_worker2), case, "progress", note="已联系物业"))
    assert last_event(fresh(case)).note == "已联系物业"


def test_a_case_is_assigned_only_to_someone_who_holds_it(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress()
    response = admin_act(admin_client(w.community_worker), case, "assign", assignee=w.street_staff.pk)
    assert response.status_code == 200
    assert "assignee" in response.context["form"].errors
    assert fresh(case).assignee == w.community_worker


def test_a_misrouted_case_is_returned_to_triage(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress(level="grid")
    assert_done(admin_act(admin_client(w.grid_manager_x), case, "return", reason="不属于网格职责"))
    case = fresh(case)
    assert (case.state, case.responsible_unit, case.level) == ("registered", None, "")


def test_a_case_is_escalated_from_the_grid_to_the_community(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress(level="grid")
    assert_done(
        admin_act(admin_client(w.grid_manager_x), case, "escalate", to_level="", reason="网格解决不了")
    )
    case = fresh(case)
    assert (case.state, case.level, case.responsible_unit) == ("routed", "community", w.community)


def test_skipping_levels_is_a_field_error_for_an_ordinary_case(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress(level="grid")
    response = admin_act(
        admin_client(w.grid_manager_x), case, "escalate", to_level="street", reason="直接上报街道"
    )
    assert response.status_code == 200
    assert "to_level" in response.context["form"].errors
    assert fresh(case).level == "grid"


def test_an_extension_is_requested_by_the_handler_and_decided_above(
    ledger, in_progress, admin_client, admin_act
):
    w = ledger
    case = in_progress(level="grid")
    due = fresh(case).stage_due_at
    assert_done(
        admin_act(admin_client(w.grid_manager_x), case, "request_extension", days="2", reason="等待材料")
    )
    assert fresh(case).extensions.get().status == "pending"
    worker = admin_client(w.community_worker)
    form = worker.get(reverse("admin:cases_case_act", args=[case.pk, "decide_extension"]))
    assert "等待材料" in form.context["form"].fields["approve"].help_text
    assert_done(admin_act(worker, case, "decide_extension", approve="yes", note="同意"))
    case = fresh(case)
    assert case.extensions.get().status == "approved"
    assert case.stage_due_at > due
    page = worker.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert [e.status for e in page.context["extensions"]] == ["approved"]


def test_a_rating_is_asked_again_and_the_reporter_reopens_on_the_phone(
    ledger, in_progress, admin_client, admin_act
):
    w = ledger
    case = in_progress()
    case = actions.resolve_case(case, actor=w.community_worker, version=case.version, resolution="修好了")
    case = actions.verify_case(case, actor=w.community_worker2, version=case.version)
    worker = admin_client(w.community_worker)
    assert_done(admin_act(worker, case, "request_rating", note="电话回访未接"))
    assert last_event(fresh(case)).kind == "request_rating"
    assert_done(admin_act(worker, case, "reopen", comment="居民说灯还是不亮"))
    case = fresh(case)
    assert (case.state, case.reopen_count, case.assignee) == ("in_progress", 1, w.community_worker)
    assert (last_event(case).kind, last_event(case).note) == ("reopen", "居民说灯还是不亮")


def test_a_case_is_closed_unsolved_by_the_level_above(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress(level="grid")
    assert_done(
        admin_act(admin_client(w.street_staff), case, "close_unsolved", reason="涉及产权纠纷，无法解决")
    )
    case = fresh(case)
    assert (case.state, case.outcome) == ("closed", "unsolved")


def test_a_case_is_put_under_supervision(ledger, in_progress, admin_client, admin_act):
    w = ledger
    case = in_progress()
    assert_done(
        admin_act(
            admin_client(w.district_admin), case, "supervise", level="yellow_card", reason="群众反映强烈"
        )
    )
    case = fresh(case)
    assert case.supervision == "yellow_card"
    page = admin_client(w.district_admin).get(reverse("admin:cases_case_change", args=[case.pk]))
    assert [r.level for r in page.context["supervisions"]] == ["yellow_card"]


def test_a_comment_goes_on_the_timeline(ledger, report, admin_client, admin_act):
    w = ledger
    case = report()
    assert_done(admin_act(admin_client(w.community_worker), case, "comment", note="已电话联系居民"))
    assert last_event(fresh(case)).note == "已电话联系居民"


def test_a_photo_is_attached_shown_and_checked(ledger, report, admin_client, admin_act, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = ledger
    case = report()
    client = admin_client(w.grid_manager_x)
    photo = SimpleUploadedFile("灯.png", PNG, content_type="image/png")
    assert_done(admin_act(client, case, "attach_photo", files={"file": photo}))
    attachment = case.attachments.get()
    assert attachment.content_type == "image/png"
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    url = reverse("admin:cases_case_photo", args=[case.pk, attachment.uid])
    assert [p["url"] for p in page.context["photos"]] == [url]
    assert f'src="{url}"' in page.content.decode()

    fake = SimpleUploadedFile("doc.png", b"%PDF-1.4 not a photo", content_type="image/png")
    refused = admin_act(client, case, "attach_photo", files={"file": fake})
    assert refused.status_code == 200
    assert "file" in refused.context["form"].errors
    assert case.attachments.count() == 1
