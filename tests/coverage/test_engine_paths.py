"""The coverage engine has three ways to run the same rules, and they must agree row for row:

- on PostgreSQL, one statement with the covered statements as bigint bit masks (every plan seen so far);
- the same statement with varbit masks, for a catalogue with an AO of more than 63 statements;
- the three portable statements that SQLite (the embedded default) runs, here run on PostgreSQL.

Each test builds its data, computes it one way, keeps what was stored, wipes the stored coverage, computes it
another way and compares.
"""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from portfolio.coverage import sql
from portfolio.coverage.gates_sql import GATE_COLUMN_NAMES
from portfolio.coverage.models import AOCoverage, CoverageSummary, ReadinessEvent
from portfolio.coverage.services import compute
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.gateway.services.policy import gateway_policy_update
from portfolio.people.models import Apprenticeship
from portfolio.reviews.services.policy import review_policy_update
from portfolio.standards.models import Statement
from tests.factories import (
    AssessmentOutcomeFactory,
    BehaviourConfirmationFactory,
    EvidenceFactory,
    OutcomeStatementFactory,
    StatementFactory,
    make_catalogue,
    make_world,
)

pytestmark = pytest.mark.django_db

TAG_STATES = [EvidenceTag.State.ACCEPTED] * 3 + [EvidenceTag.State.DECLINED, EvidenceTag.State.PENDING]
FILE_STATES = [EvidenceFile.State.VERIFIED] * 4 + [EvidenceFile.State.UPLOADED, EvidenceFile.State.REJECTED]
EVIDENCE_STATES = [Evidence.State.ACCEPTED] * 3 + [Evidence.State.SUBMITTED, Evidence.State.WITHDRAWN]


