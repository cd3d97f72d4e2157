"""The case page makes the same number of queries however long its timeline and however many its
photos, extensions and duplicates: everything is joined or fetched once."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cases import actions

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def queries_for(client, case):
    url = reverse("web:case", args=[case.number])
    client.get(url)  # warm: sessions, the catalog's first use
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(ledger, bring, case, n):
    """``n`` more comments, photos and duplicates on ``case``."""
    for i in range(n):
        case = actions.comment_case(
            case, actor=ledger.community_worker, version=case.version, note=f"第{i}次"
        )
        actions.attach_photo(
            case, actor=ledger.community_worker, upload=SimpleUploadedFile(f"{i}.png", PNG), name=f"{i}.png"
        )
        duplicate = bring.registered(title=f"重复{i}")
        actions.mark_duplicate(
            duplicate, actor=ledger.community_worker, version=duplicate.version, original=case
        )
        case.refresh_from_db()
    return case


def test_the_query_count_does_not_grow_with_the_timeline_and_the_photos(ledger, bring, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENTS_PER_CASE = 20
    client = Client()
    client.force_login(ledger.community_worker)
    small, large = grow(ledger, bring, bring.in_progress(), 1), grow(ledger, bring, bring.in_progress(), 8)
    assert large.events.count() >= small.events.count() + 14
    assert queries_for(client, small) == queries_for(client, large)


def test_the_query_count_of_a_residents_view_does_not_grow_either(ledger, bring, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(ledger.resident_a_user)
    small = bring.awaiting_rating()
    large = bring.awaiting_rating()
    for i in range(6):
        large = actions.comment_case(
            large, actor=ledger.community_worker, version=large.version, note=f"第{i}次回访"
        )
        actions.attach_photo(
            large, actor=ledger.resident_a_user, upload=SimpleUploadedFile(f"{i}.png", PNG), name=f"{i}.png"
        )
    assert queries_for(client, small) == queries_for(client, large)
