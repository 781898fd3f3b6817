"""An evidence item's statement suggestions."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.evidence.base import EvidenceAPIView
from api.suggestions.serializers import SuggestionsOut, suggestions_out
from portfolio.evidence.selectors import evidence_get_for_user
from portfolio.suggestions.services.suggestions import evidence_suggestions_current


class EvidenceSuggestionsView(EvidenceAPIView):
    serializer_class = SuggestionsOut

    @extend_schema(
        operation_id="evidence_suggestions_retrieve",
        responses=SuggestionsOut,
        description="The statements this item most likely shows, best first: its title, reflection and the text "
        "of its verified files ranked against the knowledge and skill statements of the apprentice's route "
        "(core AOs and their option's; never behaviours), each with its score, AO and the model that made it. "
        "Made on this machine by a local model, again whenever the item's text or files change. "
        "`enabled` is false (and the list empty) when the provider turned suggestions off.",
    )
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        evidence = evidence_get_for_user(user=request.user, public_id=public_id)
        return Response(suggestions_out(evidence_suggestions_current(evidence=evidence)))
