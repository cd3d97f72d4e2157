from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Stable pages over growing tables: the cursor is opaque and ordering is by the row id."""

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500


class PathCursorPagination(CursorPagination):
    """A subtree in tree order (parents before children); paths are unique, so pages are stable."""

    ordering = "path"


class NewestFirstCursorPagination(CursorPagination):
    """Append-only logs (audit records), newest first."""

    ordering = "-id"
