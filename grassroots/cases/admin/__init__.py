"""Admin for the ledger: the catalog and calendar (``catalog``), cases and common problems (``ledger``)."""

from grassroots.cases.admin import catalog, ledger  # noqa: F401  (registers the model admins)
