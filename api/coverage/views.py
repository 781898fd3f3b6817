from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.coverage.serializers import CohortRowOut, CoverageOut, ReadinessEventOut
from api.permissions import IsEmployerContact, IsProviderStaff
from portfolio.coverage.filters import CohortFilter
from portfolio.coverage.gates import gates_checklist
from portfolio.coverage.models import ReadinessEvent
from portfolio.coverage.selectors import (
    cohort_list_for_user,
    coverage_explain,
    coverage_summary_for,
    readiness_event_list_for_user,
)
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import apprenticeship_get_for_user
from portfolio.progress.selectors import due_by_apprenticeship


class ApprenticeshipCoverageView(GenericAPIView[Apprenticeship]):
    serializer_class = CoverageOut
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="apprenticeships_coverage",
        responses=CoverageOut,
        description="Coverage explained: per AO of the route (core AOs and those of the option), each statement "
        "covered or missing, with the evidence that counts for it. `summary` is the stored state dashboards use "
        "(with `stale` when a recompute is pending); `outcomes` are computed now by the same rules.",
    )
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        summary, stale = coverage_summary_for(apprenticeship=apprenticeship)
        summary_data = None
        if summary is not None:
            summary_data = {
                field: getattr(summary, field)
                for field in (
                    "covered",
                    "mapped",
                    "percent",
                    "missing",
                    "mandatory_missing",
                    "gates",
                    "blocking",
                    "ready",
                    "state",
                    "ready_since",
                    "computed_at",
                )
            } | {"stale": stale, "checklist": gates_checklist(summary.gates)}
        data = {
            "apprenticeship": apprenticeship.public_id,
            "summary": summary_data,
            "outcomes": coverage_explain(apprenticeship=apprenticeship),
        }
        return Response(CoverageOut(data).data)


class CohortView(GenericAPIView[Apprenticeship]):
    """Provider staff see their provider's apprentices; employer contacts their employer's."""

    serializer_class = CohortRowOut
    permission_classes = [IsAuthenticated, IsProviderStaff | IsEmployerContact]

    filter_backends = [DjangoFilterBackend]
    filterset_class = CohortFilter

    def get_queryset(self) -> QuerySet[Apprenticeship]:
        if getattr(self, "swagger_fake_view", False):  # the schema reads the FilterSet's model, no one's rows
            return Apprenticeship.objects.none()
        return cohort_list_for_user(user=self.request.user)

    @extend_schema(operation_id="cohort_list", responses=CohortRowOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        # Each row's next progress review (portfolio/progress/schedule.py), for this page's rows at once.
        today = timezone.localdate()
        reviews = due_by_apprenticeship(apprenticeships=page, today=today)
        for row in page:
            due = reviews.get(row.pk)
            setattr(row, "review_due", due)  # noqa: B010 (read by the serializer, not a model field)
            setattr(row, "review_overdue", bool(due and due.overdue(today)))  # noqa: B010
        return self.get_paginated_response(CohortRowOut(page, many=True).data)


class ApprenticeshipReadinessEventsView(GenericAPIView[ReadinessEvent]):
    serializer_class = ReadinessEventOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="apprenticeships_readiness_events", responses=ReadinessEventOut(many=True))
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        queryset = readiness_event_list_for_user(user=request.user).filter(apprenticeship=apprenticeship)
        page = self.paginate_queryset(queryset.order_by("-sequence"))
        return self.get_paginated_response(ReadinessEventOut(page, many=True).data)


class ReadinessEventListView(GenericAPIView[ReadinessEvent]):
    """Every readiness change the caller may see, newest first: a feed for dashboards."""

    serializer_class = ReadinessEventOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="readiness_events_list", responses=ReadinessEventOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(readiness_event_list_for_user(user=request.user))
        return self.get_paginated_response(ReadinessEventOut(page, many=True).data)
