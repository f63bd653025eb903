"""API clients authenticate with `Authorization: Bearer <token>` (or `Token <token>`)."""

from typing import NoReturn

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiClient
from ..sign_in_audit import audit_token_refused


class ApiClientAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2 or "\x00" in header[1]:
            self.refuse(request, None, "malformed", _("Send the token as 'Bearer <token>'."))
        raw = header[1]
        client = (
            ApiClient.objects.select_related("unit")
            .filter(key_prefix=raw[:12])
            .order_by("-is_active", "pk")
            .first()
        )
        if client is None or not client.key_matches(raw):
            # A matching prefix with a wrong secret names no one: only a real key does.
            self.refuse(request, None, "unknown", _("The API token is not valid or revoked."))
        if not client.is_active:
            self.refuse(request, client, "revoked", _("The API token is not valid or revoked."))
        request._request.api_client = client
        return (None, client)

    @staticmethod
    def refuse(request, client, reason: str, message) -> NoReturn:
        """Audit the refused token (never the token itself), then answer 401."""
        audit_token_refused(
            request=request._request, client=client, reason=reason, message=str(message)
        )
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request):
        return 'Bearer realm="fraudops"'


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "fraudops.core.api.authentication.ApiClientAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Per-client API token."}
