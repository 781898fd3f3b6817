"""The embedded default (SQLite, no services) computes coverage with the portable statements: the same numbers,
worked out by hand, as tests/coverage/test_coverage_rules.py gets on PostgreSQL.

It runs in a child process with no database settings, as `make run` does, on a fresh SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.embedded import run_embedded

SCRIPT = """
import json
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the test run's (conftest)
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
assert connection.vendor == "sqlite", connection.vendor

from portfolio.coverage.models import AOCoverage, CoverageSummary
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.reviews.services.policy import review_policy_update
from tests.coverage.hand_worked import hand_worked_evidence
from tests.factories import make_catalogue, make_world

catalogue = make_catalogue()
world = make_world(standard=catalogue.standard)
hand_worked_evidence(world, catalogue)
a = world.apprenticeship
a.refresh_from_db()

def stored():
    coverage_recompute(apprenticeship_ids=[a.pk])
    summary = CoverageSummary.objects.get(apprenticeship=a)
    aos = {
        row.outcome.code: [row.covered, row.mapped, row.percent, row.missing, row.mandatory_missing]
        for row in AOCoverage.objects.filter(apprenticeship=a).select_related("outcome")
    }
    return {"aos": aos, "summary": [summary.covered, summary.mapped, summary.percent, summary.missing,
            summary.mandatory_missing, summary.ready, summary.gates["behaviours_confirmed"]]}

first = stored()
review_policy_update(actor=world.admin, provider=world.provider, evidence_per_statement=2)
print(json.dumps({"n1": first, "n2": stored()}))
"""


def test_the_embedded_default_computes_the_hand_worked_coverage(tmp_path: Path) -> None:
    got = run_embedded(SCRIPT, tmp_path)

    # As tests/coverage/test_coverage_rules.py works it out: K1, K2 (E1), S1 (E3) and S2 (E5) count.
    assert got["n1"]["aos"] == {
        "AO1": [3, 3, 100.0, [], []],
        "AO2": [1, 2, 50.0, ["K3"], []],
        "AO3": [0, 1, 0.0, ["S3"], []],
    }
    behaviours = {"enabled": True, "passed": False, "confirmed": 0, "total": 2, "missing": ["B1", "B2"]}
    assert got["n1"]["summary"] == [4, 6, 66.6, ["K3", "S3"], [], False, behaviours]
    # N = 2: no statement has two counting items.
    assert got["n2"]["aos"]["AO1"] == [0, 3, 0.0, ["K1", "K2", "S1"], ["K2"]]
    assert got["n2"]["summary"][:5] == [0, 6, 0.0, ["K1", "K2", "S1", "K3", "S2", "S3"], ["K2", "S2"]]


GATES_SCRIPT = """
import json
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the test run's (conftest)
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
assert connection.vendor == "sqlite", connection.vendor
from tests.gateway import scenarios
print(json.dumps(scenarios.stored(scenarios.build())))
"""


@pytest.mark.django_db
def test_the_embedded_default_works_the_gates_out_as_postgresql_does(tmp_path: Path) -> None:
    from tests.gateway import scenarios

    on_sqlite = run_embedded(GATES_SCRIPT, tmp_path, timeout=300)
    on_postgresql = scenarios.stored(scenarios.build())
    assert on_sqlite == on_postgresql
    # And a few by hand, so both cannot agree on something wrong.
    assert on_postgresql["signed"]["state"] == "gateway_signed"
    assert on_postgresql["otj"]["gates"]["otj"]["required_minutes"] == 16680
    period = on_postgresql["breaks"]["gates"]["practical_period"]
    # 31 Oct 2025 to 2 July 2026, less 31 days in January and 13 days from 20 June (open): as on 19 May, 6 months.
    assert (period["break_days"], period["on_break"], period["months"]) == (44, True, 6)
    assert on_postgresql["born on 29 February"]["gates"]["english_maths"]["age_at_start"] == 18
    assert on_postgresql["19 on 1 March"]["gates"]["english_maths"]["age_at_start"] == 19
    assert on_postgresql["submitted on 30 June 23:30"]["gates"]["otj"]["active_last_month"] is True
    assert on_postgresql["submitted on 1 July 00:30"]["gates"]["otj"]["active_last_month"] is False
    assert on_postgresql["manual"]["gates"]["manual"]["missing"] == ["Qualification achieved", "Safeguarding module"]
    assert on_postgresql["31 October start"]["gates"]["otj"]["active_last_month"] is None  # ended in May
