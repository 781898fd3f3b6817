"""Evidence items: list (scoped to the caller), create, read, change, delete a draft."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.evidence.base import CONFLICT, REFUSED, EvidenceAPIView
from api.evidence.serializers import EvidenceCreateIn, EvidenceOut, EvidenceUpdateIn
from api.idempotency import idempotent
from api.pagination import KeysetPagination
from portfolio.evidence.filters import EvidenceFilter
from portfolio.evidence.models import Evidence
from portfolio.evidence.selectors import EVIDENCE_LIST_ORDER, evidence_get_for_user, evidence_list_for_user
from portfolio.evidence.services.evidence import evidence_create, evidence_delete_draft, evidence_update
from portfolio.people.selectors import apprenticeship_get_for_user


class EvidencePagination(KeysetPagination):
    """The list newest first (by the date it happened), 50 a page by position: a provider's runs to hundreds of
    thousands of items, and a page far down it costs what the first does."""

    order = EVIDENCE_LIST_ORDER


class EvidenceListView(EvidenceAPIView):
    """Evidence of the apprenticeships the caller may see; apprentices (and, for witness testimony and
    observation records, employer contacts and provider staff) add it here."""

    serializer_class = EvidenceCreateIn

    filter_backends = [DjangoFilterBackend]
    filterset_class = EvidenceFilter
    pagination_class = EvidencePagination

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):  # the schema reads the FilterSet's model, no one's rows
            return Evidence.objects.none()
        return evidence_list_for_user(user=self.request.user)

    @extend_schema(operation_id="evidence_list", responses=EvidenceOut(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EvidenceOut(page, many=True).data)

    @idempotent
    @extend_schema(
        operation_id="evidence_create",
        request=EvidenceCreateIn,
        responses={201: EvidenceOut, 409: CONFLICT},
        description="Creates a draft. An apprenticeship the caller cannot see is reported as not found (404).",
    )
    def post(self, request: Request) -> Response:
        data = EvidenceCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        apprenticeship = apprenticeship_get_for_user(user=request.user, public_id=fields.pop("apprenticeship"))
        evidence = evidence_create(actor=request.user, apprenticeship=apprenticeship, **fields)
        evidence = evidence_get_for_user(user=request.user, public_id=evidence.public_id)
        return Response(EvidenceOut(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDetailView(EvidenceAPIView):
    serializer_class = EvidenceUpdateIn

    @extend_schema(operation_id="evidence_retrieve", responses=EvidenceOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        return Response(EvidenceOut(evidence_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(
        operation_id="evidence_partial_update",
        request=EvidenceUpdateIn,
        responses={200: EvidenceOut, 409: CONFLICT},
        description="The author changes the fields. After submission, a change reopens the item: the version "
        "grows and earlier review decisions no longer hold.",
    )
    def patch(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = evidence_get_for_user(user=request.user, public_id=public_id)
        data = EvidenceUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        evidence_update(actor=request.user, evidence=evidence, **data.validated_data)
        return Response(EvidenceOut(evidence_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(
        operation_id="evidence_destroy",
        responses={204: None, 409: REFUSED},
        description="Deletes a draft that was never submitted, and its files. Submitted evidence is withdrawn, "
        "not deleted (409 `evidence_was_submitted`).",
    )
    def delete(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = evidence_get_for_user(user=request.user, public_id=public_id)
        evidence_delete_draft(actor=request.user, evidence=evidence)
        return Response(status=status.HTTP_204_NO_CONTENT)
