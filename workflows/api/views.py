from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope
from fraudops.core.errors import NotFound

from ..models import IncidentType
from ..selectors import incident_type_get, incident_type_list, playbook_current_list
from ..services import incident_type_create, playbook_version_publish
from .serializers import (
    IncidentTypeCreateInputSerializer,
    IncidentTypeSerializer,
    PlaybookPublishInputSerializer,
    PlaybookSerializer,
)


class PlaybookListApi(generics.ListAPIView):
    """Every incident type with the steps of its current playbook at each level."""

    serializer_class = PlaybookSerializer
    required_scopes = {"GET": ApiScope.PLAYBOOKS_READ}
    pagination_class = None

    def get_queryset(self):
        return playbook_current_list()

    @extend_schema(operation_id="playbooks_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PlaybookDetailApi(generics.RetrieveAPIView):
    serializer_class = PlaybookSerializer
    required_scopes = {"GET": ApiScope.PLAYBOOKS_READ}

    def get_object(self):
        playbook = playbook_current_list().filter(incident_type__code=self.kwargs["code"]).first()
        if playbook is None:
            raise NotFound()
        return playbook


class IncidentTypeListApi(IdempotentMixin, generics.ListAPIView):
    """Every incident type with its current playbook version (GET); head office adds a type
    with version 1 of its playbook, current and fileable at once (POST)."""

    serializer_class = IncidentTypeSerializer
    required_scopes = {"GET": ApiScope.PLAYBOOKS_READ, "POST": ApiScope.PLAYBOOKS_READ}
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IncidentType.objects.none()
        return incident_type_list()

    @extend_schema(operation_id="incident_types_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="incident_types_create",
        request=IncidentTypeCreateInputSerializer,
        responses={201: PlaybookSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        serializer = IncidentTypeCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incident_type = incident_type_create(actor=Actor.from_request(request), **data)
        playbook = playbook_current_list().get(incident_type=incident_type)
        return Response(PlaybookSerializer(playbook).data, status=status.HTTP_201_CREATED)


class PlaybookPublishApi(IdempotentMixin, APIView):
    """Head office publishes a new version of a type's playbook: current at once."""

    required_scopes = {"POST": ApiScope.PLAYBOOKS_READ}

    @extend_schema(
        operation_id="incident_types_publish",
        request=PlaybookPublishInputSerializer,
        responses={201: PlaybookSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, code: str):
        incident_type = incident_type_get(code=code)
        if incident_type is None:
            raise NotFound()
        serializer = PlaybookPublishInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        playbook = playbook_version_publish(
            actor=Actor.from_request(request),
            incident_type=incident_type,
            definition=serializer.validated_data["playbook"],
            notes=serializer.validated_data["notes"],
        )
        playbook = playbook_current_list().get(pk=playbook.pk)
        return Response(PlaybookSerializer(playbook).data, status=status.HTTP_201_CREATED)
