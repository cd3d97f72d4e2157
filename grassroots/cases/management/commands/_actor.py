"""What the catalog commands share: ``--as USERNAME`` (act as that user, with their permissions)
or, by default, the system (no permission check; audit records name the command)."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from grassroots.core.models import User
from grassroots.org.choices import UnitKind
from grassroots.org.models import Unit


def add_actor_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="act as this user (their permissions apply); default: the system",
    )


def actor_from(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account has the user name %(name)s.") % {"name": username})
    return user


def district_from(code: str) -> Unit:
    district = Unit.objects.filter(code=code, kind=UnitKind.DISTRICT).first()
    if district is None:
        raise CommandError(_("No district has the code %(code)s.") % {"code": code})
    return district
