"""The map (一张图, docs/domain.md §7) in the browser: with no tile source it draws boundaries and
clustered case markers on a plain background and asks nobody for a tile; a grid opens its panel
(一长两员, households, open cases); a district administrator drills down district → street →
community → grid by the map and by the panel; on a phone the map fits the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from grassroots.org import actions as org_actions
from grassroots.org.choices import Role
from grassroots.web.tests.browser.harness import sticking_out, watch_of

# Points inside grid X (lng 103.00–103.01, lat 26.00–26.01: the root conftest's squares), close
# enough together to share a cluster, away from the grid's middle where its label sits; one in Y.
IN_X = [(26.0020, 103.0020), (26.0021, 103.0022), (26.0019, 103.0021)]
IN_Y = (26.0080, 103.0180)

# Case markers as the map shows them: single dots, and clusters that carry their count.
MARKERS_SHOWN = """() => {
  let n = document.querySelectorAll(".leaflet-marker-pane .case-dot").length;
  const clusters = document.querySelectorAll(".leaflet-marker-pane .case-cluster span");
  for (const c of clusters) n += Number(c.textContent);
  return n;
}"""


def chinese(text: Any) -> str:
    """A msgid or label as the pages show it by default."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def box(west: float, east: float) -> dict[str, Any]:
    """A rectangle over the world's row of grids (lat 26.00–26.01)."""
    ring = [[west, 26.0], [east, 26.0], [east, 26.01], [west, 26.01], [west, 26.0]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def no_tiles(settings: Any) -> None:
    """No tile source, as in a test or an offline installation; and no layer cached by a test
    before (the cache is per process, keyed by boundary revision)."""
    settings.MAP_TILE_URL = ""
    cache.clear()


def path_at(page: Page, pane: str, index: int) -> Locator:
    """The ``index``-th clickable shape from the west in a pane of the map (Leaflet's paths carry
    no names; the outline of the unit shown is not clickable)."""
    paths = page.locator(f".leaflet-{pane}-pane path.leaflet-interactive")
    west = [paths.nth(i).evaluate("e => e.getBoundingClientRect().left") for i in range(paths.count())]
    return paths.nth(sorted(range(len(west)), key=west.__getitem__)[index])


def beside_the_map(lines: list[str]) -> list[str]:
    """``sticking_out`` without Leaflet's drawing surface: an SVG a tenth larger than the map on
    every side, which the map clips (``overflow: hidden``, checked by the test); the helper counts
    only frames that scroll."""
    return [line for line in lines if not line.startswith('svg.leaflet-zoom-animated ""')]


def expect_unit(page: Page, unit: Any, crumbs: list[str]) -> None:
    """The map shows ``unit``: its address, its breadcrumb and its panel."""
    expect(page).to_have_url(re.compile(rf"/map/{re.escape(unit.code)}/$"))
    expect(page.locator("#map-crumbs li")).to_have_text(crumbs)
    expect(page.locator("#map-panel .map-card")).to_have_attribute("data-unit", unit.code)


def test_the_map_draws_boundaries_and_case_markers_offline_and_a_grid_opens_its_panel(
    page_for: Any, ledger: Any, report: Any, bring: Any, no_tiles: None
) -> None:
    located = [
        report(title=f"路灯{i}", household=None, lat=lat, lng=lng) for i, (lat, lng) in enumerate(IN_X)
    ]
    located.append(report(title="健身器材损坏", household=None, lat=IN_Y[0], lng=IN_Y[1]))
    unlocated = report(title="楼道灯坏了")  # placed by household X, without a point
    bring.closed(title="已办结", household=None, lat=IN_X[0][0], lng=IN_X[0][1])  # not open: no marker
    assert [case.grid for case in located] == [ledger.grid_x] * 3 + [ledger.grid_y]

    page = page_for("community_worker")
    images: list[str] = []
    page.on(
        "request", lambda request: images.append(request.url) if request.resource_type == "image" else None
    )
    page.goto("/map/")

    # Community C: its grids X and Y, shaded and outlined, and the four located open cases.
    expect(page.locator(".leaflet-grids-pane path")).to_have_count(2)
    expect(page.locator(".leaflet-bounds-pane path")).to_have_count(2)
    page.wait_for_function(f"() => ({MARKERS_SHOWN})() === 4")
    expect(page.locator(".leaflet-marker-pane .case-cluster")).to_have_count(1)  # the three in X
    status = chinese("Open cases without a location: %(n)s").replace("%(n)s", "1")
    expect(page.locator("#map-status")).to_have_text(status)

    # Offline: no tile layer, no tile image asked of anyone (the site's own Leaflet images only).
    assert page.locator(".leaflet-tile-pane img").count() == 0
    origin = watch_of(page).origin
    assert [url for url in images if not url.startswith(origin + "/static/")] == []

    # Clicking grid X on the map opens its panel: 一长两员, households, open cases.
    path_at(page, "bounds", 0).click()
    card = page.locator(f"#map-panel .map-card[data-unit='{ledger.grid_x.code}']")
    expect(card).to_be_visible()
    expect(page).to_have_url(re.compile(r"/map/$"))  # a grid's panel, not another map
    staff = [
        (chinese(Role.GRID_LEADER.label), "gl_x"),
        (chinese(Role.PARTY_GUIDE.label), chinese("vacant")),
        (chinese(Role.GRID_MANAGER.label), "gm_x"),
    ]
    rows = card.locator(".map-staff li")
    expect(rows).to_have_count(len(staff))
    for i, (role, name) in enumerate(staff):
        expect(rows.nth(i).locator(".role")).to_have_text(role)
        expect(rows.nth(i)).to_contain_text(name)
    facts = dict(
        zip(
            card.locator(".map-facts dt").all_inner_texts(),
            card.locator(".map-facts dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts == {chinese("Households"): "1", chinese("Open cases"): "4"}
    numbers = {case.number for case in [*located[:3], unlocated]}
    assert {line.split()[0] for line in card.locator(".map-cases li").all_inner_texts()} == numbers

    assert watch_of(page).problems() == []
    assert all(url.startswith(origin + "/") for url in watch_of(page).requests)


def test_a_district_administrator_drills_down_to_a_grid_by_the_map_and_the_panel(
    page_for: Any, ledger: Any, no_tiles: None
) -> None:
    # Streets and communities with boundaries of their own, as a district's survey draws them.
    for unit, west, east in [
        (ledger.street, 103.00, 103.03),
        (ledger.street2, 103.03, 103.04),
        (ledger.community, 103.00, 103.02),
        (ledger.community2, 103.02, 103.03),
        (ledger.community3, 103.03, 103.04),
    ]:
        org_actions.set_boundary(actor=ledger.root, unit=unit, boundary=box(west, east))
    district, street, community = ledger.district.name, ledger.street.name, ledger.community.name

    page = page_for("district_admin")
    page.goto("/map/")
    expect(page.locator("#map-crumbs li")).to_have_text([district])
    expect(page.locator("#map-panel .map-card")).to_have_attribute("data-unit", ledger.district.code)
    expect(page.locator(".leaflet-bounds-pane path")).to_have_count(2)  # the two streets
    expect(page.locator(".leaflet-grids-pane path")).to_have_count(4)

    # District → street: a click on the street on the map.
    path_at(page, "bounds", 0).click()
    expect_unit(page, ledger.street, [district, street])
    expect(page.locator(".leaflet-bounds-pane path")).to_have_count(3)  # its outline, two communities

    # Street → community: the panel's link.
    page.locator("#map-panel a[data-drill]", has_text=community).click()
    expect_unit(page, ledger.community, [district, street, community])
    expect(page.locator(".leaflet-grids-pane path")).to_have_count(2)

    # A grid clicked on the map opens its panel in place; its back link returns to the community.
    path_at(page, "bounds", 1).click()
    expect(page.locator("#map-panel .map-card")).to_have_attribute("data-unit", ledger.grid_y.code)
    expect(page).to_have_url(re.compile(rf"/map/{re.escape(ledger.community.code)}/$"))
    page.locator("#map-panel .map-back a").click()
    expect_unit(page, ledger.community, [district, street, community])

    # Community → grid: the panel's link opens the grid's own map.
    page.locator("#map-panel a[data-drill]", has_text=ledger.grid_x.name).click()
    expect_unit(page, ledger.grid_x, [district, street, community, ledger.grid_x.name])
    expect(page.locator("#map-panel .map-staff")).to_be_visible()

    # The browser's back button goes up again.
    page.go_back()
    expect_unit(page, ledger.community, [district, street, community])


def test_on_a_phone_the_map_fits_the_screen_and_a_tap_opens_the_grid_below_it(
    page_for: Any, ledger: Any, report: Any, no_tiles: None
) -> None:
    report(title="井盖松动", household=None, lat=IN_X[0][0], lng=IN_X[0][1])
    page = page_for("community_worker", phone=True)
    page.goto("/map/")

    expect(page.locator(".leaflet-grids-pane path")).to_have_count(2)
    page.wait_for_function(f"() => ({MARKERS_SHOWN})() === 1")
    canvas = page.locator("#map")
    expect(canvas).to_be_visible()
    frame = canvas.bounding_box()
    assert frame is not None
    assert frame["x"] >= 0, frame
    assert frame["x"] + frame["width"] <= 375, frame
    assert frame["height"] >= 250, frame
    assert canvas.evaluate("e => getComputedStyle(e).overflow") == "hidden"
    assert beside_the_map(sticking_out(page)) == []

    path_at(page, "bounds", 0).tap()
    panel = page.locator(f"#map-panel .map-card[data-unit='{ledger.grid_x.code}']")
    expect(panel).to_be_visible()
    card = panel.bounding_box()
    assert card is not None
    assert card["y"] >= frame["y"] + frame["height"]  # below the map, not over it
    assert beside_the_map(sticking_out(page)) == []
