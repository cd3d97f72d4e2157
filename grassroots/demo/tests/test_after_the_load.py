"""After a load the application writes as usual: ids continue after the demo's rows."""

from __future__ import annotations

from grassroots.core.models import User
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit
from grassroots.people import actions
from grassroots.people.models import CareTag, Household, PartyMember, Resident


def test_new_rows_get_fresh_ids_after_the_demos(tiny):
    root = User.objects.create_superuser(username="root", password="pw")
    grid = Unit.objects.filter(kind=UnitKind.GRID).first()
    assert grid is not None
    last = {m: m.objects.order_by("-pk").values_list("pk", flat=True).first() for m in (Household, Resident)}
    household = actions.register_household(actor=root, grid=grid, address="新地址1号")
    resident = actions.register_resident(
        actor=root,
        household=household,
        name="测试",
        gender="female",
        birth_year=1990,
        id_number="530113199001011249",
        tags=["veteran"],
    )
    assert household.pk > (last[Household] or 0)
    assert resident.pk > (last[Resident] or 0)
    assert CareTag.objects.filter(resident=resident).exists()
    assert PartyMember.objects.exists()
