"""The coverage API's kept answer (portfolio/coverage/answers.py): byte for byte what the serializers make from a
computation now, served in one query while nothing changed, and never once a change is marked."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api.coverage.serializers import CoverageOut
from portfolio.coverage import sql
from portfolio.coverage.gates import gates_checklist
from portfolio.coverage.gates_sql import Dates
from portfolio.coverage.models import CoverageExplanation
from portfolio.coverage.selectors import coverage_summary_for
from portfolio.coverage.services.compute import coverage_recompute
from portfolio.coverage.services.explanations import coverage_explanations_fill
from portfolio.evidence.models import Evidence, EvidenceFile, EvidenceTag
from portfolio.people.models import Apprenticeship
from portfolio.reviews.models import ReviewPolicy
from portfolio.standards.models import AssessmentOutcome, Statement
from tests.factories import (
    ApprenticeshipFactory,
    EvidenceFactory,
    ReviewPolicyFactory,
    evidence_bring_to,
    make_catalogue,
    make_world,
)

pytestmark = pytest.mark.django_db

ACCEPTED = EvidenceTag.State.ACCEPTED
SUMMARY_FIELDS = ("covered", "mapped", "percent", "missing", "mandatory_missing", "gates", "blocking", "ready",
                  "state", "ready_since", "computed_at")  # fmt: skip


def explained_as_before(apprenticeship: Apprenticeship) -> list[dict[str, Any]]:
    """The explanation as it was computed before answers were kept (the engine's per-statement rows, then the
    counting evidence, the policy, the statements and the outcomes read as models): the oracle."""
    with connection.cursor() as cursor:
        ctes, params = sql._statement_ctes([apprenticeship.pk], Dates.on(timezone.localdate()))
        select = "SELECT outcome_id, statement_id, code, mandatory, items, covered FROM per_statement ORDER BY position"
        cursor.execute(f"{ctes} {select}", params)
        rows = cursor.fetchall()
        cursor.execute(*sql.counting_evidence(apprenticeship.pk))
        evidence_rows = cursor.fetchall()
    evidence: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for statement_id, public_id, title in evidence_rows:
        evidence[statement_id].append({"id": str(public_id), "title": title})
    policy = ReviewPolicy.objects.filter(provider_id=apprenticeship.provider_id).first()
    need = policy.evidence_per_statement if policy else 1
    statements = Statement.objects.in_bulk({row[1] for row in rows})
    outcomes = AssessmentOutcome.objects.select_related("option").in_bulk({row[0] for row in rows})
    per_ao: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for outcome_id, statement_id, code, mandatory, items, covered in rows:
        statement = statements[statement_id]
        per_ao[outcome_id].append({
            "code": code, "kind": statement.kind, "text": statement.text, "mandatory": bool(mandatory),
            "covered": bool(covered), "counted": int(items), "needed": need,
            "evidence": evidence.get(statement_id, []),
        })  # fmt: skip
    result = []
    for outcome in sorted(outcomes.values(), key=lambda o: o.position):
        items = per_ao[outcome.pk]
        covered = sum(1 for item in items if item["covered"])
        mapped = len(items)
        result.append({
            "id": str(outcome.public_id), "code": outcome.code, "title": outcome.title,
            "core": outcome.option_id is None, "option": outcome.option.title if outcome.option else None,
            "covered": covered, "mapped": mapped, "percent": (covered * 1000 // mapped) / 10 if mapped else 0.0,
            "complete": covered == mapped, "missing": [item for item in items if not item["covered"]],
            "statements": items,
        })  # fmt: skip
    return result


def from_scratch(apprenticeship: Apprenticeship) -> bytes:
    """The answer as the API made it before answers were kept: the stored summary, the explanation computed now
    as it was then, through the REST framework serializer and renderer."""
    summary, stale = coverage_summary_for(apprenticeship=apprenticeship)
    summary_data = None
    if summary is not None:
        summary_data = {field: getattr(summary, field) for field in SUMMARY_FIELDS} | {
            "stale": stale,
            "checklist": gates_checklist(summary.gates),
        }
    data = {
        "apprenticeship": apprenticeship.public_id,
        "summary": summary_data,
        "outcomes": explained_as_before(apprenticeship),
    }
    return JSONRenderer().render(CoverageOut(data).data)


@pytest.fixture
def cohort() -> tuple[Any, list[Apprenticeship]]:
    """Six apprenticeships of one provider on the small catalogue, with mixed evidence: both options, files verified
    and still being checked, declined and pending tags, titles with quotes, accents and a line separator. Each item is
    made by the services, so it is in a state they reach: an item with a file still being checked is a draft (it
    cannot be submitted), a withdrawn item's tags are pending, and an accepted item has at least one accepted tag."""
    rng = random.Random(7)
    catalogue = make_catalogue()
    first = make_world(standard=catalogue.standard)
    titles = ["Site survey", 'The "big" install', "Café rota — week 2", "Line\u2028separator", "日本語のメモ"]
    people = [first.apprenticeship]
    for index in range(5):
        option = catalogue.route_a if index % 2 else catalogue.route_b
        people.append(
            ApprenticeshipFactory.create(
                provider=first.provider, employer=first.employer, standard=catalogue.standard, option=option
            )
        )
    for apprenticeship in people:
        # A statement only the other option's AOs hold cannot be tagged (portfolio/evidence/route.py).
        route = Q(outcome__option=None) | Q(outcome__option=apprenticeship.option_id)
        codes = [code for code, statement in catalogue.statements.items() if statement.mappings.filter(route).exists()]
        for _ in range(rng.randint(2, 9)):
            files = [rng.choice([EvidenceFile.State.VERIFIED] * 5 + [EvidenceFile.State.UPLOADED])
                     for _ in range(rng.randint(0, 2))]  # fmt: skip
            tagged = rng.sample(codes, 3)
            declined = [
                code for code in tagged if rng.choice([ACCEPTED] * 3 + [EvidenceTag.State.DECLINED]) != ACCEPTED
            ]
            state = rng.choice([Evidence.State.ACCEPTED] * 4 + [Evidence.State.WITHDRAWN])
            if EvidenceFile.State.UPLOADED in files:
                state = Evidence.State.DRAFT
            EvidenceFactory.create(
                apprenticeship=apprenticeship,
                title=rng.choice(titles),
                tags=tagged,
                files=[{"state": file_state} for file_state in files],
                state=state,
                state__declined=declined[:2],  # an acceptance accepts at least one tag
            )
    coverage_recompute(apprenticeship_ids=[a.pk for a in people])
    return first, people


