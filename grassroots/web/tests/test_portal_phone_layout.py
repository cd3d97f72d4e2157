"""What the portal's phone-first layout (375 px, embeddable in a WeChat official-account page)
promises that can be checked in the HTML: the viewport is the device's, nothing is laid out with
tables, photos come from a plain ``<input type=file accept="image/*">``, nothing depends on
hover, nothing opens a popup, and every page speaks Chinese by default."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

STATIC = Path(__file__).resolve().parents[1] / "static" / "web"


@pytest.fixture
def pages(client_for: Any, bring: SimpleNamespace) -> dict[str, str]:
    case = bring.awaiting_rating()
    bring.triaged()
    client = client_for("resident_a")
    urls = {
        "mine": reverse("web:portal"),
        "report": reverse("web:portal-report"),
        "community": reverse("web:portal-community"),
        "case": reverse("web:portal-case", args=[case.number]),
    }
    return {name: client.get(url).content.decode() for name, url in urls.items()}


def test_every_page_takes_the_devices_width(pages: dict[str, str]) -> None:
    for name, body in pages.items():
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body, name


def test_no_page_is_laid_out_with_tables(pages: dict[str, str]) -> None:
    for name, body in pages.items():
        assert "<table" not in body, name


def test_photos_come_from_a_plain_file_input_for_images(pages: dict[str, str]) -> None:
    for name in ("report", "case"):
        inputs = re.findall(r"<input[^>]*type=\"file\"[^>]*>", pages[name])
        assert inputs, name
        assert all('accept="image/*"' in tag for tag in inputs), inputs


def test_the_report_form_is_one_plain_multipart_form_with_its_hidden_key(pages: dict[str, str]) -> None:
    body = pages["report"]
    assert body.count('enctype="multipart/form-data"') == 1
    assert re.search(r'<input type="hidden" name="idempotency_key" value="[0-9a-f]{32}"', body)


def test_nothing_depends_on_hover_or_opens_a_popup(pages: dict[str, str]) -> None:
    css = (STATIC / "portal.css").read_text()
    script = (STATIC / "portal.js").read_text()
    assert ":hover" not in css
    for call in ("window.open", "alert(", "confirm(", "prompt("):
        assert call not in script
    for name, body in pages.items():
        assert 'target="_blank"' not in body, name


def test_the_pages_speak_chinese_by_default(pages: dict[str, str]) -> None:
    for name, body in pages.items():
        assert '<html lang="zh-hans">' in body, name
