"""Every act of the ledger tried by every persona: those with the right succeed, everyone else gets
``NotAllowed`` and nothing changes; ``available_acts`` offers the act to exactly those who may
take it (docs/domain.md §1, §3).

Each act is set up once; each persona's attempt runs in a savepoint that is rolled back, so the
next persona meets the same case.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from grassroots.cases import actions
from grassroots.cases.acts import available_acts
from grassroots.cases.models import Case, CommonProblem, Extension
from grassroots.cases.tests.conftest import LEDGER_PERSONAS
from grassroots.core.errors import NotAllowed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

TRIAGERS = frozenset({"community_worker", "community_worker2", "street_staff", "district_admin", "root"})
COMMUNITY_HOLDERS = frozenset({"community_worker", "community_worker2", "root"})
ABOVE_COMMUNITY = frozenset({"street_staff", "district_admin", "root"})
GRID_X_STAFF = frozenset({"grid_manager_x", "grid_leader_x"})
STAFF = frozenset(LEDGER_PERSONAS) - {"resident_a", "resident_b", "nobody"}


@dataclass(frozen=True)
class Row:
    name: str
    setup: Callable[[SimpleNamespace, SimpleNamespace], SimpleNamespace]
    call: Callable[[SimpleNamespace, Any], object]
    allowed: frozenset[str]
    offered_as: str = ""  # the ``available_acts`` name, when the act is offered on a case
    extra: dict[str, Any] = field(default_factory=dict)


def _ctx(case: Case | None = None, **extra: Any) -> SimpleNamespace:
    return SimpleNamespace(case=case, **extra)


def _fresh(ctx: SimpleNamespace) -> Case:
    return Case.objects.get(pk=ctx.case.pk)


def _with_pending_extension(b: SimpleNamespace, w: SimpleNamespace) -> SimpleNamespace:
    case = b.in_progress()
    extension = actions.request_extension(
        case, actor=w.community_worker, version=case.version, days=2, reason="需协调物业"
    )
    return _ctx(case, extension=extension)


def _with_problem(state: str) -> Callable[[SimpleNamespace, SimpleNamespace], SimpleNamespace]:
    def setup(b: SimpleNamespace, w: SimpleNamespace) -> SimpleNamespace:
        first, second = b.registered(), b.registered()
        problem = actions.create_problem(
            actor=w.community_worker, title="楼道照明普遍损坏", cases=[first, second]
        )
        if state in ("resolved",):
            problem = actions.resolve_problem(
                problem, actor=w.community_worker, version=problem.version, resolution="统一更换"
            )
        return _ctx(first, problem=problem, third=b.registered())

    return setup


def _problem(ctx: SimpleNamespace) -> CommonProblem:
    return CommonProblem.objects.get(pk=ctx.problem.pk)


ROWS = [
    Row(
        "register",
        lambda b, w: _ctx(household=w.household_x, reporter=w.resident_a),
        lambda c, u: actions.register_case(
            actor=u,
            title="路灯不亮",
            description="小区门口路灯不亮",
            channel="self_report",
            household=c.household,
            reporter=c.reporter,
        ),
        STAFF | {"resident_a"},
    ),
    Row(
        "triage",
        lambda b, w: _ctx(b.registered()),
        lambda c, u: actions.triage_case(
            _fresh(c), actor=u, version=c.case.version, triage_class="community", reason="社区事务"
        ),
        TRIAGERS,
        "triage",
    ),
    Row(
        "solve on the spot",
        lambda b, w: _ctx(b.registered()),
        lambda c, u: actions.solve_on_the_spot(
            _fresh(c), actor=u, version=c.case.version, resolution="当场修好"
        ),
        TRIAGERS | GRID_X_STAFF,
        "solve_on_the_spot",
    ),
    Row(
        "route",
        lambda b, w: _ctx(b.triaged()),
        lambda c, u: actions.route_case(_fresh(c), actor=u, version=c.case.version),
        TRIAGERS,
        "route",
    ),
    Row(
        "retriage",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.retriage_case(
            _fresh(c), actor=u, version=c.case.version, triage_class="major", reason="涉及市政设施"
        ),
        TRIAGERS,
        "retriage",
    ),
    Row(
        "follow up a guided private matter",
        lambda b, w: _ctx(b.guided()),
        lambda c, u: actions.follow_up_private(
            _fresh(c),
            actor=u,
            version=c.case.version,
            solved=True,
            private_mode="mutual",
            note="邻居帮忙打扫",
        ),
        TRIAGERS | GRID_X_STAFF,
        "follow_up",
    ),
    Row(
        "assign",
        lambda b, w: _ctx(b.routed(), assignee=w.community_worker2),
        lambda c, u: actions.assign_case(_fresh(c), actor=u, version=c.case.version, assignee=c.assignee),
        TRIAGERS,
        "assign",
    ),
    Row(
        "accept at the community",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.accept_case(_fresh(c), actor=u, version=c.case.version),
        COMMUNITY_HOLDERS,
        "accept",
    ),
    Row(
        "accept at grid X",
        lambda b, w: _ctx(b.routed("grid")),
        lambda c, u: actions.accept_case(_fresh(c), actor=u, version=c.case.version),
        GRID_X_STAFF | {"root"},
        "accept",
    ),
    Row(
        "accept at the housing department",
        lambda b, w: _ctx(b.at_department()),
        lambda c, u: actions.accept_case(_fresh(c), actor=u, version=c.case.version),
        frozenset({"housing_handler", "root"}),
        "accept",
    ),
    Row(
        "add progress",
        lambda b, w: _ctx(b.in_progress()),
        lambda c, u: actions.add_progress(_fresh(c), actor=u, version=c.case.version, note="已联系电工"),
        COMMUNITY_HOLDERS,
        "progress",
    ),
    Row(
        "resolve",
        lambda b, w: _ctx(b.in_progress()),
        lambda c, u: actions.resolve_case(_fresh(c), actor=u, version=c.case.version, resolution="已更换"),
        COMMUNITY_HOLDERS,
        "resolve",
    ),
    Row(
        "return as misrouted",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.return_case(_fresh(c), actor=u, version=c.case.version, reason="不属本社区"),
        COMMUNITY_HOLDERS,
        "return",
    ),
    Row(
        "escalate",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.escalate_case(_fresh(c), actor=u, version=c.case.version, reason="社区无法协调"),
        COMMUNITY_HOLDERS | ABOVE_COMMUNITY,
        "escalate",
    ),
    Row(
        "request an extension",
        lambda b, w: _ctx(b.in_progress()),
        lambda c, u: actions.request_extension(
            _fresh(c), actor=u, version=c.case.version, days=2, reason="等待配件"
        ),
        COMMUNITY_HOLDERS,
        "request_extension",
    ),
    Row(
        "decide an extension",
        _with_pending_extension,
        lambda c, u: actions.decide_extension(
            Extension.objects.get(pk=c.extension.pk), actor=u, version=_fresh(c).version, approve=True
        ),
        ABOVE_COMMUNITY,
        "decide_extension",
    ),
    Row(
        "verify",
        lambda b, w: _ctx(b.resolved()),
        lambda c, u: actions.verify_case(_fresh(c), actor=u, version=c.case.version),
        (TRIAGERS - {"community_worker"}) | {"grid_leader_x"},
        "verify",
    ),
    Row(
        "verify an on-the-spot case by sampling",
        lambda b, w: _ctx(b.on_the_spot()),
        lambda c, u: actions.verify_case(_fresh(c), actor=u, version=c.case.version),
        TRIAGERS | {"grid_leader_x"},
        "verify",
    ),
    Row(
        "ask for a rating again",
        lambda b, w: _ctx(b.awaiting_rating()),
        lambda c, u: actions.request_rating(_fresh(c), actor=u, version=c.case.version),
        TRIAGERS,
        "request_rating",
    ),
    Row(
        "rate",
        lambda b, w: _ctx(b.awaiting_rating()),
        lambda c, u: actions.rate_case(_fresh(c), actor=u, version=c.case.version, satisfaction="satisfied"),
        frozenset({"resident_a"}),
    ),
    Row(
        "rate on a phone call-back",
        lambda b, w: _ctx(b.awaiting_rating()),
        lambda c, u: actions.rate_case(
            _fresh(c), actor=u, version=c.case.version, satisfaction="basically", by_phone=True
        ),
        TRIAGERS | {"resident_a"},
        "rate",
    ),
    Row(
        "close",
        lambda b, w: _ctx(b.rated()),
        lambda c, u: actions.close_case(_fresh(c), actor=u, version=c.case.version),
        TRIAGERS,
        "close",
    ),
    Row(
        "reopen",
        lambda b, w: _ctx(b.awaiting_rating()),
        lambda c, u: actions.reopen_case(_fresh(c), actor=u, version=c.case.version, comment="灯又坏了"),
        frozenset({"resident_a"}),
    ),
    Row(
        "reopen on a phone call-back",
        lambda b, w: _ctx(b.closed()),
        lambda c, u: actions.reopen_case(
            _fresh(c), actor=u, version=c.case.version, comment="电话回访：灯又坏了", by_phone=True
        ),
        TRIAGERS | {"resident_a"},
        "reopen",
    ),
    Row(
        "reject",
        lambda b, w: _ctx(b.registered()),
        lambda c, u: actions.reject_case(
            _fresh(c), actor=u, version=c.case.version, outcome="not_true", reason="现场核查不属实"
        ),
        TRIAGERS,
        "reject",
    ),
    Row(
        "mark as duplicate",
        lambda b, w: _ctx(b.registered(), original=b.registered()),
        lambda c, u: actions.mark_duplicate(_fresh(c), actor=u, version=c.case.version, original=c.original),
        TRIAGERS,
        "mark_duplicate",
    ),
    Row(
        "close unsolved",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.close_unsolved(
            _fresh(c), actor=u, version=c.case.version, reason="资金无法落实"
        ),
        ABOVE_COMMUNITY,
        "close_unsolved",
    ),
    Row(
        "supervise",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.supervise_case(
            _fresh(c), actor=u, version=c.case.version, level="normal", reason="群众反映强烈"
        ),
        ABOVE_COMMUNITY,
        "supervise",
    ),
    Row(
        "comment",
        lambda b, w: _ctx(b.routed()),
        lambda c, u: actions.comment_case(_fresh(c), actor=u, version=c.case.version, note="请尽快处理"),
        TRIAGERS,
        "comment",
    ),
    Row(
        "attach a photo",
        lambda b, w: _ctx(b.registered()),
        lambda c, u: actions.attach_photo(_fresh(c), actor=u, upload=io.BytesIO(PNG), name="p.png"),
        TRIAGERS | {"resident_a", "grid_manager_x"},
    ),
    Row(
        "create a common problem",
        lambda b, w: _ctx(b.registered(), second=b.registered()),
        lambda c, u: actions.create_problem(
            actor=u, title="照明", cases=[_fresh(c), Case.objects.get(pk=c.second.pk)]
        ),
        TRIAGERS,
    ),
    Row(
        "link to a common problem",
        _with_problem("open"),
        lambda c, u: actions.link_to_problem(
            _problem(c), Case.objects.get(pk=c.third.pk), actor=u, version=c.third.version
        ),
        TRIAGERS,
    ),
    Row(
        "unlink from a common problem",
        _with_problem("open"),
        lambda c, u: actions.unlink_from_problem(_fresh(c), actor=u, version=_fresh(c).version),
        TRIAGERS,
    ),
    Row(
        "resolve a common problem",
        _with_problem("open"),
        lambda c, u: actions.resolve_problem(
            _problem(c), actor=u, version=_problem(c).version, resolution="统一更换"
        ),
        TRIAGERS,
    ),
    Row(
        "verify a common problem",
        _with_problem("resolved"),
        lambda c, u: actions.verify_problem(_problem(c), actor=u, version=_problem(c).version),
        TRIAGERS - {"community_worker"},
    ),
]


class _Undo(Exception):
    pass


def _attempt(row: Row, ctx: SimpleNamespace, user: Any, snapshot: Callable[[], Any]) -> str:
    """'ok', 'refused' (NotAllowed, nothing changed), or what else happened."""
    result = "?"
    try:
        with transaction.atomic():
            before = snapshot()
            try:
                row.call(ctx, user)
                result = "ok"
            except NotAllowed:
                result = "refused" if snapshot() == before else "refused but changed something"
            except Exception as exc:  # the table reports it next to the persona
                result = f"{type(exc).__name__}: {exc}"
            raise _Undo
    except _Undo:
        pass
    return result


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_only_the_people_with_the_right_may_take_each_act(
    row, ledger, bring, everyone, ledger_snapshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ctx = row.setup(bring, ledger)
    outcomes = {name: _attempt(row, ctx, everyone[name], ledger_snapshot) for name in LEDGER_PERSONAS}
    expected = {name: "ok" if name in row.allowed else "refused" for name in LEDGER_PERSONAS}
    assert outcomes == expected


OFFERED = [row for row in ROWS if row.offered_as]


@pytest.mark.parametrize("row", OFFERED, ids=[r.name for r in OFFERED])
def test_the_act_is_offered_to_exactly_the_people_who_may_take_it(row, ledger, bring, everyone):
    ctx = row.setup(bring, ledger)
    case = _fresh(ctx)
    offered = {
        name
        for name in LEDGER_PERSONAS
        if row.offered_as in {act.name for act in available_acts(everyone[name], case)}
    }
    assert offered == set(row.allowed)
