"""The portal's lists, and a case's page, read the same number of queries however many cases,
events or photos there are (no N+1)."""

from __future__ import annotations

import io
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cases import actions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _queries(client: Any, url: str) -> int:
    client.get(url)  # warm the session and the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(make: Callable[[], Any], client: Any, url: str, before: int, after: int) -> tuple[int, int]:
    for _ in range(before):
        make()
    small = _queries(client, url)
    for _ in range(after - before):
        make()
    return small, _queries(client, url)


def test_my_cases_reads_a_constant_number_of_queries(client_for: Any, bring: SimpleNamespace) -> None:
    makers = iter(
        [bring.registered, bring.routed, bring.awaiting_rating, bring.closed, bring.at_department] * 2
    )
    small, large = _grow(lambda: next(makers)(), client_for("resident_a"), reverse("web:portal"), 2, 8)
    assert small == large


def test_the_community_view_reads_a_constant_number_of_queries(
    client_for: Any, bring: SimpleNamespace
) -> None:
    makers = iter([bring.triaged, bring.routed, bring.closed, bring.at_department] * 2)
    url = reverse("web:portal-community")
    small, large = _grow(lambda: next(makers)(), client_for("resident_b"), url, 2, 8)
    assert small == large


def test_a_case_page_reads_a_constant_number_of_queries(
    client_for: Any, bring: SimpleNamespace, ledger: SimpleNamespace, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = bring.in_progress()
    url = reverse("web:portal-case", args=[case.number])
    client = client_for("resident_a")

    def more() -> None:
        fresh = type(case).objects.get(pk=case.pk)
        actions.add_progress(fresh, actor=ledger.community_worker, version=fresh.version, note="在办")
        actions.attach_photo(fresh, actor=ledger.resident_a_user, upload=io.BytesIO(PNG), name="p.png")

    small, large = _grow(more, client, url, 1, 4)
    assert small == large
