"""The OpenAPI 3 schema generates without errors or warnings, and the docs are served offline."""

from django.core.management import call_command


def test_the_schema_validates_with_no_warnings(tmp_path, db):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text(encoding="utf-8")
    for path in ("/api/units/locate/", "/api/residents/{uid}/reveal/", "/api/units/{code}/statistics/"):
        assert path in text


def test_the_schema_and_docs_are_served_without_any_cdn(client_for, rich_world):
    client = client_for("anonymous")

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in page
    assert "cdn." not in page
    assert "unpkg" not in page
