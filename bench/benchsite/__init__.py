"""The application as the benchmarks serve it: the product's settings and URLs plus ``POST
/bench/ping/``, the baseline (a minimal authenticated write), and with ``BENCH_PROFILE=1`` a
middleware that counts queries and profiles the case intake (``GET /bench/profile/`` reports)."""
