"""Readiness events: each change of state recorded once, then signalled in-app, by email and by webhook."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connection
from django.urls import reverse

from portfolio.coverage import sql
from portfolio.coverage.gates import GATE_NAMES, gate_explain
from portfolio.coverage.models import AOCoverage, CoverageSummary, ReadinessEvent
from portfolio.coverage.readiness_states import ReadinessState, state_rule
from portfolio.notify.services.notifications import notify_users
from portfolio.people.models import Apprenticeship, Membership, User
from portfolio.people.selectors import organisation_members
from portfolio.webhooks.services import webhook_deliveries_create


def coverage_snapshot(*, apprenticeship_id: int) -> dict[str, Any]:
    """The stored coverage of one apprenticeship as JSON: what an event records and a webhook carries."""
    summary = CoverageSummary.objects.get(apprenticeship_id=apprenticeship_id)
    outcomes = (
        AOCoverage.objects.filter(apprenticeship_id=apprenticeship_id)
        .select_related("outcome__option")
        .order_by("outcome__position")
    )
    return {
        "covered": summary.covered,
        "mapped": summary.mapped,
        "percent": summary.percent,
        "missing": summary.missing,
        "mandatory_missing": summary.mandatory_missing,
        "gates": summary.gates,
        "blocking": summary.blocking,
        "state": summary.state,
        "signatures": _live_signatures(apprenticeship_id),
        "computed_at": summary.computed_at.isoformat() if summary.computed_at else None,
        "outcomes": [
            {
                "code": row.outcome.code,
                "title": row.outcome.title,
                "option": row.outcome.option.title if row.outcome.option else None,
                "covered": row.covered,
                "mapped": row.mapped,
                "percent": row.percent,
                "missing": row.missing,
            }
            for row in outcomes
        ],
    }


def _live_signatures(apprenticeship_id: int) -> list[dict[str, Any]]:
    """The gateway declaration's live signatures, read by table (the gateway package writes them and reads the
    engine, so the engine does not import it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.side, u.email, s.signer_role, s.signed_at, s.fingerprint FROM gateway_gatewaysignature s "
            "JOIN people_user u ON u.id = s.signed_by_id "
            "WHERE s.apprenticeship_id = %s AND s.invalidated_at IS NULL ORDER BY s.signed_at, s.id",
            [apprenticeship_id],
        )
        rows = cursor.fetchall()
    return [
        {"side": side, "signed_by": email, "role": role, "signed_at": _iso(at), "fingerprint": fingerprint}
        for side, email, role, at, fingerprint in rows
    ]


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def readiness_gateway_invalidate(*, failed_gates: dict[int, list[str]], at: datetime.datetime) -> None:
    """A gate failed: the live signatures and referral of these apprenticeships no longer stand. Kept, marked with
    when, why and the gates that failed. Called by the recompute, under the summaries' lock, as review decisions
    are invalidated when their evidence changes. One statement per distinct set of failed gates."""
    by_gates: dict[tuple[str, ...], list[int]] = {}
    for apprenticeship_id, gates in failed_gates.items():
        by_gates.setdefault(tuple(gates), []).append(apprenticeship_id)
    as_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        for failed, ids in by_gates.items():
            where, params = sql.id_filter("apprenticeship_id", ids)
            for table in ("gateway_gatewaysignature", "gateway_assessmentreferral"):
                cursor.execute(
                    f"UPDATE {table} SET invalidated_at = %s, invalidation_reason = 'gate_failed', "  # noqa: S608
                    f"invalidated_gates = {as_json} WHERE invalidated_at IS NULL AND {where}",
                    [at, json.dumps(list(failed)), *params],
                )


