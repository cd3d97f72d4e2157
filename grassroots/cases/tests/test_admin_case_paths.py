"""A case goes through the ledger's main paths entirely through the admin's forms: registered with
the add form, then every act opened from its button and submitted with the version the page carried."""

from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.cases.tests.conftest import assert_done


def registered(response):
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    pk = int(response["Location"].rstrip("/").split("/")[-2])
    return Case.objects.get(pk=pk)


def kinds(case):
    return [event.kind for event in case.events.order_by("at", "id")]


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_community_matter_goes_from_registration_to_closing(
    ledger, admin_client, admin_register, admin_act
):
    w = ledger
    case = registered(admin_register(admin_client(w.grid_manager_x)))
    assert case.state == "registered"
    assert case.unit == w.grid_x
    worker = admin_client(w.community_worker)

    assert_done(
        admin_act(
            worker, case, "triage", triage_class="community", reason="公共照明属社区事务", urgency="normal"
        )
    )
    assert_done(admin_act(worker, case, "route", level=""))
    assert fresh(case).responsible_unit == w.community
    assert_done(admin_act(worker, case, "accept"))
    assert_done(admin_act(worker, case, "resolve", resolution="更换了楼道灯泡"))
    assert_done(admin_act(admin_client(w.community_worker2), case, "verify", passed="yes"))
    assert_done(admin_act(worker, case, "rate", satisfaction="satisfied", score="5", comment="很快"))
    assert_done(admin_act(worker, case, "close"))

    case = fresh(case)
    assert (case.state, case.outcome, case.satisfaction, case.score) == ("closed", "solved", "satisfied", 5)
    assert case.verifier == w.community_worker2
    assert kinds(case) == ["register", "triage", "route", "accept", "resolve", "verify", "rate", "close"]
    rating = case.events.get(kind="rate")
    assert rating.data["by_phone"] is True


def test_a_major_matter_goes_through_the_street_to_the_housing_department(
    ledger, admin_client, admin_register, admin_act
):
    w = ledger
    case = registered(
        admin_register(admin_client(w.grid_manager_x), title="路面塌陷", category=w.cat_road.pk)
    )
    worker = admin_client(w.community_worker)
    street = admin_client(w.street_staff)
    housing = admin_client(w.housing_handler)

    assert_done(
        admin_act(worker, case, "triage", triage_class="major", reason="道路属区住建局", urgency="normal")
    )
    assert_done(admin_act(worker, case, "route", level=""))
    case = fresh(case)
    assert (case.level, case.responsible_unit, case.planned_department) == ("street", w.street, w.housing)
    assert_done(admin_act(street, case, "accept"))
    assert_done(admin_act(street, case, "escalate", reason="需区住建局维修"))
    case = fresh(case)
    assert (case.state, case.level, case.responsible_department) == ("routed", "department", w.housing)

    # The 住建 handler works the case in the admin: it is on their list, and they act on it.
    listed = housing.get(reverse("admin:cases_case_changelist"))
    assert [c.pk for c in listed.context["cl"].result_list] == [case.pk]
    assert_done(admin_act(housing, case, "accept"))
    assert_done(admin_act(housing, case, "resolve", resolution="修复路面"))
    assert fresh(case).handler == w.housing_handler
    assert_done(admin_act(street, case, "verify", passed="yes"))
    assert_done(admin_act(worker, case, "rate", satisfaction="basically"))
    assert_done(admin_act(worker, case, "close"))

    case = fresh(case)
    assert (case.state, case.outcome) == ("closed", "solved")
    assert kinds(case) == [
        "register",
        "triage",
        "route",
        "accept",
        "escalate",
        "accept",
        "resolve",
        "verify",
        "rate",
        "close",
    ]


def test_a_case_solved_on_the_spot_is_sampled_rated_and_closed(
    ledger, admin_client, admin_register, admin_act
):
    w = ledger
    case = registered(admin_register(admin_client(w.grid_manager_x)))
    worker = admin_client(w.community_worker)
    assert_done(admin_act(worker, case, "solve_on_the_spot", resolution="当场换了灯泡", triage_class=""))
    case = fresh(case)
    assert (case.state, case.handling_mode, case.triage_class) == (
        "awaiting_rating",
        "on_the_spot",
        "community",
    )
    assert_done(admin_act(admin_client(w.community_worker2), case, "verify", passed="yes", note="抽查属实"))
    assert_done(admin_act(worker, case, "rate", satisfaction="satisfied"))
    assert_done(admin_act(worker, case, "close"))
    assert kinds(fresh(case)) == ["register", "solve_on_spot", "verify", "rate", "close"]
    assert fresh(case).outcome == "solved"


def test_a_rejected_case_is_closed_with_its_outcome_and_reason(
    ledger, admin_client, admin_register, admin_act
):
    w = ledger
    case = registered(admin_register(admin_client(w.grid_manager_x)))
    assert_done(
        admin_act(
            admin_client(w.community_worker), case, "reject", outcome="not_true", reason="现场核查灯是好的"
        )
    )
    case = fresh(case)
    assert (case.state, case.outcome, case.closure_reason) == ("closed", "not_true", "现场核查灯是好的")
    assert kinds(case) == ["register", "reject"]


def test_a_duplicate_is_closed_and_linked_to_its_original_both_ways(
    ledger, admin_client, admin_register, admin_act
):
    w = ledger
    entering = admin_client(w.grid_manager_x)
    original = registered(admin_register(entering))
    repeat = registered(admin_register(entering, title="楼道灯又报了一次"))
    worker = admin_client(w.community_worker)
    assert_done(admin_act(worker, repeat, "mark_duplicate", original=original.number, note="同一盏灯"))
    repeat = fresh(repeat)
    assert (repeat.state, repeat.outcome, repeat.duplicate_of) == ("closed", "duplicate", original)

    page = worker.get(reverse("admin:cases_case_change", args=[original.pk]))
    assert [row["case"] for row in page.context["duplicates"]] == [repeat]
    page = worker.get(reverse("admin:cases_case_change", args=[repeat.pk]))
    assert page.context["original"]["case"] == original


def test_a_duplicate_must_name_a_case_in_the_users_ledger(ledger, admin_client, report, admin_act):
    w = ledger
    theirs = report(actor=w.root, household=w.household_w, reporter=None, reporter_name="某人")
    case = report()
    response = admin_act(admin_client(w.community_worker), case, "mark_duplicate", original=theirs.number)
    assert response.status_code == 200
    assert "original" in response.context["form"].errors
    assert fresh(case).state == "registered"


def test_the_timeline_lists_every_event_in_order(ledger, admin_client, report):
    w = ledger
    case = report(category=w.cat_light)
    case = actions.triage_case(
        case, actor=w.community_worker, version=case.version, triage_class="community", reason="社区事务"
    )
    case = actions.comment_case(case, actor=w.community_worker2, version=case.version, note="已电话联系居民")
    page = admin_client(w.community_worker).get(reverse("admin:cases_case_change", args=[case.pk]))
    assert [row["event"].kind for row in page.context["timeline"]] == ["register", "triage", "comment"]
    assert "已电话联系居民" in page.content.decode()
