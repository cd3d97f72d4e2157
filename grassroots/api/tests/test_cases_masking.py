"""No answer of the ledger's endpoints carries a plaintext phone or ID number, only masked forms
(docs/domain.md §8)."""

import pytest

from conftest import PHONE_A, PHONE_B, assert_no_plaintext
from grassroots.api.tests import case_states as states


@pytest.mark.parametrize(
    "persona", ["root", "district_admin", "community_worker", "grid_manager_x", "resident_a"]
)
def test_lists_details_and_acts_show_reporters_phones_only_masked(client_for, ledger, report, persona):
    case = states.in_progress(ledger, report, reporter_phone=PHONE_A)
    caller = report(
        actor=ledger.community_worker, reporter=None, reporter_name="王先生", reporter_phone=PHONE_B
    )
    client = client_for(persona)

    answers = [
        client.get("/api/cases/", {"page_size": 500}),
        client.get(f"/api/cases/{case.number}/"),
        client.get(f"/api/cases/{caller.number}/"),
        client.get("/api/public-cases/"),
        client.get("/api/problems/"),
        client.get("/api/inbox/"),
    ]
    if persona == "community_worker":
        answers.append(
            client.post(
                f"/api/cases/{case.number}/progress/",
                {"note": "已联系", "version": case.version},
                format="json",
            )
        )

    for response in answers:
        assert response.status_code in (200, 404)
        assert_no_plaintext(response.content)


def test_the_detail_shows_the_masked_phone_to_staff(client_for, ledger, report):
    case = report(
        actor=ledger.community_worker, reporter=None, reporter_name="王先生", reporter_phone=PHONE_B
    )

    reporter = client_for("community_worker").get(f"/api/cases/{case.number}/").json()["reporter"]

    assert reporter == {
        "kind": "on_behalf",
        "resident": None,
        "name": "王先生",
        "phone_masked": "139****4321",
        "public_anonymous": False,
    }
