"""The caller's own inbox. Staff only: API clients have no inbox."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.errors import PermissionRefused

from ..models import Notification, NotificationPreference
from ..selectors import notification_list, notification_preference, notification_unread_count
from ..services import notification_preferences_update, notifications_mark_read
from .serializers import (
    MarkReadInputSerializer,
    MarkReadOutputSerializer,
    NotificationSerializer,
    PreferencesInputSerializer,
    PreferencesSerializer,
    UnreadCountSerializer,
)


class _StaffOnly:
    # Clients pass IsActor (no scope is needed) and are refused here with a clear message.
    required_scopes: dict = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(request._request, "api_client", None) is not None:
            raise PermissionRefused(_("API clients have no inbox."))


class NotificationListApi(_StaffOnly, generics.ListAPIView):
    """The signed-in person's notifications, newest first."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notification_list(user=self.request.user, unread_only=unread)

    @extend_schema(
        operation_id="notifications_list",
        parameters=[OpenApiParameter("unread", bool, description="Only unread ones.")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationUnreadCountApi(_StaffOnly, APIView):
    @extend_schema(operation_id="notifications_unread_count", responses=UnreadCountSerializer)
    def get(self, request):
        return Response({"unread": notification_unread_count(user=request.user)})


class NotificationMarkReadApi(_StaffOnly, IdempotentMixin, APIView):
    """Mark some (`ids`) or all (`all: true`) of one's notifications read."""

    @extend_schema(
        operation_id="notifications_mark_read",
        request=MarkReadInputSerializer,
        responses=MarkReadOutputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        serializer = MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = None if serializer.validated_data.get("all") else serializer.validated_data["ids"]
        marked = notifications_mark_read(user=request.user, ids=ids)
        return Response({"marked": marked, "unread": notification_unread_count(user=request.user)})


def _preferences(user, preference: NotificationPreference) -> dict:
    return {
        "email_enabled": preference.email_enabled,
        "non_urgent_delivery": preference.non_urgent_delivery,
        "has_email_address": bool(user.email),
    }


class NotificationPreferencesApi(_StaffOnly, IdempotentMixin, APIView):
    """The signed-in person's notification choices: read them (GET) or change them (PUT;
    a field left out keeps its value). Changes are audited."""

    @extend_schema(operation_id="notifications_preferences_read", responses=PreferencesSerializer)
    def get(self, request):
        return Response(_preferences(request.user, notification_preference(user=request.user)))

    @extend_schema(
        operation_id="notifications_preferences_update",
        request=PreferencesInputSerializer,
        responses=PreferencesSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def put(self, request):
        serializer = PreferencesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = notification_preferences_update(
            actor=Actor.from_request(request), **serializer.validated_data
        )
        return Response(_preferences(request.user, preference))
