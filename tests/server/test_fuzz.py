"""API fuzzing: schemathesis generates requests from /api/openapi.json; no input may cause a 5xx.

Bounded: a fixed number of examples per operation, derandomised, so the pass is quick and
repeatable in CI. Runs as a committee administrator over a small tree so that most requests
reach the services, not just the auth check.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.factories import auth

EXAMPLES_PER_OPERATION = 15


@pytest.mark.fuzz
def test_no_generated_request_causes_a_server_error(app, f):
    tree = f.tree()
    person = f.person(tree["a"])
    f.secretary(tree["a"])
    account = f.account("fuzz-admin", [("committee_admin", tree["committee"])], person=person)
    headers = auth(f.account_token(account))
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/logout":
            continue  # would revoke the token the other examples use
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r} → {response.status_code}"
                )

        run()
    assert operations >= 15
    assert not failures, "\n".join(failures[:20])
