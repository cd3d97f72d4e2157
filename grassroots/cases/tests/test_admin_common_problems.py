"""Common problems in the admin: made from cases selected on the case list, listed by their unit's
scope, resolved once and verified by someone else, which carries the member cases along."""

from django.contrib.admin import helpers
from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Case, CommonProblem
from grassroots.cases.tests.conftest import assert_done


def link(client, cases, title=None):
    """The "link as a common problem" action on the case list: first the page asking for the title,
    then (with ``title``) its submission."""
    data = {"action": "link_as_problem", helpers.ACTION_CHECKBOX_NAME: [case.pk for case in cases]}
    if title is not None:
        data |= {"apply": "1", "title": title, "description": ""}
    return client.post(reverse("admin:cases_case_changelist"), data)


def problem_act(client, problem, name, **fields):
    url = reverse("admin:cases_commonproblem_act", args=[problem.pk, name])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"version": page.context["form"]["version"].value(), **fields})


def test_selected_cases_become_a_problem_that_is_resolved_once_and_verified(ledger, report, admin_client):
    w = ledger
    first = report(title="3栋楼道灯坏")
    second = report(household=w.household_y, reporter=w.resident_b, title="2栋楼道灯坏")
    worker = admin_client(w.community_worker)

    asking = link(worker, [first, second])
    assert asking.status_code == 200
    assert {case.pk for case in asking.context["cases"]} == {first.pk, second.pk}
    done = link(worker, [first, second], title="小区楼道灯普遍损坏")
    problem = CommonProblem.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:cases_commonproblem_change", args=[problem.pk])
    assert (problem.title, problem.unit) == ("小区楼道灯普遍损坏", w.community)

    page = worker.get(done["Location"])
    assert {row["case"].pk for row in page.context["members"]} == {first.pk, second.pk}
    assert [act["name"] for act in page.context["acts"]] == ["resolve"]

    assert_done(problem_act(worker, problem, "resolve", resolution="统一更换了楼道灯"))
    assert set(Case.objects.filter(problem=problem).values_list("state", flat=True)) == {"resolved"}
    # the one who resolved it does not verify it
    assert worker.get(done["Location"]).context["acts"] == []
    assert_done(problem_act(admin_client(w.community_worker2), problem, "verify", note="抽查属实"))
    problem.refresh_from_db()
    assert problem.state == "verified"
    assert set(Case.objects.filter(problem=problem).values_list("state", flat=True)) == {"awaiting_rating"}


def test_a_problem_needs_a_title_and_two_open_cases(ledger, report, admin_client):
    w = ledger
    case = report()
    worker = admin_client(w.community_worker, english=True)
    untitled = link(worker, [case, report()], title="")
    assert untitled.status_code == 200
    assert "title" in untitled.context["form"].errors
    alone = link(worker, [case], title="只有一个")
    assert alone.status_code == 200
    assert "A common problem links at least two cases." in alone.content.decode()
    assert not CommonProblem.objects.exists()


def test_only_those_who_triage_may_link_cases(ledger, report, admin_client):
    client = admin_client(ledger.grid_manager_x)
    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert changelist.context["action_form"] is None  # no bulk act at all for a grid manager
    assert link(client, [report(), report()], title="网格员也想合并").status_code == 200
    assert not CommonProblem.objects.exists()
    assert "link_as_problem" in dict(
        admin_client(ledger.community_worker)
        .get(reverse("admin:cases_case_changelist"))
        .context["action_form"]
        .fields["action"]
        .choices
    )


def test_the_problem_list_is_scoped_by_the_problems_unit(ledger, report, admin_client):
    w = ledger
    ours = actions.create_problem(
        actor=w.community_worker,
        title="桂苑的问题",
        cases=[report(), report(household=w.household_y, reporter=w.resident_b)],
    )
    theirs = actions.create_problem(
        actor=w.root,
        title="桥北的问题",
        cases=[
            report(actor=w.root, household=w.household_w, reporter=None, reporter_name="甲"),
            report(actor=w.root, household=w.household_w, reporter=None, reporter_name="乙"),
        ],
    )

    def listed(user):
        response = admin_client(user).get(reverse("admin:cases_commonproblem_changelist"))
        assert response.status_code == 200
        return {problem.pk for problem in response.context["cl"].result_list}

    assert listed(w.community_worker) == {ours.pk}
    assert listed(w.street_staff) == {ours.pk}
    assert listed(w.grid_manager_x) == set()  # the problem belongs to the community, above the grid
    assert listed(w.district_admin) == {ours.pk, theirs.pk}
    out_of_scope = admin_client(w.community_worker).get(
        reverse("admin:cases_commonproblem_change", args=[theirs.pk])
    )
    assert out_of_scope.status_code == 302
    assert out_of_scope["Location"] == reverse("admin:index")