def _stored(ids: list[int]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    aos = list(
        AOCoverage.objects.filter(apprenticeship_id__in=ids)
        .order_by("apprenticeship_id", "outcome_id")
        .values_list("apprenticeship_id", "outcome_id", "covered", "mapped", "percent", "missing",
                     "mandatory_missing", "complete")
    )  # fmt: skip
    summaries = list(
        CoverageSummary.objects.filter(apprenticeship_id__in=ids)
        .order_by("apprenticeship_id")
        .values_list("apprenticeship_id", "covered", "mapped", "percent", "missing", "mandatory_missing", "ready",
                     "state", *GATE_COLUMN_NAMES)
    )  # fmt: skip
    return aos, summaries


def _computed_by(engine: str, ids: list[int], monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    AOCoverage.objects.filter(apprenticeship_id__in=ids).delete()
    CoverageSummary.objects.filter(apprenticeship_id__in=ids).delete()
    ReadinessEvent.objects.filter(apprenticeship_id__in=ids).delete()  # their sequence starts again
    with monkeypatch.context() as patch:
        if engine == "portable":
            patch.setattr(compute, "_postgresql_statements", compute._portable_statements)
        elif engine == "varbit":
            patch.setattr(sql, "BIGINT_MASK_WIDTH", 0)
        assert coverage_recompute(apprenticeship_ids=ids).computed == len(ids)
    return _stored(ids)


def _rows(*, apprenticeship: Apprenticeship, state: str, files: list[str], tags: dict[Statement, str]) -> None:
    """An item written directly in any combination of item, file and tag states, many of which no service makes
    (an accepted tag on a submitted item, an accepted item with a rejected file): on purpose, since the engines
    must agree on whatever rows they find, not only on the rows the services write."""
    now = timezone.now()
    evidence = Evidence.objects.create(
        apprenticeship=apprenticeship, author=apprenticeship.apprentice, author_role=Evidence.AuthorRole.APPRENTICE,
        kind=Evidence.Kind.DOCUMENT, title="Random", occurred_on=datetime.date(2025, 10, 1), state=state,
        ever_submitted=state != Evidence.State.DRAFT,
    )  # fmt: skip
    for file_state in files:
        EvidenceFile.objects.create(
            evidence=evidence, object_key=f"evidence/{uuid.uuid4().hex}", original_name="photo.jpg",
            declared_type="image/jpeg", declared_size=1000, state=file_state, slot_expires_at=now,
            uploaded_by=apprenticeship.apprentice,
        )  # fmt: skip
    for statement, tag_state in tags.items():
        EvidenceTag.objects.create(evidence=evidence, statement=statement, state=tag_state)


def _random_cohort(rng: random.Random) -> list[int]:
    """Eight apprenticeships on the small catalogue: both options, N of 1 and 2, some behaviours confirmed."""
    catalogue = make_catalogue()
    statements = list(catalogue.statements.values())
    ids = []
    for index in range(8):
        world = make_world(standard=catalogue.standard)
        apprenticeship = world.apprenticeship
        apprenticeship.option = catalogue.route_a if index % 2 else catalogue.route_b
        apprenticeship.save()
        if index % 3 == 0:
            review_policy_update(actor=world.admin, provider=world.provider, evidence_per_statement=2)
            gateway_policy_update(actor=world.admin, provider=world.provider, behaviours_gate=index > 3)
        for _ in range(rng.randint(0, 12)):
            tagged = rng.sample(statements, rng.randint(1, 4))
            _rows(
                apprenticeship=apprenticeship,
                state=rng.choice(EVIDENCE_STATES),
                files=[rng.choice(FILE_STATES) for _ in range(rng.randint(0, 2))],
                tags={statement: rng.choice(TAG_STATES) for statement in tagged},
            )
        for code in ("B1", "B2"):
            if rng.random() < 0.6:
                BehaviourConfirmationFactory.create(
                    apprenticeship=apprenticeship, statement=catalogue.statements[code], confirmed_by=world.line_manager
                )
        ids.append(apprenticeship.pk)
    return ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_three_engines_store_the_same_coverage(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _random_cohort(random.Random(seed))

    bigint = _computed_by("bigint", ids, monkeypatch)
    varbit = _computed_by("varbit", ids, monkeypatch)
    portable = _computed_by("portable", ids, monkeypatch)

    assert len(bigint[0]) == 8 * 3  # each route has three AOs: AO1, AO2 and the option's
    covered = [row[2] for row in bigint[0]]
    assert 0 < sum(covered) < sum(row[3] for row in bigint[0])  # some statements covered, not all
    assert varbit == bigint
    assert portable == bigint


def _plans(statement: str) -> tuple[int, int]:
    """How many generic and custom plans this connection made for a prepared statement containing `statement`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(generic_plans), 0), COALESCE(SUM(custom_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [f"%{statement}%"],
        )
        generic, custom = cursor.fetchone()
        return int(generic), int(custom)


def test_a_small_batch_runs_on_generic_plans_and_stores_the_same_coverage(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _random_cohort(random.Random(4))
    upsert, lock = "INSERT INTO coverage_aocoverage", "FOR KEY SHARE OF a"  # the statement, the batch's first read
    with monkeypatch.context() as patch:
        patch.setattr(compute, "GENERIC_PLAN_BATCH", 0)  # every batch planned for its own ids
        custom = [_computed_by("bigint", ids, monkeypatch) for _ in range(3)]
    before = {name: _plans(name) for name in (upsert, lock)}
    generic = [_computed_by("bigint", ids, monkeypatch) for _ in range(3)]  # prepared by now (psycopg's threshold)
    after = {name: _plans(name) for name in (upsert, lock)}

    assert after[upsert][0] > before[upsert][0]  # run on its generic plan
    assert after[lock][0] > before[lock][0]
    assert after[lock][1] == before[lock][1]  # not planned again (PostgreSQL's own choice would plan it 5 times)
    assert generic == custom
    assert custom[0][1]  # summaries were stored
    assert all(rows == custom[0] for rows in custom)


def test_an_ao_wider_than_a_bigint_is_computed_with_varbit_masks(monkeypatch: pytest.MonkeyPatch) -> None:
    """70 statements in one AO: the catalogue needs more than 63 bits, so the engine takes varbit masks."""
    catalogue = make_catalogue(behaviours=())
    world = make_world(standard=catalogue.standard)
    apprenticeship: Apprenticeship = world.apprenticeship
    wide = AssessmentOutcomeFactory.create(standard=catalogue.standard, code="AO9", title="Wide")
    codes = [f"W{number}" for number in range(1, 71)]
    statements = []
    for code in codes:
        statement = StatementFactory.create(
            standard=catalogue.standard, code=code, kind="K", text=f"Wide {code}", mandatory=code == "W70"
        )
        OutcomeStatementFactory.create(outcome=wide, statement=statement)
        statements.append(statement)
    covered = [statement for index, statement in enumerate(statements) if index % 7 != 3]  # W4, W11, ... missing
    EvidenceFactory.create(
        apprenticeship=apprenticeship, tags=[statement.code for statement in covered], state="accepted"
    )

    chosen: list[sql.Masks] = []
    original = sql.coverage_upsert

    def recording(*args: Any, **kwargs: Any) -> tuple[str, list[Any]]:
        chosen.append(kwargs["masks"])
        return original(*args, **kwargs)

    monkeypatch.setattr(sql, "coverage_upsert", recording)
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])
    assert chosen == [sql.VARBIT_MASKS]

    row = AOCoverage.objects.get(apprenticeship=apprenticeship, outcome=wide)
    missing = [code for index, code in enumerate(codes) if index % 7 == 3]
    assert (row.covered, row.mapped, row.missing, row.mandatory_missing) == (60, 70, missing, [])
    assert missing == ["W4", "W11", "W18", "W25", "W32", "W39", "W46", "W53", "W60", "W67"]
    summary = CoverageSummary.objects.get(apprenticeship=apprenticeship)
    assert summary.missing[-10:] == missing  # the wide AO comes last on the route

    wide_result = _stored([apprenticeship.pk])
    monkeypatch.undo()
    assert _computed_by("portable", [apprenticeship.pk], monkeypatch) == wide_result
