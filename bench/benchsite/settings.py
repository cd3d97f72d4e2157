"""The product's settings, plus the benchmark's URLs (``bench.benchsite.urls``) and, with
``BENCH_PROFILE=1``, the profiling middleware. Nothing else differs from a production process."""

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.benchsite.urls"

if os.environ.get("BENCH_PROFILE") == "1":
    MIDDLEWARE = ["bench.benchsite.profile.ProfileMiddleware", *MIDDLEWARE]
