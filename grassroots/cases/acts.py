"""Which acts a person may take on a case now, for pages, the admin and the API to offer.

Each ``Act`` names the action function, the states it applies in and who may take it, using the
same ``cases.access`` predicates the actions check; the action itself still checks everything, so
an act offered here can still be refused (for example when the case changed in the meantime).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grassroots.cases import access, deadlines
from grassroots.cases.choices import (
    OPEN_STATES,
    ExtensionStatus,
    HandlingMode,
    Level,
    Outcome,
    PrivateMode,
    Satisfaction,
    State,
    TriageClass,
)
from grassroots.cases.models import Case, CaseEvent
from grassroots.org.access import AnyUser

Predicate = Callable[[AnyUser, Case], bool]


@dataclass(frozen=True)
class Act:
    name: str
    label: str | Promise
    states: frozenset[str]
    may: Predicate
    when: Callable[[Case], bool] = lambda case: True


def _triager(user: AnyUser, case: Case) -> bool:
    return access.can_triage(user, case)


def _handler(user: AnyUser, case: Case) -> bool:
    return access.can_handle(user, case)


def _handler_or_triager(user: AnyUser, case: Case) -> bool:
    return access.can_handle(user, case) or access.can_triage(user, case)


def _reporter(user: AnyUser, case: Case) -> bool:
    return access.is_reporter(user, case)


def _reopenable(case: Case) -> bool:
    return deadlines.reopen_window_open(case, timezone.now())


def _closable(case: Case) -> bool:
    return deadlines.may_close(case, timezone.now())


def _no_pending_extension(case: Case) -> bool:
    return not case.extensions.filter(status=ExtensionStatus.PENDING).exists()


_HELD = frozenset({State.ROUTED, State.IN_PROGRESS, State.GUIDED})

ACTS: tuple[Act, ...] = (
    Act("triage", _("Triage"), frozenset({State.REGISTERED}), _triager),
    Act(
        "solve_on_the_spot",
        _("Solve on the spot"),
        frozenset({State.REGISTERED, State.TRIAGED}),
        access.can_solve_on_the_spot,
    ),
    Act("route", _("Route"), frozenset({State.TRIAGED}), _triager),
    Act("retriage", _("Re-triage"), frozenset({State.TRIAGED, *_HELD}), _triager),
    Act("follow_up", _("Record the follow-up"), frozenset({State.GUIDED}), _handler_or_triager),
    Act("assign", _("Assign"), _HELD, _handler_or_triager),
    Act("accept", _("Accept"), frozenset({State.ROUTED}), _handler),
    Act("progress", _("Add progress"), frozenset({State.IN_PROGRESS, State.GUIDED}), _handler),
    Act("resolve", _("Resolve"), frozenset({State.IN_PROGRESS}), _handler),
    Act("return", _("Return as misrouted"), frozenset({State.ROUTED, State.IN_PROGRESS}), _handler),
    Act(
        "escalate",
        _("Escalate"),
        frozenset({State.ROUTED, State.IN_PROGRESS}),
        lambda u, c: access.can_handle(u, c) or access.can_supervise(u, c),
    ),
    Act("request_extension", _("Ask for more time"), _HELD, _handler, when=_no_pending_extension),
    Act(
        "decide_extension",
        _("Decide the extension request"),
        _HELD,
        access.can_supervise,
        when=lambda c: c.extensions.filter(status=ExtensionStatus.PENDING).exists(),
    ),
    Act(
        "verify",
        _("Verify"),
        frozenset({State.RESOLVED, State.AWAITING_RATING}),
        access.can_verify,
        when=lambda c: (
            c.state == State.RESOLVED
            or (c.handling_mode == HandlingMode.ON_THE_SPOT and c.verified_at is None)
        ),
    ),
    Act(
        "request_rating", _("Ask for a rating again"), frozenset({State.AWAITING_RATING}), _handler_or_triager
    ),
    Act(
        "rate",
        _("Rate"),
        frozenset({State.AWAITING_RATING}),
        lambda u, c: access.is_reporter(u, c) or access.can_triage(u, c),
        when=lambda c: c.rated_at is None,
    ),
    Act(
        "reopen",
        _("Reopen"),
        frozenset({State.AWAITING_RATING, State.CLOSED}),
        lambda u, c: access.is_reporter(u, c) or access.can_triage(u, c),
        when=_reopenable,
    ),
    Act("close", _("Close (销号)"), frozenset({State.AWAITING_RATING}), _triager, when=_closable),
    Act(
        "reject",
        _("Reject"),
        frozenset({State.REGISTERED, State.TRIAGED, State.ROUTED}),
        _handler_or_triager,
    ),
    Act("mark_duplicate", _("Mark as duplicate"), OPEN_STATES, _triager),
    Act("close_unsolved", _("Close unsolved"), OPEN_STATES, access.can_supervise),
    Act("supervise", _("Supervise (督办)"), OPEN_STATES, access.can_supervise),
    Act("comment", _("Comment"), frozenset(State), _handler_or_triager),
)
BY_NAME = {act.name: act for act in ACTS}


def available_acts(user: AnyUser, case: Case) -> list[Act]:
    """The acts ``user`` may take on ``case`` in its present state."""
    return [act for act in ACTS if case.state in act.states and act.when(case) and act.may(user, case)]


# -- what an act recorded ----------------------------------------------------------------------

_EVENT_LABELS: dict[str, tuple[Any, Any]] = {
    "class": (_("class"), TriageClass),
    "to": (_("to"), Level),
    "level": (_("level"), Level),
    "department": (_("department"), None),
    "copied": (_("copied to"), None),
    "private_mode": (_("self-resolution path"), PrivateMode),
    "outcome": (_("outcome"), Outcome),
    "original": (_("original"), None),
    "satisfaction": (_("satisfaction"), Satisfaction),
    "score": (_("score"), None),
    "days": (_("working days"), None),
    "assignee": (_("assignee"), None),
}


def describe_event(event: CaseEvent) -> str:
    """The readable parts of an event's data (codes, levels and labels; never personal data)."""
    parts = []
    for key, (label, choices) in _EVENT_LABELS.items():
        value = (event.data or {}).get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif choices is not None and value in choices.values:
            value = choices(value).label
        parts.append(f"{label}: {value}")
    return "; ".join(parts)
