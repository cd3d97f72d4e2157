"""Duplicates: a case marked as a duplicate closes with that outcome and links to
the root original — never to another duplicate — and its reporter is told when the original is
resolved."""

from __future__ import annotations

import pytest

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.core.errors import ValidationError
from grassroots.notify.models import Notification


def test_the_reporter_of_a_duplicate_is_told_when_the_original_is_resolved(ledger, bring):
    original = bring.in_progress()
    duplicate = bring.registered(household=ledger.household_y, reporter=ledger.resident_b)
    duplicate = actions.mark_duplicate(
        duplicate,
        actor=ledger.community_worker,
        version=duplicate.version,
        original=original,
        note="同一盏灯",
    )
    assert (duplicate.state, duplicate.outcome, duplicate.duplicate_of) == ("closed", "duplicate", original)
    assert (
        Notification.objects.filter(recipient=ledger.resident_b_user, subject=duplicate.number).count() == 1
    )
    original = Case.objects.get(pk=original.pk)
    original = actions.resolve_case(
        original, actor=ledger.community_worker, version=original.version, resolution="已修"
    )
    actions.verify_case(original, actor=ledger.community_worker2, version=original.version)
    told = Notification.objects.filter(recipient=ledger.resident_b_user, subject=duplicate.number).order_by(
        "id"
    )
    assert [n.kind for n in told] == ["update", "update"]
    assert original.number in told.latest("id").title


def test_a_duplicate_of_a_duplicate_links_to_the_root_original(ledger, bring):
    root = bring.routed()
    first = bring.registered()
    first = actions.mark_duplicate(first, actor=ledger.community_worker, version=first.version, original=root)
    second = bring.registered()
    second = actions.mark_duplicate(
        second, actor=ledger.community_worker, version=second.version, original=first
    )
    assert second.duplicate_of == root


def test_a_case_that_had_duplicates_hands_them_to_its_own_original(ledger, bring):
    root = bring.routed()
    middle = bring.registered()
    leaf = bring.registered()
    leaf = actions.mark_duplicate(leaf, actor=ledger.community_worker, version=leaf.version, original=middle)
    middle = Case.objects.get(pk=middle.pk)
    actions.mark_duplicate(middle, actor=ledger.community_worker, version=middle.version, original=root)
    assert Case.objects.get(pk=leaf.pk).duplicate_of == root


def test_a_case_cannot_duplicate_itself_or_a_case_one_cannot_see(ledger, bring, report):
    case = bring.registered()
    with pytest.raises(ValidationError):
        actions.mark_duplicate(case, actor=ledger.community_worker, version=case.version, original=case)
    elsewhere = report(household=ledger.household_w, reporter=None, reporter_name="王先生")
    with pytest.raises(ValidationError):
        actions.mark_duplicate(case, actor=ledger.community_worker, version=case.version, original=elsewhere)
