"""The facts after filing over the API: one view per resource and method, each calling one
service of `incidents/services/facts.py`; every write honours `Idempotency-Key` and takes
the incident's `expected_revision` (409 when it has moved on)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope

from .. import selectors, services
from ..models import Incident
from .schema import ExplicitBodySchema
from .serializers import (
    AccountAddSerializer,
    AccountChangeSerializer,
    AccountCorrectSerializer,
    FactsInputSerializer,
    IncidentDetailSerializer,
    PartyAddSerializer,
    PartyChangeSerializer,
    PartyCorrectSerializer,
    RemovalInputSerializer,
    VehicleAddSerializer,
    VehicleChangeSerializer,
    VehicleCorrectSerializer,
)

WRITE = ApiScope.INCIDENTS_WRITE


def _detail(request, number: str):
    incident = selectors.incident_get(actor=Actor.from_request(request), number=number)
    return IncidentDetailSerializer(incident).data


CONFLICT_409 = OpenApiResponse(
    description="The incident changed since `expected_revision`, or it is closed or withdrawn."
)


class IncidentFactsApi(IdempotentMixin, APIView):
    """Edit the incident's facts after filing (occurred-at, channel, fraud script, serious)
    and add to its summary."""

    required_scopes = {"PATCH": WRITE}
    schema = ExplicitBodySchema()

    @extend_schema(
        request=FactsInputSerializer,
        responses={200: IncidentDetailSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_facts_update",
    )
    def patch(self, request, number: str):
        serializer = FactsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("expected_revision")
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        services.incident_facts_update(
            actor=actor, incident_id=incident_id, data=data, expected_revision=expected
        )
        return Response(_detail(request, number))


class _RowsApi(IdempotentMixin, APIView):
    """Adding (POST on the collection), correcting (PATCH) and removing (DELETE, with the
    reason in the body) one kind of case-file row; each calls one service."""

    key: str  # the response's key for the row: party, account, vehicle
    add_input: type
    correct_input: type
    output: type
    required_scopes = {"POST": WRITE, "PATCH": WRITE, "DELETE": WRITE}
    schema = ExplicitBodySchema()

    def _answer(self, row, status_code: int = status.HTTP_200_OK) -> Response:
        revision = Incident.objects.filter(pk=row.incident_id).values_list("revision", flat=True)
        body = {"revision": revision.first(), self.key: row}
        return Response(self.output(body).data, status=status_code)

    def _add(self, request, number: str, service) -> Response:
        serializer = self.add_input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("expected_revision")
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        row = service(actor=actor, incident_id=incident_id, data=data, expected_revision=expected)
        return self._answer(row, status.HTTP_201_CREATED)

    def _correct(self, request, number: str, row_id: int, service) -> Response:
        serializer = self.correct_input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("expected_revision")
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        row = service(
            actor=actor,
            incident_id=incident_id,
            data=data,
            expected_revision=expected,
            **{f"{self.key}_id": row_id},
        )
        return self._answer(row)

    def _remove(self, request, number: str, row_id: int, service) -> Response:
        serializer = RemovalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = Actor.from_request(request)
        incident_id = selectors.incident_get_id(actor=actor, number=number)
        row = service(
            actor=actor,
            incident_id=incident_id,
            reason=data["reason"],
            expected_revision=data["expected_revision"],
            **{f"{self.key}_id": row_id},
        )
        return self._answer(row)


class PartiesApi(_RowsApi):
    key, add_input, output = "party", PartyAddSerializer, PartyChangeSerializer

    @extend_schema(
        request=PartyAddSerializer,
        responses={201: PartyChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_parties_add",
    )
    def post(self, request, number: str):
        return self._add(request, number, services.party_add)


class PartyApi(_RowsApi):
    key, correct_input, output = "party", PartyCorrectSerializer, PartyChangeSerializer

    @extend_schema(
        request=PartyCorrectSerializer,
        responses={200: PartyChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_parties_correct",
    )
    def patch(self, request, number: str, row_id: int):
        return self._correct(request, number, row_id, services.party_correct)

    @extend_schema(
        request=RemovalInputSerializer,
        responses={200: PartyChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_parties_remove",
    )
    def delete(self, request, number: str, row_id: int):
        return self._remove(request, number, row_id, services.party_remove)


class AccountsApi(_RowsApi):
    key, add_input, output = "account", AccountAddSerializer, AccountChangeSerializer

    @extend_schema(
        request=AccountAddSerializer,
        responses={201: AccountChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_accounts_add",
    )
    def post(self, request, number: str):
        return self._add(request, number, services.account_add)


class AccountApi(_RowsApi):
    key, correct_input, output = "account", AccountCorrectSerializer, AccountChangeSerializer

    @extend_schema(
        request=AccountCorrectSerializer,
        responses={200: AccountChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_accounts_correct",
    )
    def patch(self, request, number: str, row_id: int):
        return self._correct(request, number, row_id, services.account_correct)

    @extend_schema(
        request=RemovalInputSerializer,
        responses={200: AccountChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_accounts_remove",
    )
    def delete(self, request, number: str, row_id: int):
        return self._remove(request, number, row_id, services.account_remove)


class VehiclesApi(_RowsApi):
    key, add_input, output = "vehicle", VehicleAddSerializer, VehicleChangeSerializer

    @extend_schema(
        request=VehicleAddSerializer,
        responses={201: VehicleChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_vehicles_add",
    )
    def post(self, request, number: str):
        return self._add(request, number, services.vehicle_add)


class VehicleApi(_RowsApi):
    key, correct_input, output = "vehicle", VehicleCorrectSerializer, VehicleChangeSerializer

    @extend_schema(
        request=VehicleCorrectSerializer,
        responses={200: VehicleChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_vehicles_correct",
    )
    def patch(self, request, number: str, row_id: int):
        return self._correct(request, number, row_id, services.vehicle_correct)

    @extend_schema(
        request=RemovalInputSerializer,
        responses={200: VehicleChangeSerializer, 409: CONFLICT_409},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="incidents_vehicles_remove",
    )
    def delete(self, request, number: str, row_id: int):
        return self._remove(request, number, row_id, services.vehicle_remove)
