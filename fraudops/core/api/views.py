from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from rest_framework import generics

from ..actors import Actor
from ..choices import ApiScope
from ..models import OrgUnit
from ..selectors import org_unit_list
from .serializers import OrgUnitSerializer


class OrgUnitListApi(generics.ListAPIView):
    """The org units the caller can see (its own subtree)."""

    serializer_class = OrgUnitSerializer
    required_scopes = {"GET": ApiScope.ORG_READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OrgUnit.objects.none()
        return org_unit_list(actor=Actor.from_request(self.request))


def healthz(request):
    """Readiness: the database answers, and the broker too when one is configured."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    if settings.REDIS_URL:
        try:
            import redis  # optional: only a deployment with REDIS_URL needs the client

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["broker"] = f"error: {exc.__class__.__name__}"
            healthy = False
    else:
        checks["broker"] = "embedded"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
