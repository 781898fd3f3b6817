from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.coverage.serializers import CohortRowOut, CoverageOut, ReadinessEventOut, ReadinessFeedEventOut
from api.pagination import KeysetPagination
from api.permissions import IsEmployerContact, IsProviderStaff
from portfolio.core.queries import CountingPaginator, with_total
from portfolio.coverage.answers import coverage_answer_for_user
from portfolio.coverage.cohort_compiled import unfiltered_ids
from portfolio.coverage.cohort_rows import cohort_row, cohort_values_of, page_ids, review_subjects, with_row_relations
from portfolio.coverage.filters import CohortFilter
from portfolio.coverage.models import ReadinessEvent
from portfolio.coverage.selectors import (
    FEED_PAGE_SIZE,
    READINESS_FEED_ORDER,
    cohort_list_for_user,
    readiness_event_list_for_user,
)
from portfolio.people.models import Apprenticeship
from portfolio.people.selectors import HeldOrganisations, apprenticeship_get_for_user, user_held_organisations
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
    def get(self, request: Request, public_id: uuid.UUID) -> HttpResponse:
        # The answer is kept as the JSON it is sent as (portfolio/coverage/answers.py): a read of an unchanged
        # apprenticeship is one query and no serialisation. CoverageOut describes it in the schema.
        body = coverage_answer_for_user(user=request.user, public_id=public_id)
        return HttpResponse(body, content_type="application/json")


class CohortPagination(PageNumberPagination):
    """The project's page numbers (count, next, previous), each page and the count read in one query."""

    django_paginator_class = CountingPaginator


class CohortView(GenericAPIView[Apprenticeship]):
    """Provider staff see their provider's apprentices; employer contacts their employer's."""

    serializer_class = CohortRowOut
    permission_classes = [IsAuthenticated, IsProviderStaff | IsEmployerContact]

    filter_backends = [DjangoFilterBackend]
    filterset_class = CohortFilter
    pagination_class = CohortPagination
    held: HeldOrganisations | None = None

    def get_queryset(self) -> QuerySet[Apprenticeship]:
        if getattr(self, "swagger_fake_view", False):  # the schema reads the FilterSet's model, no one's rows
            return Apprenticeship.objects.none()
        return with_row_relations(cohort_list_for_user(user=self.request.user, held=self.held))

    @extend_schema(operation_id="cohort_list", responses=CohortRowOut(many=True))
    def get(self, request: Request) -> Response:
        # The page is cut from the sorted ids (with the count, in one query: compiled once when no filter is asked
        # for), then its rows are read and built directly (portfolio/coverage/cohort_rows.py), as CohortRowOut
        # describes them in the schema.
        self.held = user_held_organisations(user=request.user)  # the scope as ids, read once
        sorted_ids: Any = unfiltered_ids(
            filterset_class=CohortFilter, data=request.query_params, user=request.user, held=self.held
        )
        if sorted_ids is None:
            sorted_ids = with_total(page_ids(self.filter_queryset(self.get_queryset())))
        ids: list[int] = self.paginate_queryset(sorted_ids) or []
        values = cohort_values_of(ids)
        # Each row's next progress review (portfolio/progress/schedule.py), for this page's rows at once.
        today = timezone.localdate()
        reviews = due_by_apprenticeship(apprenticeships=review_subjects(values), today=today)
        built = []
        for v in values:
            row = cohort_row(v)
            due = reviews.get(v["pk"])
            row["next_review_due"] = due.due_on.isoformat() if due and due.due_on else None
            row["review_overdue"] = bool(due and due.overdue(today))
            built.append(row)
        return self.get_paginated_response(built)


class ApprenticeshipReadinessEventsView(GenericAPIView[ReadinessEvent]):
    serializer_class = ReadinessEventOut
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="apprenticeships_readiness_events", responses=ReadinessEventOut(many=True))
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        queryset = readiness_event_list_for_user(user=request.user).filter(apprenticeship=apprenticeship)
        page = self.paginate_queryset(queryset.order_by("-sequence"))
        return self.get_paginated_response(ReadinessEventOut(page, many=True).data)


class ReadinessFeedPagination(KeysetPagination):
    """The feed newest first, a page at a time by position (api/pagination.py), read from the events' index in the
    feed's order: the events of one recompute share a moment, however many there are."""

    order = READINESS_FEED_ORDER
    page_size = FEED_PAGE_SIZE


class ReadinessEventListView(GenericAPIView[ReadinessEvent]):
    """Every readiness change the caller may see, newest first: a feed for dashboards."""

    serializer_class = ReadinessFeedEventOut
    permission_classes = [IsAuthenticated]
    pagination_class = ReadinessFeedPagination

    @extend_schema(operation_id="readiness_events_list", responses=ReadinessFeedEventOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(readiness_event_list_for_user(user=request.user))
        return self.get_paginated_response(ReadinessFeedEventOut(page, many=True).data)
