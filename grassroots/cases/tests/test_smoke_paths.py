from grassroots.cases import actions
from grassroots.cases.models import Case


def test_a_community_matter_goes_the_whole_way(ledger, report):
    w = ledger
    case = report(category=w.cat_light)
    assert case.number.endswith("000001")
    assert case.state == "registered"
    assert case.unit == w.grid_x
    case = actions.triage_case(
        case,
        actor=w.community_worker,
        version=case.version,
        triage_class="community",
        reason="公共照明属社区事务",
    )
    case = actions.route_case(case, actor=w.community_worker, version=case.version)
    assert case.responsible_unit == w.community
    case = actions.accept_case(case, actor=w.community_worker, version=case.version)
    case = actions.resolve_case(case, actor=w.community_worker, version=case.version, resolution="更换了灯泡")
    case = actions.verify_case(case, actor=w.community_worker2, version=case.version)
    case = actions.rate_case(
        case, actor=w.resident_a_user, version=case.version, satisfaction="satisfied", score=5
    )
    case = actions.close_case(case, actor=w.community_worker, version=case.version)
    case = Case.objects.get(pk=case.pk)
    assert case.state == "closed"
    assert case.outcome == "solved"
    assert [e.kind for e in case.events.all()] == [
        "register",
        "triage",
        "route",
        "accept",
        "resolve",
        "verify",
        "rate",
        "close",
    ]