def test_a_kept_answer_is_byte_for_byte_the_one_computed_from_scratch(client: Client, cohort: Any) -> None:
    world, cohort = cohort
    client.force_login(world.tutor)
    for apprenticeship in cohort:
        url = f"/api/apprenticeships/{apprenticeship.public_id}/coverage/"
        made = client.get(url)  # made now, and kept
        kept = client.get(url)  # the kept one
        assert made.status_code == kept.status_code == 200
        assert made["Content-Type"] == "application/json"
        assert made.content == kept.content == from_scratch(apprenticeship)
    assert CoverageExplanation.objects.filter(apprenticeship__in=cohort).count() == len(cohort)
    bodies = {bytes(client.get(f"/api/apprenticeships/{a.public_id}/coverage/").content) for a in cohort}
    assert len(bodies) == len(cohort)  # each its own: not one apprentice's answer sent for another's


def test_the_answers_agree_under_a_policy_that_needs_two_items(client: Client, cohort: Any) -> None:
    world, cohort = cohort
    ReviewPolicyFactory.create(provider=world.provider, evidence_per_statement=2)
    coverage_recompute(apprenticeship_ids=[a.pk for a in cohort])
    client.force_login(world.tutor)
    for apprenticeship in cohort:
        client.get(f"/api/apprenticeships/{apprenticeship.public_id}/coverage/")
        kept = client.get(f"/api/apprenticeships/{apprenticeship.public_id}/coverage/")
        assert kept.content == from_scratch(apprenticeship)
        assert kept.json()["outcomes"][0]["statements"][0]["needed"] == 2


