"""What the hand-over pages show: the grants on an apprenticeship, its exports, and who looked at what."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from portfolio.audit.models import AuditEntry
from portfolio.exports.models import PortfolioExport
from portfolio.handover.models import PortfolioGrant
from portfolio.people.models import Apprenticeship, Organisation


def access_log(*, apprenticeship: Apprenticeship, limit: int = 50) -> QuerySet[AuditEntry]:
    """Grants, revocations, and every view and download by an assessment organisation, newest first."""
    grant_ids = [
        str(pk) for pk in PortfolioGrant.objects.filter(apprenticeship=apprenticeship).values_list("pk", flat=True)
    ]
    return (
        AuditEntry.objects.filter(
            Q(action__startswith="handover.", changes__apprenticeship=str(apprenticeship.public_id))
            | Q(action__in=["handover.grant", "handover.revoke"], target_id__in=grant_ids)
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def handover_context(*, apprenticeship: Apprenticeship) -> dict[str, Any]:
    grants = list(
        PortfolioGrant.objects.filter(apprenticeship=apprenticeship).select_related(
            "organisation", "granted_by", "revoked_by"
        )
    )
    return {
        "grants": grants,
        # The latest export only: an earlier one is superseded by it (and expires by itself).
        "exports": list(PortfolioExport.objects.filter(apprenticeship=apprenticeship)[:1]),
        "access_log": list(access_log(apprenticeship=apprenticeship)),
        "organisations": Organisation.objects.filter(
            kind=Organisation.Kind.ASSESSMENT_ORGANISATION, provider_id=apprenticeship.provider_id
        ).order_by("name"),
    }
