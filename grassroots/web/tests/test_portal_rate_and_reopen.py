"""The reporter rates the result (满意 / 基本满意 / 不满意 with a comment) and may reopen it with a
required comment within the window (docs/domain.md §3.4). The portal offers only what
``acts.available_acts`` allows; a refusal shows as a message above the case as it is now, a
missing comment inline, and a stale page as "this case changed, here it is now"."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.urls import reverse

from grassroots.cases import actions
from grassroots.cases.models import Case


def _page(client: Any, case: Case) -> Any:
    return client.get(reverse("web:portal-case", args=[case.number]), HTTP_ACCEPT_LANGUAGE="en")


def _post(client: Any, case: Case, act: str, **data: Any) -> Any:
    return client.post(reverse(f"web:portal-{act}", args=[case.number]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_rating_and_reopening_are_offered_while_the_case_awaits_the_rating(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.awaiting_rating()
    page = _page(client_for("resident_a"), case)
    assert page.context["rate_form"] is not None
    assert page.context["reopen_form"] is not None
    assert reverse("web:portal-rate", args=[case.number]) in page.content.decode()


def test_nothing_is_offered_before_the_case_is_resolved(client_for: Any, bring: SimpleNamespace) -> None:
    page = _page(client_for("resident_a"), bring.in_progress())
    assert page.context["rate_form"] is None
    assert page.context["reopen_form"] is None


def test_the_reporter_rates_the_result_with_a_comment(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.awaiting_rating()
    client = client_for("resident_a")
    response = _post(client, case, "rate", version=case.version, satisfaction="basically", comment="修得挺快")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.satisfaction, case.rating_comment) == ("basically", "修得挺快")
    after = _page(client, case)
    assert after.context["rate_form"] is None  # rated once
    assert "修得挺快" in after.content.decode()  # their own words on the timeline


def test_a_rating_without_a_choice_is_refused_inline(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.awaiting_rating()
    response = _post(client_for("resident_a"), case, "rate", version=case.version, comment="")
    assert response.status_code == 200
    assert response.context["rate_form"].errors["satisfaction"] == ["This field is required."]
    case.refresh_from_db()
    assert case.rated_at is None


def test_the_reporter_reopens_within_the_window_with_a_comment(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.awaiting_rating()
    response = _post(client_for("resident_a"), case, "reopen", version=case.version, comment="灯又坏了")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert case.reopen_count == 1


def test_a_closed_solved_case_can_still_be_reopened_within_the_window(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.closed()
    client = client_for("resident_a")
    assert _page(client, case).context["reopen_form"] is not None
    assert _post(client, case, "reopen", version=case.version, comment="没修好").status_code == 302


def test_reopening_without_a_comment_is_refused_inline(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.awaiting_rating()
    client = client_for("resident_a")
    empty = _post(client, case, "reopen", version=case.version, comment="  ")
    assert empty.status_code == 200
    assert empty.context["reopen_form"].errors["comment"] == ["This field is required."]
    too_short = _post(client, case, "reopen", version=case.version, comment="差")
    assert too_short.context["reopen_form"].errors["comment"] == ["Say why (a few words at least)."]
    assert 'class="errorlist"' in too_short.content.decode()
    case.refresh_from_db()
    assert case.state == "awaiting_rating"


def test_after_the_window_reopening_is_neither_offered_nor_accepted(
    client_for: Any, bring: SimpleNamespace
) -> None:
    case = bring.closed()
    Case.objects.filter(pk=case.pk).update(rating_due_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    client = client_for("resident_a")
    assert _page(client, case).context["reopen_form"] is None
    response = _post(client, case, "reopen", version=case.version, comment="还是坏的")
    assert response.status_code == 409
    assert response.context["notice"] == "The window for reopening this case has passed."
    assert "The window for reopening this case has passed." in response.content.decode()
    case.refresh_from_db()
    assert case.state == "closed"


def test_a_stale_page_shows_the_case_as_it_is_now(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace
) -> None:
    case = bring.awaiting_rating()
    seen = case.version
    actions.request_rating(case, actor=ledger.community_worker, version=case.version)  # meanwhile
    response = _post(client_for("resident_a"), case, "rate", version=seen, satisfaction="satisfied")
    assert response.status_code == 409
    assert response.context["notice"] == "This case changed while you were looking at it; here it is now."
    case.refresh_from_db()
    assert case.rated_at is None
    # the page now carries the fresh version, so the same rating can be sent again
    assert response.context["rate_form"]["version"].value() == case.version


def test_rating_twice_is_refused_with_a_message(client_for: Any, bring: SimpleNamespace) -> None:
    case = bring.rated()
    response = _post(
        client_for("resident_a"), case, "rate", version=case.version, satisfaction="dissatisfied"
    )
    assert response.status_code == 409
    assert response.context["notice"] == "This case has already been rated."
    case.refresh_from_db()
    assert case.satisfaction == "satisfied"
