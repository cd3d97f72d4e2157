"""Who is offered which jobs, and who reads a job: staff submit what the underlying import or
export allows them; a job's page, status and result file are its owner's alone (everyone else,
superusers included, gets "not found")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONAS
from grassroots.jobs import actions, worker
from grassroots.jobs.choices import JobKind
from grassroots.jobs.models import Job
from grassroots.org import actions as org_actions

STAFF = (
    "grid_manager_x",
    "grid_manager_y",
    "community_worker",
    "street_staff",
    "department_handler",
    "district_admin",
)
MAY_SUBMIT = {
    JobKind.HOTLINE_IMPORT: STAFF,
    JobKind.CASE_EXPORT: STAFF,
    JobKind.CATALOG_IMPORT: ("district_admin",),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def finished_job(ledger, report):
    """A finished export of community worker C's, with its file."""
    report(actor=ledger.district_admin)
    job = actions.submit_case_export(actor=ledger.community_worker, fmt="csv", filters={})
    worker.run_pending(worker="test")
    job.refresh_from_db()
    assert job.result_file
    return job


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_is_for_staff(ledger, client_for, persona):
    response = client_for(persona).get(reverse("web:jobs"))

    assert response.status_code == (200 if persona in STAFF else 404)


def test_the_list_sends_the_signed_out_to_sign_in(ledger, client_for):
    response = client_for("anonymous").get(reverse("web:jobs"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_navigation_offers_the_jobs_to_staff(ledger, client_for, persona):
    body = client_for(persona).get(reverse("web:home")).content.decode()

    assert (f'href="{reverse("web:jobs")}"' in body) == (persona in STAFF)


@pytest.mark.parametrize("kind", list(JobKind))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_form_is_offered_to_those_the_work_allows(ledger, client_for, persona, kind):
    client = client_for(persona)

    response = client.get(reverse("web:job-new", args=[kind]))
    listed = client.get(reverse("web:jobs"))

    allowed = persona in MAY_SUBMIT[kind]
    assert response.status_code == (200 if allowed else 404)
    if listed.status_code == 200:
        assert (reverse("web:job-new", args=[kind]) in listed.content.decode()) == allowed


@pytest.mark.parametrize("persona", ["community_worker", "resident_a", "nobody"])
def test_a_form_not_offered_takes_no_submission(ledger, client_for, persona):
    response = client_for(persona).post(
        reverse("web:job-new", args=[JobKind.CATALOG_IMPORT]), {"district": ledger.district.code}
    )

    assert response.status_code == 404
    assert not Job.objects.exists()


def test_an_unknown_kind_is_not_found(ledger, client_for):
    assert (
        client_for("district_admin").get(reverse("web:job-new", args=["shred_everything"])).status_code == 404
    )


@pytest.mark.parametrize("persona", [*PERSONAS, "root"])
def test_a_job_its_status_and_its_file_are_the_owners_alone(ledger, client_for, finished_job, persona):
    client = client_for(persona)
    owner = persona == "community_worker"

    for name in ("web:job", "web:job-status", "web:job-result"):
        response = client.get(reverse(name, args=[finished_job.uid]))
        assert response.status_code == (200 if owner else 404), name


def test_the_list_shows_only_ones_own_jobs(ledger, client_for, finished_job):
    mine = actions.submit_case_export(actor=ledger.street_staff, fmt="xlsx", filters={})

    body = client_for("street_staff").get(reverse("web:jobs")).content.decode()

    assert reverse("web:job", args=[mine.uid]) in body
    assert reverse("web:job", args=[finished_job.uid]) not in body


def test_an_owner_who_left_their_posts_reads_the_page_but_no_longer_downloads_the_file(
    ledger, client_for, finished_job
):
    for post in ledger.community_worker.posts.all():
        org_actions.end_post(actor=ledger.root, post=post)
    client = client_for("community_worker")

    page = client.get(reverse("web:job", args=[finished_job.uid]))

    assert page.status_code == 200
    assert reverse("web:job-result", args=[finished_job.uid]) not in page.content.decode()
    assert client.get(reverse("web:job-result", args=[finished_job.uid])).status_code == 404
    assert client.get(reverse("web:jobs")).status_code == 200  # their jobs are still listed


def test_the_list_makes_the_same_queries_for_few_and_many_jobs(ledger, client_for):
    client = client_for("district_admin")

    def queries(n: int) -> int:
        for _ in range(n):
            actions.submit_case_export(actor=ledger.district_admin, fmt="csv", filters={})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:jobs")).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)
