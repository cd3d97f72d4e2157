"""Extra media types: Excel workbooks out, GeoJSON in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.parsers import JSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxRenderer(BaseRenderer):
    """Passes a ready workbook through (``?format=xlsx``); an error still answers as JSON."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class GeoJSONParser(JSONParser):
    """``application/geo+json`` bodies (RFC 7946) are JSON."""

    media_type = "application/geo+json"
