"""manage.py boundaries export/import: acts as a named user, audited, all or nothing."""

import json

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from conftest import square
from grassroots.core.models import AuditAction, AuditRecord


def test_export_writes_a_feature_collection_to_a_file(world, tmp_path):
    out = tmp_path / "grids.geojson"
    call_command("boundaries", "export", "--as", "cw", "--kind", "grid", "-o", str(out))
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["code"] for f in collection["features"]] == [world.grid_x.code, world.grid_y.code]
    assert "第一网格" in out.read_text(encoding="utf-8")  # names stay readable


def test_import_sets_boundaries_as_the_named_user_and_is_audited(world, tmp_path, capsys):
    path = tmp_path / "grids.geojson"
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": world.grid_x.code},
                "geometry": square(103.0, 26.0, 0.008),
            }
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("boundaries", "import", str(path), "--as", "cw")
    world.grid_x.refresh_from_db()
    assert shape(world.grid_x.boundary).equals(shape(square(103.0, 26.0, 0.008)))
    record = AuditRecord.objects.filter(target_id=world.grid_x.code, action=AuditAction.UPDATE).latest("pk")
    assert record.actor == world.community_worker
    assert record.source == "command:boundaries"
    assert "1 updated" in capsys.readouterr().out


def test_import_with_errors_fails_and_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "grids.geojson"
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": world.grid_x.code},
                "geometry": square(103.0, 26.0, 0.008),
            },
            {"type": "Feature", "properties": {"code": "NOPE"}, "geometry": square(103.0, 26.0)},
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("boundaries", "import", str(path), "--as", "root")
    assert "features[1] NOPE: error: No unit has the code NOPE." in capsys.readouterr().out
    world.grid_x.refresh_from_db()
    assert shape(world.grid_x.boundary).equals(shape(square(103.0, 26.0)))


def test_import_dry_run_writes_nothing(world, tmp_path, capsys):
    out = tmp_path / "all.geojson"
    call_command("boundaries", "export", "--as", "root", "-o", str(out))
    before = AuditRecord.objects.count()
    call_command("boundaries", "import", str(out), "--as", "root", "--dry-run")
    assert "Dry run" in capsys.readouterr().out
    assert AuditRecord.objects.count() == before


def test_the_command_needs_an_existing_active_user(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("boundaries", "export")
    with pytest.raises(CommandError, match="No active user"):
        call_command("boundaries", "export", "--as", "ghost")
    with pytest.raises(CommandError, match="No unit has the code"):
        call_command("boundaries", "export", "--as", "gm_x", "--root", world.community.code)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("boundaries", "import", str(tmp_path / "missing.geojson"), "--as", "root")
