"""The benchmark's city is sound and every lookup method agrees on it (no timings here)."""

import numpy as np
import shapely

from bench.locate import brute_force, build_city, main, random_points, single_loop
from grassroots.org.geo import Locator


def test_the_synthetic_city_has_non_overlapping_grids_with_holes_and_exclaves():
    city = build_city(n_grids=300, seed=5)
    grids = np.array([g for _, _, g in city.grids], dtype=object)
    assert len(grids) == 300
    assert shapely.is_valid(grids).all()
    # a valid coverage: grids share edges exactly and never overlap
    assert shapely.coverage_is_valid(shapely.GeometryCollection(list(grids)))
    assert any(shapely.get_num_interior_rings(p) for g in grids for p in shapely.get_parts(g))
    assert any(shapely.get_type_id(g) == 6 for g in grids)  # MultiPolygon


def test_batch_single_and_brute_force_agree_on_every_point():
    city = build_city(n_grids=300, seed=6)
    locator = Locator(city.units)
    lats, lngs = random_points(city, 3000, seed=7)
    expected = brute_force(city, lats, lngs)
    assert (locator.locate_many(lats, lngs) == expected).all()
    assert (single_loop(locator, lats, lngs) == expected).all()
    assert (expected > 0).any()
    assert (expected < 0).any()


def test_the_command_runs_and_reports_agreement(capsys):
    assert main(["--grids", "200", "--points", "2000", "--single", "500", "--baseline", "200"]) == 0
    out = capsys.readouterr().out
    assert "agree on all 200" in out
    assert "points/s" in out
