"""Demo: apprentice 1's portfolio (ready for assessment) handed over to the demo assessment organisation."""

from __future__ import annotations

from portfolio.handover.models import PortfolioGrant
from portfolio.handover.services import grant_create
from portfolio.people.models import Apprenticeship, Membership, Organisation


def demo_handover_load(*, apprenticeship: Apprenticeship) -> int:
    """Idempotent: grants nothing when the apprenticeship already has a grant."""
    if PortfolioGrant.objects.filter(apprenticeship=apprenticeship).exists():
        return 0
    organisation = Organisation.objects.filter(
        kind=Organisation.Kind.ASSESSMENT_ORGANISATION, provider_id=apprenticeship.provider_id
    ).first()
    assessor = apprenticeship.assessor
    if organisation is None or assessor is None:
        return 0
    if not Membership.objects.filter(user=assessor, role=Membership.Role.ASSESSOR, is_active=True).exists():
        return 0
    grant_create(actor=assessor, apprenticeship=apprenticeship, organisation=organisation, note="Gateway signed.")
    return 1
