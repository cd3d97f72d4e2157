"""Two people change one case at the same time: one wins, the other gets a
``Conflict`` (409 in the API) and their change is not applied, silently or otherwise; the
winner's change is kept whole."""

from __future__ import annotations

import threading

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case, CaseEvent
from grassroots.core.errors import Conflict


def test_the_second_writer_with_the_same_version_gets_a_conflict(ledger, bring):
    case = bring.routed()
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    actions.accept_case(mine, actor=ledger.community_worker, version=mine.version, note="我来办")
    with pytest.raises(Conflict) as raised:
        actions.return_case(
            theirs, actor=ledger.community_worker2, version=theirs.version, reason="不属本社区"
        )
    stored = Case.objects.get(pk=case.pk)
    assert raised.value.current_version == stored.version
    assert (stored.state, stored.assignee, stored.responsible_unit) == (
        "in_progress",
        ledger.community_worker,
        ledger.community,
    )
    assert not CaseEvent.objects.filter(case=case, kind="return").exists()


def test_a_stale_write_that_would_not_change_the_state_is_refused_too(ledger, bring):
    case = bring.in_progress()
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    actions.add_progress(mine, actor=ledger.community_worker, version=mine.version, note="已联系电工")
    with pytest.raises(Conflict):
        actions.add_progress(theirs, actor=ledger.community_worker2, version=theirs.version, note="已到现场")
    notes = list(CaseEvent.objects.filter(case=case, kind="progress").values_list("note", flat=True))
    assert notes == ["已联系电工"]


def test_a_caller_without_a_version_is_still_protected_by_the_copy_it_read(ledger, bring):
    case = bring.routed()
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    actions.accept_case(mine, actor=ledger.community_worker, version=None)
    with pytest.raises(Conflict):
        actions.return_case(theirs, actor=ledger.community_worker2, version=None, reason="不属本社区")
    assert Case.objects.get(pk=case.pk).state == "in_progress"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_writers_one_wins_and_one_gets_a_conflict(threads_db, ledger, bring):
    case = bring.routed()
    version = case.version
    start = threading.Barrier(2, timeout=30)

    def act(do):
        fresh = Case.objects.get(pk=case.pk)
        start.wait()
        try:
            do(fresh)
        except Conflict:
            return "conflict"
        return "won"

    accept = lambda c: actions.accept_case(c, actor=ledger.community_worker, version=version)  # noqa: E731
    give_back = lambda c: actions.return_case(  # noqa: E731
        c, actor=ledger.community_worker2, version=version, reason="不属本社区"
    )
    outcomes = threads_db.run(lambda: act(accept), lambda: act(give_back))

    assert sorted(outcomes) == ["conflict", "won"]
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == version + 1
    winner = "accept" if outcomes[0] == "won" else "return"
    assert stored.state == {"accept": "in_progress", "return": "registered"}[winner]
    kinds = list(CaseEvent.objects.filter(case_id=case.pk).values_list("kind", flat=True))
    assert kinds == ["register", "triage", "route", winner]
