"""One API view per operation; each calls one service or selector."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope, Level
from fraudops.core.errors import InvalidInput, NotFound
from fraudops.core.models import OrgUnit
from fraudops.core.parsing import FieldErrors, parse_datetime
from incidents.models import Incident

from .. import selectors, services
from ..choices import DeliveryChannel, InstructionStatus, Period
from ..models import AssistanceRequest, ControlRequest, FreezeInstruction
from .filters import AssistanceRequestFilter, ControlRequestFilter, FreezeInstructionFilter
from .serializers import (
    AcknowledgeInputSerializer,
    ApproveInputSerializer,
    AssistanceRequestSerializer,
    ConfirmInputSerializer,
    ControlRequestCreateSerializer,
    ControlRequestSerializer,
    FreezeInstructionSerializer,
    ImmediateStopInputSerializer,
    ReasonInputSerializer,
    ReversalCreateSerializer,
    ReviewInputSerializer,
    TimelinessRowSerializer,
)

READ = ApiScope.FREEZES_READ
WRITE = ApiScope.FREEZES_WRITE
INCIDENT_WRITE = ApiScope.INCIDENTS_WRITE

CONFLICT = OpenApiResponse(description="Decided or changed by someone else at the same time.")


def _incident_id(number: str) -> int:
    incident_id = Incident.objects.filter(number=number).values_list("pk", flat=True).first()
    if incident_id is None:
        # The same answer as an incident out of the caller's scope (the services' rule).
        raise NotFound(_("No such incident."))
    return incident_id


def _control_response(request, number: str, *, status_code=status.HTTP_200_OK) -> Response:
    control = selectors.control_request_get(actor=Actor.from_request(request), number=number)
    return Response(ControlRequestSerializer(control).data, status=status_code)


def _written_response(control: ControlRequest, *, status_code=status.HTTP_200_OK) -> Response:
    """The request as the service left it: it already holds what the answer shows (the
    actor just acted on it, so may see it), and a write answers without the list's joins."""
    return Response(ControlRequestSerializer(control).data, status=status_code)


