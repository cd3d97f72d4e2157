"""``manage.py load_catalog`` loads the shipped catalog (at least the 15 top classes of a 12345
hotline, with second and third levels, classes, departments, keywords, examples and time limits)
through the actions; running it again changes nothing; ``--replace`` makes the catalog exactly
the default one."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from grassroots.cases import catalog, deadlines
from grassroots.cases import default_catalog as shipped
from grassroots.cases.models import Case, Category, LimitStage, TimeLimit
from grassroots.core.models import AuditRecord

HOTLINE_TOP_CLASSES = {
    "城乡建设", "环境保护", "交通运输", "劳动和社会保障", "教育文体", "卫生健康", "商贸旅游", "公安司法",
    "民政", "农村农业", "市场监管", "自然资源", "党务政务", "科技与信息产业", "经济管理",
}  # fmt: skip


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_catalog", "--district", "530113", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "categories": list(Category.objects.order_by("code").values()),
        "limits": list(TimeLimit.objects.order_by("id").values()),
        "audit": AuditRecord.objects.count(),
    }


def test_the_shipped_data_is_well_formed():
    assert shipped.check() == []
    codes = [entry.code for entry in shipped.entries()]
    assert len(codes) == len(set(codes))


def test_the_command_loads_the_hotline_top_classes_with_their_levels(world):
    output = load()

    tops = set(Category.objects.filter(district=world.district, level=1).values_list("name", flat=True))
    assert tops >= HOTLINE_TOP_CLASSES
    assert len(tops) >= 15
    assert {"社区治理", "生活服务"} <= tops
    assert Category.objects.filter(level=2).count() >= 60
    assert Category.objects.filter(level=3).count() >= 30
    assert "165 categories created" in output
    assert "short name 住建" in output  # the world's district has no 住建 department: reported


def test_every_category_has_a_class_and_the_classes_follow_the_three_matters(world):
    load()
    by_name = {c.name: c for c in Category.objects.select_related("parent__parent")}

    assert all(category.effective_class() for category in by_name.values())
    assert by_name["低保救助"].effective_class() == "major"
    assert by_name["道路破损"].effective_class() == "major"
    for name in ("社区物业", "楼道照明", "垃圾清运", "停车管理", "噪音扰民", "房屋漏水", "居家养老服务"):
        assert by_name[name].effective_class() == "community", name
    for name in ("家政保洁", "家电维修"):
        assert by_name[name].effective_class() == "private", name
    leaves = [c for c in by_name.values() if not c.children.exists()]
    assert all(catalog.keyword_list(c.keywords) and catalog.example_list(c.examples) for c in leaves)


def test_departments_are_found_by_short_name_and_missing_ones_reported(default_catalog):
    w = default_catalog
    road = Category.objects.get(district=w.district, name="道路破损")
    manhole = Category.objects.get(district=w.district, name="井盖缺损")
    allowance = Category.objects.get(district=w.district, name="低保救助")
    assert road.department == w.housing
    assert manhole.effective_department() == w.city_management
    assert allowance.effective_department() == w.department
    assert road.auto_escalate
    assert road.urgent_may_skip
    assert "公安" in w.catalog_load.missing_departments
    assert "民政" not in w.catalog_load.missing_departments


def test_loading_again_changes_nothing(default_catalog):
    before = snapshot()
    output = load()
    assert "0 categories created, 0 updated, 165 unchanged" in output
    assert snapshot() == before


def test_loading_again_puts_shipped_values_back_and_keeps_local_categories(default_catalog):
    w = default_catalog
    light = Category.objects.get(district=w.district, code="SQ-01-02")
    catalog.update_category(actor=None, category=light, name="楼道灯")
    local = catalog.create_category(actor=None, district=w.district, code="LOCAL", name="本地事项")

    load()

    light.refresh_from_db()
    local.refresh_from_db()
    assert light.name == "楼道照明"
    assert local.is_active


def test_replace_makes_the_catalog_exactly_the_default_one(default_catalog):
    w = default_catalog
    local = catalog.create_category(actor=None, district=w.district, code="LOCAL", name="本地事项")
    catalog.set_time_limit(
        actor=None, district=w.district, stage="grid", triage_class="private", handling_days=9
    )
    cleaning = Category.objects.get(district=w.district, code="SH-01")
    catalog.deactivate_category(actor=None, category=cleaning)

    output = load("--replace")

    local.refresh_from_db()
    cleaning.refresh_from_db()
    assert not local.is_active
    assert cleaning.is_active
    assert not TimeLimit.objects.filter(triage_class="private", stage="grid").exists()
    assert "1 deactivated" in output
    assert "1 removed" in output


def test_acting_as_a_user_applies_their_permissions(default_catalog):
    with pytest.raises(CommandError):
        load("--as", "cw")
    load("--as", "da")
    with pytest.raises(CommandError):
        load("--as", "no-such-user")
    with pytest.raises(CommandError):
        call_command("load_catalog", "--district", "NOPE", stdout=io.StringIO())


def test_the_shipped_limits_apply_to_cases(default_catalog, world):
    light = Category.objects.get(district=world.district, code="SQ-01-02")
    road = Category.objects.get(district=world.district, code="CJ-01-01")
    sla = deadlines.sla_for(world.district)
    case = Case(district=world.district, category=light, triage_class="community", urgency="normal")

    assert deadlines.limits_for(case, LimitStage.COMMUNITY, sla).handling == Decimal(3)
    assert deadlines.limits_for(case, LimitStage.CASE, sla).handling == Decimal(5)
    assert deadlines.limits_for(case, LimitStage.STREET, sla).handling == Decimal(7)  # district default
    case.category, case.triage_class = road, "major"
    assert deadlines.limits_for(case, LimitStage.DEPARTMENT, sla).handling == Decimal(10)
    assert deadlines.limits_for(case, LimitStage.STREET, sla).handling == Decimal(3)  # 大事 at the street
    assert deadlines.limits_for(case, LimitStage.CASE, sla).verification == Decimal(3)