def test_a_change_retires_the_kept_answer_until_the_recompute_and_then_it_is_kept_anew(client: Client) -> None:
    catalogue = make_catalogue(behaviours=())
    world = make_world(standard=catalogue.standard)
    apprenticeship = world.apprenticeship
    EvidenceFactory.create(apprenticeship=apprenticeship, files=0, title="Site survey", tags=("K1",), state="accepted")
    late = EvidenceFactory.create(apprenticeship=apprenticeship, files=0, title="Wiring log", tags=("K2",))
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])
    client.force_login(world.apprentice)
    url = f"/api/apprenticeships/{apprenticeship.public_id}/coverage/"
    before = client.get(url).json()
    k2 = before["outcomes"][0]["statements"][1]
    assert (k2["code"], k2["covered"], k2["evidence"]) == ("K2", False, [])
    kept = CoverageExplanation.objects.get(apprenticeship=apprenticeship)

    evidence_bring_to(late, "accepted")  # its K2 accepted: the decisions mark the apprenticeship dirty

    stale = client.get(url)
    assert stale.json()["summary"]["stale"] is True
    k2 = stale.json()["outcomes"][0]["statements"][1]
    assert (k2["covered"], k2["evidence"]) == (True, [{"id": str(late.public_id), "title": "Wiring log"}])
    assert stale.content == from_scratch(apprenticeship)
    assert CoverageExplanation.objects.get(apprenticeship=apprenticeship).body == kept.body  # not kept while stale

    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])
    fresh = client.get(url)
    assert fresh.json()["summary"]["stale"] is False
    assert fresh.json()["summary"]["covered"] == before["summary"]["covered"] + 1
    assert fresh.content == from_scratch(apprenticeship)
    renewed = CoverageExplanation.objects.get(apprenticeship=apprenticeship)
    assert renewed.recompute_count == kept.recompute_count + 1
    assert renewed.body == fresh.content.decode()


def test_an_answer_made_for_an_older_summary_is_never_sent(client: Client, cohort: Any) -> None:
    apprenticeship = cohort[1][1]
    client.force_login(apprenticeship.apprentice)
    url = f"/api/apprenticeships/{apprenticeship.public_id}/coverage/"
    client.get(url)
    # A body that cannot be the answer, under the summary's version before the next recompute.
    CoverageExplanation.objects.filter(apprenticeship=apprenticeship).update(body='{"outdated": true}')
    assert client.get(url).json() == {"outdated": True}  # the kept text is what is sent while current
    coverage_recompute(apprenticeship_ids=[apprenticeship.pk])  # nothing changed, but a new version
    assert client.get(url).content == from_scratch(apprenticeship)


def test_a_kept_answer_is_one_query(
    client: Client, cohort: Any, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    apprenticeship = cohort[1][2]
    url = f"/api/apprenticeships/{apprenticeship.public_id}/coverage/"
    client.force_login(apprenticeship.apprentice)
    client.get(url)
    # The session and its user, then the apprenticeship (scoped) with its summary, dirty mark and kept answer.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    CoverageExplanation.objects.all().delete()
    # Made now: the three above, the apprenticeship with its summary, the explanation's two reads (the route's
    # statements with their rules and texts, the counting evidence), and the write of the answer in a savepoint.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_the_worker_makes_the_answers_a_pass_retired(cohort: Any) -> None:
    cohort = cohort[1]
    ids = [a.pk for a in cohort]
    assert coverage_explanations_fill(apprenticeship_ids=ids) == len(cohort)
    assert coverage_explanations_fill(apprenticeship_ids=ids) == 0  # all current: nothing made twice
    for apprenticeship in cohort:
        assert CoverageExplanation.objects.get(apprenticeship=apprenticeship).body.encode() == from_scratch(
            apprenticeship
        )
    coverage_recompute(apprenticeship_ids=ids[:2])
    assert coverage_explanations_fill(apprenticeship_ids=ids) == 2
