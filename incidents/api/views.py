"""One API view per operation; each calls one service or selector."""

import re
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope
from fraudops.core.errors import InvalidInput

from .. import selectors, services
from ..models import Incident, Task
from ..services.owners import UNSET as ASSIGNEE_UNSET
from ..step_records import records_for_tasks
from .filters import IncidentFilter
from .serializers import (
    AmountLostInputSerializer,
    EvidenceSerializer,
    IncidentAmountsSerializer,
    IncidentDetailSerializer,
    IncidentFileSerializer,
    IncidentListSerializer,
    LedgerEntryInputSerializer,
    LedgerEntrySerializer,
    LedgerVoidInputSerializer,
    OutcomeInputSerializer,
    TaskAssignInputSerializer,
    TaskClaimInputSerializer,
    TaskListSerializer,
    TaskReopenInputSerializer,
    TaskResultInputSerializer,
    TaskSerializer,
    TaskUnassignInputSerializer,
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


# A step's result sent as multipart/form-data: its evidence values and its files, each
# named by the step's evidence field (`PlaybookStep.evidence[].name`).
FORM_FIELD = re.compile(r"^(evidence|files)\[([a-z][a-z0-9_]*)\]$")

TASK_RESULT_FORM = {
    "type": "object",
    "description": (
        "The same as the JSON body, with files. Each evidence value is a part named "
        "`evidence[<field>]`; each file a part named `files[<field>]`, repeated for a field "
        "that takes several files, where `<field>` is the step's evidence field name "
        "(`GET /api/v1/playbooks/`). Files are checked by content (PDF, JPEG, PNG, text, "
        "CSV) and size; a refused result attaches none of them."
    ),
    "properties": {
        "result": {"type": "string", "enum": ["done", "not_applicable", "instructed"]},
        "note": {"type": "string", "description": "Note; the reason for not_applicable."},
    },
    "required": ["result"],
    "additionalProperties": {
        "oneOf": [
            {"type": "string", "description": "`evidence[<field>]`: the field's value."},
            {"type": "string", "format": "binary", "description": "`files[<field>]`: a file."},
        ]
    },
    "example": {
        "result": "done",
        "evidence[payee_account]": "6222 0202 0011 2233 445",
        "files[statement]": "(binary)",
    },
}


def _task_result_input(request) -> tuple[dict[str, Any], dict[str, Any], dict[str, list]]:
    """The result's data, its evidence values and its files by field, from JSON or from
    multipart/form-data (`evidence[<field>]`, `files[<field>]`)."""
    if not (request.content_type or "").startswith("multipart/form-data"):
        serializer = TaskResultInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data, serializer.validated_data["evidence"], {}
    serializer = TaskResultInputSerializer(
        data={name: request.POST.get(name) for name in ("result", "note") if name in request.POST}
    )
    serializer.is_valid(raise_exception=True)
    evidence: dict[str, Any] = {}
    files: dict[str, list] = {}
    unknown = []
    for name in request.POST:
        match = FORM_FIELD.match(name)
        if match and match.group(1) == "evidence":
            evidence[match.group(2)] = request.POST.get(name)
        elif name not in ("result", "note"):
            unknown.append(name)
    for name in request.FILES:
        match = FORM_FIELD.match(name)
        if match and match.group(1) == "files":
            files[match.group(2)] = request.FILES.getlist(name)
        else:
            unknown.append(name)
    if unknown:
        raise InvalidInput(
            fields={
                name: [_("Name a part evidence[<field>] or files[<field>].")] for name in unknown
            }
        )
    return serializer.validated_data, evidence, files


class TaskResultApi(IdempotentMixin, APIView):
    """Record a step's result: done (with evidence and its files), not applicable (with the
    reason), or, from the level above, the instruction that opens a waiting step."""

    required_scopes = {"POST": WRITE}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": TaskResultInputSerializer,
            "multipart/form-data": TASK_RESULT_FORM,
        },
        responses={200: TaskSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, task_id: int):
        data, evidence, files = _task_result_input(request)
        actor = Actor.from_request(request)
        selectors.task_get(actor=actor, number=number, task_id=task_id)
        note = data.get("note", "")
        if data["result"] == "done":
            task = services.task_complete(
                actor=actor, task_id=task_id, note=note, evidence=evidence, files=files
            )
        elif files:
            raise InvalidInput(fields={"files": [_("Only a step recorded as done has files.")]})
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


def _task_response(task) -> Response:
    task.refresh_from_db()
    _records_attach([task], task.incident)
    return Response(TaskSerializer(task).data)


OWNER_CONFLICT = OpenApiResponse(
    description=(
        "The step is finished, someone else holds it (claim), or it changed from the "
        "`expected_assignee` sent."
    )
)


class TaskClaimApi(IdempotentMixin, APIView):
    """Take a step as your own: a person holding a role of its level at its unit, while
    nobody holds it (docs/owners.md). API clients hold no step (403)."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=TaskClaimInputSerializer,
        responses={200: TaskSerializer, 409: OWNER_CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, task_id: int):
        serializer = TaskClaimInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        selectors.task_get(actor=actor, number=number, task_id=task_id)
        task = services.task_claim(
            actor=actor,
            task=task_id,
            expected_assignee=serializer.validated_data.get("expected_assignee", ASSIGNEE_UNSET),
        )
        return _task_response(task)


class TaskAssignApi(IdempotentMixin, APIView):
    """Assign (or reassign) a step to a named person who may hold it: by the level's lead
    role or head of operations at the step's unit, or an API client within its scope. The
    person is told."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=TaskAssignInputSerializer,
        responses={200: TaskSerializer, 409: OWNER_CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, task_id: int):
        serializer = TaskAssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        selectors.task_get(actor=actor, number=number, task_id=task_id)
        data = serializer.validated_data
        task = services.task_assign(
            actor=actor,
            task=task_id,
            user=data["user"],
            expected_assignee=data.get("expected_assignee", ASSIGNEE_UNSET),
        )
        return _task_response(task)


