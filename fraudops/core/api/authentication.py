"""API clients authenticate with `Authorization: Bearer <token>` (or `Token <token>`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiClient


class ApiClientAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as 'Bearer <token>'."))
        raw = header[1]
        client = (
            ApiClient.objects.select_related("unit")
            .filter(key_prefix=raw[:12], is_active=True)
            .first()
        )
        if client is None or not client.key_matches(raw):
            raise exceptions.AuthenticationFailed(_("The API token is not valid or revoked."))
        request._request.api_client = client
        return (None, client)

    def authenticate_header(self, request):
        return 'Bearer realm="fraudops"'


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "fraudops.core.api.authentication.ApiClientAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Per-client API token."}
