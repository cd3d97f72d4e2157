import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grassroots.core.errors import NotAllowed
from grassroots.core.models import AuditRecord
from grassroots.org import actions
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit


def test_names_are_unique_per_parent_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(kind=UnitKind.GRID, name="第一网格", code="dup", parent=world.community, path="X")


def test_the_same_name_is_fine_under_another_parent(world):
    # 第一网格 exists under 桂苑社区, 集义社区 and 桥北社区 in the fixture
    assert Unit.objects.filter(name="第一网格").count() == 3


def test_duplicate_sibling_name_is_a_field_error(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.create_unit(actor=world.root, kind=UnitKind.GRID, name="第一网格", parent=world.community)
    assert "name" in excinfo.value.message_dict


def test_kinds_must_follow_the_tree(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.create_unit(actor=world.root, kind=UnitKind.GRID, name="错位网格", parent=world.street)
    assert "kind" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        actions.create_unit(actor=world.root, kind=UnitKind.COMMUNITY, name="顶层社区", code="TOP")


def test_courtyards_belong_to_villages(world):
    village = actions.create_unit(
        actor=world.root, kind=UnitKind.VILLAGE, name="塔水村", parent=world.street2
    )
    village_grid = actions.create_unit(actor=world.root, kind=UnitKind.GRID, name="一组网格", parent=village)
    courtyard = actions.create_unit(
        actor=world.root, kind=UnitKind.COURTYARD, name="王家院坝", parent=village_grid
    )
    assert courtyard.district == world.district
    with pytest.raises(ValidationError):
        actions.create_unit(actor=world.root, kind=UnitKind.COURTYARD, name="院坝", parent=world.grid_x)


def test_units_know_their_district_and_get_a_code(world):
    assert world.district.district_id == world.district.pk
    assert world.grid_x.district_id == world.district.pk
    assert world.grid_x.code.startswith(world.community.code + "-")


def test_codes_are_unique(world):
    with pytest.raises(ValidationError) as excinfo:
        actions.create_unit(
            actor=world.root,
            kind=UnitKind.GRID,
            name="新网格",
            parent=world.community,
            code=world.grid_x.code,
        )
    assert "code" in excinfo.value.message_dict


def test_community_worker_shapes_only_below_their_community(world):
    grid = actions.create_unit(
        actor=world.community_worker, kind=UnitKind.GRID, name="第三网格", parent=world.community
    )
    assert grid.parent == world.community
    with pytest.raises(NotAllowed):
        actions.create_unit(
            actor=world.community_worker, kind=UnitKind.GRID, name="越权网格", parent=world.community2
        )
    with pytest.raises(NotAllowed):
        actions.update_unit(actor=world.community_worker, unit=world.community, name="改名社区")


def test_grid_managers_cannot_change_the_structure(world):
    with pytest.raises(NotAllowed):
        actions.update_unit(actor=world.grid_manager_x, unit=world.grid_x, name="我的网格")


def test_every_unit_write_leaves_an_audit_record(world):
    before = AuditRecord.objects.count()
    unit = actions.update_unit(actor=world.district_admin, unit=world.grid_x, name="东区网格")
    record = AuditRecord.objects.latest("id")
    assert AuditRecord.objects.count() == before + 1
    assert record.actor == world.district_admin
    assert record.action == "update"
    assert record.target_id == unit.code
    assert record.changes["name"] == ["第一网格", "东区网格"]
    assert record.scope_path == unit.path


def test_boundary_must_be_a_valid_polygon(world):
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError, match="valid polygon"):
        actions.set_boundary(actor=world.root, unit=world.grid_x, boundary=bow_tie)
    with pytest.raises(ValidationError, match="Polygon"):
        actions.set_boundary(
            actor=world.root, unit=world.grid_x, boundary={"type": "Point", "coordinates": [1, 2]}
        )
