"""Decision endpoints: POST /api/evidence/{id}/submit|confirm|accept|return|withdraw/ and the history.

Order of answers: someone who may not see the item gets 404; someone who sees it but holds the wrong role,
403; a stale `expected_version`, 409 `conflict` (with what changed); the right version in the wrong state,
409 `wrong_state`; bad input (no comment, tags, unverified files), 400.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.reviews.serializers import AcceptIn, DecisionIn, DecisionOut, DecisionResultOut, ReturnIn
from portfolio.evidence.models import Evidence
from portfolio.reviews.models import ReviewDecision
from portfolio.reviews.selectors.evidence import (
    decision_list_for_evidence,
    review_evidence_after_decision,
    review_evidence_get_for_user,
)
from portfolio.reviews.services.accept import TagVerdict, TagVerdictsInvalid, evidence_accept
from portfolio.reviews.services.confirm import evidence_confirm
from portfolio.reviews.services.returns import evidence_return
from portfolio.reviews.services.submit import evidence_submit
from portfolio.reviews.services.withdraw import evidence_withdraw

ERRORS = {
    400: OpenApiResponse(description="invalid: see details"),
    403: OpenApiResponse(description="forbidden: your role cannot take this decision"),
    404: OpenApiResponse(description="not_found: missing, or not yours to see"),
    409: OpenApiResponse(description="conflict (stale expected_version) or wrong_state"),
}


class _DecisionView(GenericAPIView[Evidence]):
    serializer_class: type[serializers.Serializer[Any]] = DecisionIn
    input_class: type[serializers.Serializer[Any]] = DecisionIn

    def act(self, request: Request, evidence: Evidence, data: dict[str, Any]) -> ReviewDecision:
        raise NotImplementedError

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = review_evidence_get_for_user(user=request.user, public_id=public_id)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        decision = self.act(request, evidence, dict(data.validated_data))
        result = review_evidence_after_decision(decision=decision)
        return Response(DecisionResultOut({"evidence": result, "decision": decision}).data)


def _decision_schema(action: str, request: type[serializers.Serializer[Any]], description: str) -> Callable[..., Any]:
    return extend_schema(
        operation_id=f"evidence_{action}",
        responses={200: DecisionResultOut, **ERRORS},
        description=description,
        tags=["reviews"],
    )


class SubmitView(_DecisionView):
    @_decision_schema("submit", DecisionIn, "The apprentice (or a witness statement's author) submits the item. "
                      "Needs a tag and every file verified. The provider's policy may skip steps.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return super().post(request, public_id)

    def act(self, request: Request, evidence: Evidence, data: dict[str, Any]) -> ReviewDecision:
        return evidence_submit(actor=request.user, evidence=evidence, expected_version=data["expected_version"])


class ConfirmView(_DecisionView):
    @_decision_schema("confirm", DecisionIn, "An employer contact confirms submitted evidence is genuine.")
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return super().post(request, public_id)

    def act(self, request: Request, evidence: Evidence, data: dict[str, Any]) -> ReviewDecision:
        return evidence_confirm(actor=request.user, evidence=evidence, **data)


class AcceptView(_DecisionView):
    serializer_class = AcceptIn
    input_class = AcceptIn

    @_decision_schema("accept", AcceptIn, "An assessor or tutor accepts the item per statement: every tag "
                      "accepted or declined, a comment for each declined one. 400 details name each bad tag "
                      "under `tags` by its code.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return super().post(request, public_id)

    def act(self, request: Request, evidence: Evidence, data: dict[str, Any]) -> ReviewDecision:
        verdicts = [TagVerdict(t["statement"].strip().upper(), t["accepted"], t["comment"]) for t in data["tags"]]
        try:
            return evidence_accept(
                actor=request.user,
                evidence=evidence,
                expected_version=data["expected_version"],
                tags=verdicts,
                comment=data["comment"],
            )
        except TagVerdictsInvalid as exc:
            raise exceptions.ValidationError({"tags": exc.per_tag}) from exc


class ReturnView(_DecisionView):
    serializer_class = ReturnIn
    input_class = ReturnIn

    @_decision_schema("return", ReturnIn, "An employer contact (submitted items) or an assessor or tutor "
                      "(submitted, confirmed or accepted items) sends it back with a comment.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return super().post(request, public_id)

    def act(self, request: Request, evidence: Evidence, data: dict[str, Any]) -> ReviewDecision:
        return evidence_return(actor=request.user, evidence=evidence, **data)


class WithdrawView(_DecisionView):
    @_decision_schema("withdraw", DecisionIn, "The apprentice withdraws evidence that was submitted. It is kept "
                      "with its history and stops counting.")  # fmt: skip
    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        return super().post(request, public_id)

    def act(self, request: Request, evidence: Evidence, data: dict[str, Any]) -> ReviewDecision:
        return evidence_withdraw(actor=request.user, evidence=evidence, **data)


class DecisionListView(GenericAPIView[ReviewDecision]):
    """Every decision on the item, oldest first, invalidated ones included, each with its fingerprint."""

    serializer_class = DecisionOut

    @extend_schema(operation_id="evidence_decisions_list", responses=DecisionOut(many=True), tags=["reviews"])
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = review_evidence_get_for_user(user=request.user, public_id=public_id)
        page = self.paginate_queryset(decision_list_for_evidence(evidence=evidence))
        return self.get_paginated_response(DecisionOut(page, many=True).data)
