"""A notice about a case leads where its reader can act on it: the reporter to their own page in
the resident portal, staff to the case page."""

from __future__ import annotations

from grassroots.cases import actions
from grassroots.notify.models import Notification


def test_the_reporter_is_sent_to_the_portal_and_the_handler_to_the_case_page(ledger, bring):
    case = bring.awaiting_rating()
    case = actions.reopen_case(case, actor=ledger.resident_a_user, version=case.version, comment="灯又不亮了")
    to_handler = Notification.objects.get(recipient=ledger.community_worker, kind="reopened")
    assert to_handler.url == f"/cases/{case.number}/"

    case = actions.close_unsolved(
        case, actor=ledger.street_staff, version=case.version, reason="线路老化需改造"
    )
    to_reporter = Notification.objects.get(
        recipient=ledger.resident_a_user, kind="update", subject=case.number
    )
    assert to_reporter.url == f"/my/cases/{case.number}/"
