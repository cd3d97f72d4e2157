"""Who submits which jobs, and who reads them.

Submitting a job needs the permission of the work it will do: a hotline import the right to report
cases in the district (``cases.hotline.may_import``), a catalog import the right to edit the
district's catalog (``cases.catalog.can_edit_catalog``), a case export a staff post (staff export
the cases they see, ``cases.export``). A job, its progress and its result file are read by its owner
only; a result is downloaded only while the owner still holds a post (an export of cases must not
outlive the access it was made with).
"""

from __future__ import annotations

from django.db.models import QuerySet

from grassroots.cases import catalog, hotline
from grassroots.core.models import User
from grassroots.jobs.choices import JobKind
from grassroots.jobs.models import Job
from grassroots.org.access import AnyUser, is_staff
from grassroots.org.models import Unit


def jobs_visible_to(user: AnyUser) -> QuerySet[Job]:
    """Each user's own jobs; nobody reads another's, superusers included."""
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(owner=user)


def hotline_districts(user: User) -> list[Unit]:
    """Districts into which ``user`` may import a hotline ledger."""
    if not is_staff(user):
        return []
    return [d for d in catalog.staff_districts(user).order_by("path") if hotline.may_import(user, d)]


def catalog_districts(user: User) -> list[Unit]:
    """Districts whose matter catalog ``user`` may import."""
    if not is_staff(user):
        return []
    return [d for d in catalog.staff_districts(user).order_by("path") if catalog.can_edit_catalog(user, d)]


def may_submit(user: User, kind: str) -> bool:
    """Whether ``user`` may submit a job of ``kind`` somewhere (the district is checked on submit)."""
    if kind == JobKind.CASE_EXPORT:
        return is_staff(user)
    if kind == JobKind.HOTLINE_IMPORT:
        return bool(hotline_districts(user))
    if kind == JobKind.CATALOG_IMPORT:
        return bool(catalog_districts(user))
    return False


def kinds_for(user: User) -> list[JobKind]:
    """The kinds of job ``user`` may submit, in menu order."""
    return [kind for kind in JobKind if may_submit(user, kind)]


def may_download(user: AnyUser, job: Job) -> bool:
    """The owner, while they still hold a post (module docstring)."""
    return user.is_authenticated and job.owner_id == user.pk and is_staff(user)
