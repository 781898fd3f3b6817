from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from portfolio.people.models import Apprenticeship
from portfolio.reviews.models import BehaviourConfirmation
from portfolio.standards.models import Statement


@dataclass
class BehaviourStatus:
    statement: Statement
    confirmation: BehaviourConfirmation | None  # the live one, if any
    history: list[BehaviourConfirmation]  # every confirmation, withdrawn ones included, oldest first


def behaviour_list_for_apprenticeship(*, apprenticeship: Apprenticeship) -> list[BehaviourStatus]:
    """Each behaviour statement of the apprenticeship's standard with its confirmations."""
    statements = Statement.objects.filter(standard=apprenticeship.standard, kind=Statement.Kind.BEHAVIOUR).order_by(
        "position"
    )
    by_statement: dict[int, list[BehaviourConfirmation]] = {}
    confirmations = BehaviourConfirmation.objects.filter(apprenticeship=apprenticeship).select_related(
        "confirmed_by", "withdrawn_by", "statement"
    )
    for confirmation in confirmations.order_by("created_at", "id"):
        by_statement.setdefault(confirmation.statement_id, []).append(confirmation)
    result = []
    for statement in statements:
        history = by_statement.get(statement.pk, [])
        live = next((c for c in history if c.withdrawn_at is None), None)
        result.append(BehaviourStatus(statement=statement, confirmation=live, history=history))
    return result


def behaviour_confirmation_get(*, apprenticeship: Apprenticeship, public_id: uuid.UUID | str) -> BehaviourConfirmation:
    """Within an apprenticeship the caller already may see (fetched through the people selectors)."""
    try:
        return BehaviourConfirmation.objects.select_related("statement", "confirmed_by").get(
            apprenticeship=apprenticeship, public_id=public_id
        )
    except (BehaviourConfirmation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found.") from exc


def with_behaviour_counts(queryset: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """Annotate `behaviours_total` (of the standard) and `behaviours_confirmed` (live confirmations), in the
    same query as the apprenticeships: a list of apprentices never asks once per row."""
    total = (
        Statement.objects.filter(standard=OuterRef("standard_id"), kind=Statement.Kind.BEHAVIOUR)
        .order_by()
        .values("standard")
        .annotate(n=Count("pk"))
        .values("n")
    )
    confirmed = (
        BehaviourConfirmation.objects.filter(apprenticeship=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("apprenticeship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        behaviours_total=Coalesce(Subquery(total), 0),
        behaviours_confirmed=Coalesce(Subquery(confirmed), 0),
    )