class ControlRequestListApi(IdempotentMixin, generics.ListAPIView):
    """Account control requests the caller can see (GET), or request a stop-payment or
    freeze on one or more accounts of an incident (POST, staff only)."""

    serializer_class = ControlRequestSerializer
    filterset_class = ControlRequestFilter
    required_scopes = {"GET": READ, "POST": INCIDENT_WRITE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the shapes
            return ControlRequest.objects.none()
        return selectors.control_request_list(actor=Actor.from_request(self.request))

    @extend_schema(
        request=ControlRequestCreateSerializer,
        responses={201: ControlRequestSerializer(many=True)},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="control_requests_create",
    )
    def post(self, request):
        serializer = ControlRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.control_requests_create(
            actor=Actor.from_request(request),
            incident_id=_incident_id(data["incident"]),
            kind=data["kind"],
            targets=[dict(target) for target in data["accounts"]],
            reason=data.get("reason", ""),
        )
        return Response(
            ControlRequestSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )


class ReversalRequestCreateApi(IdempotentMixin, APIView):
    """Ask the region's remote authorisation centre to authorise reversing a remittance."""

    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ReversalCreateSerializer,
        responses={201: ControlRequestSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        serializer = ReversalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        incident_id = _incident_id(data.pop("incident"))
        control = services.reversal_request_create(
            actor=Actor.from_request(request), incident_id=incident_id, **data
        )
        return _written_response(control, status_code=status.HTTP_201_CREATED)


class ImmediateStopPaymentCreateApi(IdempotentMixin, APIView):
    """The filing branch stops an account opened at its own outlet at once: the instruction
    goes to core banking without approval, and the sub-branch reviews it afterwards."""

    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ImmediateStopInputSerializer,
        responses={201: ControlRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request):
        serializer = ImmediateStopInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        control = services.immediate_stop_payment_create(
            actor=Actor.from_request(request),
            incident_id=_incident_id(data["incident"]),
            account_id=data["account"],
            amount=data.get("amount") or None,
            reason=data.get("reason", ""),
        )
        return _written_response(control, status_code=status.HTTP_201_CREATED)


class ControlRequestReviewApi(IdempotentMixin, APIView):
    """The sub-branch reviews an immediate stop-payment: confirm it, or release it (never
    by its requester)."""

    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ReviewInputSerializer,
        responses={200: ControlRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        control = services.immediate_stop_payment_review(
            actor=Actor.from_request(request),
            number=number,
            outcome=data["outcome"],
            note=data.get("note", ""),
            expected_state=data.get("expected_state"),
        )
        return _written_response(control)


class ControlRequestDetailApi(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(responses=ControlRequestSerializer)
    def get(self, request, number: str):
        return _control_response(request, number)


class ControlRequestApproveApi(IdempotentMixin, APIView):
    """Approve a request (the approver role of the approving sub-branch; never one's own)."""

    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ApproveInputSerializer,
        responses={200: ControlRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = ApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        control = services.control_request_approve(
            actor=Actor.from_request(request),
            number=number,
            expected_state=serializer.validated_data.get("expected_state"),
        )
        return _written_response(control)


class ControlRequestRejectApi(IdempotentMixin, APIView):
    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ReasonInputSerializer,
        responses={200: ControlRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        control = services.control_request_reject(
            actor=Actor.from_request(request),
            number=number,
            reason=serializer.validated_data["reason"],
            expected_state=serializer.validated_data.get("expected_state"),
        )
        return _written_response(control)


class ControlRequestWithdrawApi(IdempotentMixin, APIView):
    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ReasonInputSerializer,
        responses={200: ControlRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        control = services.control_request_withdraw(
            actor=Actor.from_request(request),
            number=number,
            reason=serializer.validated_data["reason"],
        )
        return _written_response(control)


class ControlRequestReleaseApi(IdempotentMixin, APIView):
    """Ask to release an executed hold: creates a release request, approved like the hold."""

    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=ReasonInputSerializer,
        responses={201: ControlRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, number: str):
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        release = services.control_release_request(
            actor=Actor.from_request(request),
            number=number,
            reason=serializer.validated_data["reason"],
        )
        return _written_response(release, status_code=status.HTTP_201_CREATED)


class AssistanceRequestListApi(generics.ListAPIView):
    """Cross-region assistance requests received or sent by the caller's region (head
    office: all)."""

    serializer_class = AssistanceRequestSerializer
    filterset_class = AssistanceRequestFilter
    required_scopes = {"GET": READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AssistanceRequest.objects.none()
        return selectors.assistance_queue(actor=Actor.from_request(self.request))


class AssistanceAcknowledgeApi(IdempotentMixin, APIView):
    required_scopes = {"POST": INCIDENT_WRITE}

    @extend_schema(
        request=AcknowledgeInputSerializer,
        responses={200: AssistanceRequestSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk: int):
        serializer = AcknowledgeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        services.assistance_acknowledge(
            actor=actor, assistance_id=pk, note=serializer.validated_data.get("note", "")
        )
        assistance = selectors.assistance_get(actor=actor, pk=pk)
        return Response(AssistanceRequestSerializer(assistance).data)


class FreezeInstructionListApi(generics.ListAPIView):
    """Instructions for core banking (`?status=pending`: those awaiting confirmation).

    When an API client pulls, the instructions on the page count as delivered to it: each
    approved request they carry becomes `sent`. Pull again until each is confirmed."""

    serializer_class = FreezeInstructionSerializer
    filterset_class = FreezeInstructionFilter
    required_scopes = {"GET": READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FreezeInstruction.objects.none()
        return selectors.freeze_instruction_list(actor=Actor.from_request(self.request))

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = list(self.paginate_queryset(queryset))
        actor = Actor.from_request(request)
        undelivered = [
            i.pk for i in page if i.delivered_at is None and i.status == InstructionStatus.PENDING
        ]
        if actor.client is not None and undelivered:
            services.instructions_mark_delivered(
                actor=actor, instruction_ids=undelivered, via=DeliveryChannel.PULL
            )
            fresh = {i.pk: i for i in self.get_queryset().filter(pk__in=undelivered)}
            page = [fresh.get(i.pk, i) for i in page]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FreezeInstructionDetailApi(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(responses=FreezeInstructionSerializer)
    def get(self, request, pk: int):
        instruction = selectors.freeze_instruction_get(actor=Actor.from_request(request), pk=pk)
        return Response(FreezeInstructionSerializer(instruction).data)


class FreezeInstructionConfirmApi(IdempotentMixin, APIView):
    """Core banking confirms an instruction as executed (with its own reference) or failed.
    Confirming again with the same result changes nothing and answers with the recorded
    state; a different result or reference is refused with 409."""

    required_scopes = {"POST": WRITE}

    @extend_schema(
        request=ConfirmInputSerializer,
        responses={
            200: FreezeInstructionSerializer,
            409: OpenApiResponse(description="Already confirmed differently."),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request, pk: int):
        serializer = ConfirmInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        _instruction, changed = services.instruction_confirm(
            actor=actor, instruction_id=pk, **serializer.validated_data
        )
        instruction = selectors.freeze_instruction_get(actor=actor, pk=pk)
        response = Response(FreezeInstructionSerializer(instruction).data)
        if not changed:
            response["X-FraudOps-Already-Confirmed"] = "true"
        return response


class ControlTimelinessApi(APIView):
    """Filing → request → approval → execution, in seconds, per unit and period (count,
    min, p50, p90, max, mean) over the incidents the caller sees."""

    required_scopes = {"GET": READ}

    @extend_schema(
        parameters=[
            OpenApiParameter("period", enum=Period.values, default=Period.MONTH),
            OpenApiParameter("group_by", enum=[Level.BRANCH, Level.SUB_BRANCH]),
            OpenApiParameter("unit", description="A unit code: only incidents of its subtree."),
            OpenApiParameter("since", description="Filed at or after (ISO 8601)."),
            OpenApiParameter("until", description="Filed before (ISO 8601)."),
        ],
        responses=TimelinessRowSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        errors = FieldErrors()
        bounds = {
            name: errors.collect(
                parse_datetime,
                params.get(name),
                field=name,
                message=_("Use ISO 8601, e.g. 2026-11-01T00:00:00Z."),
            )
            for name in ("since", "until")
        }
        errors.raise_if_any()
        unit = None
        if params.get("unit"):
            unit = OrgUnit.objects.filter(code=params["unit"]).first()
            if unit is None:
                raise InvalidInput(fields={"unit": [_("No org unit has this code.")]})
        rows = selectors.control_timeliness(
            actor=Actor.from_request(request),
            period=params.get("period", Period.MONTH),
            group_by=params.get("group_by", Level.SUB_BRANCH),
            unit=unit,
            **bounds,
        )
        return Response(TimelinessRowSerializer(rows, many=True).data)
