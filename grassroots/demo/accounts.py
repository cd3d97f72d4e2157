"""Demo sign-ins, one per role (docs/domain.md §1), and the table ``manage.py demo`` prints.

Every demo account holds a real post or record in the demo district: the grid staff are the first
grid's 一长两员, the resident is the head of a household there, the party member has a party
member record and a party-member post at their community. They share one password, printed by
the command: it is for a local demo with DEBUG on and must never protect real data (with DEBUG
off the accounts are created without a usable password). Every other generated user has an
unusable password.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, make_password
from django.utils import translation
from django.utils.translation import gettext as _

from grassroots.core.models import User
from grassroots.org.choices import Role, UnitKind
from grassroots.org.models import Post, Unit
from grassroots.people.models import Resident

DEMO_PASSWORD = "demo12345"  # noqa: S105 - a published demo password, see the module doc
RESIDENT = "resident"


@dataclass(frozen=True)
class DemoRole:
    code: str  # a ``Role`` value, or "resident"
    chinese: str  # the role's name in docs/domain.md §1


DEMO_ROLES: tuple[DemoRole, ...] = (
    DemoRole(RESIDENT, "居民"),
    DemoRole(Role.GRID_MANAGER, "网格员"),
    DemoRole(Role.GRID_LEADER, "网格长"),
    DemoRole(Role.PARTY_GUIDE, "党建指导员"),
    DemoRole(Role.COMMUNITY_STAFF, "社区工作者"),
    DemoRole(Role.STREET_STAFF, "街道干部"),
    DemoRole(Role.DEPARTMENT_HANDLER, "区职能部门经办人"),
    DemoRole(Role.DISTRICT_ADMIN, "区级管理员"),
    DemoRole(Role.PARTY_MEMBER, "党员"),
    DemoRole(Role.VOLUNTEER, "志愿者"),
)


def username(prefix: str, role: str) -> str:
    return f"{prefix}_{role}"


def usernames(prefix: str) -> list[str]:
    return [username(prefix, r.code) for r in DEMO_ROLES]


@cache
def _hash_for(algorithm: str) -> str:
    return make_password(DEMO_PASSWORD)


def password_hash() -> str:
    """The demo password hashed once per process and hasher (hashing is deliberately slow).
    With DEBUG off (a server, a benchmark) the accounts get an unusable password instead: a
    published password must never open a real deployment."""
    if not settings.DEBUG:
        return make_password(None)
    return _hash_for(get_hasher().algorithm)


def english_label(code: str) -> str:
    with translation.override("en"):
        return "Resident" if code == RESIDENT else str(Role(code).label)


def place_of(unit: Unit) -> str:
    """``碧谷街道 / 桂苑社区 / 第1网格``: the unit's names from below the district down."""
    names = [u.name for u in unit.ancestors(include_self=True) if u.kind not in (UnitKind.CITY,)]
    return " / ".join(names)


@dataclass(frozen=True)
class AccountRow:
    chinese: str
    english: str
    username: str
    password: str
    where: str


def rows(prefix: str) -> list[AccountRow]:
    """One row per demo role, read from the database (so it is right on every run)."""
    users = {u.username: u for u in User.objects.filter(username__in=usernames(prefix))}
    out = []
    for role in DEMO_ROLES:
        user = users.get(username(prefix, role.code))
        out.append(
            AccountRow(
                chinese=role.chinese,
                english=english_label(role.code),
                username=user.username if user else username(prefix, role.code),
                password=DEMO_PASSWORD if user and user.has_usable_password() else "—",
                where=_where(user, role.code) if user else _("(missing: run with --reset)"),
            )
        )
    return out


def _where(user: User, role: str) -> str:
    if role == RESIDENT:
        resident = Resident.objects.filter(user=user).select_related("household").first()
        return resident.household.address if resident else "—"
    post = (
        Post.objects.active()
        .filter(user=user, role=role)
        .select_related("unit", "department")
        .order_by("id")
        .first()
    )
    if post is None:
        return "—"
    if post.department is not None:
        return post.department.name
    assert post.unit is not None
    return place_of(post.unit)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(account_rows: list[AccountRow]) -> str:
    header = (_("Role"), _("Username"), _("Password"), _("Where"))
    body = [(f"{r.chinese} {r.english}", r.username, r.password, r.where) for r in account_rows]
    widths = [max(_width(row[i]) for row in (header, *body)) for i in range(3)]
    lines = []
    for row in (header, *body):
        lines.append("  ".join([*(_pad(row[i], widths[i]) for i in range(3)), row[3]]).rstrip())
        if row is header:
            lines.append("  ".join("-" * w for w in [*widths, max(_width(r[3]) for r in body)]))
    return "\n".join(lines)
