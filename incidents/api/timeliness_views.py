"""The timeliness API: per incident and per unit and period (moved from workflows.api)."""

# OpenApiTypes, not datetime.date: a type read at import time under freezegun is its fake.
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.choices import ApiScope

from ..selectors import incident_get
from ..timeliness import incident_timeliness, timeliness_by_unit, timeliness_period
from .timeliness_serializers import IncidentTimelinessSerializer, UnitTimelinessSerializer


class IncidentTimelinessApi(APIView):
    """For one incident: filing → each step's completion against its deadline, the
    incident's milestones, and every escalation that fired."""

    required_scopes = {"GET": ApiScope.INCIDENTS_READ}

    @extend_schema(operation_id="incidents_timeliness", responses=IncidentTimelinessSerializer)
    def get(self, request, number: str):
        incident = incident_get(actor=Actor.from_request(request), number=number)
        return Response(IncidentTimelinessSerializer(incident_timeliness(incident=incident)).data)


class UnitTimelinessApi(APIView):
    """For a unit's subtree and a period: the share of steps done on time, per owning unit
    and per step. Steps are counted by the date of their deadline."""

    required_scopes = {"GET": ApiScope.INCIDENTS_READ}

    @extend_schema(
        operation_id="timeliness_by_unit",
        responses=UnitTimelinessSerializer,
        parameters=[
            OpenApiParameter("unit", str, description="Org unit code (default: your own)."),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day (default: 30 days ago)."
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)."),
        ],
    )
    def get(self, request):
        actor = Actor.from_request(request)
        unit, start, end = timeliness_period(
            actor=actor,
            unit_code=request.query_params.get("unit"),
            date_from=request.query_params.get("from"),
            date_to=request.query_params.get("to"),
        )
        figures = timeliness_by_unit(actor=actor, unit=unit, date_from=start, date_to=end)
        return Response(UnitTimelinessSerializer(figures).data)
