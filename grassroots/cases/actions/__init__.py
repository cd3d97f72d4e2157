"""Everything a person (or the sweeper) does to a case: one function per act (docs/domain.md §3).

Each act runs in one transaction, checks that the actor may do it, checks the case's ``version``
(the caller passes the version it read; a stale one is a ``Conflict``, 409 in the API), changes
the case with a conditional UPDATE (``WHERE version = … AND state = …``, so two writers can never
both win), writes one ``CaseEvent`` for the timeline and one audit record, and queues its
notifications in the same transaction.

The path of a case::

    register → triage → route → accept → (progress) → resolve → verify → rate → close (销号)
                      ↘ 私事: guide → follow up → (solved: rate → close | still difficult: re-triage)
    solve on the spot (马上办) → (sampled verification) → rate → close
    at any open stage: re-triage, return (back to triage), escalate, extend, reject, mark duplicate,
    close unsolved; the reporter may reopen within the window."""

from __future__ import annotations

from grassroots.cases.actions.closing import (
    close_case,
    close_unsolved,
    rate_case,
    reopen_case,
    request_rating,
    verify_case,
)
from grassroots.cases.actions.handling import (
    accept_case,
    add_progress,
    assign_case,
    comment_case,
    decide_extension,
    escalate_case,
    request_extension,
    resolve_case,
    return_case,
    solve_on_the_spot,
)
from grassroots.cases.actions.intake import (
    attach_photo,
    photo_too_large,
    register_case,
    register_cases,
    sniff_image,
)
from grassroots.cases.actions.problems import (
    create_problem,
    link_to_problem,
    resolve_problem,
    unlink_from_problem,
    verify_problem,
)
from grassroots.cases.actions.supervision import (
    supervise_case,
    sweep_case,
)
from grassroots.cases.actions.support import (
    support_case,
    withdraw_support,
)
from grassroots.cases.actions.triage import (
    follow_up_private,
    mark_duplicate,
    reject_case,
    retriage_case,
    route_case,
    triage_case,
)

__all__ = [
    "accept_case",
    "add_progress",
    "assign_case",
    "attach_photo",
    "close_case",
    "close_unsolved",
    "comment_case",
    "create_problem",
    "decide_extension",
    "escalate_case",
    "follow_up_private",
    "link_to_problem",
    "mark_duplicate",
    "photo_too_large",
    "rate_case",
    "register_case",
    "register_cases",
    "reject_case",
    "reopen_case",
    "request_extension",
    "request_rating",
    "resolve_case",
    "resolve_problem",
    "retriage_case",
    "return_case",
    "route_case",
    "sniff_image",
    "solve_on_the_spot",
    "supervise_case",
    "support_case",
    "sweep_case",
    "triage_case",
    "unlink_from_problem",
    "verify_case",
    "verify_problem",
    "withdraw_support",
]
