"""Admin for the matter catalog, time limits, the holiday calendar and deadline settings."""
