"""The WSGI application as the benchmarks serve it, warmed up before gunicorn forks its workers
(``--preload``): every view module imported, the URL resolver built, the translations loaded and
the grid locator built, so the first measured seconds do not pay for each worker's start-up. The
database connections the warm-up opened are closed before the fork."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.benchsite.settings")
application = get_wsgi_application()


def _warm() -> None:
    from django.db import connections
    from django.test import Client
    from django.urls import get_resolver

    from grassroots.org import geo

    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 - builds the resolver's lookup tables
    geo.get_locator()
    # One unauthenticated request through the whole middleware and DRF stack (answered 401).
    Client(HTTP_HOST="127.0.0.1").get("/api/cases/")
    connections.close_all()


_warm()
