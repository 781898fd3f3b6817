"""The review queues, and bulk confirmation from the employer's queue."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsApprentice, IsEmployerContact
from api.reviews.permissions import IsProviderReviewer
from api.reviews.serializers import BulkConfirmIn, BulkConfirmOut, EvidenceReviewOut, ReturnedEvidenceOut
from portfolio.evidence.models import Evidence
from portfolio.reviews.selectors.queues import (
    acceptance_queue_for_user,
    confirmation_queue_for_user,
    returned_list_for_user,
)
from portfolio.reviews.services.bulk import evidence_confirm_many


class ConfirmationQueueView(GenericAPIView[Evidence]):
    serializer_class = EvidenceReviewOut
    permission_classes = [IsAuthenticated, IsEmployerContact]

    @extend_schema(operation_id="reviews_queue_confirmation", responses=EvidenceReviewOut(many=True), tags=["reviews"],
                   description="Submitted evidence of your employer's apprentices, oldest first.")  # fmt: skip
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(confirmation_queue_for_user(user=request.user))
        return self.get_paginated_response(EvidenceReviewOut(page, many=True).data)


class AcceptanceQueueView(GenericAPIView[Evidence]):
    serializer_class = EvidenceReviewOut
    permission_classes = [IsAuthenticated, IsProviderReviewer]

    @extend_schema(operation_id="reviews_queue_acceptance", responses=EvidenceReviewOut(many=True), tags=["reviews"],
                   description="Evidence waiting for your provider's acceptance, oldest first.")  # fmt: skip
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(acceptance_queue_for_user(user=request.user))
        return self.get_paginated_response(EvidenceReviewOut(page, many=True).data)


class ReturnedQueueView(GenericAPIView[Evidence]):
    serializer_class = ReturnedEvidenceOut
    permission_classes = [IsAuthenticated, IsApprentice]

    @extend_schema(operation_id="reviews_queue_returned", responses=ReturnedEvidenceOut(many=True), tags=["reviews"],
                   description="Your evidence returned for changes, with the reviewer's comment.")  # fmt: skip
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(returned_list_for_user(user=request.user))
        return self.get_paginated_response(ReturnedEvidenceOut(page, many=True).data)


class BulkConfirmView(GenericAPIView[Evidence]):
    serializer_class = BulkConfirmIn
    permission_classes = [IsAuthenticated, IsEmployerContact]

    @extend_schema(
        operation_id="reviews_bulk_confirm",
        request=BulkConfirmIn,
        responses=BulkConfirmOut,
        tags=["reviews"],
        description="Confirms each item in its own transaction and answers one result per item: `done`, or why "
        "not (`conflict` with the current version and state, `wrong_state`, `not_found`, `forbidden`). "
        "The rest are confirmed even when some conflict.",
    )
    def post(self, request: Request) -> Response:
        data = BulkConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        items = [(item["evidence"], item["expected_version"]) for item in data.validated_data["items"]]
        results = evidence_confirm_many(actor=request.user, items=items, comment=data.validated_data["comment"])
        done = sum(1 for r in results if r.outcome == "done")
        body: dict[str, Any] = {"done": done, "failed": len(results) - done, "results": [vars(r) for r in results]}
        return Response(BulkConfirmOut(body).data)
