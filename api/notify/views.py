from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio.core.filters import YesNoField
from portfolio.notify.models import Notification
from portfolio.notify.selectors import notification_list_for_user
from portfolio.notify.services.notifications import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="these notifications; all of yours when omitted"
    )


class MarkReadResultSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField()


@extend_schema(
    summary="Your notifications, newest first",
    parameters=[OpenApiParameter("unread", bool, description="true: only unread ones (yes and no also work)")],
)
class NotificationListView(generics.ListAPIView[Notification]):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        # The yes/no spellings every list filter takes (portfolio/core/filters.py); anything else is a 400.
        try:
            unread = YesNoField(required=False).clean(self.request.query_params.get("unread"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"unread": exc.messages}) from exc
        return notification_list_for_user(user=self.request.user, unread_only=bool(unread))


class NotificationMarkReadView(APIView):
    @extend_schema(summary="Mark notifications read", request=MarkReadSerializer, responses=MarkReadResultSerializer)
    def post(self, request: Request) -> Response:
        form = MarkReadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        marked = notification_mark_read(user=request.user, public_ids=form.validated_data.get("ids"))
        return Response({"marked": marked})
