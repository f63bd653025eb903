from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from ..actors import Actor
from ..idempotency import Replay, form_body, idempotency_claim, idempotency_complete

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string per logical request; retries with the same key and body "
    "return the first answer.",
)


def _request_body(request) -> bytes:
    """The bytes that identify the request: the raw body, or for a multipart upload its
    fields and its files' hashes (parsed here, so the view reads the same parsed data)."""
    if (request.content_type or "").startswith("multipart/form-data"):
        return form_body(
            fields={name: request.POST.getlist(name) for name in request.POST},
            files={name: request.FILES.getlist(name) for name in request.FILES},
        )
    return request._request.body


class IdempotentMixin:
    """Apply `Idempotency-Key` semantics to every write of an APIView."""

    _idempotency_record = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        key = request.headers.get("Idempotency-Key")
        if key and request.method in WRITE_METHODS:
            actor = Actor.from_request(request)
            self._idempotency_record = idempotency_claim(
                owner=actor.idempotency_owner,
                key=key[:255],
                method=request.method,
                path=request.path,
                body=_request_body(request),
            )

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            response = Response(exc.record.response_body, status=exc.record.response_status)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        record = self._idempotency_record
        if record is not None:
            self._idempotency_record = None
            idempotency_complete(
                record=record, status=response.status_code, body=getattr(response, "data", None)
            )
        return super().finalize_response(request, response, *args, **kwargs)
