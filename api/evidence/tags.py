"""An item's tags to the statements of the apprentice's route."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.evidence.base import CONFLICT, REFUSED, EvidenceAPIView
from api.evidence.serializers import TagsIn, TagsOut
from portfolio.evidence.selectors import evidence_get_for_user
from portfolio.evidence.services.tags import evidence_tags_set


class EvidenceTagsView(EvidenceAPIView):
    serializer_class = TagsIn

    @extend_schema(operation_id="evidence_tags_retrieve", responses=TagsOut)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = evidence_get_for_user(user=request.user, public_id=public_id)
        return Response(TagsOut({"statements": evidence.tags.all()}).data)

    @extend_schema(
        operation_id="evidence_tags_update",
        request=TagsIn,
        responses={200: TagsOut, 400: REFUSED, 409: CONFLICT},
        description="Replaces the tags. Only K and S statements of the apprentice's route (core AOs and their "
        "option's) are accepted; behaviours are confirmed by the employer, not tagged. A refusal (400 "
        "`invalid_tags`) names each rejected code and why in `details.statements`. Unchanged tags keep their "
        "state.",
    )
    def put(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = evidence_get_for_user(user=request.user, public_id=public_id)
        data = TagsIn(data=request.data)
        data.is_valid(raise_exception=True)
        tags = evidence_tags_set(actor=request.user, evidence=evidence, codes=data.validated_data["statements"])
        return Response(TagsOut({"statements": tags}).data)
