"""The tile source is a setting (``MAP_TILE_URL``); with none the map draws boundaries and markers on
a plain background and asks no tile server for anything (it works offline)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TIANDITU = (
    "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY"
)


def page(client: Client) -> tuple[str, dict[str, Any]]:
    response = client.get(reverse("web:map"))
    assert response.status_code == 200
    body = response.content.decode()
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    return body, json.loads(found.group(1))


def map_js() -> str:
    located = finders.find("web/map.js")
    assert located is not None
    return Path(str(located)).read_text()


def test_without_a_tile_source_the_page_names_no_tiles_and_loads_nothing_from_elsewhere(
    world: SimpleNamespace, client_for: Callable[[str], Client], settings: Any
) -> None:
    settings.MAP_TILE_URL = ""
    body, config = page(client_for("community_worker"))
    assert config["tiles"] is None
    assert "{z}" not in body
    assert "tianditu" not in body
    assert "openstreetmap" not in body
    # Every script and stylesheet is served by the site itself (vendored Leaflet, no CDN).
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body):
        assert url.startswith("/static/"), url
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in body
    assert "/static/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js" in body
    assert 'class="map-canvas map-offline"' in body


def test_the_map_script_adds_a_tile_layer_only_when_the_page_configures_one() -> None:
    script = map_js()
    assert script.count("L.tileLayer(") == 1
    assert re.search(r"if \(config\.tiles\) \{\s*L\.tileLayer\(config\.tiles\.url,", script)
    # No tile server or other address of its own: everything comes from the page's configuration.
    assert "{z}" not in script
    assert not re.search(r"https?://", script)


def test_an_openstreetmap_source_is_configured_with_its_attribution(
    world: SimpleNamespace, client_for: Callable[[str], Client], settings: Any
) -> None:
    settings.MAP_TILE_URL = OSM
    settings.MAP_TILE_ATTRIBUTION = ""
    body, config = page(client_for("community_worker"))
    assert config["tiles"] == {"url": OSM, "attribution": "© OpenStreetMap contributors", "subdomains": "abc"}
    assert 'class="map-canvas"' in body


def test_a_tianditu_source_uses_its_eight_servers_and_names_tianditu(
    world: SimpleNamespace, client_for: Callable[[str], Client], settings: Any
) -> None:
    settings.MAP_TILE_URL = TIANDITU
    settings.MAP_TILE_ATTRIBUTION = ""
    _, config = page(client_for("district_admin"))
    assert config["tiles"]["url"] == TIANDITU
    assert config["tiles"]["subdomains"] == "01234567"
    assert "天地图" in config["tiles"]["attribution"]


def test_the_attribution_setting_overrides_the_default(
    world: SimpleNamespace, client_for: Callable[[str], Client], settings: Any
) -> None:
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 示范区自然资源局"
    _, config = page(client_for("district_admin"))
    assert config["tiles"]["attribution"] == "© 示范区自然资源局"
