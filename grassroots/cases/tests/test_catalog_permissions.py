"""Who may change the matter catalog, its time limits and a district's deadline settings: the
district's administrators and superusers (and the system, for loaders); everyone else is refused."""

from decimal import Decimal

import pytest

from conftest import PERSONAS
from grassroots.cases import catalog
from grassroots.cases.models import Category, SlaSettings, TimeLimit
from grassroots.core.errors import NotAllowed
from grassroots.core.models import AuditRecord

REFUSED = [p for p in PERSONAS if p != "district_admin"]


def test_a_district_administrator_adds_changes_and_deactivates_a_category(world):
    admin = world.district_admin
    top = catalog.create_category(actor=admin, district=world.district, code="SQ", name="社区治理")
    child = catalog.create_category(
        actor=admin,
        district=world.district,
        code="SQ-01",
        name="楼道照明",
        parent=top,
        default_class="community",
    )
    catalog.update_category(actor=admin, category=child, name="楼道照明与门禁", keywords="楼道灯,门禁")
    catalog.deactivate_category(actor=admin, category=top)

    child.refresh_from_db()
    assert child.level == 2
    assert child.name == "楼道照明与门禁"
    assert child.keywords == "楼道灯、门禁"
    assert child.is_active is False  # deactivated with its parent
    records = AuditRecord.objects.filter(target_type="cases.category", scope_path=world.district.path)
    assert records.count() == 4


@pytest.mark.parametrize("persona", REFUSED)
def test_nobody_else_changes_the_catalog(world, personas, persona):
    user = personas[persona]
    top = catalog.create_category(actor=None, district=world.district, code="SQ", name="社区治理")

    with pytest.raises(NotAllowed):
        catalog.create_category(actor=user, district=world.district, code="SH", name="生活服务")
    with pytest.raises(NotAllowed):
        catalog.update_category(actor=user, category=top, name="社区事务")
    with pytest.raises(NotAllowed):
        catalog.deactivate_category(actor=user, category=top)
    with pytest.raises(NotAllowed):
        catalog.set_time_limit(
            actor=user, district=world.district, category=top, stage="case", handling_days=3
        )
    with pytest.raises(NotAllowed):
        catalog.update_sla_settings(actor=user, district=world.district, yellow_fraction="0.8")

    assert Category.objects.filter(district=world.district).count() == 1
    assert not TimeLimit.objects.exists()


def test_an_administrator_of_another_district_is_refused(default_catalog):
    w = default_catalog
    category = Category.objects.get(district=w.district, code="SQ")

    with pytest.raises(NotAllowed):
        catalog.update_category(actor=w.other_admin, category=category, name="别的")
    with pytest.raises(NotAllowed):
        catalog.update_sla_settings(actor=w.other_admin, district=w.district, case_days=20)
    catalog.create_category(actor=w.other_admin, district=w.district2, code="SQ", name="社区治理")


def test_a_superuser_and_the_system_may_edit_any_catalog(world):
    catalog.create_category(actor=world.root, district=world.district, code="A", name="甲")
    catalog.create_category(actor=None, district=world.district, code="B", name="乙")

    system = AuditRecord.objects.get(target_type="cases.category", target_id="B")
    assert system.actor is None


def test_time_limits_and_deadline_settings_are_set_and_audited(world):
    admin = world.district_admin
    top = catalog.create_category(actor=admin, district=world.district, code="SQ", name="社区治理")

    limit = catalog.set_time_limit(
        actor=admin,
        district=world.district,
        category=top,
        triage_class="community",
        stage="community",
        handling_days="3",
        response_days=1,
    )
    catalog.set_time_limit(
        actor=admin,
        district=world.district,
        category=top,
        triage_class="community",
        stage="community",
        handling_days="4.5",
    )
    sla = catalog.update_sla_settings(
        actor=admin, district=world.district, yellow_fraction="0.8", case_days=20
    )

    limit.refresh_from_db()
    assert limit.handling_days == Decimal("4.5")
    assert limit.response_days == Decimal("1")
    assert TimeLimit.objects.count() == 1
    assert SlaSettings.objects.get(district=world.district) == sla
    assert sla.yellow_fraction == Decimal("0.8")
    assert AuditRecord.objects.filter(target_type="cases.timelimit").count() == 2
    assert AuditRecord.objects.get(target_type="cases.slasettings").changes["case_days"] == ["15.00", "20"]

    catalog.remove_time_limit(actor=admin, limit=limit)
    assert not TimeLimit.objects.exists()
