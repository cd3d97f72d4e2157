"""Serving a case's photo: the one way pages and the API hand out an attachment's bytes."""

from __future__ import annotations

from django.http import FileResponse, Http404

from grassroots.cases.models import Attachment


def photo_response(attachment: Attachment | None) -> FileResponse:
    """The photo's bytes under its stored name (uid and a type-derived extension, never the
    uploader's file name), never cached by shared caches nor sniffed as another type (docs/domain.md
    §8); 404 for no attachment or a file gone from storage. The caller has checked who may see it."""
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.uid}{attachment.extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
