"""One API view per operation; each calls one service or selector."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope
from fraudops.core.errors import InvalidInput

from .. import selectors, services
from ..models import Incident
from ..step_records import records_for_tasks
from .filters import IncidentFilter
from .serializers import (
    EvidenceSerializer,
    IncidentDetailSerializer,
    IncidentFileSerializer,
    IncidentListSerializer,
    TaskReopenInputSerializer,
    TaskResultInputSerializer,
    TaskSerializer,
    TimelineEventSerializer,
    TransitionInputSerializer,
)

READ = ApiScope.INCIDENTS_READ
WRITE = ApiScope.INCIDENTS_WRITE


def _records_attach(tasks, incident) -> None:
    """Each task's records (`step_records`), described once per source for all of them."""
    tasks = list(tasks)
    records = records_for_tasks(tasks, incident=incident)
    for task in tasks:
        task.step_records = records.get(task.pk)


def _detail(request, number: str) -> Response:
    incident = selectors.incident_get(actor=Actor.from_request(request), number=number)
    _records_attach(incident.tasks.all(), incident)
    return IncidentDetailSerializer(incident).data


class IncidentListApi(IdempotentMixin, generics.ListAPIView):
    """List the incidents in the caller's subtree (GET) or file a new one (POST)."""

    serializer_class = IncidentListSerializer
    filterset_class = IncidentFilter
    required_scopes = {"GET": READ, "POST": WRITE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        return selectors.incident_list(actor=Actor.from_request(self.request))

    @extend_schema(
        request=IncidentFileSerializer,
        responses={201: IncidentDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_file",
    )
    def post(self, request):
        serializer = IncidentFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_file(
            actor=Actor.from_request(request), data=serializer.validated_data
        )
        return Response(_detail(request, incident.number), status=status.HTTP_201_CREATED)


class IncidentDetailApi(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(responses=IncidentDetailSerializer)
    def get(self, request, number: str):
        return Response(_detail(request, number))


class IncidentTransitionApi(IdempotentMixin, APIView):
    """Return an incident for more information, resubmit, close or withdraw it."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=TransitionInputSerializer,
        responses={
            200: IncidentDetailSerializer,
            409: OpenApiResponse(description="Changed by someone else, or not possible now."),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        services.incident_transition(
            actor=actor, incident_id=incident_id, **serializer.validated_data
        )
        return Response(_detail(request, number))


class TaskResultApi(IdempotentMixin, APIView):
    """Record a step's result: done (with evidence), not applicable (with the reason), or,
    from the level above, the instruction that opens a waiting step."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=TaskResultInputSerializer,
        responses={200: TaskSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, task_id: int):
        serializer = TaskResultInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        selectors.task_get(actor=actor, number=number, task_id=task_id)
        data = serializer.validated_data
        note = data.get("note", "")
        if data["result"] == "done":
            task = services.task_complete(
                actor=actor, task_id=task_id, note=note, evidence=data["evidence"]
            )
        elif data["result"] == "not_applicable":
            task = services.task_mark_not_applicable(actor=actor, task_id=task_id, reason=note)
        else:
            task = services.task_instruct(actor=actor, task_id=task_id, instruction=note)
        task.refresh_from_db()
        _records_attach([task], task.incident)
        return Response(TaskSerializer(task).data)


class TaskReopenApi(IdempotentMixin, APIView):
    """Reopen a step marked not applicable (by the incident's facts or by a person): the
    level holding the incident, with the reason. Its deadline starts again from now."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=TaskReopenInputSerializer,
        responses={
            200: TaskSerializer,
            409: OpenApiResponse(description="The step is not marked not applicable."),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, task_id: int):
        serializer = TaskReopenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        selectors.task_get(actor=actor, number=number, task_id=task_id)
        task = services.task_reopen(
            actor=actor, task_id=task_id, reason=serializer.validated_data["reason"]
        )
        task.refresh_from_db()
        _records_attach([task], task.incident)
        return Response(TaskSerializer(task).data)


class IncidentTimelineApi(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(responses=TimelineEventSerializer(many=True))
    def get(self, request, number: str):
        pk = selectors.incident_get_id(actor=Actor.from_request(request), number=number)
        events = selectors.incident_timeline(incident=Incident(pk=pk))
        return Response(TimelineEventSerializer(events, many=True).data)


class EvidenceUploadApi(IdempotentMixin, APIView):
    required_scopes = {"POST": WRITE}
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "task": {"type": "integer"},
                    "description": {"type": "string"},
                },
                "required": ["file"],
            }
        },
        responses={201: EvidenceSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput(fields={"file": ["Attach a file."]})
        task = request.data.get("task")
        evidence = services.evidence_attach(
            actor=actor,
            incident_id=incident_id,
            uploaded_file=upload,
            task_id=int(task) if task else None,
            description=request.data.get("description", ""),
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
