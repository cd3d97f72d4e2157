def test_world_builds(world):
    assert world.grid_x.path.startswith(world.community.path)
    assert world.resident_a.id_number_masked == "5301**********1230"
