from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.UUID)
class PublicIdField(serializers.SlugRelatedField):
    """A reference by public UUID, resolved through a selector scoped to the requesting user.

    A row the user may not see is reported exactly like a missing one ("does not exist").
    """

    default_error_messages = {
        "does_not_exist": "No {model} with id {value} exists.",
        "invalid": "Give the id as a UUID.",
    }

    def __init__(self, scope: Callable[[Any], QuerySet[Any]], model: str, **kwargs: Any) -> None:
        self.scope = scope
        self.model_label = model
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.scope(self.context["request"].user)

    def to_internal_value(self, data: Any) -> Any:
        queryset = self.get_queryset()
        try:
            return queryset.get(public_id=data)
        except (queryset.model.DoesNotExist, ValueError, TypeError):
            self.fail("does_not_exist", model=self.model_label, value=str(data)[:64])
        except Exception:  # django's ValidationError for a malformed UUID
            self.fail("invalid")
