"""我也遇到 ("me too"): a resident says they have the same problem as an open public matter of their
own community that they did not report; the case's "me too" figure counts those residents and the
cases linked to it as duplicates (docs/ledger.md "Me too")."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from conftest import make_user
from grassroots.cases import access, actions
from grassroots.cases.heat import me_too, with_me_too, with_support_of
from grassroots.cases.models import Case, CaseEvent, CaseSupport
from grassroots.cases.tests.conftest import LEDGER_PERSONAS
from grassroots.core.errors import NotAllowed
from grassroots.core.models import AuditRecord
from grassroots.people import actions as people_actions

# On a triaged 小事 reported by resident A (grid X, community C): only resident B, a neighbour in
# the same community, may say "me too"; resident A reported it, everyone else is no resident of it.
MAY_SUPPORT = {"resident_b"}


def neighbour(ledger: SimpleNamespace, name: str) -> Any:
    """Another resident of community C (grid Y) with an account."""
    user = make_user(name)
    people_actions.register_resident(
        actor=ledger.root,
        household=ledger.household_y,
        name=name,
        gender="female",
        birth_year=1980,
        user=user,
    )
    return user


def elsewhere_case(ledger: SimpleNamespace, report: Any) -> Case:
    """A triaged public matter of community C2."""
    case = report(
        actor=ledger.district_admin, household=ledger.household_z, reporter=None, reporter_kind="anonymous"
    )
    return actions.triage_case(
        case, actor=ledger.district_admin, version=case.version, triage_class="major", reason="公共"
    )


@pytest.mark.parametrize("persona", LEDGER_PERSONAS)
def test_only_a_neighbour_in_the_community_may_say_me_too(
    persona: str, everyone: dict[str, Any], bring: SimpleNamespace
) -> None:
    case = bring.routed()
    user = everyone[persona]
    if persona in MAY_SUPPORT:
        support = actions.support_case(case, actor=user)
        assert (support.case, support.user, support.district_id) == (case, user, case.district_id)
        assert access.can_support(user, case)
    else:
        with pytest.raises(NotAllowed):
            actions.support_case(case, actor=user)
        with pytest.raises(NotAllowed):
            actions.withdraw_support(case, actor=user)
        assert not access.can_support(user, case)
        assert not CaseSupport.objects.exists()


def test_saying_it_twice_keeps_one_support(ledger: SimpleNamespace, bring: SimpleNamespace) -> None:
    case = bring.triaged()
    first = actions.support_case(case, actor=ledger.resident_b_user)
    again = actions.support_case(case, actor=ledger.resident_b_user)
    assert again.pk == first.pk
    assert CaseSupport.objects.count() == 1
    assert AuditRecord.objects.filter(target_type="cases.casesupport", action="create").count() == 1


def test_withdrawing_removes_it_and_withdrawing_again_does_nothing(
    ledger: SimpleNamespace, bring: SimpleNamespace
) -> None:
    case = bring.triaged()
    actions.support_case(case, actor=ledger.resident_b_user)
    actions.withdraw_support(case, actor=ledger.resident_b_user)
    assert not CaseSupport.objects.exists()
    actions.withdraw_support(case, actor=ledger.resident_b_user)  # nothing to take back: no error
    records = AuditRecord.objects.filter(target_type="cases.casesupport", target_id=case.number)
    assert sorted(records.values_list("action", flat=True)) == ["create", "delete"]
    assert records.get(action="delete").actor == ledger.resident_b_user


def test_a_support_is_no_act_on_the_case(ledger: SimpleNamespace, bring: SimpleNamespace) -> None:
    case = bring.in_progress()
    events, version, responded = (
        CaseEvent.objects.filter(case=case).count(),
        case.version,
        case.first_response_at,
    )
    actions.support_case(case, actor=ledger.resident_b_user)
    case.refresh_from_db()
    assert (case.version, case.first_response_at) == (version, responded)
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_closed_case_takes_no_support_and_keeps_those_it_had(
    ledger: SimpleNamespace, bring: SimpleNamespace
) -> None:
    case = bring.rated()
    actions.support_case(case, actor=ledger.resident_b_user)
    case = actions.close_case(case, actor=ledger.community_worker, version=case.version)
    with pytest.raises(NotAllowed, match="closed"):
        actions.support_case(case, actor=ledger.resident_b_user)
    with pytest.raises(NotAllowed, match="closed"):
        actions.withdraw_support(case, actor=ledger.resident_b_user)
    assert me_too(case) == 1


def test_my_own_report_is_not_mine_to_support(ledger: SimpleNamespace, bring: SimpleNamespace) -> None:
    case = bring.triaged()
    with pytest.raises(NotAllowed, match="your own report"):
        actions.support_case(case, actor=ledger.resident_a_user)


def test_cases_that_are_not_public_matters_of_my_community_take_no_support(
    ledger: SimpleNamespace, bring: SimpleNamespace, report: Any
) -> None:
    not_public = [
        bring.registered(),  # not yet triaged
        bring.guided(),  # 私事
        elsewhere_case(ledger, report),  # another community
    ]
    for case in not_public:
        with pytest.raises(NotAllowed, match="public matters of your own community"):
            actions.support_case(case, actor=ledger.resident_b_user)
    assert not CaseSupport.objects.exists()


def test_a_duplicate_takes_no_support_its_original_does(
    ledger: SimpleNamespace, bring: SimpleNamespace
) -> None:
    original, duplicate = bring.triaged(), bring.triaged(title="又坏了")
    duplicate = actions.mark_duplicate(
        duplicate, actor=ledger.community_worker, version=duplicate.version, original=original
    )
    with pytest.raises(NotAllowed):
        actions.support_case(duplicate, actor=ledger.resident_b_user)
    actions.support_case(original, actor=ledger.resident_b_user)


def test_the_figure_counts_duplicates_and_supports_without_multiplying_them(
    ledger: SimpleNamespace, bring: SimpleNamespace
) -> None:
    case, quiet, other = bring.triaged(), bring.triaged(title="安静"), bring.triaged(title="别的")
    for i in range(2):
        duplicate = bring.registered(title=f"重复{i}")
        actions.mark_duplicate(
            duplicate, actor=ledger.community_worker, version=duplicate.version, original=case
        )
    for user in (ledger.resident_b_user, neighbour(ledger, "n1"), neighbour(ledger, "n2")):
        actions.support_case(case, actor=user)
    actions.support_case(other, actor=ledger.resident_b_user)

    rows: dict[int, Any] = {
        c.pk: c for c in with_me_too(Case.objects.filter(pk__in=[case.pk, quiet.pk, other.pk]))
    }

    assert (rows[case.pk].duplicate_count, rows[case.pk].support_count, rows[case.pk].me_too_count) == (
        2,
        3,
        5,
    )
    assert (rows[quiet.pk].duplicate_count, rows[quiet.pk].support_count, rows[quiet.pk].me_too_count) == (
        0,
        0,
        0,
    )
    assert rows[other.pk].me_too_count == 1
    assert me_too(Case.objects.get(pk=case.pk)) == 5
    assert me_too(rows[case.pk]) == 5
    # the annotations order and filter like any column
    annotated: Any = with_me_too(Case.objects.all())
    hottest = annotated.filter(me_too_count__gt=0).order_by("-me_too_count")
    assert [c.pk for c in hottest] == [case.pk, other.pk]


def test_the_annotated_list_is_one_query(
    ledger: SimpleNamespace, bring: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    for i in range(3):
        case = bring.triaged(title=f"第{i}")
        actions.support_case(case, actor=ledger.resident_b_user)
    with django_assert_num_queries(1):
        rows: list[Any] = list(with_support_of(with_me_too(Case.objects.all()), ledger.resident_b_user))
    assert [(c.me_too_count, c.supported) for c in rows] == [(1, True)] * 3
    others: Any = with_support_of(Case.objects.all(), ledger.resident_a_user)
    assert [c.supported for c in others] == [False] * 3
