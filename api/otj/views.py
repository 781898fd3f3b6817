"""Off-the-job hours: an apprenticeship's entries (list, log, change, delete), decisions (approve, decline,
reverse, bulk approve), the approval queue, the figures, and a provider's minimum hours per standard version.

Thin: each view finds the object through a scoped selector (404 for what the caller may not see), then one
service or selector decides and answers.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.otj.serializers import (
    OtjActivityIn,
    OtjActivityOut,
    OtjActivityUpdateIn,
    OtjBulkApproveIn,
    OtjBulkApproveOut,
    OtjDecisionIn,
    OtjMinimumIn,
    OtjMinimumOut,
    OtjQueueFilter,
    OtjSummaryOut,
)
from api.permissions import _has_role
from portfolio.otj.lifecycle import STAFF_ROLES
from portfolio.otj.models import OtjActivity
from portfolio.otj.selectors import (
    otj_activity_get_for_user,
    otj_activity_list_for_apprenticeship,
    otj_figures_for,
    otj_minimum_rows_for_provider,
    otj_queue_for_user,
)
from portfolio.otj.services.activities import otj_activity_create, otj_activity_delete, otj_activity_update
from portfolio.otj.services.decisions import (
    otj_activity_approve,
    otj_activity_approve_many,
    otj_activity_decline,
    otj_activity_reverse,
)
from portfolio.otj.services.minimums import otj_minimums_save
from portfolio.people.models import Organisation, User
from portfolio.people.selectors import apprenticeship_get_for_user, organisation_get_for_user, user_is_admin_of
from portfolio.standards.models import Standard

TAGS = ["otj"]


class IsOtjStaff(BasePermission):
    """An assessor, tutor or admin at some provider: the people who decide OTJ entries."""

    message = "Only a training provider's tutors, assessors and admins decide off-the-job entries."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _has_role(request.user, frozenset(STAFF_ROLES))


class OtjActivityListView(GenericAPIView[OtjActivity]):
    serializer_class = OtjActivityIn

    @extend_schema(operation_id="otj_list", responses=OtjActivityOut(many=True), tags=TAGS,
                   description="The apprenticeship's OTJ entries, newest first, in every state.")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        queryset = otj_activity_list_for_apprenticeship(user=request.user, apprenticeship=apprenticeship)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(OtjActivityOut(page, many=True).data)

    @idempotent
    @extend_schema(
        operation_id="otj_create",
        request=OtjActivityIn,
        responses={201: OtjActivityOut},
        tags=TAGS,
        description="The apprentice (or a tutor, assessor or admin of their provider) logs an activity; it is "
        "pending until approved. Refused (400, nothing saved): an overlap in time with another pending or approved "
        "entry, a start or end in the future, a date before the apprenticeship's start, more than 24 hours on one "
        "day, evidence of another apprenticeship.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        data = OtjActivityIn(data=request.data)
        data.is_valid(raise_exception=True)
        activity = otj_activity_create(actor=request.user, apprenticeship=apprenticeship, **data.validated_data)
        return Response(OtjActivityOut(activity).data, status=status.HTTP_201_CREATED)


class OtjActivityDetailView(GenericAPIView[OtjActivity]):
    serializer_class = OtjActivityUpdateIn

    @extend_schema(operation_id="otj_retrieve", responses=OtjActivityOut, tags=TAGS)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(OtjActivityOut(otj_activity_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(operation_id="otj_partial_update", request=OtjActivityUpdateIn, responses=OtjActivityOut,
                   tags=TAGS, description="The person who logged a pending entry changes it; every rule is "
                   "checked again. An approved or declined entry answers 409 `wrong_state`.")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        activity = otj_activity_get_for_user(user=request.user, public_id=public_id)
        data = OtjActivityUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        activity = otj_activity_update(actor=request.user, activity=activity, **data.validated_data)
        return Response(OtjActivityOut(otj_activity_get_for_user(user=request.user, public_id=activity.public_id)).data)

    @extend_schema(operation_id="otj_destroy", responses={204: None}, tags=TAGS,
                   description="The person who logged a pending entry deletes it.")  # fmt: skip
    def delete(self, request: Request, public_id: uuid.UUID) -> Response:
        activity = otj_activity_get_for_user(user=request.user, public_id=public_id)
        otj_activity_delete(actor=request.user, activity=activity)
        return Response(status=status.HTTP_204_NO_CONTENT)


_DECIDE = {"approve": otj_activity_approve, "decline": otj_activity_decline, "reverse": otj_activity_reverse}
_DESCRIBE = {
    "approve": "Provider staff (assessor, tutor, admin) approve a pending entry; its minutes count from now. "
    "Nobody approves an entry they logged.",
    "decline": "Provider staff decline a pending entry with a comment the apprentice reads.",
    "reverse": "Provider staff reverse a decision, with a comment: an approved entry becomes declined, a declined "
    "one approved (if it still fits the day: no overlap, at most 24 hours). The audit log keeps both decisions.",
}


def _decision_view(action: str) -> type[GenericAPIView[OtjActivity]]:
    class DecisionView(GenericAPIView[OtjActivity]):
        serializer_class = OtjDecisionIn

        @extend_schema(operation_id=f"otj_{action}", request=OtjDecisionIn, responses=OtjActivityOut, tags=TAGS,
                       description=_DESCRIBE[action])  # fmt: skip
        def post(self, request: Request, public_id: uuid.UUID) -> Response:
            activity = otj_activity_get_for_user(user=request.user, public_id=public_id)
            data = OtjDecisionIn(data=request.data)
            data.is_valid(raise_exception=True)
            activity = _DECIDE[action](actor=request.user, activity=activity, **data.validated_data)
            fresh = otj_activity_get_for_user(user=request.user, public_id=activity.public_id)
            return Response(OtjActivityOut(fresh).data)

    DecisionView.__name__ = DecisionView.__qualname__ = f"Otj{action.title()}View"
    return DecisionView


OtjApproveView = _decision_view("approve")
OtjDeclineView = _decision_view("decline")
OtjReverseView = _decision_view("reverse")


class OtjQueueView(GenericAPIView[OtjActivity]):
    serializer_class = OtjActivityOut
    permission_classes = [IsAuthenticated, IsOtjStaff]

    @extend_schema(operation_id="otj_queue", parameters=[OtjQueueFilter], responses=OtjActivityOut(many=True),
                   tags=TAGS, description="Pending entries you may decide, oldest first.")  # fmt: skip
    def get(self, request: Request) -> Response:
        filters = OtjQueueFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        apprenticeship = (
            apprenticeship_get_for_user(user=request.user, public_id=wanted["apprenticeship"])
            if "apprenticeship" in wanted
            else None
        )
        tutor = User.objects.filter(public_id=wanted["tutor"]).first() if "tutor" in wanted else None
        queryset = otj_queue_for_user(user=request.user, tutor=tutor, apprenticeship=apprenticeship)
        if "tutor" in wanted and tutor is None:
            queryset = queryset.none()  # nobody by that id: nobody's apprentices
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(OtjActivityOut(page, many=True).data)


class OtjBulkApproveView(GenericAPIView[OtjActivity]):
    serializer_class = OtjBulkApproveIn
    permission_classes = [IsAuthenticated, IsOtjStaff]

    @extend_schema(
        operation_id="otj_bulk_approve",
        request=OtjBulkApproveIn,
        responses=OtjBulkApproveOut,
        tags=TAGS,
        description="Approves each entry in its own transaction and answers one result per entry: `done`, or why "
        "not (`conflict`, `wrong_state`, `gone`, `not_found`, `forbidden`). The rest are approved even when some "
        "fail. Approving twice answers `wrong_state` the second time, so a retry approves nothing twice.",
    )
    def post(self, request: Request) -> Response:
        data = OtjBulkApproveIn(data=request.data)
        data.is_valid(raise_exception=True)
        items = [(item["activity"], item["expected_version"]) for item in data.validated_data["items"]]
        results = otj_activity_approve_many(
            actor=request.user,
            items=items,
            find=lambda pid: otj_activity_get_for_user(user=request.user, public_id=pid),
            comment=data.validated_data["comment"],
        )
        done = sum(1 for r in results if r.outcome == "done")
        body: dict[str, Any] = {"done": done, "failed": len(results) - done, "results": [vars(r) for r in results]}
        return Response(OtjBulkApproveOut(body).data)


class OtjSummaryView(GenericAPIView[OtjActivity]):
    serializer_class = OtjSummaryOut

    @extend_schema(
        operation_id="otj_summary",
        responses=OtjSummaryOut,
        tags=TAGS,
        description="Approved against the minimum (less RPL) and against the expected hours to date; behind or "
        "not; months without activity. The rules are in the README, *Off-the-job hours*.",
    )
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=public_id)
        today = timezone.localdate()
        figures = otj_figures_for(apprenticeship=apprenticeship, today=today)
        return Response(OtjSummaryOut(OtjSummaryOut.of(figures, today)).data)


def _provider_admin_of(request: Request, public_id: uuid.UUID) -> Organisation:
    provider = organisation_get_for_user(user=request.user, public_id=public_id)
    if not provider.is_provider:
        raise Http404("Not found.")  # employers have no minimums: the same answer as a missing one
    if not user_is_admin_of(user=request.user, provider=provider):
        raise PermissionDenied("Only an admin of this training provider can see and set its minimum OTJ hours.")
    return provider


class OtjMinimumListView(GenericAPIView[OtjActivity]):
    serializer_class = OtjMinimumIn
    pagination_class = None

    @extend_schema(operation_id="otj_minimums_list", responses=OtjMinimumOut(many=True), tags=TAGS,
                   description="The standard versions the provider's apprenticeships follow (and any with a "
                   "minimum set), each with its minimum OTJ hours.")  # fmt: skip
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _provider_admin_of(request, public_id)
        rows = otj_minimum_rows_for_provider(provider=provider)
        return Response(OtjMinimumOut([vars(row) for row in rows], many=True).data)

    @extend_schema(
        operation_id="otj_minimums_set",
        request=OtjMinimumIn,
        responses={200: OtjMinimumOut(many=True), 404: OpenApiResponse(description="no such provider or standard")},
        tags=TAGS,
        description="Set (or, with null, clear) the minimum of one standard version; answers the whole list.",
    )
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _provider_admin_of(request, public_id)
        data = OtjMinimumIn(data=request.data)
        data.is_valid(raise_exception=True)
        standard = Standard.objects.filter(public_id=data.validated_data["standard"]).first()
        if standard is None:
            raise Http404("Not found.")
        otj_minimums_save(
            actor=request.user,
            provider=provider,
            minimums={standard: data.validated_data["minimum_hours"]},
        )
        rows = otj_minimum_rows_for_provider(provider=provider)
        return Response(OtjMinimumOut([vars(row) for row in rows], many=True).data)