def readiness_event_record(
    *,
    apprenticeship_id: int,
    state: str,
    previous_state: str,
    causes: list[str],
    sequence: int,
    at: datetime.datetime,
) -> ReadinessEvent:
    """Call with the summary row locked (the recompute holds it) and its new state written.

    The unique (apprenticeship, sequence) constraint is the last line of defence: were two recomputes ever to
    see the same transition, the second insert would fail and its transaction roll back.
    """
    rule = state_rule(state)
    event = ReadinessEvent.objects.create(
        apprenticeship_id=apprenticeship_id,
        sequence=sequence,
        ready=rule.ready,
        state=state,
        previous_state=previous_state,
        causes=causes,
        coverage=coverage_snapshot(apprenticeship_id=apprenticeship_id),
        occurred_at=at,
    )
    # `ready_since`: when the apprenticeship last became ready for gateway; the later states keep it.
    changes: dict[str, Any] = {"event_sequence": sequence}
    if not rule.ready:
        changes["ready_since"] = None
    elif previous_state == ReadinessState.NOT_READY:
        changes["ready_since"] = at
    CoverageSummary.objects.filter(apprenticeship_id=apprenticeship_id).update(**changes)
    _signal(event)
    return event


def readiness_recipients(*, apprenticeship: Apprenticeship) -> list[User]:
    """The apprentice; their line manager and mentor (else the employer's contacts); their tutor and assessor
    (else the provider's staff). Inactive accounts and memberships are left out."""
    people: list[Any] = [apprenticeship.apprentice]
    employer_side: list[User | None] = [apprenticeship.line_manager, apprenticeship.mentor]
    provider_side: list[User | None] = [apprenticeship.tutor, apprenticeship.assessor]
    if not any(employer_side):
        employer_side = [
            *organisation_members(organisation_id=apprenticeship.employer_id, roles=Membership.EMPLOYER_ROLES)
        ]
    if not any(provider_side):
        provider_side = [
            *organisation_members(organisation_id=apprenticeship.provider_id, roles=Membership.PROVIDER_ROLES)
        ]
    return [person for person in people + employer_side + provider_side if person is not None]


def readiness_event_payload(*, event: ReadinessEvent) -> dict[str, Any]:
    apprenticeship = event.apprenticeship
    return {
        "id": str(event.public_id),
        "type": event.kind,
        "occurred_at": event.occurred_at.isoformat(),
        "apprenticeship": {
            "id": str(apprenticeship.public_id),
            "apprentice": apprenticeship.apprentice.email,
            "standard": f"{apprenticeship.standard.reference} v{apprenticeship.standard.version}",
            "option": apprenticeship.option.title if apprenticeship.option else None,
            "employer": str(apprenticeship.employer.public_id),
        },
        "sequence": event.sequence,
        "ready": event.ready,
        "state": event.state,
        "previous_state": event.previous_state,
        "causes": event.causes,
        "coverage": event.coverage,
    }


def _signal(event: ReadinessEvent) -> None:
    apprenticeship = Apprenticeship.objects.select_related(
        "apprentice", "standard", "option", "employer", "tutor", "assessor", "line_manager", "mentor"
    ).get(pk=event.apprenticeship_id)
    event.apprenticeship = apprenticeship
    name = apprenticeship.apprentice.get_full_name() or apprenticeship.apprentice.email
    standard = f"{apprenticeship.standard.reference} v{apprenticeship.standard.version}"
    coverage = event.coverage
    rule = state_rule(event.state)
    title = rule.title.format(name=name, standard=standard)
    own_title = rule.own_title.format(standard=standard)
    gates = coverage.get("gates") or {}
    blocking = " ".join(
        f"{GATE_NAMES[key]}: {gate_explain(key, gates[key])}" for key in coverage.get("blocking", []) if key in gates
    )
    body = rule.body.format(
        covered=coverage["covered"], mapped=coverage["mapped"], blocking=blocking or "a gateway requirement."
    )
    link = reverse("apprenticeship-detail-page", kwargs={"public_id": apprenticeship.public_id})
    recipients = readiness_recipients(apprenticeship=apprenticeship)
    # The apprentice is told about themselves in the second person, everyone else by name.
    own = [person for person in recipients if person.pk == apprenticeship.apprentice_id]
    others = [person for person in recipients if person.pk != apprenticeship.apprentice_id]
    notify_users(recipients=own, kind=event.kind, title=own_title, body=body, link=link)
    notify_users(recipients=others, kind=event.kind, title=title, body=body, link=link)
    webhook_deliveries_create(
        provider_id=apprenticeship.provider_id,
        event=event.kind,
        event_id=event.public_id,
        payload=readiness_event_payload(event=event),
    )
