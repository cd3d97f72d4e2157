"""The unit switcher in the header: choosing another of one's posts reloads the same page working
in that post (the select submits itself; no button needed)."""

from __future__ import annotations

from grassroots.org import actions as org_actions
from grassroots.org.choices import Role


def test_choosing_another_post_reloads_the_page_in_that_post(page_for, ledger):
    leader = org_actions.assign_post(
        actor=ledger.root, user=ledger.community_worker, role=Role.GRID_LEADER, unit=ledger.grid_y
    )
    community = ledger.community_worker.posts.get(role=Role.COMMUNITY_STAFF)
    page = page_for("community_worker")
    page.goto(f"/survey/{ledger.community.code}/")
    switcher = page.locator("form.switcher select[name=post]")
    assert switcher.input_value() == str(community.pk)  # the highest post first

    with page.expect_navigation():
        switcher.select_option(str(leader.pk))

    assert page.url.endswith(f"/survey/{ledger.community.code}/")
    assert page.locator("form.switcher select[name=post]").input_value() == str(leader.pk)
    page.goto("/")
    assert page.locator("form.switcher select[name=post]").input_value() == str(leader.pk)


def test_a_person_with_one_post_has_no_switcher(page_for, ledger):
    page = page_for("grid_manager_x")
    page.goto("/")
    assert page.locator("form.switcher").count() == 0
