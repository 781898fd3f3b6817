"""Schema-driven fuzzing of the whole API with schemathesis: no input reaches a 500, and every answer (status
code and body) is one the OpenAPI schema documents.

Every operation of the schema is called in-process through the WSGI application, as each of four roles
(apprentice, employer contact, tutor, provider admin) with their API token. Most examples use real path ids
(the objects the permission registry makes for the route, in the caller's world), so requests reach the
services rather than stopping at 404; a few keep schemathesis' generated (and invalid) ids. Each example runs
in a savepoint that is rolled back, so a DELETE or a revoked token never takes away what later examples need.

Bounded and reproducible: a fixed number of examples per operation, `derandomize=True`, no shrinking.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.utils.encoders import JSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.api.schema_routes import SIGNED_IN_ROLES, real_path_parameters, user_for
from tests.factories import build_world

# Examples per operation and role (61 operations x 4 roles): bounded, so the run stays well under 3 minutes.
# FUZZ_SCALE=10 multiplies them for a deeper run by hand (not in make test).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
POSITIVE_ON_REAL_OBJECTS = 3 * SCALE
NEGATIVE_ON_REAL_OBJECTS = 2 * SCALE
ON_GENERATED_IDS = 1 * SCALE
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@functools.cache
def _schema_document() -> dict[str, Any]:
    # The document /api/schema/ serves, made once for the four roles.
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded: dict[str, Any] = json.loads(json.dumps(document, cls=JSONEncoder))
    return loaded


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    # Like Django's test client: a request must not close the test's connection (it holds the transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Refusals (4xx) are the expected answers here: keep the log for errors.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with override_settings(ALLOWED_HOSTS=["localhost"]):
            yield WSGIHandler()
    finally:
        request_log.setLevel(level)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz_operation(operation: Any, headers: dict[str, str], real: dict[str, str]) -> None:
    # Most examples on real objects (they reach the services), a few on generated ids and invalid input.
    plan = [(GenerationMode.POSITIVE, real, POSITIVE_ON_REAL_OBJECTS)]
    if list(operation.query) or list(operation.body):  # with the path fixed, only these can be made invalid
        plan.append((GenerationMode.NEGATIVE, real, NEGATIVE_ON_REAL_OBJECTS))
    path_parameters = list(operation.path_parameters)
    if path_parameters:
        plan.append((GenerationMode.POSITIVE, {}, ON_GENERATED_IDS))
    # An invalid id exists only for typed parameters (a uuid); any text is a valid `{reference}`.
    if path_parameters and all("format" in p.definition.get("schema", {}) for p in path_parameters):
        plan.append((GenerationMode.NEGATIVE, {}, ON_GENERATED_IDS))
    for mode, fixed, examples in plan:

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # No shrinking: a failure is reported with the request that found it, and the run stays bounded.
            phases=[Phase.explicit, Phase.generate],
            report_multiple_bugs=True,
        )
        @given(case=operation.as_strategy(mode, path_parameters=fixed or None))
        def run(case: Any) -> None:
            # Sign-in failures are counted in the database too: the rollback keeps the lockout away.
            with transaction.atomic():
                case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)

        run()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return "\n".join(_describe(inner) for inner in exc.exceptions)
    return str(exc)[:1500]


@pytest.mark.django_db
@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_no_operation_answers_outside_its_schema(role: str, wsgi_app: WSGIHandler) -> None:
    own, _ = build_world()
    token = Token.objects.create(user=user_for(own, role))
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_dict(_schema_document())
    schema.app = wsgi_app
    real = real_path_parameters(own)
    failures = []
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results) > 50  # the whole API, every operation readable
    for operation in operations:
        try:
            _fuzz_operation(operation, headers, real.get(operation.path, {}))
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {_describe(exc)}")
    assert not failures, "\n\n".join(failures)
