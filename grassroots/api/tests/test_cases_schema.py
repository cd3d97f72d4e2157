"""The OpenAPI schema documents every act endpoint with its request body and its answers."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from grassroots.api.cases import ACT_ENDPOINTS


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("act", sorted(ACT_ENDPOINTS))
def test_each_act_is_documented_with_its_body_and_answers(schema, act):
    operation = schema["paths"][f"/api/cases/{{number}}/{act.replace('_', '-')}/"]["post"]

    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert "version" in component["properties"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CaseDetail"
    )


def test_the_idempotency_key_is_documented_on_create(schema):
    operation = schema["paths"]["/api/cases/"]["post"]

    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
    assert {"200", "201"} <= set(operation["responses"])
