"""The board shows the figures of ``cases.metrics`` for the hand-built March 2025 data set of
``cases/tests/test_metrics_formulas.py`` (known answers), each with its formula and the counts it
rests on, and says whether they are frozen or live."""

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from grassroots.cases import metrics, tally
from grassroots.cases.models import Case
from grassroots.cases.tests import test_metrics_formulas as known

march = known.march  # the data set, as a fixture of this module
MARCH = {"period": "month", "start": "2025-03-01"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def board(client, unit, **params):
    response = client.get(reverse("web:board-unit", args=[unit.code]), {**MARCH, **params}, **EN)
    assert response.status_code == 200
    return response


class FigureCells(HTMLParser):
    """Every figure on the page: the cards (``li.figure``) and the table cells holding a ratio
    (``td`` with a ``span.frac``), each with its ``title`` and whether it has a visible formula."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, str]] = []
        self.cells: list[str | None] = []
        self._td_title: str | None = None
        self._in_td = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "li" and "figure" in classes:
            self.cards.append({"title": attributes.get("title") or "", "details": ""})
        if tag == "details" and "formula" in classes and self.cards and not self.cards[-1]["details"]:
            self.cards[-1]["details"] = "open"
        if tag == "td":
            self._in_td, self._td_title = True, attributes.get("title")
        if tag == "span" and "frac" in classes and self._in_td:
            self.cells.append(self._td_title)

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_td = False


def test_the_figures_are_the_metrics_of_the_unit_and_its_children(march, client_for):
    w = march
    response = board(client_for("district_admin"), w.district)

    expected = metrics.period_metrics(w.district, "month", dt.date(2025, 3, 1), levels=1)
    shown = {row.code: row for row in response.context["board"].rows}
    assert (
        set(shown) == {row.code for row in expected.rows} == {w.district.code, w.street.code, w.street2.code}
    )
    for row in expected.rows:
        assert shown[row.code].counts == row.counts.as_dict()
        assert [f.value for f in shown[row.code].figures] == [row.ratio(m) for m in metrics.METRICS]
    # and they are the hand-computed ones
    own = {f.key: f for f in response.context["board"].own.figures}
    assert {key: (f.numerator, f.denominator) for key, f in own.items()} == {
        "response": (6, 10),
        "completion": (5, 8),
        "on_time": (3, 8),
        "satisfaction": (3, 4),
        "reopen": (2, 5),
    }


def test_each_figure_is_printed_with_its_numerator_and_denominator(march, client_for):
    html = board(client_for("district_admin"), march.district).content.decode()

    for value, numerator, denominator in [
        ("60.0%", 6, 10),
        ("62.5%", 5, 8),
        ("37.5%", 3, 8),
        ("75.0%", 3, 4),
        ("40.0%", 2, 5),
    ]:
        card = (
            rf'<p class="figure-value">{re.escape(value)}</p>\s*<p class="figure-fraction">'
            rf'<span class="num">{numerator}</span> / <span class="den">{denominator}</span>'
        )
        assert re.search(card, html), value
    # a ratio resting on nothing is empty, not 0 %: street S2 has no case due
    s2 = next(
        row
        for row in board(client_for("district_admin"), march.district).context["board"].rows
        if row.code == march.street2.code
    )
    assert [f.text for f in s2.figures] == ["0.0%", "—", "—", "—", "—"]


def test_a_grid_managers_board_has_their_grids_figures(march, client_for):
    w = march
    response = board(client_for("grid_manager_x"), w.grid_x)

    own = response.context["board"].own
    assert own.code == w.grid_x.code
    # received, in time, due, solved, solved in time, rated, satisfied, closed, reopened
    assert tuple(own.counts.values()) == (4, 2, 3, 2, 1, 3, 2, 2, 1)
    assert response.context["board"].rows == [own]


def test_every_figure_carries_its_formula_on_hover_and_for_keyboard_and_touch(march, client_for):
    html = board(client_for("district_admin"), march.district).content.decode()
    with translation.override("en"):
        formulas = metrics.formulas()
    parser = FigureCells()
    parser.feed(html)

    assert [unescape(card["title"]) for card in parser.cards] == [formulas[m] for m in metrics.METRICS]
    assert all(card["details"] for card in parser.cards)
    for formula in formulas.values():
        # the formula is also written out in the card's disclosure, readable without a pointer
        assert f"<summary>Formula</summary><p>{escape(formula)}</p>" in html
    # the table cells: 3 units and 12 trend periods × 5 rates, and the ranking's 2 streets
    assert len(parser.cells) == 3 * 5 + 12 * 5 + 2
    assert all(cell is not None and unescape(cell) in formulas.values() for cell in parser.cells)


def test_the_formulas_follow_the_language_of_the_page(march, client_for):
    response = client_for("district_admin").get(reverse("web:board-unit", args=[march.district.code]), MARCH)
    with translation.override("zh-hans"):
        chinese = metrics.formulas()
    with translation.override("en"):
        assert chinese["completion"] != metrics.formulas()["completion"]
    html = response.content.decode()
    for formula in chinese.values():
        assert escape(formula) in html


def test_a_frozen_period_shows_its_snapshot_and_says_so(march, client_for):
    w = march
    client = client_for("district_admin")
    assert board(client, w.district).context["board"].table.source == metrics.LIVE
    metrics.freeze(w.district, "month", until=dt.date(2025, 4, 1))
    # after freezing, X2 (open, due in March) is closed as solved: March must not move
    Case.objects.filter(unit=w.grid_x, closed_at__isnull=True, due_at__month=3).update(
        state="closed", outcome="solved", closed_at=known.at("2025-04-05 10:00")
    )
    tally.rebuild(w.district)  # a direct repair of the data is followed by recounting

    response = board(client, w.district)

    table = response.context["board"].table
    assert table.source == metrics.FROZEN
    own = response.context["board"].own
    assert (own.counts["due"], own.counts["solved"]) == (8, 5)
    assert "Frozen figures" in response.content.decode()
    # the current month is live
    current = client.get(reverse("web:board-unit", args=[w.district.code]), **EN)
    assert current.context["board"].table.source == metrics.LIVE
    assert "Live figures" in current.content.decode()
    # the trend marks March frozen and April (after the freeze) live
    trend = board(client, w.district, start="2025-04-01").context["board"].trend
    assert [(p.label, p.source) for p in trend[-2:]] == [("2025-03", "frozen"), ("2025-04", "live")]
