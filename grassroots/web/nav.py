"""The top navigation: which pages a user is offered, by what they hold.

Each page adds one ``Entry`` to ``ENTRIES`` with the test of who is offered it. Offering is
convenience only: every view checks access itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grassroots.core.models import User
from grassroots.org import access
from grassroots.org.choices import TREE_SCOPE_ROLES
from grassroots.people.access import own_resident
from grassroots.web.views import intake, problems
from grassroots.web.views.map import may_use_map


@dataclass(frozen=True)
class Entry:
    key: str  # compared with the ``nav`` a page's template sets, to mark the current entry
    label: str | Promise
    url_name: str
    offered: Callable[[HttpRequest, User], bool]


def reads_people(request: HttpRequest, user: User) -> bool:
    """Holds a post that opens a unit's people data (the base survey)."""
    return access.is_superuser(user) or any(
        post.role in TREE_SCOPE_ROLES and post.unit is not None for post in access.active_posts(user)
    )


def uses_admin(request: HttpRequest, user: User) -> bool:
    return admin.site.has_permission(request)


ENTRIES: list[Entry] = [
    Entry("home", _("Home"), "web:home", lambda request, user: True),
    Entry("workbench", _("Workbench"), "web:workbench", lambda request, user: access.is_staff(user)),
    Entry("survey", _("Base survey"), "web:survey", reads_people),
    Entry("map", _("Map"), "web:map", lambda request, user: may_use_map(user)),
    Entry(
        "board",
        _("Board"),
        "web:board",
        lambda request, user: reads_people(request, user) or bool(access.departments_of(user)),
    ),
    Entry("problems", _("Common problems"), "web:problems", lambda request, user: problems.offered(user)),
    Entry("new_case", _("New case"), "web:new-case", intake.offered_new_case),
    Entry("quick_report", _("Quick report"), "web:quick-report", intake.offered_quick_report),
    Entry("portal", _("My requests"), "web:portal", lambda request, user: own_resident(user) is not None),
    Entry("jobs", _("Imports and exports"), "web:jobs", lambda request, user: access.is_staff(user)),
    Entry("admin", _("Administration"), "admin:index", uses_admin),
]


@dataclass(frozen=True)
class Link:
    key: str
    label: str | Promise
    url: str


def links_for(request: HttpRequest, user: User) -> list[Link]:
    return [
        Link(entry.key, entry.label, reverse(entry.url_name))
        for entry in ENTRIES
        if entry.offered(request, user)
    ]
