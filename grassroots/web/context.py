"""Template context for every page: the navigation and the unit switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from grassroots.core.admin_site import signed_in
from grassroots.web import nav, session


def pages(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request.user) if hasattr(request, "user") else None
    if user is None:
        return {}
    return {
        "nav_links": SimpleLazyObject(lambda: nav.links_for(request, user)),
        "my_posts": SimpleLazyObject(lambda: session.posts_of(user)),
        "current_post": SimpleLazyObject(lambda: session.current_post(request)),
    }
