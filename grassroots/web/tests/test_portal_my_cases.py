"""A resident follows their own cases: the list holds theirs only, each with its state in plain
words and its progress; a case's page shows what they reported, what was done, and the events of
its timeline that mean something to them — never who on the staff acted, nor staff-internal notes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from conftest import assert_no_plaintext
from grassroots.cases import actions
from grassroots.core.models import User

STAFF_NAMES = {"gm_x": "网格员孙", "cw": "社工周", "cw2": "社工吴"}


@pytest.fixture
def named_staff(ledger: SimpleNamespace) -> SimpleNamespace:
    """Staff with display names that would stand out on a page."""
    for username, name in STAFF_NAMES.items():
        User.objects.filter(username=username).update(display_name=name)
    for attr in ("grid_manager_x", "community_worker", "community_worker2"):
        getattr(ledger, attr).refresh_from_db()
    return ledger


def test_my_cases_lists_mine_only_with_their_state_in_plain_words(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    mine = bring.awaiting_rating()
    theirs, _created = actions.register_case(
        actor=ledger.resident_b_user, title="垃圾没人收", description="两天了", channel="self_report"
    )
    response = client_for("resident_a").get(reverse("web:portal"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert mine.number in body
    assert theirs.number not in body
    assert "Done — please tell us how it went" in body
    assert reverse("web:portal-case", args=[mine.number]) in body
    [card] = response.context["cards"]
    assert [step.done for step in card.steps] == [True, True, True, False, False]
    assert [step.current for step in card.steps] == [False, False, False, True, False]


def test_progress_reaches_the_last_step_once_rated(client_for: Any, bring: SimpleNamespace) -> None:
    bring.rated()
    [card] = client_for("resident_a").get(reverse("web:portal")).context["cards"]
    assert card.steps[-1].current
    assert all(step.done for step in card.steps[:-1])


def test_a_case_page_tells_what_was_done_without_staff_names_or_internal_notes(
    client_for: Any, bring: SimpleNamespace, named_staff: SimpleNamespace
) -> None:
    case = bring.in_progress()
    case = actions.comment_case(
        case, actor=named_staff.community_worker, version=case.version, note="内部备注：先别告诉居民"
    )
    case = actions.resolve_case(
        case, actor=named_staff.community_worker, version=case.version, resolution="更换了灯泡"
    )
    case = actions.verify_case(case, actor=named_staff.community_worker2, version=case.version)
    response = client_for("resident_a").get(
        reverse("web:portal-case", args=[case.number]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "更换了灯泡" in body  # what was done
    assert "3单元楼道灯不亮" in body  # what they reported
    assert "按事项清单分流" not in body  # the triage reason is staff-internal
    assert "内部备注" not in body
    for name in STAFF_NAMES.values():
        assert name not in body
    labels = [line.label for line in response.context["timeline"]]
    assert labels == [
        "We received your report",
        "Looked at and classified",
        "Passed to whoever handles it",
        "Taken on",
        "Resolved",
        "The result was checked",
    ]
    assert "小事: handled by the residents" in body
    assert_no_plaintext(body)


def test_a_case_page_shows_the_residents_photos_through_an_access_checked_address(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    import io

    settings.MEDIA_ROOT = tmp_path
    case = bring.triaged()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    photo = actions.attach_photo(case, actor=ledger.resident_a_user, upload=io.BytesIO(png), name="p.png")
    url = reverse("web:portal-photo", args=[case.number, photo.uid])
    page = client_for("resident_a").get(reverse("web:portal-case", args=[case.number]))
    assert url in page.content.decode()
    served = client_for("resident_a").get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == png
    assert served["Cache-Control"] == "private, no-store"
    for persona in ("resident_b", "community_worker", "district_admin"):
        assert client_for(persona).get(url).status_code == 404, persona


def test_a_resident_adds_photos_to_an_open_case(
    client_for: Any, bring: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = bring.routed()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = client_for("resident_a").post(
        reverse("web:portal-photos", args=[case.number]),
        {"version": case.version, "photos": SimpleUploadedFile("a.png", png, content_type="image/png")},
    )
    assert response.status_code == 302
    assert case.attachments.count() == 1


def test_a_closed_outcome_is_told_with_its_reason(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.routed()
    actions.close_unsolved(
        case, actor=ledger.street_staff, version=case.version, reason="资金不足，列入明年计划"
    )
    response = client_for("resident_a").get(
        reverse("web:portal-case", args=[case.number]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "Closed without a solution" in body
    assert "资金不足，列入明年计划" in body
