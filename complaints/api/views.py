"""One API view per operation; each calls one service or selector."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comments.api.views import CommentDetailApi, CommentListApi
from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope

from .. import selectors, services
from ..models import Complaint
from .filters import ComplaintFilter
from .serializers import (
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintIncidentLinkInputSerializer,
    ComplaintIncidentUnlinkInputSerializer,
    ComplaintInvestigationInputSerializer,
    ComplaintOutcomeInputSerializer,
    ComplaintReplyDraftInputSerializer,
    ComplaintReviewInputSerializer,
    ComplaintSendInputSerializer,
    ComplaintSerializer,
    ComplaintWithdrawInputSerializer,
)

READ = ApiScope.COMPLAINTS_READ
WRITE = ApiScope.COMPLAINTS_WRITE
CONFLICT = OpenApiResponse(description="Not possible in the complaint's state, or changed at once.")


def _detail(request: Request, number: str, *, status_code: int = status.HTTP_200_OK) -> Response:
    complaint = selectors.complaint_get(actor=Actor.from_request(request), number=number)
    return Response(ComplaintDetailSerializer(complaint).data, status=status_code)


class ComplaintListApi(IdempotentMixin, generics.ListAPIView):
    """Complaints the caller sees (GET, filtered), or file one (POST)."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    required_scopes = {"GET": READ, "POST": WRITE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the shapes
            return Complaint.objects.none()
        return selectors.complaint_list(actor=Actor.from_request(self.request))

    @extend_schema(
        request=ComplaintCreateSerializer,
        responses={201: ComplaintDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="complaints_create",
    )
    def post(self, request: Request) -> Response:
        serializer = ComplaintCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["complainant"] = dict(data.get("complainant") or {})
        complaint = services.complaint_file(actor=Actor.from_request(request), data=data)
        return _detail(request, complaint.number, status_code=status.HTTP_201_CREATED)


class ComplaintDetailApi(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(responses={200: ComplaintDetailSerializer})
    def get(self, request: Request, number: str) -> Response:
        return _detail(request, number)


class _WriteApi(IdempotentMixin, APIView):
    required_scopes = {"POST": WRITE}


class ComplaintLinkApi(_WriteApi):
    """Link an incident (the caller must see both)."""

    @extend_schema(
        request=ComplaintIncidentLinkInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintIncidentLinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.complaint_incident_link(
            actor=Actor.from_request(request),
            number=number,
            incident_number=data["incident"],
            note=data.get("note", ""),
        )
        return _detail(request, number)


class ComplaintUnlinkApi(_WriteApi):
    @extend_schema(
        request=ComplaintIncidentUnlinkInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintIncidentUnlinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.complaint_incident_unlink(
            actor=Actor.from_request(request),
            number=number,
            incident_number=data["incident"],
            reason=data["reason"],
        )
        return _detail(request, number)


class ComplaintInvestigationApi(_WriteApi):
    @extend_schema(
        request=ComplaintInvestigationInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintInvestigationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_investigation_record(
            actor=Actor.from_request(request),
            number=number,
            findings=serializer.validated_data["findings"],
        )
        return _detail(request, number)


class ComplaintReviewApi(_WriteApi):
    """The level above records its compliance review."""

    @extend_schema(
        request=ComplaintReviewInputSerializer,
        responses={201: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.complaint_review_record(
            actor=Actor.from_request(request),
            number=number,
            conclusion=data["conclusion"],
            finding=data["finding"],
        )
        return _detail(request, number, status_code=status.HTTP_201_CREATED)


class ComplaintReplyDraftApi(_WriteApi):
    @extend_schema(
        request=ComplaintReplyDraftInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintReplyDraftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_reply_draft(
            actor=Actor.from_request(request), number=number, text=serializer.validated_data["text"]
        )
        return _detail(request, number)


class ComplaintSignOffApi(_WriteApi):
    """The responsible manager signs the reply off; its author is refused (four-eyes)."""

    @extend_schema(
        request=None,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        services.complaint_reply_sign_off(actor=Actor.from_request(request), number=number)
        return _detail(request, number)


class ComplaintSendApi(_WriteApi):
    @extend_schema(
        request=ComplaintSendInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintSendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_reply_send(
            actor=Actor.from_request(request),
            number=number,
            channel=serializer.validated_data["channel"],
        )
        return _detail(request, number)


class ComplaintOutcomeApi(_WriteApi):
    """Set the outcome once the reply was sent (closes the complaint)."""

    @extend_schema(
        request=ComplaintOutcomeInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintOutcomeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.complaint_close(
            actor=Actor.from_request(request),
            number=number,
            outcome=data["outcome"],
            note=data.get("note", ""),
        )
        return _detail(request, number)


class ComplaintWithdrawApi(_WriteApi):
    @extend_schema(
        request=ComplaintWithdrawInputSerializer,
        responses={200: ComplaintDetailSerializer, 409: CONFLICT},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def post(self, request: Request, number: str) -> Response:
        serializer = ComplaintWithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complaint_withdraw(
            actor=Actor.from_request(request),
            number=number,
            reason=serializer.validated_data["reason"],
        )
        return _detail(request, number)


# The complaint's internal discussion: the comments app's own views, under the complaint's
# path and with operation ids of their own.
@extend_schema_view(
    get=extend_schema(operation_id="complaint_comments_list", tags=["complaints"]),
    post=extend_schema(operation_id="complaint_comments_add", tags=["complaints"]),
)
class ComplaintCommentListApi(CommentListApi):
    """A complaint's comments (`{"key": "complaint"}` in the URL's keywords)."""


@extend_schema_view(
    get=extend_schema(operation_id="complaint_comments_read", tags=["complaints"]),
    patch=extend_schema(operation_id="complaint_comments_edit", tags=["complaints"]),
)
class ComplaintCommentDetailApi(CommentDetailApi):
    """One comment on a complaint, with its history; its author edits it in the window."""
