"""GET/PATCH /api/organisations/{provider id}/review-policy/: the provider's admins only."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.reviews.serializers import ReviewPolicyIn, ReviewPolicyOut
from portfolio.people.models import Organisation
from portfolio.people.selectors import organisation_get_for_user, user_is_admin_of
from portfolio.reviews.models import ReviewPolicy
from portfolio.reviews.services.policy import review_policy_get_or_create, review_policy_update


def _provider(request: Request, public_id: uuid.UUID) -> Organisation:
    provider = organisation_get_for_user(user=request.user, public_id=public_id)
    if not provider.is_provider:
        raise Http404("Not found.")  # employers have no review policy: the same answer as a missing one
    return provider


class ReviewPolicyView(GenericAPIView[ReviewPolicy]):
    serializer_class = ReviewPolicyIn

    @extend_schema(operation_id="review_policy_retrieve", responses=ReviewPolicyOut, tags=["reviews"])
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _provider(request, public_id)
        if not user_is_admin_of(user=request.user, provider=provider):
            raise PermissionDenied("Only an admin of this training provider can see its review policy.")
        return Response(ReviewPolicyOut(review_policy_get_or_create(provider_id=provider.pk)).data)

    @extend_schema(operation_id="review_policy_partial_update", request=ReviewPolicyIn, responses=ReviewPolicyOut,
                   tags=["reviews"], description="Drop or restore the employer confirmation or the provider "
                   "acceptance step; set how many accepted items cover a statement.")  # fmt: skip
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        provider = _provider(request, public_id)
        data = ReviewPolicyIn(data=request.data)
        data.is_valid(raise_exception=True)
        policy = review_policy_update(actor=request.user, provider=provider, **data.validated_data)
        return Response(ReviewPolicyOut(policy).data)
