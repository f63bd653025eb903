"""The watch list's REST API: screening for core banking, the change feed, entries, and
nominations (staff only). One view per operation; each calls one service or selector."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope
from fraudops.core.errors import InvalidInput, NotFound
from incidents.models import Incident

from .. import permissions, selectors, services
from ..choices import ScreeningChannel
from ..models import Entry, Nomination
from ..screening import screen, screening_parties
from .serializers import (
    ChangeFeedSerializer,
    DecisionInputSerializer,
    EntrySerializer,
    NominationInputSerializer,
    NominationSerializer,
    ScreeningInputSerializer,
    ScreeningOutputSerializer,
)

READ = ApiScope.WATCHLIST_READ


class ScreeningApi(APIView):
    """Screen up to 100 parties against the watch list, synchronously.

    Exact identifier matches (ID number, credit/organisation code, account or card, phone,
    web address or its registrable domain, bill number) answer `hit`; a name that only
    resembles a listed one, at or above head office's threshold, answers `review`; else
    `clear`. `reason` names the rule that matched. Results come in the parties' order.
    Every screening is logged with a keyed digest of what was screened. A screening that
    cannot finish in its time budget answers `review` (with `complete: false`), never a
    false `clear`. Reads only, so no Idempotency-Key is needed: repeat it freely.
    """

    required_scopes = {"POST": ApiScope.SCREENING}

    @extend_schema(
        request=ScreeningInputSerializer,
        responses={200: ScreeningOutputSerializer},
        operation_id="screening",
    )
    def post(self, request):
        actor = Actor.from_request(request)
        permissions.check_may_screen(actor)
        parties = screening_parties(request.data)
        results = screen(actor=actor, parties=parties, channel=ScreeningChannel.API)
        return Response({"results": [result.as_dict() for result in results]})


class ChangeFeedApi(APIView):
    """Every publish, update, removal and expiry after `cursor`, in commit order.

    Start without a cursor; store `next_cursor` and pass it next time. `has_more` says a
    further page is ready now. Each change carries the entry's data and its exact keys
    (empty once it is no longer active), enough to keep a local copy.
    """

    required_scopes = {"GET": READ}

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="next_cursor of the previous page"),
            OpenApiParameter("limit", int, description="1 to 1000 (default 100)"),
        ],
        responses={200: ChangeFeedSerializer},
        operation_id="watchlist_changes",
    )
    def get(self, request):
        limit = request.query_params.get("limit") or selectors.FEED_PAGE
        if not str(limit).isdigit():
            raise InvalidInput(fields={"limit": [_("Give a number from 1 to 1000.")]})
        page = selectors.changes_since(
            actor=Actor.from_request(request),
            cursor=request.query_params.get("cursor"),
            limit=int(limit),
        )
        return Response(ChangeFeedSerializer(page).data)


class EntryListApi(generics.ListAPIView):
    """Watch-list entries (newest first); filter with `kind` and `status`."""

    serializer_class = EntrySerializer
    queryset = Entry.objects.none()  # for the schema; get_queryset() is the real one
    required_scopes = {"GET": READ}

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str),
            OpenApiParameter("status", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.entry_list(
            actor=Actor.from_request(self.request),
            kind=params.get("kind", ""),
            status=params.get("status", ""),
        )


class EntryDetailApi(APIView):
    """One entry by its id: a single primary-key read."""

    required_scopes = {"GET": READ}

    @extend_schema(responses={200: EntrySerializer}, operation_id="watchlist_entry")
    def get(self, request, entry_id: int):
        row = selectors.entry_row(actor=Actor.from_request(request), entry_id=entry_id)
        return Response(row)


class NominationListApi(IdempotentMixin, generics.ListAPIView):
    """Nominations the caller may see (GET); nominate a subject (POST, monitors)."""

    serializer_class = NominationSerializer
    queryset = Nomination.objects.none()  # for the schema; get_queryset() is the real one
    required_scopes = {"GET": READ}

    def get_queryset(self):
        actor = Actor.from_request(self.request)
        permissions.check_may_handle_nominations(actor)
        return selectors.nomination_list(
            actor=actor, status=self.request.query_params.get("status", "")
        )

    @extend_schema(
        request=NominationInputSerializer,
        responses={201: NominationSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="watchlist_nominate",
    )
    def post(self, request):
        actor = Actor.from_request(request)
        permissions.check_may_handle_nominations(actor)
        serializer = NominationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incident_id = None
        if data.get("incident"):
            incident = Incident.objects.filter(number=data["incident"]).first()
            if incident is None:
                raise NotFound(_("No such incident."))
            incident_id = incident.pk
        nomination = services.nomination_create(
            actor=actor,
            kind=data["kind"],
            data=data["data"],
            reason=data["reason"],
            incident_id=incident_id,
            review_on=data.get("review_on"),
            expires_on=data.get("expires_on"),
        )
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)


class NominationDecisionApi(IdempotentMixin, APIView):
    """Head office approves (publishing the entry) or rejects a nomination, with a reason."""

    required_scopes = {"POST": READ}

    @extend_schema(
        request=DecisionInputSerializer,
        responses={
            200: NominationSerializer,
            403: OpenApiResponse(description="Not head office, or the nominator (four-eyes)."),
            409: OpenApiResponse(description="Already decided."),
        },
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="watchlist_nomination_decide",
    )
    def post(self, request, nomination_id: int):
        actor = Actor.from_request(request)
        permissions.check_may_handle_nominations(actor)
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["decision"] == "approve":
            services.nomination_approve(
                actor=actor,
                nomination_id=nomination_id,
                reason=data["reason"],
                review_on=data.get("review_on"),
                expires_on=data.get("expires_on"),
            )
        else:
            services.nomination_reject(
                actor=actor, nomination_id=nomination_id, reason=data["reason"]
            )
        nomination = selectors.nomination_get(actor=actor, nomination_id=nomination_id)
        return Response(NominationSerializer(nomination).data)


# The same operations under the other spelling of their path (with or without the final
# slash), left out of the OpenAPI document so each operation is described once.
@extend_schema(exclude=True)
class ScreeningAliasApi(ScreeningApi):
    pass


@extend_schema(exclude=True)
class ChangeFeedAliasApi(ChangeFeedApi):
    pass


@extend_schema(exclude=True)
class EntryDetailAliasApi(EntryDetailApi):
    pass
