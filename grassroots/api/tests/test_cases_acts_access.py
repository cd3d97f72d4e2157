"""Who may take each act over HTTP: 200 for those the rules allow, 403 for those who see the case
but may not act, 404 for those who do not see it (docs/domain.md §1, §3; docs/api.md)."""

from typing import Any

import pytest

from conftest import PERSONAS
from grassroots.api.cases import ACT_ENDPOINTS
from grassroots.api.tests import case_states as states

# Everyone who sees a case at household X reported by grid manager X for resident A.
SEES_X = {"resident_a", "grid_manager_x", "community_worker", "street_staff", "district_admin"}
TRIAGERS = {"community_worker", "street_staff", "district_admin"}

# act: (state the case is brought to, request body without version, who may take it)
TABLE: dict[str, tuple[Any, dict[str, Any], set[str]]] = {
    "triage": (states.registered, {"triage_class": "community", "reason": "公共照明"}, TRIAGERS),
    "route": (states.triaged, {}, TRIAGERS),
    "retriage": (states.triaged, {"triage_class": "major", "reason": "涉及整栋楼线路"}, TRIAGERS),
    # a guided 私事 is followed up by its grid, or by the triage roles
    "follow-up": (
        states.guided,
        {"solved": True, "private_mode": "market", "note": "已找家政公司"},
        TRIAGERS | {"grid_manager_x"},
    ),
    "assign": (states.routed, {"assignee": lambda w: str(w.community_worker2.uid)}, TRIAGERS),
    # handling acts belong to the unit holding the case (community C) only
    "accept": (states.routed, {}, {"community_worker"}),
    "progress": (states.in_progress, {"note": "已联系电工"}, {"community_worker"}),
    "resolve": (states.in_progress, {"resolution": "更换了灯泡"}, {"community_worker"}),
    "return": (states.routed, {"reason": "不属本社区"}, {"community_worker"}),
    "request-extension": (states.in_progress, {"days": "2", "reason": "材料未到"}, {"community_worker"}),
    # the case's grid staff may solve on the spot too
    "solve-on-the-spot": (states.registered, {"resolution": "当场修好"}, TRIAGERS | {"grid_manager_x"}),
    # the community worker resolved it, so may not verify it
    "verify": (states.resolved, {"passed": True}, {"street_staff", "district_admin"}),
    "request-rating": (states.awaiting_rating, {}, TRIAGERS),
    "rate": (states.awaiting_rating, {"satisfaction": "satisfied", "score": 5}, {"resident_a"}),
    "reopen": (states.awaiting_rating, {"comment": "灯又坏了"}, {"resident_a"}),
    "close": (states.rated, {}, TRIAGERS),
    # the levels above the community escalate or decide its extensions
    "escalate": (states.routed, {"reason": "需街道协调"}, TRIAGERS),
    "decide-extension": (
        states.with_pending_extension,
        {"approve": True},
        {"street_staff", "district_admin"},
    ),
    "reject": (states.registered, {"outcome": "not_true", "reason": "现场核查不属实"}, TRIAGERS),
    # (the original, another case at X that everyone in SEES_X sees, is added below)
    "mark-duplicate": (states.registered, {"note": "同一盏灯"}, TRIAGERS),
    "close-unsolved": (states.registered, {"reason": "无法解决"}, TRIAGERS),
    "supervise": (states.registered, {"level": "normal", "reason": "群众反映强烈"}, TRIAGERS),
    "comment": (states.registered, {"note": "已记录"}, TRIAGERS),
}


def test_the_table_covers_every_act_endpoint():
    assert set(TABLE) == {name.replace("_", "-") for name in ACT_ENDPOINTS}


@pytest.mark.parametrize("act", sorted(TABLE))
def test_each_persona_gets_what_the_rules_give_them(client_for, ledger, report, act):
    setup, body, allowed = TABLE[act]
    original = report(title="同一盏灯") if act == "mark-duplicate" else None
    outcome = {}
    for persona in PERSONAS:
        case = setup(ledger, report)
        data = {key: (value(ledger) if callable(value) else value) for key, value in body.items()}
        if original is not None:
            data["original"] = original.number
        data["version"] = case.version
        response = client_for(persona).post(f"/api/cases/{case.number}/{act}/", data, format="json")
        outcome[persona] = response.status_code

    expected = {
        persona: 200 if persona in allowed else (403 if persona in SEES_X else 404) for persona in PERSONAS
    }
    assert outcome == expected


def test_an_act_answers_the_updated_case(client_for, ledger, report):
    case = states.registered(ledger, report)

    response = client_for("community_worker").post(
        f"/api/cases/{case.number}/triage/",
        {"triage_class": "community", "reason": "公共照明", "version": case.version},
        format="json",
    )

    body = response.json()
    assert body["state"] == "triaged"
    assert body["version"] == case.version + 1
    assert body["timeline"][-1]["kind"] == "triage"
    assert response["ETag"] == f'"{case.version + 1}"'


def test_a_refused_act_says_why(client_for, ledger, report):
    case = states.registered(ledger, report)

    response = client_for("grid_manager_x").post(
        f"/api/cases/{case.number}/triage/",
        {"triage_class": "community", "reason": "公共照明", "version": case.version},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot triage this case.", "code": "permission_denied"}
