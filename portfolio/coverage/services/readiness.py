"""Readiness events: each change of state recorded once, then signalled in-app, by email and by webhook."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from portfolio.coverage.models import AOCoverage, CoverageSummary, ReadinessEvent
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


def readiness_event_record(
    *, apprenticeship_id: int, ready: bool, sequence: int, at: datetime.datetime
) -> ReadinessEvent:
    """Call with the summary row locked (the recompute holds it) and its new state written.

    The unique (apprenticeship, sequence) constraint is the last line of defence: were two recomputes ever to
    see the same transition, the second insert would fail and its transaction roll back.
    """
    event = ReadinessEvent.objects.create(
        apprenticeship_id=apprenticeship_id,
        sequence=sequence,
        ready=ready,
        coverage=coverage_snapshot(apprenticeship_id=apprenticeship_id),
        occurred_at=at,
    )
    CoverageSummary.objects.filter(apprenticeship_id=apprenticeship_id).update(
        event_sequence=sequence, ready_since=at if ready else None
    )
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
    if event.ready:
        title = f"{name} is ready for assessment ({standard})"
        own_title = f"You are ready for assessment ({standard})"
        body = f"Every assessment outcome is fully evidenced: {coverage['covered']} of {coverage['mapped']} statements."
    else:
        title = f"{name} is no longer ready for assessment ({standard})"
        own_title = f"You are no longer ready for assessment ({standard})"
        missing = ", ".join(coverage["missing"][:10]) or "a readiness gate is not met"
        body = f"{coverage['covered']} of {coverage['mapped']} statements covered. Missing: {missing}."
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
