"""Benchmarks: each one command that prints a table (see bench/README.md)."""
