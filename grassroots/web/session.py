"""Who is signed in to the pages, and which of their posts they are working in.

A person may hold several posts (a community worker who is also a grid leader, a street cadre
who serves as a party-building guide). The unit switcher keeps the chosen post in the session;
pages use it for their defaults (the workbench's "my unit", the map's and the board's starting
unit). It never widens access: what a user may read is always the union of all their posts
(docs/access.md).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from grassroots.core.admin_site import signed_in
from grassroots.core.models import User
from grassroots.org import access
from grassroots.org.choices import Role
from grassroots.org.models import Post, Unit

SESSION_KEY = "web.post"

# Higher first: the post a person with several posts starts in.
ROLE_ORDER: list[str] = [
    Role.DISTRICT_ADMIN,
    Role.STREET_STAFF,
    Role.COMMUNITY_STAFF,
    Role.DEPARTMENT_HANDLER,
    Role.GRID_LEADER,
    Role.GRID_MANAGER,
    Role.PARTY_GUIDE,
]


def account(request: HttpRequest) -> User:
    """The signed-in, active user (``login_required`` lets an inactive session through)."""
    user = signed_in(request.user)
    if user is None:
        raise Http404
    return user


def _rank(post: Post) -> tuple[int, int, str]:
    role = ROLE_ORDER.index(post.role) if post.role in ROLE_ORDER else len(ROLE_ORDER)
    depth = post.unit.depth if post.unit is not None else 0
    return (depth, role, post.unit.path if post.unit is not None else "")


def posts_of(user: User) -> list[Post]:
    """The user's active posts, the highest first."""
    return sorted(access.active_posts(user), key=_rank)


def current_post(request: HttpRequest) -> Post | None:
    """The post chosen in the unit switcher, or the user's highest; ``None`` for users without posts."""
    user = signed_in(request.user)
    if user is None:
        return None
    posts = posts_of(user)
    chosen = request.session.get(SESSION_KEY)
    for post in posts:
        if post.pk == chosen:
            return post
    return posts[0] if posts else None


def current_unit(request: HttpRequest) -> Unit | None:
    """The unit of the current post (a department post has none)."""
    post = current_post(request)
    return post.unit if post is not None else None


def choose_post(request: HttpRequest, post_id: int) -> Post:
    """Switch to one of the user's own posts; any other id is not found."""
    for post in posts_of(account(request)):
        if post.pk == post_id:
            request.session[SESSION_KEY] = post.pk
            return post
    raise Http404