class TaskUnassignApi(IdempotentMixin, APIView):
    """Give a step back to its owner role: by the person holding it, or whoever may assign
    it."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=TaskUnassignInputSerializer,
        responses={200: TaskSerializer, 409: OWNER_CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, task_id: int):
        serializer = TaskUnassignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        selectors.task_get(actor=actor, number=number, task_id=task_id)
        data = serializer.validated_data
        task = services.task_unassign(
            actor=actor,
            task=task_id,
            reason=data.get("reason", ""),
            expected_assignee=data.get("expected_assignee", ASSIGNEE_UNSET),
        )
        return _task_response(task)


class TaskListApi(generics.ListAPIView):
    """Steps to work, most urgent first: a person's queue (their unit's open and waiting
    steps at their levels, and the waiting steps below that their level instructs); for an
    API client, the open and waiting steps in its subtree. `assignee`: `me` (the steps you
    hold), `none` (nobody holds them) or a person's id."""

    serializer_class = TaskListSerializer
    required_scopes = {"GET": READ}
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return selectors.task_list(
            actor=Actor.from_request(self.request),
            assignee=self.request.query_params.get("assignee", "").strip(),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "assignee",
                str,
                description="`me`, `none` or a person's id.",
                pattern=r"^(me|none|[1-9][0-9]*)$",
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


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
                    "field": {
                        "type": "string",
                        "pattern": r"^[a-z][a-z0-9_]*$",
                        "description": "The task's file field this file is for (its only "
                        "file field when not given).",
                    },
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
            raise InvalidInput(fields={"file": [_("Attach a file.")]})
        task = request.data.get("task") or None
        if task is not None and not str(task).isdigit():
            raise InvalidInput(fields={"task": [_("Give the task's id, a whole number.")]})
        evidence = services.evidence_attach(
            actor=actor,
            incident_id=incident_id,
            uploaded_file=upload,
            task_id=int(task) if task is not None else None,
            field=request.data.get("field", ""),
            description=request.data.get("description", ""),
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- the amounts: ledger, amount lost, outcome ---------------------------------------------------

CONFLICT = OpenApiResponse(description="Changed by someone else, or already done.")


def _amounts(request, number: str) -> Response:
    incident = selectors.incident_ledger(actor=Actor.from_request(request), number=number)
    return IncidentAmountsSerializer(incident).data


class IncidentLedgerApi(IdempotentMixin, APIView):
    """The incident's amounts and ledger (GET); record a recovery or a prevention (POST:
    201 with the entry, or 200 with the entry already recorded under the same kind, source
    and reference)."""

    required_scopes = {"GET": READ, "POST": WRITE}

    @extend_schema(responses=IncidentAmountsSerializer, operation_id="incidents_ledger_read")
    def get(self, request, number: str):
        return Response(_amounts(request, number))

    @extend_schema(
        request=LedgerEntryInputSerializer,
        responses={201: LedgerEntrySerializer, 200: LedgerEntrySerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_ledger_record",
    )
    def post(self, request, number: str):
        serializer = LedgerEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        entry, created = services.ledger_entry_record(
            actor=actor,
            incident_id=incident_id,
            data=serializer.validated_data,
            expected_revision=serializer.validated_data.get("expected_revision"),
        )
        return Response(
            LedgerEntrySerializer(entry).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class LedgerEntryVoidApi(IdempotentMixin, APIView):
    """Void a wrong ledger entry, with the reason; the totals leave it out."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=LedgerVoidInputSerializer,
        responses={200: LedgerEntrySerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str, entry_id: int):
        serializer = LedgerVoidInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        entry = services.ledger_entry_void(
            actor=actor,
            incident_id=incident_id,
            entry_id=entry_id,
            reason=serializer.validated_data["reason"],
            expected_revision=serializer.validated_data.get("expected_revision"),
        )
        return Response(LedgerEntrySerializer(entry).data)


class IncidentAmountLostApi(IdempotentMixin, APIView):
    """Correct the amount lost, with the reason; the outcome follows (unless set by hand)."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=AmountLostInputSerializer,
        responses={200: IncidentAmountsSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = AmountLostInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        services.incident_amount_lost_set(
            actor=actor,
            incident_id=incident_id,
            amount=serializer.validated_data["amount_lost"],
            reason=serializer.validated_data["reason"],
            expected_revision=serializer.validated_data.get("expected_revision"),
        )
        return Response(_amounts(request, number))


class IncidentOutcomeApi(IdempotentMixin, APIView):
    """Set the outcome by hand with the reason (it then stays until cleared), or send
    `outcome: null` to let it follow the amounts again."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=OutcomeInputSerializer,
        responses={200: IncidentAmountsSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = OutcomeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        data = serializer.validated_data
        if data["outcome"] is None:
            services.incident_outcome_clear(
                actor=actor,
                incident_id=incident_id,
                reason=data.get("reason", ""),
                expected_revision=data.get("expected_revision"),
            )
        else:
            services.incident_outcome_set(
                actor=actor,
                incident_id=incident_id,
                outcome=data["outcome"],
                reason=data.get("reason", ""),
                expected_revision=data.get("expected_revision"),
            )
        return Response(_amounts(request, number))
