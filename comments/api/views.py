"""One API view per operation on comments, keyed by the registered subject (the URL gives
`key`: `incidents/<reference>/comments/` is the incident's)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fraudops.core.actors import Actor
from fraudops.core.api.mixins import IDEMPOTENCY_PARAMETER, IdempotentMixin
from fraudops.core.choices import ApiScope

from .. import selectors, services
from ..models import CommentMention
from .serializers import (
    CommentAddInputSerializer,
    CommentDetailSerializer,
    CommentInputSerializer,
    CommentSerializer,
)

READ = ApiScope.INCIDENTS_READ
WRITE = ApiScope.INCIDENTS_WRITE
MENTIONS = Prefetch("mentions", queryset=CommentMention.objects.select_related("user"))
REFUSED = OpenApiResponse(description="Not the author, outside the edit window, or an API client.")


def _resolve(request: Request, key: str, reference: str) -> tuple[Actor, Any]:
    actor = Actor.from_request(request)
    _subject, obj = selectors.subject_resolve(actor=actor, key=key, reference=reference)
    return actor, obj


class CommentListApi(IdempotentMixin, APIView):
    """The subject's comments, oldest first (GET); post one (POST: staff only; JSON, or
    multipart with `files` parts checked like evidence)."""

    required_scopes = {"GET": READ, "POST": WRITE}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses=CommentSerializer(many=True), operation_id="comments_list")
    def get(self, request: Request, key: str, reference: str) -> Response:
        actor, obj = _resolve(request, key, reference)
        comments = selectors.comment_list(actor=actor, obj=obj).prefetch_related(MENTIONS)
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(
        request={
            "application/json": CommentInputSerializer,
            "multipart/form-data": CommentAddInputSerializer,
        },
        responses={201: CommentSerializer, 403: REFUSED},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="comments_add",
    )
    def post(self, request: Request, key: str, reference: str) -> Response:
        actor, obj = _resolve(request, key, reference)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        comment = services.comment_add(
            actor=actor, subject=obj, body=request.data.get("body", ""), files=files
        )
        comment = (
            selectors.comment_list(actor=actor, obj=obj)
            .prefetch_related(MENTIONS)
            .get(pk=comment.pk)
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailApi(IdempotentMixin, APIView):
    """One comment with its earlier texts (GET); edit it (PATCH: its author, within the
    edit window; the earlier text is kept)."""

    required_scopes = {"GET": READ, "PATCH": WRITE}
    parser_classes = [JSONParser]

    def _detail(self, actor: Actor, obj: Any, key: str, reference: str, pk: int) -> Any:
        comment = selectors.comment_get(actor=actor, obj=obj, comment_id=pk)
        return CommentDetailSerializer(comment, context={"key": key, "reference": reference}).data

    @extend_schema(responses=CommentDetailSerializer, operation_id="comments_read")
    def get(self, request: Request, key: str, reference: str, comment_id: int) -> Response:
        actor, obj = _resolve(request, key, reference)
        return Response(self._detail(actor, obj, key, reference, comment_id))

    @extend_schema(
        request=CommentInputSerializer,
        responses={200: CommentDetailSerializer, 403: REFUSED, 409: REFUSED},
        parameters=[IDEMPOTENCY_PARAMETER],
        operation_id="comments_edit",
    )
    def patch(self, request: Request, key: str, reference: str, comment_id: int) -> Response:
        actor, obj = _resolve(request, key, reference)
        selectors.comment_get(actor=actor, obj=obj, comment_id=comment_id)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_edit(
            actor=actor, comment=comment_id, body=serializer.validated_data["body"]
        )
        return Response(self._detail(actor, obj, key, reference, comment_id))
