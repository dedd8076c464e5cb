"""The OpenAPI schema is the API: Schemathesis reads it from /api/schema/, generates
requests for every operation (valid ones and broken ones) and checks every answer
against it (no server error, a declared status, content type, body and headers),
signed in with a reporter's token and with a reviewer's. Zero failures allowed.

One test per operation and persona. `make test` sends SCHEMATHESIS_EXAMPLES (default 5)
examples of each kind; `make schemathesis` (which CI runs too) sends 20, every check
alike."""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode

from api.models import ApiToken

pytestmark = pytest.mark.django_db

# Every default check runs, positive_data_acceptance included: what the schema allows is
# answered (an id naming nothing: an empty page or a 404; a rule refusing well-formed
# data: a 409 with the reasons), never a 400.
NOT_OURS: list = []
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))  # per operation, persona, mode
# Every operation the schema offers, read as the test run starts (no database needed).
OPERATIONS = [
    (method.upper(), path)
    for path, item in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
]


@pytest.fixture
def api_schema(settings, world):
    """The schema, served by the real WSGI application in this process. As Django's test
    client does, requests here must not close the database connection when they finish:
    on PostgreSQL that would end the test's transaction."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_the_schema_is_valid_and_in_vietnamese(world):
    schema = APIClient().get("/api/schema/?format=json").json()

    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 17
    for operation in operations:
        assert operation["summary"] and operation["tags"]
        assert {"401", "429"} <= set(operation["responses"])
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            described = spec.get("description") or spec.get("allOf") or spec.get("$ref")
            assert described, f"{name}.{field} has no description"


def _run(strategy, headers, label) -> list[str]:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        cache.clear()  # the throttles count in the cache: this is not a flood
        case.call_and_validate(headers=headers, excluded_checks=NOT_OURS)

    try:
        run()
    except Unsatisfiable:  # an id fixed, nothing else to break: nothing negative to send
        return []
    except (Exception, BaseExceptionGroup) as failure:  # collect all, report all
        return [f"{label}: {f!r}" for f in getattr(failure, "exceptions", [failure])]
    return []


def test_every_operation_is_fuzzed(api_schema):
    served = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert served == set(OPERATIONS)
    assert len(OPERATIONS) >= 17


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@pytest.mark.parametrize("persona", ["reporter_a", "reviewer"])
def test_schemathesis_finds_nothing(persona, method, path, api_schema, world, request):
    _token, key = ApiToken.issue(user=request.getfixturevalue(persona), name="schemathesis")
    headers = {"Authorization": f"Token {key}"}
    operation = api_schema[path][method]
    real = {  # so that requests reach real objects too, not only ids that name nothing
        "/api/v1/directives/{id}/": world.directive.pk,
        "/api/v1/reports/{id}/": world.submitted_a.pk,
        "/api/v1/exports/{id}/": world.export.pk,
    }
    fixed = [None] + [{"id": pk} for prefix, pk in real.items() if path.startswith(prefix)]
    failures = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for path_parameters in fixed:
            strategy = operation.as_strategy(
                generation_mode=mode, headers=headers, path_parameters=path_parameters
            )
            label = f"{operation.label} [{mode.value}{', ' if path_parameters else ''}"
            label += f"{path_parameters or ''}]"
            failures += _run(strategy, headers, label)

    assert not failures, "\n\n".join(failures)
