"""What the case page shows: the case's facts, its clocks with colour chips and the working days
left, supervision, rating, linked cases and common problem, the whole timeline in order, and the
place on a small map (the grid's boundary and the point; tiles only when ``MAP_TILE_URL`` is set)."""

import datetime as dt
import json
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.cases import actions
from grassroots.cases.models import Case
from grassroots.org.models import Unit


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def page_of(user, case, **params):
    page = client_of(user).get(reverse("web:case", args=[case.number]), params)
    assert page.status_code == 200
    return page


def test_the_facts_of_the_case_are_shown(ledger, bring):
    w = ledger
    case = bring.in_progress("grid")
    case = actions.assign_case(case, actor=w.community_worker, version=case.version, assignee=w.grid_leader_x)
    body = page_of(w.community_worker, case).content.decode()
    for text in (
        case.number,
        "楼道灯坏了",
        "3单元楼道灯不亮，晚上看不见。",
        "Grid patrol",
        "社区事务 › 楼道照明",
        "Community matter (小事)",
        "按事项清单分流",  # the reason for the class
        "Normal",
        "Responsible handling (负责办)",
        "第一网格",
        "gl_x",  # the assignee
        "In progress",
    ):
        assert text in body, text


def test_the_clocks_show_their_colour_and_the_working_days_left(ledger, bring):
    case = bring.in_progress("grid")
    page = page_of(ledger.community_worker, case)
    rows = {str(row.label): row for row in page.context["deadlines"]}
    assert set(rows) == {"Response", "This stage", "Whole case"}
    assert rows["Response"].colour == "green"  # acted on at once
    assert rows["This stage"].colour == ""
    assert "working days left" in rows["This stage"].status

    past = timezone.now() - dt.timedelta(days=10)
    Case.objects.filter(pk=case.pk).update(stage_due_at=past, stage_yellow_at=past - dt.timedelta(days=1))
    page = page_of(ledger.community_worker, case)
    stage = next(row for row in page.context["deadlines"] if str(row.label) == "This stage")
    assert stage.colour == "red"
    assert stage.status.startswith("overdue by ")
    assert re.search(r'<span class="chip red" data-colour="red">red</span>', page.content.decode())


def test_supervision_and_the_rating_are_shown(ledger, bring):
    w = ledger
    case = bring.rated()
    case = actions.supervise_case(
        case, actor=w.district_admin, version=case.version, level="yellow_card", reason="群众反映强烈"
    )
    body = page_of(w.community_worker, case).content.decode()
    assert 'data-supervision="yellow_card"' in body
    assert "群众反映强烈" in body
    assert "Satisfied" in body
    assert "5 of 5" in body


def test_duplicates_and_the_common_problem_are_linked(ledger, bring):
    w = ledger
    original = bring.registered(title="路灯坏了（首报）")
    duplicate = bring.registered(title="路灯又坏了")
    actions.mark_duplicate(
        duplicate, actor=w.community_worker, version=duplicate.version, original=original, note="同一盏灯"
    )
    neighbour = bring.registered(title="隔壁楼道灯也坏了")
    problem = actions.create_problem(
        actor=w.community_worker, title="桂苑路灯老化", cases=[original, neighbour]
    )
    body = page_of(w.community_worker, original).content.decode()
    assert f'<a href="{reverse("web:case", args=[duplicate.number])}" data-duplicate>' in body
    assert problem.title in body
    body = page_of(w.community_worker, duplicate).content.decode()
    assert f'<a href="{reverse("web:case", args=[original.number])}" data-original>' in body


def test_the_timeline_lists_every_event_in_order_with_actor_and_states(ledger, bring):
    case = bring.closed()
    page = page_of(ledger.community_worker, case)
    kinds = [row.event.kind for row in page.context["timeline"]]
    assert kinds == list(case.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["register", "triage", "route", "accept", "resolve", "verify", "rate", "close"]
    body = page.content.decode()
    assert re.findall(r'<li data-event="([a-z_]+)">', body) == kinds
    assert "Resolved, awaiting verification → Awaiting the reporter&#x27;s rating" in body
    assert "cw2" in body  # who verified
    assert "更换了灯泡" in body  # the note of the resolution


def test_the_map_draws_the_grid_and_the_point_without_tiles_by_default(ledger, bring, settings):
    settings.MAP_TILE_URL = ""
    case = bring.registered()
    body = page_of(ledger.community_worker, case).content.decode()
    script = re.search(r'<script id="case-map-data" type="application/json">(.*?)</script>', body)
    assert script is not None
    data = json.loads(script[1])
    assert data["tiles"] == ""
    assert data["point"] == [26.005, 103.005]  # the building of the household
    assert data["boundary"] == json.loads(json.dumps(Unit.objects.get(pk=ledger.grid_x.pk).boundary))
    assert "vendor/leaflet-1.9.4/leaflet.js" in body


def test_the_map_uses_the_configured_tiles(ledger, bring, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    case = bring.registered(lat=26.002, lng=103.003, household=None)
    page = page_of(ledger.community_worker, case)
    assert page.context["map"]["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert page.context["map"]["point"] == [26.002, 103.003]


def test_the_triage_form_shows_the_catalogs_suggestion(ledger, bring):
    w = ledger
    case = bring.registered(category=w.cat_road)
    page = page_of(w.community_worker, case)
    triage = next(act for act in page.context["acts"] if act.name == "triage")
    assert triage.suggestion.triage_class == "Major matter (大事)"
    assert triage.suggestion.department == "区住建局"
    assert triage.form["triage_class"].value() == "major"  # preselected; the person decides
    body = page.content.decode()
    assert "The catalog for 城乡建设 › 道路维修 suggests:" in body
    assert "department: 区住建局" in body


def test_the_page_carries_the_suggestion_of_every_category_the_triage_form_offers(ledger, bring):
    w = ledger
    case = bring.registered(category=None)
    page = page_of(w.community_worker, case)
    triage = next(act for act in page.context["acts"] if act.name == "triage")
    assert triage.suggestion is None  # no category yet: nothing suggested until one is picked
    suggestions = page.context["suggestions"]
    assert suggestions[str(w.cat_light.pk)] == (
        "The catalog for 社区事务 › 楼道照明 suggests: Community matter (小事)"
    )
    assert suggestions[str(w.cat_road.pk)].endswith("Major matter (大事) · department: 区住建局")
    assert '<script id="case-suggestions" type="application/json">' in page.content.decode()
    assert page_of(w.grid_manager_x, case).context["suggestions"] is None  # not offered triage
