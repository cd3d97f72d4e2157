"""Cases brought to each state through the actions, for the ledger's endpoint tests.

Every case is reported at household X (grid X, community C, street S) by grid manager X for
resident A; the community worker of C triages, routes, accepts and resolves; the second community
worker verifies.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from grassroots.cases import actions
from grassroots.cases.models import Case


def registered(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    return report(**fields)


def triaged(w: SimpleNamespace, report: Any, triage_class: str = "community", **fields: Any) -> Case:
    case = registered(w, report, **fields)
    return actions.triage_case(
        case, actor=w.community_worker, version=case.version, triage_class=triage_class, reason="按类分流"
    )


def routed(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    """A 小事 held by community C."""
    case = triaged(w, report, **fields)
    return actions.route_case(case, actor=w.community_worker, version=case.version)


def guided(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    """A 私事 guided to self-resolution, followed up by grid X."""
    case = triaged(w, report, triage_class="private", **fields)
    return actions.route_case(case, actor=w.community_worker, version=case.version, private_mode="market")


def in_progress(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    case = routed(w, report, **fields)
    return actions.accept_case(case, actor=w.community_worker, version=case.version)


def with_pending_extension(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    case = in_progress(w, report, **fields)
    actions.request_extension(case, actor=w.community_worker, version=case.version, days=2, reason="材料未到")
    return Case.objects.get(pk=case.pk)


def resolved(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    case = in_progress(w, report, **fields)
    return actions.resolve_case(case, actor=w.community_worker, version=case.version, resolution="更换了灯泡")


def awaiting_rating(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    case = resolved(w, report, **fields)
    return actions.verify_case(case, actor=w.community_worker2, version=case.version)


def rated(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    case = awaiting_rating(w, report, **fields)
    return actions.rate_case(case, actor=w.resident_a_user, version=case.version, satisfaction="satisfied")


def closed(w: SimpleNamespace, report: Any, **fields: Any) -> Case:
    case = rated(w, report, **fields)
    return actions.close_case(case, actor=w.community_worker, version=case.version)
